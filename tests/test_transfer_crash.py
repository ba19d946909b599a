"""An import killed with SIGKILL halfway through leaves the database intact, with all of the
batch or none of it (issue 8, point 14).

The import runs in another process through the real command line (``flask --app diaspora
contacts import``), on the test database. Once it reports that it is writing contacts, it is
killed without any chance to clean up: no ``finally``, no rollback, the connection simply gone.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from diaspora.extensions import db as _db
from diaspora.models import Contact, ImportBatch, ImportRow
from diaspora.search.backends import INDEX_TABLE
from tests.test_security import snapshot
from tests.transfer_helpers import csv_bytes

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("seeded")]

ROWS = 1500  # three chunks of 500: the kill lands after the first one was written
HEADER = ["Họ và tên", "Quốc gia", "Thành phố", "Email", "Năm sinh"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Khánh", "Linh", "Minh", "Ngọc"]
MIDDLE = ["Văn", "Thị", "Minh", "Quốc", "Thu"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ"]


def big_file(path: Path) -> None:
    rows = [HEADER]
    for number in range(ROWS):
        name = (
            f"{FAMILY[number % 6]} {MIDDLE[number // 6 % 5]} {GIVEN[number // 30 % 10]} "
            f"{GIVEN[number // 300 % 10]}"
        )
        rows.append([name, "Nhật Bản", "Tokyo", f"crash{number}@example.org", "1980"])
    path.write_bytes(csv_bytes(rows))


def _wait_for_marker(process: subprocess.Popen, log: Path, marker: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while True:
        output = log.read_text(encoding="utf-8", errors="replace")
        if marker in output:
            return output
        assert process.poll() is None, f"the import ended before {marker!r}:\n{output[-3000:]}"
        assert time.monotonic() < deadline, f"no {marker!r} within {timeout} s:\n{output[-3000:]}"
        time.sleep(0.02)


def _registry(app) -> dict[str, int]:
    with app.app_context():
        _db.session.remove()
        counts = {
            "contacts": _db.session.scalar(select(func.count(Contact.id))),
            "batches": _db.session.scalar(select(func.count(ImportBatch.id))),
            "rows": _db.session.scalar(select(func.count(ImportRow.id))),
            "indexed": _db.session.scalar(text(f"SELECT count(*) FROM {INDEX_TABLE}")),
        }
        committed = _db.session.scalar(select(ImportBatch).where(ImportBatch.status == "committed"))
        counts["created"] = int((committed.counts or {}).get("created", 0)) if committed else 0
        _db.session.remove()
        return counts


def test_import_killed_halfway_leaves_all_or_nothing(app, runner, make_user, tmp_path):
    admin = make_user("admin")
    source = tmp_path / "large.csv"
    big_file(source)
    before = snapshot(app)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    env = {
        **os.environ,
        "DIASPORA_ENV": "testing",
        "DIASPORA_SQLALCHEMY_DATABASE_URI": url,
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / "import.log"
    with log.open("wb") as sink:
        command = [sys.executable, "-m", "flask", "--app", "diaspora", "contacts", "import"]
        command += [str(source), "--user", admin.email, "--skip-errors"]
        process = subprocess.Popen(
            command,
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=Path(__file__).resolve().parent.parent,
        )
        try:
            output = _wait_for_marker(process, log, f"Writing: 500 of {ROWS} rows", 600)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, output
    assert f"{ROWS} rows:" in output  # the analysis had finished: it was writing

    if make_url(url).get_backend_name() == "sqlite":
        connection = sqlite3.connect(make_url(url).database)
        try:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        finally:
            connection.close()
    after = _registry(app)
    if after["batches"] == 0:  # none of it: every table exactly as before
        assert after == {"contacts": 0, "batches": 0, "rows": 0, "indexed": 0, "created": 0}
        assert snapshot(app) == before
    else:  # all of it (had the kill come too late)
        assert after["batches"] == 1 and after["rows"] == ROWS
        assert after["contacts"] == after["indexed"] == after["created"] > ROWS // 2
        return

    # The database is not left locked: the same import now runs to the end.
    result = runner.invoke(
        args=["contacts", "import", str(source), "--user", admin.email, "--skip-errors"]
    )
    assert result.exit_code == 0, result.output
    final = _registry(app)
    assert final["batches"] == 1 and final["contacts"] == final["indexed"] == final["created"]
    assert final["contacts"] > ROWS // 2
