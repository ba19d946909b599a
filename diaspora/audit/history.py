"""A record's change history read back from the audit trail, shared by contacts and engagements.

Each feature decides which actions count and what of an event's details it shows; reading the
events and unpacking their ``changes`` (``{field: [old, new]}``) is the same for all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from diaspora.extensions import db
from diaspora.models import AuditEvent


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


@dataclass
class HistoryRow:
    """An entry as the history macro (``templates/_macros/history.html``) shows it: labels and
    values already put into words in the reader's language."""

    occurred_at: Any
    actor: str
    action: str
    summary: str
    changes: list[tuple[str, str, str]]


def target_events(
    target_type: str, target_id: int, actions: Iterable[str] | None = None, *, limit: int
) -> list[AuditEvent]:
    """The record's events (only ``actions`` when given), newest first, actors loaded."""
    statement = select(AuditEvent).where(
        AuditEvent.target_type == target_type, AuditEvent.target_id == target_id
    )
    if actions is not None:
        statement = statement.where(AuditEvent.action.in_(tuple(actions)))
    return list(
        db.session.scalars(
            statement.options(selectinload(AuditEvent.actor))
            .order_by(AuditEvent.id.desc())
            .limit(limit)
        )
    )


def events_after_version(
    target_type: str, target_id: int, actions: Iterable[str], version: int
) -> list[AuditEvent]:
    """The record's ``actions`` events that produced the versions after ``version`` (from each
    event's ``details["version"]``), oldest first: what changed since a form was opened."""
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.target_type == target_type,
            AuditEvent.target_id == target_id,
            AuditEvent.action.in_(tuple(actions)),
        )
        .order_by(AuditEvent.id)
    )
    return [event for event in events if (event.details or {}).get("version", 0) > version]


def change_pairs(details: dict) -> Iterator[tuple[str, Any, Any]]:
    """(field, old, new) by field name; a bare value (no pair) is a new value."""
    for key, pair in sorted((details.get("changes") or {}).items()):
        old, new = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        yield key, old, new


def entry(event: AuditEvent, changes: list[Change], summary: dict) -> HistoryEntry:
    """One history entry: who did what when, with the changes and summary the feature shows."""
    return HistoryEntry(
        occurred_at=event.occurred_at,
        actor=event.actor.name if event.actor else "",
        action=event.action,
        changes=changes,
        details=summary,
    )
