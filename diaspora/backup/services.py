"""Backups of the whole database, and restores from them.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies a consistent snapshot while
the application keeps writing; the copy is checked with ``PRAGMA integrity_check`` and switched
to a self-contained rollback-journal file before it is moved into place. A restore checks the
file first (SQLite header, integrity, the registry's tables), then copies it over the configured
database with the same API.

PostgreSQL: ``pg_dump --format=custom`` of the configured database, and ``pg_restore --clean
--if-exists`` in a single transaction, after ``pg_restore --list`` has read the whole archive.
The password travels in ``PGPASSWORD``, never on a command line.

Nothing here reads the request or commits through the application's session: these functions
work on files and connection URLs, and the command line reports what they return.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3

# subprocess runs pg_dump and pg_restore with argument lists, never through a shell.
import subprocess  # nosec B404
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import URL, make_url

SQLITE_HEADER = b"SQLite format 3\x00"
# Tables any backup of this registry has; a file without them is someone else's database.
REQUIRED_TABLES = ("users", "audit_events")


class BackupError(Exception):
    """A backup or restore that cannot go ahead, with a message for the operator."""


@dataclass
class BackupReport:
    path: Path
    backend: str
    row_counts: dict[str, int] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.row_counts.values())


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError(
            "The configured SQLite database is in memory: there is nothing to back up"
        )
    return Path(url.database)


def _check_target(target: Path) -> Path:
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} already exists: choose a new file name")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist")
    return target


def _check_source(source: Path) -> Path:
    source = Path(source)
    if not source.exists():
        raise BackupError(f"{source} does not exist")
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    return source


def sqlite_row_counts(connection: sqlite3.Connection) -> dict[str, int]:
    tables = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    # Names come from sqlite_master itself and are quoted: no injection.
    query = 'SELECT count(*) FROM "{}"'
    return {name: connection.execute(query.format(name)).fetchone()[0] for name in tables}


def _integrity(connection: sqlite3.Connection) -> str:
    rows = connection.execute("PRAGMA integrity_check").fetchall()
    return "; ".join(str(row[0]) for row in rows)


# --- SQLite --------------------------------------------------------------------------------


def _sqlite_create(url: URL, target: Path, busy_timeout_ms: int) -> BackupReport:
    source_path = _sqlite_path(url)
    if not source_path.exists():
        raise BackupError(f"The database file {source_path} does not exist")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(source_path)
    destination = sqlite3.connect(partial)
    try:
        source.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        source.backup(destination)  # one step: a consistent snapshot, writers carry on (WAL)
        destination.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        result = _integrity(destination)
        if result != "ok":
            raise BackupError(f"The copy failed its integrity check: {result}")
        counts = sqlite_row_counts(destination)
    except sqlite3.Error as exc:
        raise BackupError(f"The backup failed: {exc}") from exc
    finally:
        destination.close()
        source.close()
    partial.chmod(0o600)
    os.replace(partial, target)
    return BackupReport(target, "sqlite", counts)


def check_sqlite_backup(source: Path) -> dict[str, int]:
    """Refuse anything but an intact SQLite file holding this registry's tables."""
    with source.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{source} is not a valid backup: not an SQLite database file")
    try:
        connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{source} is not a valid backup: {exc}") from exc
    try:
        result = _integrity(connection)
        if result != "ok":
            raise BackupError(f"{source} is not a valid backup: integrity check says {result}")
        counts = sqlite_row_counts(connection)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source} is not a valid backup: {exc}") from exc
    finally:
        connection.close()
    missing = [name for name in REQUIRED_TABLES if name not in counts]
    if missing:
        raise BackupError(
            f"{source} is not a valid backup of this registry: no {', '.join(missing)} table"
        )
    return counts


def _sqlite_restore(url: URL, source: Path, busy_timeout_ms: int) -> BackupReport:
    counts = check_sqlite_backup(source)
    target_path = _sqlite_path(url)
    if not target_path.parent.is_dir():
        raise BackupError(f"The folder {target_path.parent} does not exist")
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    database = sqlite3.connect(target_path)
    try:
        database.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        backup.backup(database)
        result = _integrity(database)
        if result != "ok":
            raise BackupError(f"The restored database failed its integrity check: {result}")
        database.execute("PRAGMA journal_mode = WAL")
    except sqlite3.Error as exc:
        raise BackupError(f"The restore failed: {exc}") from exc
    finally:
        database.close()
        backup.close()
    return BackupReport(target_path, "sqlite", counts)


# --- PostgreSQL ----------------------------------------------------------------------------


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client tools "
            "(apt-get install postgresql-client) in the version of the server"
        )
    return path


def _pg_env(url: URL) -> dict[str, str]:
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
    ):
        if value not in (None, ""):
            env[key] = str(value)
    return env


def _run(arguments: list[str], env: dict[str, str], what: str) -> str:
    # The tool's absolute path and our own arguments, no shell: nothing for input to inject.
    completed = subprocess.run(  # noqa: S603  # nosec B603
        arguments, env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip().splitlines()
        raise BackupError(f"{what} failed: {detail[-1] if detail else completed.returncode}")
    return completed.stdout


def _postgres_create(url: URL, target: Path) -> BackupReport:
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    _run(
        [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}"],
        _pg_env(url),
        "pg_dump",
    )
    partial.chmod(0o600)
    os.replace(partial, target)
    return BackupReport(target, "postgresql")


def _postgres_restore(url: URL, source: Path) -> BackupReport:
    env = _pg_env(url)
    try:
        listing = _run([_tool("pg_restore"), "--list", str(source)], env, "Reading the backup")
    except BackupError as exc:
        raise BackupError(f"{source} is not a valid backup: {exc}") from exc
    missing = [
        name for name in REQUIRED_TABLES if not re.search(rf"\bTABLE public {name}\b", listing)
    ]
    if missing:
        raise BackupError(
            f"{source} is not a valid backup of this registry: no {', '.join(missing)} table"
        )
    _run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={url.database}",
            str(source),
        ],
        env,
        "pg_restore",
    )
    return BackupReport(source, "postgresql")


# --- entry points --------------------------------------------------------------------------


def create_backup(database_url: str, target: Path, *, busy_timeout_ms: int = 15000) -> BackupReport:
    url = make_url(database_url)
    target = _check_target(Path(target))
    if url.get_backend_name() == "sqlite":
        return _sqlite_create(url, target, busy_timeout_ms)
    return _postgres_create(url, target)


def restore_backup(
    database_url: str, source: Path, *, busy_timeout_ms: int = 15000
) -> BackupReport:
    url = make_url(database_url)
    source = _check_source(Path(source))
    if url.get_backend_name() == "sqlite":
        return _sqlite_restore(url, source, busy_timeout_ms)
    return _postgres_restore(url, source)
