"""Helpers for the import and export tests: files in memory, and the registry's state."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile

from openpyxl import Workbook

from diaspora.extensions import db
from tests.contact_helpers import database_state

IMPORT_TABLES = ("import_batches", "import_rows", "import_mappings", "audit_events")


def csv_bytes(rows, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, sheet: str = "Sheet1") -> bytes:
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, replace: dict[str, bytes] | None = None, add: dict | None = None) -> bytes:
    """An XLSX with some parts replaced or added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = (replace or {}).get(item.filename, source.read(item.filename))
            target.writestr(item.filename, body)
        for name, body in (add or {}).items():
            target.writestr(name, body)
    return out.getvalue()


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letters plus combining tone marks."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        tones = [m for m in decomposed[1:] if m in "\u0300\u0301\u0303\u0309\u0323"]
        rest = [m for m in decomposed[1:] if m not in tones]
        base = unicodedata.normalize("NFC", decomposed[0] + "".join(rest))
        out.append(base.encode("cp1258") + "".join(tones).encode("cp1258"))
    return b"".join(out)


def registry_state() -> dict:
    """Everything but the import bookkeeping and the audit trail."""
    state = database_state()
    for table in IMPORT_TABLES:
        state.pop(table, None)
    return state


def full_state() -> dict:
    return database_state()


def rows_of(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


__all__ = ["db"]
