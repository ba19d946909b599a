"""Erasure at the person's request: their personal data is gone for good, the counts stay.

``erase_contact`` runs in the caller's transaction: it wipes the record's personal fields,
purges records merged into it and what the person sent through the public forms, scrubs the
person's words from the audit trail (through its one deliberate purge path) and from the text
of engagements and imports, removes the record from the search index, and records the
erasure. After the caller commits, ``reclaim_space`` moves SQLite's write-ahead log into the
database file and empties it, so that the old pages — which ``secure_delete`` already
overwrote with zeros in the database — are gone from the log too.

What stays (see docs/privacy.md): the record number, country of residence, status,
categories, expertise fields, languages, willingness flags, legal basis, source and dates,
consent records without their evidence, and the record's place on engagements, outreach and
delegation visits — so the yearly report and the dashboard count the same as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, false, or_, select, update

from diaspora.audit import services as audit
from diaspora.contacts.errors import ContactErased
from diaspora.contacts.indexing import notify, refresh_derived
from diaspora.errors import Conflict, ValidationFailed
from diaspora.extensions import db
from diaspora.models import (
    AuditEvent,
    Contact,
    ContactEmail,
    ContactPhone,
    Engagement,
    EngagementParticipant,
    ImportRow,
    Submission,
    UpdateLink,
    User,
    audit_purge_allowed,
    utcnow,
)
from diaspora.privacy.erased_names import erased_label
from diaspora.privacy.scrub import ERASED, mentions, needles, scrub, scrub_text
from diaspora.search import index as search_index
from diaspora.text import clean, word_key, word_prefix_text

MAX_REASON = 500
# Audit details of events about the person that carry no personal data and stay as they were.
KEPT_DETAIL_KEYS = frozenset(
    {
        "context",
        "version",
        "purpose",
        "purposes",
        "method",
        "given_on",
        "withdrawn_on",
        "consent_id",
        "consent_ids",
        "format",
        "language",
        "absorbed_id",
        "survivor_id",
        "merged_records",
        "purged_records",
        "not_duplicates",
        "source",
    }
)
# Fields wiped on the record, and what they become.
WIPED_FIELDS = {
    "foreign_name": "",
    "former_names": "",
    "gender": None,
    "birth_year": None,
    "origin_commune": "",
    "origin_district_old": "",
    "city": "",
    "address": "",
    "website": "",
    "occupation": "",
    "title": "",
    "employer": "",
    "notes": "",
    "source_note": "",
    "legal_basis_note": "",
    "entry_key": None,
}


@dataclass
class ErasureReport:
    contact_id: int
    purged_records: list[int] = field(default_factory=list)
    submissions: int = 0
    audit_events: int = 0
    engagements: int = 0
    import_rows: int = 0


def confirmation_matches(contact: Contact, typed: str) -> bool:
    """The officer typed the person's full name (case, accents and spacing aside)."""
    return bool(word_key(typed)) and word_key(typed) == word_key(contact.full_name)


def check_request(contact: Contact, *, confirmation: str, reason: str) -> str:
    if contact.is_erased:
        raise ContactErased(contact, _l("This record has already been erased."))
    if contact.is_merged:
        raise Conflict(
            _l("This record was merged into another one: erase the record it was merged into.")
        )
    errors: dict[str, list] = {}
    reason = clean(reason or "")
    if not reason:
        errors["reason"] = [_l("Give the reason: the person's request and its reference.")]
    elif len(reason) > MAX_REASON:
        errors["reason"] = [_l("At most %(n)d characters.", n=MAX_REASON)]
    if not confirmation_matches(contact, confirmation or ""):
        errors["confirmation"] = [
            _l(
                "Type the person's full name as shown (accents may be left out) to confirm "
                "the erasure."
            )
        ]
    if errors:
        raise ValidationFailed(errors)
    return reason


def _trashed_copies(contact: Contact) -> list[Contact]:
    """Records in the trash with one of the person's emails or phones: copies of the person
    (a strong duplicate, as the duplicate check defines it)."""
    same = []
    if contact.email_addresses:
        same.append(Contact.emails.any(ContactEmail.email.in_(contact.email_addresses)))
    if contact.phone_numbers:
        same.append(Contact.phones.any(ContactPhone.e164.in_(contact.phone_numbers)))
    if not same:
        return []
    return list(
        db.session.scalars(
            select(Contact).where(
                Contact.id != contact.id,
                Contact.deleted_at.is_not(None),
                Contact.merged_into_id.is_(None),
                Contact.erased_at.is_(None),
                or_(*same),
            )
        )
    )


def _merged_into(*contacts: Contact) -> list[Contact]:
    """Older records merged into these, and those merged into them."""
    found: list[Contact] = []
    frontier = [contact.id for contact in contacts]
    while frontier:
        rows = list(db.session.scalars(select(Contact).where(Contact.merged_into_id.in_(frontier))))
        found += rows
        frontier = [row.id for row in rows]
    return found


def _wipe(contact: Contact, *, actor: User) -> None:
    contact.full_name = erased_label(contact.id)
    for key, value in WIPED_FIELDS.items():
        setattr(contact, key, value)
    contact.emails.clear()
    contact.phones.clear()
    for membership in contact.memberships:
        membership.role = ""
    today = utcnow().date()
    for record in contact.consents:
        record.evidence = ""
        record.withdrawal_note = ""
        if record.withdrawn_on is None:
            record.withdrawn_on = max(today, record.given_on)
            record.withdrawal_recorded_by_id = actor.id
    refresh_derived(contact)
    contact.erased_at = utcnow()
    contact.updated_at = contact.erased_at


def _scrub_engagements(ids: list[int], words: list[str]) -> int:
    """Participation notes go; the person's words go from the engagements' own text."""
    for participant in db.session.scalars(
        select(EngagementParticipant).where(EngagementParticipant.contact_id.in_(ids))
    ):
        participant.note = ""
    if not words:
        return 0
    columns = (Engagement.title, Engagement.description, Engagement.outcome, Engagement.next_step)
    changed = 0
    statement = select(Engagement).where(or_(*(mentions(column, words) for column in columns)))
    for engagement in db.session.scalars(statement):
        for column in columns:
            setattr(engagement, column.key, scrub_text(getattr(engagement, column.key), words))
        engagement.title_folded = word_prefix_text(engagement.title)[:400]
        changed += 1
    return changed


def _scrub_import_rows(ids: list[int], words: list[str]) -> int:
    linked = or_(ImportRow.contact_id.in_(ids), ImportRow.match_id.in_(ids))
    condition = or_(linked, mentions(ImportRow.cells, words)) if words else linked
    changed = 0
    for row in db.session.scalars(select(ImportRow).where(condition)):
        if row.contact_id in ids or row.match_id in ids:  # the person's own row: all of it
            row.cells, row.errors, row.match_reasons, row.keys, row.before = [], {}, [], [], None
        else:  # another row naming the person: only their words go
            row.cells, row.errors = scrub(row.cells, words), scrub(row.errors, words)
            row.keys, row.before = scrub(row.keys, words), scrub(row.before, words)
        changed += 1
    return changed


def _safe_details(details: dict, words: list[str]) -> dict:
    kept = {key: value for key, value in (details or {}).items() if key in KEPT_DETAIL_KEYS}
    if "changes" in (details or {}):
        kept["changes"] = {name: [ERASED, ERASED] for name in details["changes"]}
    kept["erased"] = True
    return scrub(kept, words)


def _forget_entries(value: Any, ids: list[int]) -> Any:
    """Entries about the person inside another record's details (an engagement's participant
    ``{"contact": id, "name": …, "note": …}``) keep the id and lose their text."""
    if isinstance(value, list):
        return [_forget_entries(item, ids) for item in value]
    if isinstance(value, dict):
        if value.get("contact") in ids or value.get("contact_id") in ids:
            return {
                key: (ERASED if isinstance(item, str) and item else item)
                for key, item in value.items()
            }
        return {key: _forget_entries(item, ids) for key, item in value.items()}
    return value


def _scrub_audit(ids: list[int], words: list[str]) -> int:
    """Events about the person keep who, when and what, without the personal values; other
    events lose the person's words. Done through the audit trail's deliberate purge path."""
    about = (AuditEvent.target_type == "contact") & AuditEvent.target_id.in_(ids)
    engagements = select(EngagementParticipant.engagement_id).where(
        EngagementParticipant.contact_id.in_(ids)
    )
    took_part = (AuditEvent.target_type == "engagement") & AuditEvent.target_id.in_(engagements)
    condition = or_(about, took_part, mentions(AuditEvent.details, words) if words else false())
    db.session.flush()
    rows = db.session.execute(
        select(AuditEvent.id, AuditEvent.target_type, AuditEvent.target_id, AuditEvent.details)
        .where(condition)
        .order_by(AuditEvent.id)
    ).all()
    with audit_purge_allowed(db.session.connection(), db.session):
        for event_id, target_type, target_id, details in rows:
            if target_type == "contact" and target_id in ids:
                new = _safe_details(details, words)
            else:
                new = scrub(_forget_entries(details, ids), words)
            db.session.execute(
                update(AuditEvent)
                .where(AuditEvent.id == event_id)
                .values(details=new)
                .execution_options(synchronize_session=False)
            )
    db.session.expire_all()
    return len(rows)


def erase_contact(
    contact: Contact, *, confirmation: str, reason: str, actor: User
) -> ErasureReport:
    """Erase the person for good (the caller commits, then calls ``reclaim_space``)."""
    reason = check_request(contact, confirmation=confirmation, reason=reason)
    copies = _trashed_copies(contact)
    merged = copies + _merged_into(contact, *copies)
    words = needles(contact)
    for row in merged:
        for word in needles(row):
            if word not in words:
                words.append(word)
    words.sort(key=lambda value: (-len(value), value))
    ids = [contact.id, *(row.id for row in merged)]
    report = ErasureReport(contact_id=contact.id, purged_records=ids[1:])

    report.submissions = db.session.execute(
        delete(Submission)
        .where(Submission.contact_id.in_(ids))
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.execute(
        delete(UpdateLink)
        .where(UpdateLink.contact_id.in_(ids))
        .execution_options(synchronize_session=False)
    )
    report.engagements = _scrub_engagements(ids, words)
    report.import_rows = _scrub_import_rows(ids, words)
    for row in reversed(merged):
        db.session.delete(row)
    _wipe(contact, actor=actor)
    db.session.flush()
    report.audit_events = _scrub_audit(ids, words)
    contact = db.session.get(Contact, report.contact_id)
    audit.record(
        "contact.erase",
        actor=actor,
        target_type="contact",
        target_id=report.contact_id,
        details={
            "reason": scrub_text(reason, words),
            "purged_records": report.purged_records,
            "submissions_purged": report.submissions,
            "audit_events_scrubbed": report.audit_events,
            "engagements_scrubbed": report.engagements,
            "import_rows_scrubbed": report.import_rows,
            "version": contact.version,
        },
    )
    for contact_id in ids:
        notify(contact_id, "erase" if contact_id == report.contact_id else "purge")
    search_index.compact()
    db.session.flush()
    return report


def erasure_log(since: datetime | None = None) -> list[AuditEvent]:
    """Erasures recorded in the audit trail, oldest first: the list to apply again after a
    backup from before them is restored."""
    query = select(AuditEvent).where(AuditEvent.action == "contact.erase")
    if since is not None:
        query = query.where(AuditEvent.occurred_at >= since)
    return list(db.session.scalars(query.order_by(AuditEvent.occurred_at, AuditEvent.id)))


def reclaim_space() -> dict[str, int] | None:
    """After the commit: copy the write-ahead log into the database file and truncate it.

    SQLite only (returns its ``busy, log, checkpointed`` counts; ``busy`` = 1 means another
    connection was reading and the log could not be emptied yet). PostgreSQL keeps dead rows
    until VACUUM; see docs/privacy.md.
    """
    engine = db.engine
    if engine.dialect.name != "sqlite":
        return None
    # A raw connection outside any transaction: the engine's own begins every transaction
    # with BEGIN IMMEDIATE, and a checkpoint cannot run inside one.
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        busy, log, done = cursor.fetchone()
        cursor.close()
    finally:
        connection.close()
    return {"busy": busy, "log": log, "checkpointed": done}
