"""Reading an uploaded spreadsheet safely: what it really is, how big it may get, its cells.

The type is decided by the file's first bytes, not by its name; a name that does not match
the content is refused, and so are macro workbooks, old binary Excel files and anything else.
XLSX files are zip archives: their entries are counted and measured (sizes, compression
ratio) before anything is decompressed, and XML parts declaring a DOCTYPE or entities are
refused (openpyxl parses through defusedxml as well). The name is only ever displayed.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l

from diaspora.errors import ValidationFailed
from diaspora.transfer.encodings import LEGACY, convert_legacy, decode, repair_text
from diaspora.transfer.safety import restore


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 10 * 1024 * 1024
    max_columns: int = 200
    max_rows: int = 100_000
    max_unzipped: int = 200 * 1024 * 1024  # all entries of an XLSX together
    max_ratio: int = 200  # uncompressed / compressed, per entry
    max_entries: int = 2000
    max_cell: int = 5000  # characters kept of one cell


@dataclass
class Table:
    kind: str  # "csv" or "xlsx"
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number in the file, cells)
    encoding: str = ""
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)
    notices: list = field(default_factory=list)


def refuse(message) -> ValidationFailed:
    return ValidationFailed.single("file", message)


SIGNATURES = (
    (b"%PDF", _l("a PDF document")),
    (b"\xd0\xcf\x11\xe0", _l("an old Excel 97–2003 (.xls) or Word file")),
    (b"\x89PNG", _l("a PNG image")),
    (b"\xff\xd8\xff", _l("a JPEG image")),
    (b"GIF8", _l("a GIF image")),
    (b"Rar!", _l("a RAR archive")),
    (b"\x1f\x8b", _l("a gzip archive")),
    (b"7z\xbc\xaf", _l("a 7-Zip archive")),
    (b"MZ", _l("a Windows program")),
    (b"\x7fELF", _l("a program")),
)


def extension(file_name: str) -> str:
    name = (file_name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def detect(data: bytes, file_name: str) -> str:
    """``"csv"`` or ``"xlsx"``, from the content; refuses a mismatch with the name."""
    ext = extension(file_name)
    if ext == "xlsm":
        raise refuse(
            _l("Workbooks with macros (.xlsm) are refused. Save the sheet as .xlsx or CSV.")
        )
    if ext not in ("csv", "txt", "xlsx"):
        raise refuse(_l("Upload a CSV file (.csv) or an Excel workbook (.xlsx)."))
    if not data:
        raise refuse(_l("The file is empty."))
    for signature, what in SIGNATURES:
        if data.startswith(signature):
            raise refuse(
                _l(
                    "The file is named .%(ext)s but is %(what)s. Upload a CSV file or an "
                    "Excel workbook (.xlsx).",
                    ext=ext,
                    what=what,
                )
            )
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        if ext != "xlsx":
            raise refuse(
                _l(
                    "The file is named .%(ext)s but is a zip archive (such as an Excel "
                    "workbook). Give it its real name, or save it as CSV.",
                    ext=ext,
                )
            )
        return "xlsx"
    if ext == "xlsx":
        raise refuse(
            _l("The file is named .xlsx but is not an Excel workbook. Save it again from Excel.")
        )
    return "csv"


def read_table(data: bytes, file_name: str, *, sheet: str = "", limits: Limits = Limits()) -> Table:
    if len(data) > limits.max_bytes:
        raise refuse(
            _l(
                "The file is larger than %(mb)d MB. Split it, or remove columns that are not "
                "needed.",
                mb=limits.max_bytes // (1024 * 1024),
            )
        )
    kind = detect(data, file_name)
    table = _read_xlsx(data, sheet, limits) if kind == "xlsx" else _read_csv(data, limits)
    if not table.headers or not any(cell.strip() for cell in table.headers):
        raise refuse(_l("The file is empty."))
    if not table.rows:
        raise refuse(_l("The file has column headers but no rows of data."))
    return table


def _check_width(count: int, limits: Limits) -> None:
    if count > limits.max_columns:
        raise refuse(
            _l(
                "The file has %(count)d columns; at most %(max)d are accepted. Remove the "
                "empty or unneeded columns.",
                count=count,
                max=limits.max_columns,
            )
        )


def _too_many_rows(limits: Limits) -> ValidationFailed:
    return refuse(
        _l("The file has more than %(max)d rows; split it into smaller files.", max=limits.max_rows)
    )


def _tidy(rows, limits: Limits) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header = first non-empty row; empty rows dropped; every row as wide as the widest."""
    header: list[str] | None = None
    data: list[tuple[int, list[str]]] = []
    width = 0
    for number, cells in rows:
        while cells and not cells[-1].strip():
            cells.pop()
        _check_width(len(cells), limits)
        if not any(cell.strip() for cell in cells):
            continue
        cells = [cell[: limits.max_cell] for cell in cells]
        if header is None:
            header = [cell.strip() for cell in cells]
            width = len(header)
            continue
        data.append((number, cells))
        width = max(width, len(cells))
        if len(data) > limits.max_rows:
            raise _too_many_rows(limits)
    if header is None:
        return [], []
    header += [""] * (width - len(header))
    return header, [(number, cells + [""] * (width - len(cells))) for number, cells in data]


def _delimiter(head: str) -> str:
    """Comma, semicolon (Excel in many locales) or tab: the one that splits the header row
    into the most columns. csv.Sniffer guesses from the cells as well, and a tab or a
    semicolon inside the data then wins over the commas of the app's own exports."""
    best, widest = ",", 0
    for candidate in ",;\t":
        reader = csv.reader(io.StringIO(head, newline=""), delimiter=candidate, strict=False)
        try:
            header = next((row for row in reader if any(cell.strip() for cell in row)), [])
        except csv.Error:
            continue
        if len(header) > widest:
            best, widest = candidate, len(header)
    return best


def _read_csv(data: bytes, limits: Limits) -> Table:
    decoded = decode(data)
    text = decoded.text
    if not text.strip():
        raise refuse(_l("The file is empty."))
    first_line = text[: text.find("\n") if "\n" in text else len(text)]
    if max(first_line.count(","), first_line.count(";"), first_line.count("\t")) >= (
        limits.max_columns
    ):
        _check_width(
            max(first_line.count(","), first_line.count(";"), first_line.count("\t")) + 1, limits
        )
    delimiter = _delimiter(text[:65536])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        # The app's own exports prefix cells that could run as formulas with an apostrophe.
        cells = ((reader.line_num, [restore(cell) for cell in row]) for row in reader)
        header, rows = _tidy(cells, limits)
    except csv.Error:
        raise refuse(
            _l("The file is not a well-formed CSV file (a cell is too long or badly quoted).")
        ) from None
    return Table("csv", header, rows, encoding=decoded.encoding, notices=decoded.notices)


# --- XLSX ---


# What opening a damaged archive or reading its parts raises: a bad CRC or header, a zip
# version or compression method zipfile does not know, a broken deflate stream, a truncated
# part, encryption.
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, ValueError, RuntimeError, NotImplementedError)


def check_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    """The archive, once its entries are known to be few, small and honestly compressed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except _DAMAGED:
        raise refuse(_l("The workbook is damaged and cannot be opened.")) from None
    names = {entry.filename for entry in entries}
    if len(entries) > limits.max_entries:
        raise refuse(_l("The workbook has too many parts to be a plain spreadsheet."))
    if "xl/vbaProject.bin" in names or any(
        name.lower().endswith(".bin") and "vba" in name.lower() for name in names
    ):
        raise refuse(
            _l("Workbooks with macros are refused. Save the sheet as .xlsx without macros, or CSV.")
        )
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise refuse(
            _l("The file is a zip archive but not an Excel workbook. Save it again from Excel.")
        )
    total = 0
    for entry in entries:
        total += entry.file_size
        ratio = entry.file_size / max(entry.compress_size, 1)
        if total > limits.max_unzipped or (
            entry.file_size > 1_000_000 and ratio > limits.max_ratio
        ):
            raise refuse(
                _l(
                    "The workbook expands to far more data than its size suggests (a “zip bomb”) "
                    "and was not opened."
                )
            )
    try:
        _check_parts(archive, entries)
    except _DAMAGED:
        raise refuse(_l("The workbook is damaged and cannot be opened.")) from None
    return archive


def _check_parts(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> None:
    """No macros declared, and no XML part starting with entity declarations."""
    types = archive.read("[Content_Types].xml")
    if b"macroEnabled" in types:
        raise refuse(
            _l("Workbooks with macros are refused. Save the sheet as .xlsx without macros, or CSV.")
        )
    for entry in entries:
        if entry.filename.endswith((".xml", ".rels")):
            with archive.open(entry) as handle:
                head = handle.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise refuse(
                    _l(
                        "The workbook contains XML entity declarations, which can be used to "
                        "attack the server; it was not opened. Save it again from Excel."
                    )
                )


# OOXML writes the control characters that XML cannot hold as "_x000D_" (carriage return),
# "_x0001_" and so on; openpyxl hands them over as written.
_OOXML_ESCAPE = re.compile("_x(00[01][0-9A-Fa-f])_")


def _cell_text(value) -> str:
    if isinstance(value, str):
        return (
            _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value) if "_x" in value else value
        )
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _read_xlsx(data: bytes, sheet: str, limits: Limits) -> Table:
    check_zip(data, limits)
    import openpyxl
    from defusedxml import DefusedXmlException

    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False
        )
    except DefusedXmlException:
        raise refuse(
            _l(
                "The workbook contains XML entity declarations, which can be used to attack the "
                "server; it was not opened. Save it again from Excel."
            )
        ) from None
    except Exception:  # openpyxl raises many kinds for damaged files
        raise refuse(_l("The workbook is damaged and cannot be opened.")) from None
    try:
        names = list(workbook.sheetnames)
        chosen = sheet.strip() or names[0]
        if chosen not in names:
            raise refuse(
                _l(
                    "The workbook has no sheet called “%(sheet)s”. Its sheets: %(names)s.",
                    sheet=chosen[:60],
                    names=", ".join(names),
                )
            )
        worksheet = workbook[chosen]
        if (worksheet.max_column or 0) > limits.max_columns:
            _check_width(worksheet.max_column, limits)
        if (worksheet.max_row or 0) > limits.max_rows + 100:
            raise _too_many_rows(limits)
        rows = (
            (number, [_cell_text(value) for value in values])
            for number, values in enumerate(
                worksheet.iter_rows(values_only=True, max_col=limits.max_columns + 1), start=1
            )
        )
        header, body = _tidy(rows, limits)
    except ValidationFailed:
        raise
    except Exception:  # a part damaged further in than its first bytes, read row by row
        raise refuse(_l("The workbook is damaged and cannot be opened.")) from None
    finally:
        workbook.close()
    table = Table("xlsx", header, body, sheet=chosen, sheets=names)
    _repair_cells(table)
    return table


def _repair_cells(table: Table) -> None:
    """Cells typed with the legacy TCVN3/VNI fonts, converted (or the file refused); every
    cell in composed Unicode (NFC), as CSV files are read."""
    lines = ["\t".join(table.headers)] + ["\t".join(cells) for _number, cells in table.rows]
    fixed = repair_text("\n".join(lines), "")
    table.notices = list(fixed.notices)
    table.encoding = fixed.encoding
    if fixed.encoding in LEGACY:

        def convert(cell: str) -> str:
            return convert_legacy(cell, fixed.encoding) if cell else cell
    else:

        def convert(cell: str) -> str:
            return cell if cell.isascii() else unicodedata.normalize("NFC", cell)

    table.headers = [convert(cell) for cell in table.headers]
    table.rows = [(number, [convert(cell) for cell in cells]) for number, cells in table.rows]
