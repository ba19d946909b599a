"""SQLite done right: pragmas on every connection and writers that never fail with "locked"."""

from __future__ import annotations

import multiprocessing

import pytest
from sqlalchemy import func, select, text

from tests.conftest import POSTGRES_URL

pytestmark = pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite-specific settings")


def test_pragmas(db):
    connection = db.session.connection()
    assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    assert connection.execute(text("PRAGMA secure_delete")).scalar() == 1


def _writer(url: str, worker: int, rounds: int, queue) -> None:
    """Each round reads, then writes, in one transaction: the pattern that fails when deferred."""
    from diaspora import create_app
    from diaspora.audit.services import record
    from diaspora.extensions import db
    from diaspora.models import AuditEvent

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    failures = 0
    with app.app_context():
        for number in range(rounds):
            try:
                seen = db.session.scalar(select(func.count()).select_from(AuditEvent))
                record(
                    "test.write", actor=None, details={"worker": worker, "n": number, "seen": seen}
                )
                db.session.commit()
            except Exception:
                db.session.rollback()
                failures += 1
    queue.put(failures)


def test_concurrent_writers_all_land(app, db):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    workers, rounds = 4, 40
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    processes = [
        context.Process(target=_writer, args=(url, worker, rounds, queue))
        for worker in range(workers)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    failures = [queue.get(timeout=5) for _ in processes]
    assert failures == [0] * workers
    from diaspora.models import AuditEvent

    db.session.rollback()
    landed = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "test.write")
    )
    assert landed == workers * rounds


def test_deferred_transactions_would_fail(tmp_path):
    """The control: plain deferred transactions do hit "database is locked" in this pattern."""
    import sqlite3

    path = tmp_path / "control.sqlite"
    setup = sqlite3.connect(path)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE t (x)")
    setup.commit()
    first = sqlite3.connect(path, timeout=0.5, isolation_level=None)
    second = sqlite3.connect(path, timeout=0.5, isolation_level=None)
    first.execute("BEGIN")
    second.execute("BEGIN")
    first.execute("SELECT count(*) FROM t").fetchone()
    second.execute("SELECT count(*) FROM t").fetchone()
    first.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        second.execute("INSERT INTO t VALUES (2)")
    first.execute("COMMIT")
