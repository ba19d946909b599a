"""The change history of a contact, read from the audit trail."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import selectinload

from diaspora.contacts.services import CHANGE_ACTIONS, PERSONAL_FIELDS
from diaspora.extensions import db
from diaspora.models import AuditEvent, Contact

HIDDEN = object()  # marks a value the reader may not see
# What erasure leaves in the audit trail in place of the person's values.
ERASED = "[erased]"


@dataclass
class Change:
    field: str
    old: Any
    new: Any


@dataclass
class HistoryEntry:
    occurred_at: datetime
    actor: str
    action: str
    changes: list[Change] = field(default_factory=list)
    details: dict = field(default_factory=dict)


def _changes(details: dict, *, personal: bool) -> list[Change]:
    result = []
    for key, pair in sorted((details.get("changes") or {}).items()):
        old, new = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        if key in PERSONAL_FIELDS and not personal:
            old, new = (HIDDEN if old not in (None, "", []) else old), HIDDEN
        result.append(Change(key, old, new))
    return result


def contact_history(contact: Contact, *, personal: bool, limit: int = 200) -> list[HistoryEntry]:
    """Newest first. Without ``personal``, values of personal fields are hidden."""
    events = db.session.scalars(
        db.select(AuditEvent)
        .where(
            AuditEvent.target_type == "contact",
            AuditEvent.target_id == contact.id,
            AuditEvent.action.in_((*CHANGE_ACTIONS, "contact.merged_into")),
        )
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    )
    return [history_entry(event, personal=personal) for event in events]


def history_entry(event: AuditEvent, *, personal: bool) -> HistoryEntry:
    details = dict(event.details or {})
    summary = {
        key: details[key]
        for key in (
            "absorbed_id",
            "survivor_id",
            "purposes",
            "purpose",
            "method",
            "given_on",
            "withdrawn_on",
            "not_duplicates",
        )
        if key in details
    }
    if "absorbed" in details:
        summary["absorbed_name"] = details["absorbed"].get("full_name", "")
    return HistoryEntry(
        occurred_at=event.occurred_at,
        actor=event.actor.name if event.actor else "",
        action=event.action,
        changes=_changes(details, personal=personal),
        details=summary,
    )
