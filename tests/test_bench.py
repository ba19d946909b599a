"""The benchmark scripts still run end to end (tiny sizes, no figures checked: speed is
measured by running them, not in tests). A benchmark that broke silently would report
nothing the next time someone needs its figures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL

ROOT = Path(__file__).resolve().parent.parent
# The scripts build their own SQLite registry: one pass is enough.
pytestmark = pytest.mark.skipif(bool(POSTGRES_URL), reason="runs in the SQLite pass")


def _run(*arguments: str, tmp_path: Path) -> str:
    result = subprocess.run(
        [sys.executable, *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TMPDIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_transfer_benchmark_runs_every_measurement(tmp_path):
    output = _run(
        "bench/transfer.py",
        "--sizes", "20", "--commit-sizes", "20", "--export-sizes", "30", "--repeat", "1",
        tmp_path=tmp_path,
    )  # fmt: skip
    assert "20 rows: preview" in output and "created" in output
    for name in (
        "csv (app)", "csv.writer loop", "fetch only", "SQL + csv.writer loop", "xlsx (app)",
        "bare XlsxWriter loop", "vcard (app)",
    ):  # fmt: skip
        assert f"    30 {name}" in output, name
    assert "30 ratios: csv" in output


def test_search_benchmark_compares_the_app_with_plain_sql(tmp_path):
    output = _run(
        "bench/search.py",
        "--contacts", "120", "--repeat", "1",
        "--database-url", f"sqlite:///{tmp_path / 'bench.sqlite'}",
        "--ratelimit-storage", "memory://",
        tmp_path=tmp_path,
    )  # fmt: skip
    assert "120 contacts" in output
    assert "index entries: 120" in output
    for kind in ("field + country", "rare full name", "text + field, facets"):
        assert kind in output
