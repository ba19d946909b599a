"""Database URL checks and SQLite connection settings.

SQLite is the embedded default. Each connection gets WAL, foreign keys, a busy timeout and
``secure_delete``; and every transaction starts with ``BEGIN IMMEDIATE`` so that it takes the
write lock up front. A deferred transaction that reads and then writes fails at once with
"database is locked" when another writer got there first, whatever the busy timeout.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError

SUPPORTED_BACKENDS = ("sqlite", "postgresql")


class DatabaseURLError(ValueError):
    """DATABASE_URL is missing a scheme, malformed or names an unsupported database."""


def check_database_url(url: str) -> None:
    """Explain a bad DATABASE_URL before SQLAlchemy fails with a stack trace."""
    if not url or not url.strip():
        raise DatabaseURLError("DATABASE_URL is empty: leave it unset for SQLite or give a URL")
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseURLError(
            "DATABASE_URL is malformed; expected for example "
            "sqlite:////path/to/diaspora.sqlite or postgresql+psycopg://user@host/dbname"
        ) from exc
    if parsed.get_backend_name() not in SUPPORTED_BACKENDS:
        raise DatabaseURLError(
            f"DATABASE_URL uses '{parsed.get_backend_name()}'; supported: sqlite, postgresql"
        )
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() not in (
        "psycopg",
        "psycopg2",
    ):
        raise DatabaseURLError("For PostgreSQL use the psycopg driver: postgresql+psycopg://…")


_busy_timeout_ms = 15000

# The audit trail is append-only (see ``diaspora.models.audit``). On SQLite the trigger that refuses
# UPDATE and DELETE asks this per-connection function whether a deliberate purge is under way; a
# connection opened by any other tool lacks the function, so the trigger fails there too.
AUDIT_PURGE_FUNCTION = "diaspora_audit_purge_allowed"
AUDIT_PURGE_INFO_KEY = "diaspora.audit_purge"


def configure_sqlite(busy_timeout_ms: int) -> None:
    global _busy_timeout_ms
    _busy_timeout_ms = busy_timeout_ms


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" event below issue BEGIN itself, instead of pysqlite's deferred one.
    dbapi_connection.isolation_level = None
    flag = {"allowed": False}
    connection_record.info[AUDIT_PURGE_INFO_KEY] = flag
    dbapi_connection.create_function(
        AUDIT_PURGE_FUNCTION, 0, lambda: 1 if flag["allowed"] else 0, deterministic=False
    )
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {int(_busy_timeout_ms)}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA secure_delete = ON")
    cursor.execute("PRAGMA synchronous = NORMAL")
    # Temporary tables (a search's hits) stay in memory, never in a file beside the database.
    cursor.execute("PRAGMA temp_store = MEMORY")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin_immediate(connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
