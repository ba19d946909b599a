"""The change history of an engagement, read from the audit trail."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from diaspora.engagements.services import CHANGE_ACTIONS
from diaspora.extensions import db
from diaspora.models import AuditEvent, Engagement


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


def engagement_history(engagement: Engagement, *, limit: int = 200) -> list[HistoryEntry]:
    """Newest first."""
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.target_type == "engagement",
            AuditEvent.target_id == engagement.id,
            AuditEvent.action.in_(CHANGE_ACTIONS),
        )
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    )
    return [history_entry(event) for event in events]


def history_entry(event: AuditEvent) -> HistoryEntry:
    details = dict(event.details or {})
    changes = []
    for key, pair in sorted((details.get("changes") or {}).items()):
        old, new = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        changes.append(Change(key, old, new))
    summary = {key: details[key] for key in ("survivor_id", "absorbed_id") if key in details}
    return HistoryEntry(
        occurred_at=event.occurred_at,
        actor=event.actor.name if event.actor else "",
        action=event.action,
        changes=changes,
        details=summary,
    )
