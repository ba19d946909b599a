"""Importing contacts from a spreadsheet: upload, map columns, preview, commit, undo.

Nothing reaches the registry before the commit. The upload stores the parsed cells in
``import_rows``; the analysis (``analyse``) classifies each row as new, matching an existing
contact, or in error, a slice at a time so that no request runs for long; the commit applies
every row through the contact services in one transaction, or none; undo reverses a batch
whose records nobody has edited since.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import date

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select, update

from diaspora.audit import services as audit
from diaspora.contacts import consent as consents
from diaspora.contacts import indexing, record_validation
from diaspora.contacts.data import ContactData, ExpertiseEntry, MembershipEntry
from diaspora.contacts.duplicates import probe_from_values
from diaspora.contacts.errors import DuplicatesFound, StaleVersion
from diaspora.contacts.services import create_contact, update_contact
from diaspora.contacts.trash import delete_contact, purge_contact
from diaspora.errors import Conflict, NotFound, ValidationFailed
from diaspora.extensions import db
from diaspora.models import (
    Category,
    ConsentRecord,
    Contact,
    ExpertiseField,
    ImportBatch,
    ImportMapping,
    ImportRow,
    User,
    utcnow,
)
from diaspora.text import clean, word_key
from diaspora.transfer.mapping import (
    REPEATABLE,
    TARGETS,
    Reference,
    columns_for,
    propose,
    row_to_data,
    signature,
)
from diaspora.transfer.prefilter import DuplicateScreen
from diaspora.transfer.reading import Limits, Table, read_table
from diaspora.transfer.safety import looks_like_formula
from diaspora.transfer.writers import csv_rows

ACTIONS = ("fill", "overwrite", "skip", "create")
INSERT_CHUNK = 2000
ANALYSIS_CHUNK = 500
COMMIT_CHUNK = 500
ROW_LEVEL = ""  # key of messages about the whole row


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def get_batch(batch_id: int) -> ImportBatch:
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFound(_l("This import does not exist."))
    return batch


def list_batches(limit: int = 100) -> list[ImportBatch]:
    return list(
        db.session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit))
    )


def list_mappings() -> list[ImportMapping]:
    return list(db.session.scalars(select(ImportMapping).order_by(ImportMapping.name)))


def find_mapping(name: str) -> ImportMapping | None:
    return db.session.scalar(select(ImportMapping).where(ImportMapping.name == clean(name)))


def mapping_for(headers: list[str]) -> ImportMapping | None:
    """The saved mapping of files with exactly these headers, the latest first."""
    return db.session.scalar(
        select(ImportMapping)
        .where(ImportMapping.signature == signature(headers))
        .order_by(ImportMapping.updated_at.desc(), ImportMapping.id.desc())
    )


def previous_imports(batch: ImportBatch) -> list[ImportBatch]:
    """Committed batches of the very same file (same checksum), not undone."""
    return list(
        db.session.scalars(
            select(ImportBatch).where(
                ImportBatch.checksum == batch.checksum,
                ImportBatch.id != batch.id,
                ImportBatch.status == "committed",
            )
        )
    )


# --- upload ---


def start_import(
    data: bytes,
    file_name: str,
    *,
    actor: User,
    sheet: str = "",
    limits: Limits | None = None,
    mapping: ImportMapping | None = None,
) -> ImportBatch:
    """Read the file (refusing what is unsafe or unreadable) and keep its cells for analysis."""
    table: Table = read_table(data, file_name, sheet=sheet, limits=limits or Limits())
    saved = mapping or mapping_for(table.headers)
    if saved is not None and len(saved.targets) == len(table.headers):
        targets, mapping_name = list(saved.targets), saved.name
    else:
        targets, mapping_name = propose(table.headers), ""
    batch = ImportBatch(
        file_name=clean(file_name)[:255] or "upload",
        checksum=checksum(data),
        kind=table.kind,
        sheet=table.sheet,
        encoding=table.encoding,
        status="analysing",
        headers=table.headers,
        targets=targets,
        mapping_name=mapping_name,
        row_count=len(table.rows),
        notices=[str(notice) for notice in table.notices],
        created_by_id=actor.id,
    )
    db.session.add(batch)
    db.session.flush()
    rows = [
        {"batch_id": batch.id, "position": position, "line": line, "cells": cells, "keys": []}
        for position, (line, cells) in enumerate(table.rows)
    ]
    for start in range(0, len(rows), INSERT_CHUNK):
        db.session.execute(insert(ImportRow), rows[start : start + INSERT_CHUNK])
    audit.record(
        "import.upload",
        actor=actor,
        target_type="import_batch",
        target_id=batch.id,
        details={
            "file_name": batch.file_name,
            "checksum": batch.checksum,
            "kind": batch.kind,
            "encoding": batch.encoding,
            "rows": batch.row_count,
        },
    )
    return batch


def _reset_analysis(batch: ImportBatch) -> None:
    db.session.execute(
        update(ImportRow)
        .where(ImportRow.batch_id == batch.id)
        .values(
            status=None,
            errors={},
            keys=[],
            match_id=None,
            match_version=None,
            match_reasons=[],
            other_matches=[],
            action=None,
        )
    )
    batch.analysed_count = 0
    batch.counts = {}
    batch.status = "analysing"


def set_mapping(batch: ImportBatch, targets: list[str], *, actor: User, save_as: str = "") -> None:
    """The officer's column mapping; the analysis starts again from the first row."""
    _editable(batch)
    targets = [target if target in TARGETS else "" for target in targets][: len(batch.headers)]
    targets += [""] * (len(batch.headers) - len(targets))
    errors: dict[str, list] = {}
    for target in set(targets) - {""} - REPEATABLE:
        if targets.count(target) > 1:
            errors.setdefault("mapping", []).append(
                _l("“%(field)s” is chosen for more than one column.", field=TARGETS[target])
            )
    for required in ("full_name", "country"):
        if required not in targets:
            errors.setdefault("mapping", []).append(
                _l("Choose the column that holds “%(field)s”.", field=TARGETS[required])
            )
    name = clean(save_as)[:120]
    if errors:
        raise ValidationFailed(errors)
    batch.targets = targets
    batch.mapped = True
    if name:
        saved = find_mapping(name) or ImportMapping(name=name, created_by_id=actor.id)
        saved.headers = list(batch.headers)
        saved.targets = list(targets)
        saved.signature = signature(batch.headers)
        db.session.add(saved)
        batch.mapping_name = name
    _reset_analysis(batch)
    db.session.flush()


def _editable(batch: ImportBatch) -> None:
    if batch.status not in ("analysing", "preview"):
        raise Conflict(_l("This import has already been committed, undone or cancelled."))


# --- analysis ---


def load_reference() -> Reference:
    return Reference.load(
        db.session.scalars(select(ExpertiseField)).all(),
        db.session.scalars(select(Category)).all(),
    )


def source_note(batch: ImportBatch) -> str:
    return f"Import #{batch.id}: {batch.file_name}"[:300]


def _message_columns(error: ValidationFailed, columns: dict[str, list[int]]) -> dict[str, list]:
    result: dict[str, list] = {}
    for field_name, messages in error.errors.items():
        keys = [str(index) for index in columns_for(field_name, columns)] or [ROW_LEVEL]
        for key in keys[:1]:
            result.setdefault(key, []).extend(str(message) for message in messages)
    return result


def _identity_keys(values) -> list[str]:
    s = values.scalars
    keys = [f"e:{email}" for email in values.emails] + [f"p:{phone}" for phone in values.phones]
    keys.append(
        f"n:{s['country']}:{word_key(s['full_name'])}:{word_key(s['city'])}:{s['birth_year'] or ''}"
    )
    return keys


def _analyse_row(
    row: ImportRow, batch: ImportBatch, reference: Reference, seen: dict, screen: DuplicateScreen
) -> None:
    result = row_to_data(row.cells, batch.targets, reference, source_note=source_note(batch))
    errors: dict[str, list] = {
        str(index): [str(message) for message in messages]
        for index, messages in result.errors.items()
    }
    for index, target in enumerate(batch.targets):
        if target and index < len(row.cells) and looks_like_formula(row.cells[index]):
            errors.setdefault(str(index), []).append(
                gettext("This cell holds a formula; type the value itself instead.")
            )
    values = None
    try:
        if result.consent is not None:
            consents.validate_consent(result.consent, prefix="consent_")
    except ValidationFailed as error:
        for key, messages in _message_columns(error, result.columns).items():
            errors.setdefault(key, []).extend(messages)
    try:
        store = bool(result.consent and "store_process" in result.consent.purposes)
        values = record_validation.validate_contact(result.data, store_consent=store)
    except ValidationFailed as error:
        for key, messages in _message_columns(error, result.columns).items():
            if key in errors and key != ROW_LEVEL:
                continue  # the cell already says why it could not be read
            errors.setdefault(key, []).extend(messages)
    row.match_id = None
    row.match_reasons = []
    row.other_matches = []
    if not errors and values is not None:
        keys = _identity_keys(values)
        twin = next((seen[key] for key in keys if key in seen), None)
        if twin is not None:
            errors[ROW_LEVEL] = [
                gettext(
                    "The same person as row %(line)d of this file (same email, phone or name); "
                    "keep one of the two rows.",
                    line=twin,
                )
            ]
        else:
            for key in keys:
                seen.setdefault(key, row.line)
            row.keys = keys
    if errors:
        row.status = "error"
        row.errors = errors
        return
    row.errors = {}
    matches = screen.matches(probe_from_values(values))
    if matches:
        row.status = "match"
        row.match_id = matches[0].contact_id
        row.match_version = matches[0].version
        row.match_reasons = list(matches[0].reasons)
        row.other_matches = [match.contact_id for match in matches[1:]]
    else:
        row.status = "new"


Progress = Callable[[int, int], None]  # (rows done, rows in the batch)


def analyse(
    batch: ImportBatch, *, seconds: float | None = None, progress: Progress | None = None
) -> bool:
    """Analyse rows not analysed yet, for at most ``seconds``; True once every row is done.

    ``progress`` is told after each slice how far the analysis got (the command line prints it).
    """
    if batch.status != "analysing":
        return True
    started = time.monotonic()
    reference = load_reference()
    screen = DuplicateScreen()
    seen: dict[str, int] = {}
    for line, keys in db.session.execute(
        select(ImportRow.line, ImportRow.keys).where(
            ImportRow.batch_id == batch.id, ImportRow.status.is_not(None)
        )
    ):
        for key in keys or []:
            seen.setdefault(key, line)
    while True:
        # Rows are analysed in order: the first ``analysed_count`` positions are done. Seeking
        # by position keeps each slice's query cheap however long the file.
        rows = db.session.scalars(
            select(ImportRow)
            .where(
                ImportRow.batch_id == batch.id,
                ImportRow.position >= (batch.analysed_count or 0),
                ImportRow.status.is_(None),
            )
            .order_by(ImportRow.position)
            .limit(ANALYSIS_CHUNK)
        ).all()
        if not rows:
            break
        for row in rows:
            _analyse_row(row, batch, reference, seen, screen)
        db.session.flush()
        for row in rows:
            db.session.expunge(row)
        batch.analysed_count = (batch.analysed_count or 0) + len(rows)
        if progress is not None:
            progress(batch.analysed_count, batch.row_count)
        more = len(rows) == ANALYSIS_CHUNK
        if more and seconds is not None and time.monotonic() - started > seconds:
            return False
    batch.counts = count_rows(batch)
    batch.analysed_count = batch.row_count
    batch.status = "preview"
    db.session.flush()
    return True


def count_rows(batch: ImportBatch) -> dict[str, int]:
    counts = {"new": 0, "match": 0, "error": 0}
    for status, number in db.session.execute(
        select(ImportRow.status, func.count())
        .where(ImportRow.batch_id == batch.id)
        .group_by(ImportRow.status)
    ):
        if status in counts:
            counts[status] = number
    return counts


def rows_page(batch: ImportBatch, *, status: str | None, page: int, per_page: int = 100):
    statement = select(ImportRow).where(ImportRow.batch_id == batch.id)
    if status in ("new", "match", "error"):
        statement = statement.where(ImportRow.status == status)
    return db.paginate(
        statement.order_by(ImportRow.position), page=page, per_page=per_page, error_out=False
    )


def error_rows(batch: ImportBatch, *, limit: int = 20) -> list[ImportRow]:
    return list(
        db.session.scalars(
            select(ImportRow)
            .where(ImportRow.batch_id == batch.id, ImportRow.status == "error")
            .order_by(ImportRow.position)
            .limit(limit)
        )
    )


def set_actions(batch: ImportBatch, default_action: str, choices: dict[int, str]) -> None:
    """What to do with rows that match an existing contact: a default and per-row choices."""
    _editable(batch)
    if default_action not in ACTIONS:
        raise ValidationFailed.single(
            "default_action", _l("Choose fill, overwrite, skip or create a new contact.")
        )
    batch.default_action = default_action
    rows = db.session.scalars(
        select(ImportRow).where(ImportRow.batch_id == batch.id, ImportRow.id.in_(list(choices)))
    )
    for row in rows:
        action = choices.get(row.id) or None
        row.action = action if action in ACTIONS and row.status == "match" else None
    db.session.flush()


# --- commit ---


def data_from_contact(contact: Contact) -> ContactData:
    """A contact's current values as the services take them (for merging and undo)."""
    return ContactData(
        full_name=contact.full_name,
        country=contact.country,
        foreign_name=contact.foreign_name,
        former_names=contact.former_names,
        gender=contact.gender,
        birth_year=contact.birth_year,
        origin_commune=contact.origin_commune,
        origin_district_old=contact.origin_district_old,
        city=contact.city,
        emails=contact.email_addresses,
        phones=contact.phone_numbers,
        address=contact.address,
        website=contact.website,
        languages=contact.language_codes,
        occupation=contact.occupation,
        title=contact.title,
        employer=contact.employer,
        categories=[row.code for row in contact.categories],
        preferred_language=contact.preferred_language,
        willing_advise=contact.willing_advise,
        willing_invest=contact.willing_invest,
        willing_host_delegation=contact.willing_host_delegation,
        willing_promote_products=contact.willing_promote_products,
        willing_teach=contact.willing_teach,
        notes=contact.notes,
        source=contact.source,
        source_note=contact.source_note,
        verified_on=contact.verified_on,
        status=contact.status,
        legal_basis=contact.legal_basis,
        legal_basis_note=contact.legal_basis_note,
        expertise=[
            ExpertiseEntry(row.field.code, row.level, row.years) for row in contact.expertise
        ],
        memberships=[
            MembershipEntry(row.organization.name, row.role) for row in contact.memberships
        ],
    )


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
    created: set[int],
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
        contact = _create(row, values, known, created, actor=actor)
        created.add(contact.id)
        row.result = "created"
    else:
        contact = db.session.get(Contact, row.match_id) if row.match_id else None
        if contact is None or contact.is_deleted or contact.version != row.match_version:
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
    created: set[int] = set()
    # The search index is refreshed a chunk of contacts at a time, not once per contact.
    with indexing.held_back() as release:
        for done, row in enumerate(each_row(batch, size=COMMIT_CHUNK), start=1):
            outcome = _commit_row(row, batch, reference, note, mapped, created, actor=actor)
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
    edited = []
    contacts = {}
    for row in rows:
        contact = db.session.get(Contact, row.contact_id) if row.contact_id else None
        if contact is None or contact.is_deleted or contact.version != row.version_after:
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
    for row in rows:
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


def cancel_batch(batch: ImportBatch, *, actor: User) -> None:
    _editable(batch)
    batch.status = "cancelled"
    db.session.execute(
        update(ImportRow).where(ImportRow.batch_id == batch.id).values(cells=[], keys=[])
    )
    audit.record("import.cancel", actor=actor, target_type="import_batch", target_id=batch.id)


# --- failed rows ---


def failed_rows_csv(batch: ImportBatch, error_header: str):
    """The rows in error with one more column saying why, to fix and import again."""
    rows = db.session.scalars(
        select(ImportRow)
        .where(ImportRow.batch_id == batch.id, ImportRow.status == "error")
        .order_by(ImportRow.position)
    ).all()

    def lines():
        for row in rows:
            messages = []
            for key, texts in sorted(row.errors.items(), key=lambda item: (item[0] != "", item[0])):
                label = (
                    batch.headers[int(key)]
                    if key.isdigit() and int(key) < len(batch.headers)
                    else ""
                )
                messages += [f"{label}: {text}" if label else text for text in texts]
            yield [*row.cells, " | ".join(messages)]

    return csv_rows(lines(), [*batch.headers, error_header])
