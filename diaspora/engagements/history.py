"""The change history of an engagement, read from the audit trail."""

from __future__ import annotations

from diaspora.audit.history import Change, HistoryEntry, change_pairs, entry, target_events
from diaspora.engagements.services import CHANGE_ACTIONS
from diaspora.models import AuditEvent, Engagement

__all__ = ["Change", "HistoryEntry", "engagement_history", "history_entry"]


def engagement_history(engagement: Engagement, *, limit: int = 200) -> list[HistoryEntry]:
    """Newest first."""
    events = target_events("engagement", engagement.id, CHANGE_ACTIONS, limit=limit)
    return [history_entry(event) for event in events]


def history_entry(event: AuditEvent) -> HistoryEntry:
    details = dict(event.details or {})
    changes = [Change(key, old, new) for key, old, new in change_pairs(details)]
    summary = {key: details[key] for key in ("survivor_id", "absorbed_id") if key in details}
    return entry(event, changes, summary)
