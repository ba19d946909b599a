"""Moving a record (contact, engagement) into the trash and back, the same way for all.

Each feature keeps its own rules (what may be deleted, stale versions, what a purge takes
along); setting the deletion stamp and auditing it is shared.
"""

from __future__ import annotations

from typing import Protocol

from diaspora.audit import services as audit
from diaspora.extensions import db
from diaspora.models import User, utcnow


class Trashable(Protocol):
    id: int
    version: int
    deleted_at: object
    deleted_by_id: int | None


def move_to_trash(record: Trashable, *, actor: User, target_type: str) -> None:
    """Stamp the record deleted by ``actor`` and audit ``<target_type>.delete``."""
    record.deleted_at = utcnow()
    record.deleted_by_id = actor.id
    _flush_and_record(record, actor=actor, target_type=target_type, action="delete")


def take_out_of_trash(record: Trashable, *, actor: User, target_type: str) -> None:
    """Clear the deletion stamp and audit ``<target_type>.restore``."""
    record.deleted_at = None
    record.deleted_by_id = None
    _flush_and_record(record, actor=actor, target_type=target_type, action="restore")


def _flush_and_record(record: Trashable, *, actor: User, target_type: str, action: str) -> None:
    db.session.flush()
    audit.record(
        f"{target_type}.{action}",
        actor=actor,
        target_type=target_type,
        target_id=record.id,
        details={"version": record.version},
    )
