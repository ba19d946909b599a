"""Bounded fuzz run of the import parser with atheris (issue 8, point 12).

    make fuzz                                   # 2 minutes (FUZZ_SECONDS=120)
    .venv/bin/python bench/fuzz_import.py -max_total_time=60 -runs=50000

Each input is one uploaded file: its first byte picks the name (.csv, .txt or .xlsx), the rest
is the content. It goes the way of an upload up to the preview: ``read_table`` (type
detection, zip checks, encodings, CSV/XLSX parsing), the proposed column mapping, and for the
first rows ``row_to_data`` and the registry's own validation, on an in-memory database with
the reference data. Refusals with the module's ``ValidationFailed`` (a message for the
officer) are expected; any other exception is a crash: atheris stops, prints the traceback
and writes the input to ``fuzz-artifacts/crash-…``: its first byte picks the name as above;
turn it into a test in tests/test_transfer_reading.py, then fix the reader.

Starts from a small corpus of real-looking files (UTF-8, BOM, UTF-16, Windows-1258, TCVN3,
VNI, semicolons, a workbook), kept and grown in ``fuzz-artifacts/corpus``; the run is bounded
by ``-runs`` and ``-max_total_time``.
Needs the optional ``fuzz`` extra: ``.venv/bin/pip install -e '.[fuzz]'``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import atheris

with atheris.instrument_imports(include=["diaspora.transfer", "diaspora.contacts"]):
    from diaspora.contacts import record_validation
    from diaspora.errors import ValidationFailed
    from diaspora.transfer.encodings import encode_tcvn3, encode_vni
    from diaspora.transfer.mapping import propose, row_to_data
    from diaspora.transfer.reading import Limits, read_table
    from diaspora.transfer.safety import looks_like_formula

from diaspora import create_app
from diaspora.extensions import db

NAMES = ("list.csv", "list.txt", "list.xlsx")
LIMITS = Limits(max_bytes=1024 * 1024, max_rows=2000, max_columns=60)
ROWS_CHECKED = 20


def _corpus(folder: Path) -> None:
    import csv
    import io

    from openpyxl import Workbook

    rows = [
        ["Họ và tên", "Quốc gia", "Thành phố", "Email", "Điện thoại", "Lĩnh vực", "Năm sinh"],
        ["Nguyễn Văn An", "Nhật Bản", "Tokyo", "an@example.org", "090-1234", "Du lịch", "1980"],
        ["Trần Thị Bình", "JP", "Osaka", "", "+81 80 1111 2222", "", ""],
        ['=HYPERLINK("x")', "Đức", "Berlin", "", "", "", "19x0"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    text = buffer.getvalue()
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    xlsx = io.BytesIO()
    workbook.save(xlsx)
    samples = {
        "utf8": (0, text.encode("utf-8")),
        "bom": (0, text.encode("utf-8-sig")),
        "utf16": (0, text.encode("utf-16")),
        "semicolon": (1, text.replace(",", ";").encode("utf-8")),
        "cp1258": (0, text.replace("ễ", "ê").replace("ạ", "a").encode("cp1258", "replace")),
        "tcvn3": (0, encode_tcvn3(text)),
        "vni": (0, encode_vni(text).encode("cp1252", "replace")),
        "xlsx": (2, xlsx.getvalue()),
    }
    for name, (kind, body) in samples.items():
        (folder / name).write_bytes(bytes([kind]) + body)


def main() -> None:
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        from diaspora.reference.services import seed_reference
        from diaspora.transfer.analysis import load_reference

        db.create_all()
        seed_reference()
        db.session.commit()
        reference = load_reference()

    def one_input(data: bytes) -> None:
        if not data:
            return
        name, body = NAMES[data[0] % len(NAMES)], data[1:]
        with app.test_request_context():
            try:
                table = read_table(body, name, limits=LIMITS)
            except ValidationFailed as error:
                assert all(str(text) for text in error.errors["file"])
                return
            targets = propose(table.headers)
            for _line, cells in table.rows[:ROWS_CHECKED]:
                result = row_to_data(cells, targets, reference, source_note="fuzz")
                [looks_like_formula(cell) for cell in cells]
                try:
                    record_validation.validate_contact(result.data, store_consent=False)
                except ValidationFailed as error:
                    assert all(str(text) for texts in error.errors.values() for text in texts)
            db.session.rollback()

    # The corpus grows with the inputs that reached new code, and is kept for the next run.
    corpus = Path("fuzz-artifacts") / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    _corpus(corpus)
    arguments = list(sys.argv)
    if not any(arg.startswith("-runs=") for arg in arguments):
        arguments.append("-runs=20000")
    if not any(arg.startswith("-max_total_time=") for arg in arguments):
        arguments.append("-max_total_time=120")
    if not any(arg.startswith("-artifact_prefix=") for arg in arguments):
        arguments.append("-artifact_prefix=fuzz-artifacts/")
    arguments += ["-max_len=65536", "-rss_limit_mb=2048", str(corpus)]
    atheris.Setup(arguments, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
