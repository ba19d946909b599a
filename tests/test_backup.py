"""Backups while the application writes, restores into a fresh database, and refusals of
missing or damaged files (which leave the database untouched)."""

from __future__ import annotations

import multiprocessing
import shutil
import sqlite3
import time
import uuid

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from diaspora import create_app
from diaspora.backup.services import sqlite_row_counts
from diaspora.extensions import db as _db
from diaspora.models import AuditEvent
from tests.conftest import POSTGRES_URL
from tests.test_security import snapshot

BATCH = 5  # rows per writer transaction: a consistent backup holds whole batches only


def _writer(url: str, stop, rounds: int) -> None:
    """Commits batches of audit events until told to stop (bounded in count and time)."""
    from diaspora.audit.services import record

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    deadline = time.monotonic() + 60
    with app.app_context():
        for number in range(rounds):
            if stop.is_set() or time.monotonic() > deadline:
                break
            for part in range(BATCH):
                record(
                    "test.batch",
                    actor=None,
                    target_type="batch",
                    target_id=number + 1,
                    details={"part": part},
                )
            _db.session.commit()
        _db.engine.dispose()


def _batches(app) -> int:
    with app.app_context():
        _db.session.remove()
        return (
            _db.session.scalar(select(func.count()).where(AuditEvent.action == "test.batch"))
            // BATCH
        )


def _wait_for(predicate, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _backup_while_writing(app, runner, target) -> tuple[int, int]:
    """Start a writing process, back up in the middle of its work; returns batches before/after."""
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    process = context.Process(
        target=_writer, args=(app.config["SQLALCHEMY_DATABASE_URI"], stop, 5000)
    )
    process.start()
    try:
        _wait_for(lambda: _batches(app) >= 10)
        before = _batches(app)
        result = runner.invoke(args=["backup", "create", str(target)])
        assert result.exit_code == 0, result.output
        assert "Backed up" in result.output
        after = _batches(app)
        _wait_for(lambda: _batches(app) >= after + 10)  # the writer kept going
    finally:
        stop.set()
        process.join(timeout=60)
    assert process.exitcode == 0
    return before, after


def _whole_batches(counts_by_batch: list[tuple[int, int]]) -> None:
    assert counts_by_batch, "no batch in the backup"
    assert all(count == BATCH for _batch, count in counts_by_batch), counts_by_batch


@pytest.fixture
def populated(app, seeded, make_user):
    make_user("admin")
    make_user("officer")


@pytest.mark.slow
@pytest.mark.skipif(bool(POSTGRES_URL), reason="the SQLite backup API; PostgreSQL below")
def test_sqlite_backup_during_writes_then_restore(app, runner, populated, tmp_path):
    target = tmp_path / "registry.backup"
    before, after = _backup_while_writing(app, runner, target)

    # The backup is one self-contained, intact file holding whole batches only.
    assert not (tmp_path / "registry.backup-wal").exists()
    backup = sqlite3.connect(target)
    assert backup.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert backup.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    backed_up = sqlite_row_counts(backup)
    batches = backup.execute(
        "SELECT target_id, count(*) FROM audit_events WHERE action = 'test.batch' "
        "GROUP BY target_id"
    ).fetchall()
    backup.close()
    _whole_batches(batches)
    assert before <= len(batches) <= after
    assert backed_up["users"] == 2 and backed_up["expertise_fields"] > 50

    # Restore into a fresh, empty database.
    fresh_url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    fresh = create_app("testing", {"SQLALCHEMY_DATABASE_URI": fresh_url})
    try:
        result = fresh.test_cli_runner().invoke(args=["backup", "restore", str(target), "--yes"])
        assert result.exit_code == 0, result.output
        restored = sqlite3.connect(tmp_path / "fresh.sqlite")
        assert restored.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert restored.execute("PRAGMA foreign_key_check").fetchall() == []
        counts = sqlite_row_counts(restored)
        assert (
            restored.execute(
                "SELECT count(*) FROM audit_events WHERE action = 'backup.restore'"
            ).fetchone()[0]
            == 1
        )
        restored.close()
        counts["audit_events"] -= 1  # the restore records itself
        assert counts == backed_up
        # The restored database works, and its audit trail is append-only again.
        with (
            fresh.app_context(),
            pytest.raises(DBAPIError, match="append-only"),
            _db.engine.begin() as conn,
        ):
            conn.execute(text("DELETE FROM audit_events"))
    finally:
        with fresh.app_context():
            _db.engine.dispose()


def _postgres_structure(url: str) -> tuple[list[tuple], int]:
    """Every constraint, index and trigger of the public schema, and how many constraints are
    left unvalidated: a restore that dropped or could not re-create one does not pass."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            objects = conn.execute(
                text(
                    "SELECT 'constraint', conrelid::regclass::text, conname, contype::text "
                    "FROM pg_constraint WHERE connamespace = 'public'::regnamespace "
                    "UNION ALL SELECT 'index', tablename, indexname, '' FROM pg_indexes "
                    "WHERE schemaname = 'public' "
                    "UNION ALL SELECT 'trigger', event_object_table, trigger_name, "
                    "event_manipulation FROM information_schema.triggers "
                    "WHERE trigger_schema = 'public' ORDER BY 1, 2, 3, 4"
                )
            ).all()
            unvalidated = conn.execute(
                text(
                    "SELECT count(*) FROM pg_constraint "
                    "WHERE connamespace = 'public'::regnamespace AND NOT convalidated"
                )
            ).scalar()
            return [tuple(row) for row in objects], unvalidated
    finally:
        engine.dispose()


def _postgres_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = (
                conn.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
                )
                .scalars()
                .all()
            )
            return {
                name: conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar()
                for name in tables
            }
    finally:
        engine.dispose()


@pytest.mark.slow
@pytest.mark.skipif(not POSTGRES_URL, reason="runs in the PostgreSQL pass")
@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
def test_postgres_backup_during_writes_then_restore(app, runner, populated, tmp_path):
    target = tmp_path / "registry.dump"
    before, after = _backup_while_writing(app, runner, target)
    assert target.stat().st_size > 0

    base = make_url(POSTGRES_URL)
    name = f"diaspora_restore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    fresh_url = base.set(database=name).render_as_string(hide_password=False)
    fresh = create_app("testing", {"SQLALCHEMY_DATABASE_URI": fresh_url})
    try:
        result = fresh.test_cli_runner().invoke(args=["backup", "restore", str(target), "--yes"])
        assert result.exit_code == 0, result.output
        with fresh.app_context():
            _db.engine.dispose()
        counts = _postgres_counts(fresh_url)
        engine = create_engine(fresh_url)
        with engine.connect() as conn:
            batches = conn.execute(
                text(
                    "SELECT target_id, count(*) FROM audit_events WHERE action = 'test.batch' "
                    "GROUP BY target_id"
                )
            ).all()
            # PostgreSQL's "integrity check": every foreign key still holds.
            orphans = conn.execute(
                text(
                    "SELECT count(*) FROM audit_events a LEFT JOIN users u ON u.id = a.actor_id "
                    "WHERE a.actor_id IS NOT NULL AND u.id IS NULL"
                )
            ).scalar()
            with pytest.raises(DBAPIError, match="append-only"):
                conn.execute(text("DELETE FROM audit_events"))
        engine.dispose()
        _whole_batches(batches)
        assert before <= len(batches) <= after
        assert orphans == 0
        # Every constraint (foreign keys, uniqueness, checks), index and trigger came back valid.
        structure, unvalidated = _postgres_structure(fresh_url)
        assert unvalidated == 0
        assert structure == _postgres_structure(app.config["SQLALCHEMY_DATABASE_URI"])[0]
        assert sum(1 for kind, *_rest in structure if kind == "constraint") > 20
        assert counts["users"] == 2 and counts["expertise_fields"] > 50
        # Every other table as in the source (nothing else was written), and the audit trail:
        # the whole batches of the backup moment, the other events, and the restore's own.
        source = _postgres_counts(app.config["SQLALCHEMY_DATABASE_URI"])
        with app.app_context():
            other_events = _db.session.scalar(
                select(func.count()).where(AuditEvent.action != "test.batch")
            )
        assert {k: v for k, v in counts.items() if k != "audit_events"} == {
            k: v for k, v in source.items() if k != "audit_events"
        }
        assert counts["audit_events"] == len(batches) * BATCH + other_events + 1
    finally:
        with fresh.app_context():
            _db.engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# --- refusals --------------------------------------------------------------------------------


def test_restore_of_a_missing_file_changes_nothing(app, runner, populated, tmp_path):
    before = snapshot(app)
    result = runner.invoke(args=["backup", "restore", str(tmp_path / "nope.backup"), "--yes"])
    assert result.exit_code == 1
    assert "does not exist" in result.output
    assert snapshot(app) == before


@pytest.mark.parametrize(
    "content",
    [b"", b"this is not a backup at all\n" * 100, b"SQLite format 3\x00" + b"\x07" * 5000],
    ids=["empty", "text", "damaged sqlite"],
)
def test_restore_of_a_corrupt_file_changes_nothing(app, runner, populated, tmp_path, content):
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(content)
    before = snapshot(app)
    result = runner.invoke(args=["backup", "restore", str(damaged), "--yes"])
    assert result.exit_code == 1
    assert "is not a valid backup" in result.output
    assert snapshot(app) == before


@pytest.mark.skipif(bool(POSTGRES_URL), reason="an SQLite file")
def test_restore_of_a_truncated_or_foreign_sqlite_file_changes_nothing(
    app, runner, populated, tmp_path
):
    good = tmp_path / "good.backup"
    assert runner.invoke(args=["backup", "create", str(good)]).exit_code == 0
    truncated = tmp_path / "truncated.backup"
    data = good.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    foreign = tmp_path / "foreign.sqlite"
    other = sqlite3.connect(foreign)
    other.execute("CREATE TABLE notes (x)")
    other.commit()
    other.close()
    before = snapshot(app)
    for path, message in (
        (truncated, "is not a valid backup"),
        (foreign, "no users, audit_events table"),
    ):
        result = runner.invoke(args=["backup", "restore", str(path), "--yes"])
        assert result.exit_code == 1, path
        assert message in result.output, result.output
    assert snapshot(app) == before


def test_create_refuses_to_overwrite_or_write_nowhere(app, runner, populated, tmp_path):
    existing = tmp_path / "existing.backup"
    existing.write_bytes(b"keep me")
    result = runner.invoke(args=["backup", "create", str(existing)])
    assert result.exit_code == 1 and "already exists" in result.output
    assert existing.read_bytes() == b"keep me"
    result = runner.invoke(args=["backup", "create", str(tmp_path / "no" / "such" / "dir.b")])
    assert result.exit_code == 1 and "does not exist" in result.output


def test_restore_asks_for_confirmation(app, runner, populated, tmp_path):
    before = snapshot(app)
    result = runner.invoke(args=["backup", "restore", str(tmp_path / "x")], input="n\n")
    assert result.exit_code == 1
    assert snapshot(app) == before
