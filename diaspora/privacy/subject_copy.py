"""A copy of everything the registry holds about one person (the right of access).

``gather`` collects, in one JSON-ready dictionary: the profile, the consent records, the
engagements the person took part in, the outreach they received, the delegation visits whose
lists they are on, what they sent through the public forms and their update links, and the
log of who viewed, changed or exported their data and for what purpose. ``produce`` records
that a copy was made (who, which format), and ``render_pdf`` prints the same dictionary.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from diaspora.audit import services as audit
from diaspora.contacts.labels import CODED_VALUES, FIELD_LABELS
from diaspora.contacts.snapshots import snapshot
from diaspora.extensions import db
from diaspora.models import (
    AuditEvent,
    Contact,
    DelegationContact,
    DelegationVisit,
    Engagement,
    EngagementParticipant,
    Outreach,
    OutreachRecipient,
    Submission,
    UpdateLink,
    User,
    utcnow,
)
from diaspora.printing import html_to_pdf

PRINT_CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "privacy-print.css"
FORMATS = {"json": "application/json", "pdf": "application/pdf"}
# Events of other records whose details name the person's record among lists of contacts.
LIST_ACTIONS = {
    "delegation.pack": ("contacts", "personal_details_shared_for"),
    "delegation.contacts_add": ("added",),
    "delegation.contacts_remove": ("removed",),
    "outreach.export": ("contacts",),
    "outreach.recipients_add": ("added",),
}
# Details worth showing in the access log: why and how, never another person's data.
LOG_KEYS = ("context", "purpose", "format", "reason", "version")


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _ids(contact: Contact) -> list[int]:
    """The record and the older records merged into it."""
    ids = [contact.id]
    frontier = [contact.id]
    while frontier:
        frontier = list(
            db.session.scalars(select(Contact.id).where(Contact.merged_into_id.in_(frontier)))
        )
        ids += frontier
    return ids


def _profile(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.id,
        **snapshot(contact),
        "created_at": _iso(contact.created_at),
        "updated_at": _iso(contact.updated_at),
        "entered_by": contact.entered_by.name if contact.entered_by else None,
        "verified_by": contact.verified_by.name if contact.verified_by else None,
        "in_trash_since": _iso(contact.deleted_at),
        "erased_at": _iso(contact.erased_at),
    }


def _consents(contact: Contact) -> list[dict[str, Any]]:
    return [
        {
            "id": record.id,
            "purpose": record.purpose,
            "method": record.method,
            "given_on": _iso(record.given_on),
            "notice_version": record.notice_version,
            "evidence": record.evidence,
            "recorded_by": record.recorded_by.name if record.recorded_by else None,
            "recorded_at": _iso(record.recorded_at),
            "withdrawn_on": _iso(record.withdrawn_on),
            "withdrawal_note": record.withdrawal_note,
        }
        for record in contact.consents
    ]


def _engagements(ids: list[int]) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(EngagementParticipant, Engagement)
        .join(Engagement, Engagement.id == EngagementParticipant.engagement_id)
        .where(EngagementParticipant.contact_id.in_(ids), Engagement.deleted_at.is_(None))
        .order_by(Engagement.start_date, Engagement.id)
    ).all()
    return [
        {
            "id": engagement.id,
            "type": engagement.type,
            "title": engagement.title,
            "start_date": _iso(engagement.start_date),
            "end_date": _iso(engagement.end_date),
            "country": engagement.country,
            "city": engagement.city,
            "outcome": engagement.outcome,
            "role": participant.role,
            "note": participant.note,
        }
        for participant, engagement in rows
    ]


def _outreach(ids: list[int]) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(OutreachRecipient, Outreach)
        .join(Outreach, Outreach.id == OutreachRecipient.outreach_id)
        .where(OutreachRecipient.contact_id.in_(ids))
        .order_by(Outreach.id)
    ).all()
    return [
        {
            "id": outreach.id,
            "title": outreach.title_vi if recipient.language == "vi" else outreach.title_en,
            "occasion": outreach.occasion,
            "channel": outreach.channel,
            "status": outreach.status,
            "sent_on": _iso(outreach.sent_on),
            "language": recipient.language,
            "delivery_status": recipient.delivery_status,
        }
        for recipient, outreach in rows
    ]


def _visits(ids: list[int]) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(DelegationContact, DelegationVisit)
        .join(DelegationVisit, DelegationVisit.id == DelegationContact.visit_id)
        .where(DelegationContact.contact_id.in_(ids))
        .order_by(DelegationVisit.start_date, DelegationVisit.id)
    ).all()
    return [
        {
            "id": visit.id,
            "title": visit.title,
            "country": visit.country,
            "cities": visit.cities,
            "start_date": _iso(visit.start_date),
            "end_date": _iso(visit.end_date),
            "on_list_since": _iso(row.added_at),
            "met": row.met,
        }
        for row, visit in rows
    ]


def _submissions(ids: list[int]) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Submission).where(Submission.contact_id.in_(ids)).order_by(Submission.id)
    )
    return [
        {
            "reference": row.reference,
            "kind": row.kind,
            "status": row.status,
            "submitted_at": _iso(row.submitted_at),
            "reviewed_at": _iso(row.reviewed_at),
            "notice_version": row.notice_version,
            "consent_purposes": row.purposes,
            "withdrawn_purposes": row.withdrawn,
            "values": row.payload,
        }
        for row in rows
    ]


def _links(ids: list[int]) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(UpdateLink).where(UpdateLink.contact_id.in_(ids)).order_by(UpdateLink.id)
    )
    return [
        {
            "created_at": _iso(row.created_at),
            "created_by": row.created_by.name if row.created_by else None,
            "expires_at": _iso(row.expires_at),
            "used_at": _iso(row.used_at),
            "revoked_at": _iso(row.revoked_at),
        }
        for row in rows
    ]


def _names_person(event: AuditEvent, ids: set[int]) -> bool:
    details = event.details or {}
    return any(
        isinstance(details.get(key), list) and ids & set(details[key])
        for key in LIST_ACTIONS.get(event.action, ())
    )


def _access_log(ids: list[int]) -> list[dict[str, Any]]:
    """Who viewed, changed, exported or shared the person's data, when and for what purpose."""
    about = (AuditEvent.target_type == "contact") & AuditEvent.target_id.in_(ids)
    events = db.session.scalars(
        select(AuditEvent)
        .where(or_(about, AuditEvent.action.in_(LIST_ACTIONS)))
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    )
    wanted = set(ids)
    return [
        {
            "occurred_at": _iso(event.occurred_at),
            "actor": event.actor.name if event.actor else None,
            "action": event.action,
            "record": f"{event.target_type or ''} {event.target_id or ''}".strip(),
            **{key: event.details[key] for key in LOG_KEYS if key in (event.details or {})},
        }
        for event in events
        if event.target_type == "contact" or _names_person(event, wanted)
    ]


def gather(contact: Contact) -> dict[str, Any]:
    """Everything about the person, JSON-ready."""
    ids = _ids(contact)
    return {
        "generated_at": _iso(utcnow()),
        "record": contact.id,
        "merged_records": ids[1:],
        "profile": _profile(contact),
        "consents": _consents(contact),
        "engagements": _engagements(ids),
        "outreach": _outreach(ids),
        "delegation_visits": _visits(ids),
        "submissions": _submissions(ids),
        "update_links": _links(ids),
        "access_log": _access_log(ids),
    }


def produce(contact: Contact, fmt: str, *, actor: User) -> dict[str, Any]:
    """Gather the copy and record who made it, in which format (the caller commits)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    copy = gather(contact)
    audit.record(
        "contact.subject_copy",
        actor=actor,
        target_type="contact",
        target_id=contact.id,
        details={"format": fmt},
    )
    db.session.flush()
    return copy


def render_json(copy: dict[str, Any]) -> bytes:
    return json.dumps(copy, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")


SECTIONS = {
    "consents": _l("Consent records"),
    "engagements": _l("Engagements"),
    "outreach": _l("Outreach received"),
    "delegation_visits": _l("Delegation visits"),
    "submissions": _l("Sent through the public forms"),
    "update_links": _l("Profile-update links"),
    "access_log": _l("Who viewed, changed, exported or shared the data"),
}
COLUMNS = {
    "id": _l("No."),
    "purpose": _l("Purpose"),
    "method": _l("How"),
    "given_on": _l("Given on"),
    "notice_version": _l("Notice version"),
    "evidence": _l("Evidence"),
    "recorded_by": _l("Recorded by"),
    "recorded_at": _l("Recorded at"),
    "withdrawn_on": _l("Withdrawn on"),
    "withdrawal_note": _l("Note on the withdrawal"),
    "type": _l("Type"),
    "title": _l("Title"),
    "start_date": _l("From"),
    "end_date": _l("To"),
    "country": _l("Country"),
    "city": _l("City"),
    "cities": _l("Cities"),
    "outcome": _l("Outcome"),
    "role": _l("Role"),
    "note": _l("Note"),
    "occasion": _l("Occasion"),
    "channel": _l("Channel"),
    "status": _l("Status"),
    "sent_on": _l("Sent on"),
    "language": _l("Language"),
    "delivery_status": _l("Delivery"),
    "on_list_since": _l("On the list since"),
    "met": _l("Met"),
    "reference": _l("Reference"),
    "kind": _l("Kind"),
    "submitted_at": _l("Sent at"),
    "reviewed_at": _l("Reviewed at"),
    "consent_purposes": _l("Consents given"),
    "withdrawn_purposes": _l("Consents withdrawn"),
    "values": _l("Values sent"),
    "created_at": _l("Created at"),
    "created_by": _l("Created by"),
    "expires_at": _l("Expires at"),
    "used_at": _l("Used at"),
    "revoked_at": _l("Withdrawn at"),
    "occurred_at": _l("When (UTC)"),
    "actor": _l("Who"),
    "action": _l("What"),
    "record": _l("Record"),
    "context": _l("Page"),
    "format": _l("Format"),
    "reason": _l("Reason"),
    "version": _l("Version"),
}


_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


def cell(value: Any) -> str:
    """A value of the copy as text for the printed table."""
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and _TIMESTAMP.match(value):
        return value[:16].replace("T", " ")  # UTC, to the minute
    return str(value)


def render_html(copy: dict[str, Any], *, format_value) -> str:
    columns = {
        key: list(dict.fromkeys(name for row in copy[key] for name in row)) for key in SECTIONS
    }
    return render_template(
        "privacy/subject_copy_print.html",
        copy=copy,
        value=format_value,
        cell=cell,
        sections=SECTIONS,
        columns=columns,
        labels=COLUMNS,
        field_labels=FIELD_LABELS,
        coded=set(CODED_VALUES),
    )


def render_pdf(copy: dict[str, Any], *, format_value) -> bytes:
    return html_to_pdf(render_html(copy, format_value=format_value), PRINT_CSS)
