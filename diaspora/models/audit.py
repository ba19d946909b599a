"""The audit trail: who did what, when, to which record.

Audit events are append-only. Two independent guards refuse UPDATE and DELETE:

- in the ORM, a ``before_flush`` hook (changed or deleted ``AuditEvent`` objects) and a
  ``do_orm_execute`` hook (bulk ``update()``/``delete()`` statements);
- in the database, triggers created with the table (by ``db.create_all`` through the
  ``after_create`` DDL below, and by the Alembic migration with the same SQL).

The one way around both is ``audit_purge_allowed(connection)``, used by the audited purge service
(``diaspora.audit.services.purge``), by legal erasure and by the test suite's cleanup. It lifts the
guards for the current transaction only: on PostgreSQL through the transaction-local setting
``diaspora.allow_audit_purge``, on SQLite through a per-connection SQL function that the trigger
calls (a TEMP table cannot be seen from a trigger of the main schema).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime

from sqlalchemy import DDL, JSON, ForeignKey, String, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from diaspora.database import AUDIT_PURGE_FUNCTION, AUDIT_PURGE_INFO_KEY
from diaspora.models.base import Base, UTCDateTime, utcnow
from diaspora.models.user import User

# Session.info key set while a deliberate purge runs in that session.
PURGE_SESSION_FLAG = "diaspora.audit_purge"
POSTGRES_PURGE_SETTING = "diaspora.allow_audit_purge"


class AuditTrailIsAppendOnly(RuntimeError):
    """Code tried to change or delete an audit event outside the purge path."""


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(48), index=True)
    target_type: Mapped[str | None] = mapped_column(String(48))
    target_id: Mapped[int | None] = mapped_column(index=True)
    # Free-form detail: field diffs, export filters and purpose, failure reasons. Never passwords.
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()


# --- database triggers ---------------------------------------------------------------------
# The same statements are in the migration that introduced them; keep the two in step.
# No "%" anywhere: DDL() would read it as a format placeholder.

SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
WHEN {AUDIT_PURGE_FUNCTION}() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused'); END""",
    f"""CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
WHEN {AUDIT_PURGE_FUNCTION}() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused'); END""",
)

POSTGRES_TRIGGERS = (
    f"""CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('{POSTGRES_PURGE_SETTING}', true), '') = 'on' THEN
        IF TG_LEVEL = 'STATEMENT' THEN RETURN NULL; END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = 'audit_events is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'restrict_violation';
END
$$""",
    """CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()""",
    """CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()""",
)

for _statement in SQLITE_TRIGGERS:
    event.listen(AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRES_TRIGGERS:
    event.listen(
        AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql")
    )
event.listen(
    AuditEvent.__table__,
    "after_drop",
    DDL("DROP FUNCTION IF EXISTS audit_events_append_only()").execute_if(dialect="postgresql"),
)


# --- ORM guard -----------------------------------------------------------------------------


def _purging(session: Session) -> bool:
    return bool(session.info.get(PURGE_SESSION_FLAG))


@event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, flush_context, instances) -> None:
    if _purging(session):
        return
    for obj in session.deleted:
        if isinstance(obj, AuditEvent):
            raise AuditTrailIsAppendOnly("audit events cannot be deleted")
    for obj in session.dirty:
        if isinstance(obj, AuditEvent) and session.is_modified(obj, include_collections=False):
            raise AuditTrailIsAppendOnly("audit events cannot be changed")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state) -> None:
    if not (state.is_update or state.is_delete) or _purging(state.session):
        return
    table = getattr(state.statement, "table", None)
    if table is AuditEvent.__table__ or any(m.class_ is AuditEvent for m in state.all_mappers):
        raise AuditTrailIsAppendOnly("audit events cannot be changed or deleted")


# --- the deliberate maintenance path -------------------------------------------------------


@contextmanager
def audit_purge_allowed(connection: Connection, session: Session | None = None) -> Iterator[None]:
    """Lift both guards on this connection (and session) until the block ends.

    Call it inside a transaction; callers record what they purged and why. On PostgreSQL the
    setting is transaction-local, so it also ends with the transaction whatever happens.
    """
    dialect = connection.dialect.name
    flag = None
    if dialect == "sqlite":
        flag = connection.connection.info[AUDIT_PURGE_INFO_KEY]
        flag["allowed"] = True
    elif dialect == "postgresql":
        connection.execute(
            text("SELECT set_config(:name, 'on', true)"), {"name": POSTGRES_PURGE_SETTING}
        )
    if session is not None:
        session.info[PURGE_SESSION_FLAG] = True
    try:
        yield
    finally:
        if session is not None:
            session.info.pop(PURGE_SESSION_FLAG, None)
        if flag is not None:
            flag["allowed"] = False
        elif dialect == "postgresql":
            _reset_postgres_setting(connection)


def _reset_postgres_setting(connection: Connection) -> None:
    # If the transaction failed, it rolls back, which resets the setting anyway.
    with suppress(DBAPIError):
        connection.execute(
            text("SELECT set_config(:name, 'off', true)"), {"name": POSTGRES_PURGE_SETTING}
        )
