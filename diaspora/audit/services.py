"""Writing audit events. Every service that reads personal details or changes data calls this."""

from __future__ import annotations

from typing import Any

from diaspora.extensions import db
from diaspora.models import AuditEvent, User


def record(
    action: str,
    *,
    actor: User | None,
    target_type: str | None = None,
    target_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction; it lands with the change it describes."""
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        target_type=target_type,
        target_id=target_id,
        details=details or {},
    )
    db.session.add(event)
    return event


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field-by-field changes as {field: [old, new]}, for the change history."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def apply_changes(
    row: Any, values: dict[str, Any], *, action: str, actor: User, target_type: str
) -> dict[str, list[Any]]:
    """Set ``values`` on ``row``; when anything changed, flush and record the field diff."""
    before = {key: getattr(row, key) for key in values}
    for key, value in values.items():
        setattr(row, key, value)
    changes = diff(before, values)
    if changes:
        db.session.flush()
        record(action, actor=actor, target_type=target_type, target_id=row.id, details=changes)
    return changes
