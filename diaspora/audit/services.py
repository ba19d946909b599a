"""The audit trail: writing events, browsing and exporting them, and the one audited purge path.

Every service that reads personal details or changes data calls ``record``. Events are
append-only (see ``diaspora.models.audit``); ``purge`` is the deliberate exception, for legal
erasure and retention, and it leaves an event of its own.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, delete, func

from diaspora.errors import ValidationFailed
from diaspora.extensions import db
from diaspora.models import AuditEvent, User, audit_purge_allowed
from diaspora.text import clean

# Dates typed by people are Hải Phòng dates; events are stored in UTC.
LOCAL_TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_PURPOSE_LENGTH = 500
CSV_COLUMNS = (
    "id",
    "occurred_at_utc",
    "actor_id",
    "actor_email",
    "actor_name",
    "action",
    "target_type",
    "target_id",
    "details",
)
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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


# --- browsing ------------------------------------------------------------------------------


@dataclass
class AuditFilter:
    """Which events to show: every criterion is optional; dates are inclusive local dates."""

    actor_id: int | None = None
    action: str | None = None
    target_type: str | None = None
    target_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    def as_details(self) -> dict[str, Any]:
        """The criteria that are set, JSON-ready, for the export's own audit event."""
        return {
            key: value.isoformat() if isinstance(value, date) else value
            for key, value in asdict(self).items()
            if value not in (None, "")
        }


def _local_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TIMEZONE)


def validate_filter(criteria: AuditFilter) -> None:
    if criteria.date_from and criteria.date_to and criteria.date_from > criteria.date_to:
        raise ValidationFailed.single(
            "date_to", _l("The end date must be on or after the start date.")
        )
    if criteria.target_id is not None and criteria.target_id < 1:
        raise ValidationFailed.single("target_id", _l("Enter a positive record number."))


def events_query(criteria: AuditFilter) -> Select:
    """Events matching the criteria, newest first."""
    validate_filter(criteria)
    query = db.select(AuditEvent)
    if criteria.actor_id is not None:
        query = query.where(AuditEvent.actor_id == criteria.actor_id)
    if criteria.action:
        query = query.where(AuditEvent.action == criteria.action)
    if criteria.target_type:
        query = query.where(AuditEvent.target_type == criteria.target_type)
    if criteria.target_id is not None:
        query = query.where(AuditEvent.target_id == criteria.target_id)
    if criteria.date_from:
        query = query.where(AuditEvent.occurred_at >= _local_midnight_utc(criteria.date_from))
    if criteria.date_to:
        end = _local_midnight_utc(criteria.date_to + timedelta(days=1))
        query = query.where(AuditEvent.occurred_at < end)
    return query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())


def search(criteria: AuditFilter, *, page: int, per_page: int):
    """One page of matching events (a Flask-SQLAlchemy ``Pagination``)."""
    return db.paginate(
        events_query(criteria), page=max(page, 1), per_page=per_page, error_out=False
    )


def list_actions() -> list[str]:
    return list(db.session.scalars(db.select(AuditEvent.action).distinct().order_by("action")))


def list_target_types() -> list[str]:
    return list(
        db.session.scalars(
            db.select(AuditEvent.target_type)
            .where(AuditEvent.target_type.is_not(None))
            .distinct()
            .order_by("target_type")
        )
    )


def count_events() -> int:
    return db.session.scalar(db.select(func.count(AuditEvent.id))) or 0


# --- export --------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def export_csv(criteria: AuditFilter, *, purpose: str, actor: User) -> str:
    """The matching events as CSV; the export itself is recorded with its filters and purpose."""
    purpose = clean(purpose or "")
    errors: dict[str, list] = {}
    if not purpose:
        errors["purpose"] = [_l("Say why you are exporting the audit trail.")]
    elif len(purpose) > MAX_PURPOSE_LENGTH:
        errors["purpose"] = [_l("Keep the purpose under %(n)d characters.", n=MAX_PURPOSE_LENGTH)]
    try:
        validate_filter(criteria)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    events = list(db.session.scalars(events_query(criteria)))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for event in events:
        writer.writerow(
            [
                _cell(event.id),
                _cell(event.occurred_at.isoformat(timespec="seconds")),
                _cell(event.actor_id),
                _cell(event.actor.email if event.actor else ""),
                _cell(event.actor.name if event.actor else ""),
                _cell(event.action),
                _cell(event.target_type),
                _cell(event.target_id),
                _cell(json.dumps(event.details or {}, ensure_ascii=False, sort_keys=True)),
            ]
        )
    record(
        "audit.export",
        actor=actor,
        details={"filters": criteria.as_details(), "purpose": purpose, "rows": len(events)},
    )
    db.session.flush()
    return buffer.getvalue()


# --- the deliberate purge path -------------------------------------------------------------


def purge(
    *,
    reason: str,
    actor: User | None,
    target_type: str | None = None,
    target_id: int | None = None,
    before: datetime | None = None,
) -> int:
    """Delete the matching events, for legal erasure or retention; returns how many.

    The only code path that deletes audit events. It needs a reason and at least one criterion,
    lifts the append-only guards for this transaction only, and records an ``audit.purge``
    event (which the purge itself never touches) saying what went and why.
    """
    reason = clean(reason or "")
    errors: dict[str, list] = {}
    if not reason:
        errors["reason"] = [_l("Give the reason for the purge (the legal ground or request).")]
    if target_type is None and target_id is None and before is None:
        errors["target_type"] = [_l("Say which events to purge: a record, or a date.")]
    if target_id is not None and target_type is None:
        errors["target_type"] = [_l("Give the record type with the record number.")]
    if before is not None and before.tzinfo is None:
        errors["before"] = [_l("The date must carry a time zone.")]
    if errors:
        raise ValidationFailed(errors)
    statement = delete(AuditEvent)
    if target_type is not None:
        statement = statement.where(AuditEvent.target_type == target_type)
    if target_id is not None:
        statement = statement.where(AuditEvent.target_id == target_id)
    if before is not None:
        statement = statement.where(AuditEvent.occurred_at < before)
    db.session.flush()
    with audit_purge_allowed(db.session.connection(), db.session):
        result = db.session.execute(statement.execution_options(synchronize_session=False))
    db.session.expire_all()
    criteria = {"target_type": target_type, "target_id": target_id}
    if before is not None:
        criteria["before"] = before.isoformat()
    record(
        "audit.purge",
        actor=actor,
        details={
            "criteria": {k: v for k, v in criteria.items() if v is not None},
            "reason": reason,
            "deleted": result.rowcount,
        },
    )
    db.session.flush()
    return result.rowcount
