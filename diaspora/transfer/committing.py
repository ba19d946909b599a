"""Committing an analysed import (all rows in one transaction, or none) and undoing it.

Every row goes through the contact services (validation, the duplicate check, the audit trail);
the search index is refreshed a chunk of contacts at a time. Undo reverses a batch whose
records nobody has edited since.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from diaspora.audit import services as audit
from diaspora.contacts import consent as consents
from diaspora.contacts import indexing
from diaspora.contacts.data import (
    ContactData,
    ExpertiseEntry,
    MembershipEntry,
    data_from_contact,
)
from diaspora.contacts.duplicates import found_by
from diaspora.contacts.errors import DuplicatesFound, StaleVersion
from diaspora.contacts.services import create_contact, update_contact
from diaspora.contacts.trash import delete_contact, purge_contact
from diaspora.errors import Conflict, ValidationFailed
from diaspora.extensions import db
from diaspora.models import ConsentRecord, Contact, ImportBatch, ImportRow, User, utcnow
from diaspora.transfer.analysis import Progress, load_reference, source_note
from diaspora.transfer.cells import Reference
from diaspora.transfer.imports import count_rows, previous_imports
from diaspora.transfer.mapping import row_to_data
from diaspora.transfer.prefilter import DuplicateScreen

COMMIT_CHUNK = 500


@dataclass
class _Written:
    """What the batch has written so far, for the rows after: the records it created, the
    version it left each updated record at, and the duplicate screen kept in step."""

    screen: DuplicateScreen
    created: set[int] = field(default_factory=set)
    updated: dict[int, int] = field(default_factory=dict)

    def wrote(self, contact: Contact, *, created: bool) -> None:
        if created:
            self.created.add(contact.id)
        else:
            self.updated[contact.id] = contact.version
        self.screen.learn(contact)


def _json_data(data: ContactData) -> dict:
    state = asdict(data)
    if isinstance(state.get("verified_on"), date):
        state["verified_on"] = state["verified_on"].isoformat()
    return state


def _data_from_json(state: dict) -> ContactData:
    state = dict(state)
    state["expertise"] = [ExpertiseEntry(**item) for item in state.get("expertise", [])]
    state["memberships"] = [MembershipEntry(**item) for item in state.get("memberships", [])]
    return ContactData(**state)


SCALAR_TARGETS = (
    "full_name", "foreign_name", "former_names", "gender", "birth_year", "origin_commune",
    "origin_district_old", "country", "city", "address", "website", "occupation", "title",
    "employer", "preferred_language", "status", "notes",
)  # fmt: skip
LIST_TARGETS = {
    "email": "emails", "phone": "phones", "languages": "languages", "categories": "categories",
    "expertise": "expertise", "organization": "memberships",
}  # fmt: skip


def merge_data(existing: ContactData, incoming: ContactData, targets: set[str], mode: str):
    """``fill``: only empty fields take the file's value; ``overwrite``: every mapped, non-empty
    cell replaces the registry's value. Empty cells never erase anything."""
    result = replace(existing)
    for name in SCALAR_TARGETS:
        if name not in targets:
            continue
        new = getattr(incoming, name)
        if new in ("", None):
            continue
        if mode == "overwrite" or getattr(existing, name) in ("", None):
            setattr(result, name, new)
    for target, name in LIST_TARGETS.items():
        if target not in targets:
            continue
        new = getattr(incoming, name)
        if new and (mode == "overwrite" or not getattr(existing, name)):
            setattr(result, name, list(new))
    for name in targets:
        if name.startswith("willing_") and getattr(incoming, name):
            setattr(result, name, True)
    if incoming.legal_basis and (mode == "overwrite" or not existing.legal_basis):
        result.legal_basis = incoming.legal_basis
    return result


def _stale(row: ImportRow, message=None) -> Conflict:
    return Conflict(
        message
        or _l(
            "Row %(line)d no longer matches what the preview showed: the registry changed "
            "since. Nothing was imported; analyse the file again.",
            line=row.line,
        )
    )


def _create(row: ImportRow, values, known: list[int], created: set[int], *, actor: User):
    """Create the row's contact. Likely duplicates among the contacts this same batch created
    are other rows of the file, which the analysis found distinct: they do not stop it."""
    try:
        return create_contact(values.data, actor=actor, consent=values.consent, acknowledged=known)
    except DuplicatesFound as error:
        ids = [match.contact.id for match in error.matches]
        if not set(ids) - created - set(known):
            return create_contact(
                values.data, actor=actor, consent=values.consent, acknowledged=ids + known
            )
        raise _stale(row) from None
    except ValidationFailed:
        raise _stale(row) from None


def each_row(batch: ImportBatch, *, size: int = 500):
    """The batch's rows in order, ``size`` at a time. After each chunk the session is flushed
    and lets go of the rows and contacts it holds, so memory stays flat for any file."""
    last = -1
    while True:
        rows = db.session.scalars(
            select(ImportRow)
            .where(ImportRow.batch_id == batch.id, ImportRow.position > last)
            .order_by(ImportRow.position)
            .limit(size)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].position
        db.session.flush()
        for instance in list(db.session.identity_map.values()):
            if isinstance(instance, (ImportRow, Contact)) and instance in db.session:
                db.session.expunge(instance)


def rows_to_write(batch: ImportBatch) -> int:
    counts = batch.counts or {}
    return int(counts.get("new", 0)) + int(counts.get("match", 0))


def _commit_row(
    row: ImportRow,
    batch: ImportBatch,
    reference: Reference,
    note: str,
    mapped: set[str],
    written: _Written,
    *,
    actor: User,
) -> str:
    """Apply one analysed row; returns what happened to it (a key of the commit's counts)."""
    if row.status == "error":
        return "left_out"
    action = "create" if row.status == "new" else (row.action or batch.default_action)
    if action == "skip":
        row.result = "skipped"
        return "skipped"
    values = row_to_data(row.cells, batch.targets, reference, source_note=note)
    known = [row.match_id, *row.other_matches] if row.match_id else []
    if action == "create":
        contact = _create(row, values, known, written.created, actor=actor)
        written.wrote(contact, created=True)
        row.result = "created"
    else:
        contact = db.session.get(Contact, row.match_id) if row.match_id else None
        # Two rows of the file may match the same record: the version the batch itself left
        # it at is as good as the one seen in the preview.
        if (
            contact is None
            or contact.is_deleted
            or contact.version not in (row.match_version, written.updated.get(contact.id))
        ):
            raise _stale(row)
        before = data_from_contact(contact)
        added: list[int] = []
        if values.consent is not None:
            wanted = [p for p in values.consent.purposes if contact.active_consent(p) is None]
            if wanted:
                checked = consents.validate_consent(
                    replace(values.consent, purposes=wanted), prefix="consent_"
                )
                added = [r.id for r in consents.add_consents(contact, checked, actor=actor)]
        merged = merge_data(before, values.data, mapped, action)
        try:
            changes = update_contact(
                contact, merged, expected_version=contact.version, actor=actor,
                acknowledged=known,
            )  # fmt: skip
        except DuplicatesFound as error:
            changes = update_contact(
                contact,
                merged,
                expected_version=contact.version,
                actor=actor,
                acknowledged=[m.contact.id for m in error.matches],
            )
        except (ValidationFailed, StaleVersion):
            raise _stale(row) from None
        row.before = {**_json_data(before), "_consents": added}
        row.result = "updated" if changes or added else "unchanged"
        written.wrote(contact, created=False)
    row.contact_id = contact.id
    row.version_after = contact.version
    return row.result


def commit_batch(
    batch: ImportBatch,
    *,
    actor: User,
    skip_errors: bool = False,
    confirm_again: bool = False,
    max_rows: int | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Apply every row in this one transaction; any failure raises and nothing is kept.

    ``max_rows``: the web pages commit at most that many rows in one request; larger batches
    are committed with ``flask contacts commit-import``. ``progress`` is told after every
    ``each_row`` chunk how many rows were gone through (nothing is committed until the end).
    """
    if max_rows is not None and rows_to_write(batch) > max_rows:
        raise ValidationFailed.single(
            "commit",
            _l(
                "This import would write %(n)d records; imports of more than %(max)d records "
                "are committed from the command line, with all rows or none as here: "
                "flask --app diaspora contacts commit-import %(id)d",
                n=rows_to_write(batch),
                max=max_rows,
                id=batch.id,
            ),
        )
    if batch.status != "preview":
        raise Conflict(_l("Only an analysed import that has not been committed can be committed."))
    counts = count_rows(batch)
    if counts["error"] and not skip_errors:
        raise ValidationFailed.single(
            "skip_errors",
            _l(
                "%(n)d rows are in error. Fix them in the file and upload it again, or choose "
                "to leave them out.",
                n=counts["error"],
            ),
        )
    earlier = previous_imports(batch)
    if earlier and not confirm_again:
        raise ValidationFailed.single(
            "confirm_again",
            _l(
                "This very file was already imported (import no. %(id)d). Confirm to import it "
                "again.",
                id=earlier[0].id,
            ),
        )
    reference = load_reference()
    note = source_note(batch)
    mapped = {target for target in batch.targets if target}
    result = {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0, "left_out": 0}
    # The registry as it is now, inside this transaction; each row is checked against it
    # and it learns every record written.
    written = _Written(DuplicateScreen())
    # The search index is refreshed a chunk of contacts at a time, not once per contact.
    with indexing.held_back() as release, found_by(written.screen.find):
        for done, row in enumerate(each_row(batch, size=COMMIT_CHUNK), start=1):
            outcome = _commit_row(row, batch, reference, note, mapped, written, actor=actor)
            result[outcome] += 1
            if done % COMMIT_CHUNK == 0 or done == batch.row_count:
                release()
                if progress is not None:
                    progress(done, batch.row_count)
    batch.status = "committed"
    batch.committed_at = utcnow()
    batch.committed_by_id = actor.id
    batch.counts = {**counts, **result}
    db.session.flush()
    audit.record(
        "import.commit",
        actor=actor,
        target_type="import_batch",
        target_id=batch.id,
        details={"file_name": batch.file_name, "checksum": batch.checksum, **result},
    )
    return result


# --- undo ---


def undo_batch(batch: ImportBatch, *, actor: User) -> dict[str, int]:
    """Remove the contacts a batch created and restore the ones it updated, if untouched since."""
    if batch.status != "committed":
        raise Conflict(_l("Only a committed import can be undone."))
    rows = db.session.scalars(
        select(ImportRow)
        .where(ImportRow.batch_id == batch.id, ImportRow.result.in_(("created", "updated")))
        .order_by(ImportRow.position)
    ).all()
    # The version each record was left at by the batch's last row that wrote it (two rows
    # of a file may have updated the same record).
    last_version = {row.contact_id: row.version_after for row in rows}
    edited = []
    contacts = {}
    for row in rows:
        contact = db.session.get(Contact, row.contact_id) if row.contact_id else None
        if contact is None or contact.is_deleted or contact.version != last_version[row.contact_id]:
            edited.append(row.line)
        contacts[row.id] = contact
    if edited:
        raise Conflict(
            _l(
                "The import cannot be undone: records from rows %(lines)s were edited, merged or "
                "deleted since. Nothing was changed.",
                lines=", ".join(str(line) for line in edited[:20]),
            )
        )
    removed = restored = 0
    # Last row first: each update is undone from the state the next one left.
    for row in reversed(rows):
        contact = contacts[row.id]
        if row.result == "created":
            delete_contact(contact, actor=actor)
            purge_contact(contact, actor=actor)
            removed += 1
            continue
        before = dict(row.before or {})
        added = before.pop("_consents", [])
        for record_id in added:
            record = db.session.get(ConsentRecord, record_id)
            if record is not None:
                contact.consents.remove(record)
        data = _data_from_json(before)
        try:
            update_contact(contact, data, expected_version=contact.version, actor=actor)
        except DuplicatesFound as error:
            update_contact(
                contact,
                data,
                expected_version=contact.version,
                actor=actor,
                acknowledged=[m.contact.id for m in error.matches],
            )
        restored += 1
    batch.status = "undone"
    batch.undone_at = utcnow()
    batch.undone_by_id = actor.id
    db.session.flush()
    audit.record(
        "import.undo",
        actor=actor,
        target_type="import_batch",
        target_id=batch.id,
        details={"removed": removed, "restored": restored},
    )
    return {"removed": removed, "restored": restored}
