"""Property tests of the spreadsheet readers (issue 8, point 12).

Whatever bytes arrive, ``read_table`` either returns a table or refuses the file with the
module's own ``ValidationFailed`` (a message for the officer) — never another exception, which
would be a 500. And what the app's own writers produce reads back cell for cell.
"""

from __future__ import annotations

import codecs
import io
import unicodedata
import zipfile
from dataclasses import replace

import pytest
import xlsxwriter
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from diaspora.errors import ValidationFailed
from diaspora.transfer import writers
from diaspora.transfer.reading import Limits, read_table
from diaspora.transfer.records import ExportRecord
from tests.transfer_helpers import csv_bytes, xlsx_bytes

# The readers touch no database; the session's app only provides the translations.
FIXTURES = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
LIMITS = Limits(max_bytes=2 * 1024 * 1024, max_columns=40, max_rows=300, max_cell=5000)

# Text a spreadsheet cell may hold: Vietnamese, other scripts, formula starts, control
# characters (NUL included), quotes, separators and line breaks of every kind.
FORMULAS = st.sampled_from(
    ["=1+1", "+84 912 345 678", "-2+3+cmd|' /C calc'!A0", "@SUM(A1:A2)", '=HYPERLINK("x")']
)
CELL = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="aăâbdđeêioôơuưyÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊ ,;\t\"'\r\n"),
    FORMULAS,
    st.text(alphabet="\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\u2028\ufeff\ufffe ab", max_size=10),
    st.just("x" * 6000),
)
ROWS = st.lists(st.lists(CELL, max_size=8), min_size=0, max_size=8)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "cp1258"])


def _read(data: bytes, name: str):
    """The table, or None when the file was refused with a clear message."""
    try:
        return read_table(data, name, limits=LIMITS)
    except ValidationFailed as error:
        assert error.errors.get("file"), error.errors
        assert all(str(message).strip() for message in error.errors["file"])
        return None


@pytest.fixture
def context(app):
    with app.test_request_context():
        yield


@FIXTURES
@given(data=st.binary(max_size=3000), name=st.sampled_from(["a.csv", "a.txt", "a.xlsx"]))
@example(data=b"\xef\xbb\xbf", name="a.csv")
@example(data=b"\xff\xfe\x00", name="a.csv")
@example(data=b"PK\x03\x04garbage", name="a.xlsx")
@example(data=b'"unterminated\n', name="a.csv")
@example(data=b"a\rb\r\x1c\x1d", name="a.csv")
def test_any_bytes_are_read_or_refused_clearly(context, data, name):
    _read(data, name)


@FIXTURES
@given(rows=ROWS, encoding=ENCODINGS, delimiter=st.sampled_from([",", ";", "\t"]))
def test_any_csv_text_is_read_or_refused_clearly(context, rows, encoding, delimiter):
    try:
        data = csv_bytes(rows, encoding, delimiter)
    except UnicodeEncodeError:
        data = csv_bytes(rows, "utf-8", delimiter)
    _read(data, "list.csv")


@FIXTURES
@given(first=ROWS, second=ROWS, encodings=st.tuples(ENCODINGS, ENCODINGS))
def test_files_mixing_encodings_are_read_or_refused_clearly(context, first, second, encodings):
    parts = []
    for rows, encoding in zip((first, second), encodings, strict=True):
        try:
            parts.append(csv_bytes(rows, encoding))
        except UnicodeEncodeError:
            parts.append(csv_bytes(rows, "utf-8"))
    _read(b"".join(parts), "mixed.csv")


# XLSX cells cannot hold most control characters (XML 1.0 forbids them): openpyxl refuses them
# when writing, so the generated workbooks hold everything else.
XLSX_CELL = st.one_of(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        max_size=30,
    ).map(lambda text: "".join(c for c in text if c in "\t\n\r" or ord(c) >= 32)),
    FORMULAS,
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
)


@FIXTURES
@given(rows=st.lists(st.lists(XLSX_CELL, max_size=8), max_size=8))
def test_any_workbook_is_read_or_refused_clearly(context, rows):
    _read(xlsx_bytes(rows), "list.xlsx")


# --- round trips through the app's own writers ---

TEXT_COLUMNS = ["full_name", "foreign_name", "city", "address", "occupation", "title", "employer"]
PLAIN = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\ufeff"
    ),
    max_size=25,
)
ROUND_CELL = st.one_of(PLAIN, FORMULAS, st.text(alphabet="ab \t\n\r=+-@'\"", max_size=12))
BLANK = ExportRecord(
    id=1, full_name="", foreign_name="", former_names="", gender=None, birth_year=None,
    origin_commune="", origin_district_old="", country="", city="", address="", website="",
    occupation="", title="", employer="", preferred_language="", willing_advise=False,
    willing_invest=False, willing_host_delegation=False, willing_promote_products=False,
    willing_teach=False, status="", legal_basis=None, source="", verified_on=None,
)  # fmt: skip


def _records(rows: list[list[str]]) -> list[ExportRecord]:
    return [replace(BLANK, **dict(zip(TEXT_COLUMNS, row, strict=True))) for row in rows]


def _expected(rows: list[list[str]]) -> list[list[str]]:
    """What a reader keeps: Unicode in composed form, rows with some text in them; blank
    cells at the end of a row are empty."""
    kept = []
    for row in rows:
        cells = [unicodedata.normalize("NFC", cell) for cell in row]
        width = len(cells)
        while cells and not cells[-1].strip():
            cells.pop()
        if cells:
            kept.append(cells + [""] * (width - len(cells)))
    return kept


def _legacy_looking(rows: list[list[str]]) -> bool:
    """Characters that the legacy TCVN3/VNI fonts drew Vietnamese letters over (Latin-1)."""
    return any("\x80" <= char <= "\xff" for row in rows for cell in row for char in cell)


def _check_round_trip(data: bytes, name: str, rows: list[list[str]]) -> None:
    """The app's own file reads back cell for cell. Text that looks like a legacy font
    encoding is the one exception, and never a silent one: converted with a notice, or
    refused with a message naming the encoding."""
    expected = _expected(rows)
    try:
        table = read_table(data, name, limits=LIMITS)
    except ValidationFailed as error:
        message = " ".join(str(text) for text in error.errors["file"])
        if not expected:
            return
        legacy = "legacy" in message or "cũ" in message
        assert _legacy_looking(rows) and legacy, ascii((rows, message))
        return
    got = [cells for _line, cells in table.rows]
    if table.notices:
        assert _legacy_looking(rows) and len(got) == len(expected), (rows, table.notices)
        return
    assert got == expected, ascii((rows, got))


ROUND_ROWS = st.lists(st.lists(ROUND_CELL, min_size=7, max_size=7), min_size=1, max_size=6)


@FIXTURES
@given(rows=ROUND_ROWS)
@example(rows=[["Nguyễn Văn An", "=1+1", "Tokyo", "a;b;c", "+84 912", "-x", "@y"]])
@example(rows=[["a\r\nb", '"q"', "", "", "", "", ""]])
def test_the_app_csv_reads_back(context, rows):
    body = b"".join(writers.write_csv(_records(rows), TEXT_COLUMNS, "en"))
    _check_round_trip(body, "export.csv", rows)


@FIXTURES
@given(rows=ROUND_ROWS)
@example(rows=[["Nguyễn Văn An", "=1+1", "Tokyo", "a\tb", "+84 912", "x\ny", "@y"]])
def test_the_app_xlsx_reads_back(context, rows):
    sink = io.BytesIO()
    writers.write_xlsx(_records(rows), TEXT_COLUMNS, "en", sink, row_count=len(rows))
    _check_round_trip(sink.getvalue(), "export.xlsx", rows)


def test_a_bare_xlsxwriter_workbook_reads_back(context):
    sink = io.BytesIO()
    workbook = xlsxwriter.Workbook(sink, {"in_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["Họ và tên", "Quốc gia"])
    sheet.write_row(1, 0, ["Trần Thị Bình", "=cmd|' /C calc'!A0"])
    workbook.close()
    table = _read(sink.getvalue(), "x.xlsx")
    assert table.rows == [(2, ["Trần Thị Bình", "=cmd|' /C calc'!A0"])]


def test_boms_of_every_kind_are_taken_off(context):
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (b"", "utf-16")):
        table = _read(bom + csv_bytes([["Họ và tên"], ["An"]], encoding), "x.csv")
        assert table.headers == ["Họ và tên"]


# --- crashes found by the fuzzer (bench/fuzz_import.py), kept as tests ---


def _stored(rows) -> bytes:
    """The workbook with its parts stored uncompressed, so that bytes can be changed in place."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(rows)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for item in source.infolist():
            target.writestr(item.filename, source.read(item.filename))
    return out.getvalue()


@pytest.mark.parametrize("part", ["[Content_Types].xml", "xl/worksheets/sheet1.xml"])
def test_a_part_with_a_bad_checksum_is_refused_as_damaged(context, part):
    rows = [["Họ và tên", "Quốc gia"]] + [[f"Người số {n}", "Nhật Bản"] for n in range(400)]
    data = bytearray(_stored(rows))
    body = zipfile.ZipFile(io.BytesIO(bytes(data))).read(part)
    where = bytes(data).index(body) + len(body) - 30  # late in the part: past any first read
    data[where] = ord("Q") if data[where] != ord("Q") else ord("R")
    with pytest.raises(ValidationFailed) as refused:
        read_table(bytes(data), "list.xlsx", limits=LIMITS)
    assert refused.value.errors["file"]


def test_an_archive_needing_an_unknown_zip_version_is_refused_as_damaged(context):
    data = bytearray(xlsx_bytes([["Họ và tên"], ["An"]]))
    central = bytes(data).index(b"PK\x01\x02")
    data[central + 6 : central + 8] = b"\xff\x00"  # "version needed to extract": 25.5
    with pytest.raises(ValidationFailed) as refused:
        read_table(bytes(data), "list.xlsx", limits=LIMITS)
    assert refused.value.errors["file"]
