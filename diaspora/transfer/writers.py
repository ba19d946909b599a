"""Writers: contact records in, file bytes out. They never query and never check permissions.

Each takes an iterable of ``ExportRecord`` (from a search, a delegation list, anything), the
columns and the header language. CSV and vCard are produced chunk by chunk; XLSX is written
row by row to a file in XlsxWriter's constant-memory mode; memory stays flat at any size.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import BinaryIO

import xlsxwriter

from diaspora.transfer.columns import (
    COLUMNS,
    DATE,
    NUMBER,
    SEPARATOR,
    Vocabulary,
    headers,
    row_getter,
)
from diaspora.transfer.records import ExportRecord
from diaspora.transfer.safety import PREFIX, TRIGGERS, neutralise

BOM = "\ufeff"
PDF_STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "css" / "export-pdf.css"
CHUNK_ROWS = 500
# First characters after which ``neutralise`` may have something to do.
_RISKY_START = frozenset((*TRIGGERS, " ", "\n", PREFIX))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_rows(rows: Iterable[list], header: list[str]) -> Iterator[bytes]:
    """UTF-8 with BOM, RFC 4180 quoting and CRLF, every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([neutralise(cell) for cell in header])
    for count, row in enumerate(rows, start=1):
        # Most cells are text that cannot start a formula: kept as they are without a call.
        writer.writerow(
            [
                cell
                if cell.__class__ is str and (not cell or cell[0] not in _RISKY_START)
                else neutralise(_text(cell))
                for cell in row
            ]
        )
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def write_csv(
    records: Iterable[ExportRecord], columns: list[str], language: str
) -> Iterator[bytes]:
    cells = row_getter(columns, language)
    return csv_rows((cells(record) for record in records), headers(columns, language))


def write_xlsx(
    records: Iterable[ExportRecord],
    columns: list[str],
    language: str,
    target: str | BinaryIO,
    *,
    row_count: int | None = None,
    sheet_name: str = "Contacts",
    title_rows: Sequence[str] = (),
    header_languages: Sequence[str] = (),
) -> int:
    """Typed cells, frozen bold header, autofilter, column widths; never a formula.

    Every text goes through ``write_string`` (phones keep their ``+``, ``=…`` stays text);
    numbers through ``write_number``, dates through ``write_datetime``. ``row_count`` lets
    the autofilter cover every row in constant-memory mode. ``title_rows`` are lines of text
    above the table (a list's title, its date), followed by a blank row; ``header_languages``
    gives one header row per language (bilingual headers) instead of one in ``language``.
    Returns the rows written.
    """
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "default_date_format": "yyyy-mm-dd",
        },
    )
    sheet = workbook.add_worksheet(sheet_name[:31])
    bold = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    kinds = [COLUMNS[key].kind for key in columns]
    for index, key in enumerate(columns):
        sheet.set_column(index, index, COLUMNS[key].width)
    top = len(title_rows) + 1 if title_rows else 0
    for index, text in enumerate(title_rows):
        sheet.write_string(index, 0, text, bold)
    for offset, header_language in enumerate(header_languages or (language,)):
        for index, text in enumerate(headers(columns, header_language)):
            sheet.write_string(top + offset, index, text, bold)
    header_row = top + len(header_languages or (language,)) - 1
    sheet.freeze_panes(header_row + 1, 0)
    if row_count is not None and columns:
        sheet.autofilter(header_row, 0, header_row + max(row_count, 1), len(columns) - 1)
    cells = row_getter(columns, language)
    # ``write_string`` is a decorator (turning "A1" names into numbers) around
    # ``_write_string``; our rows and columns are numbers already, and the decorator's two
    # extra Python calls were a fifth of the time per cell. Same cells, same file.
    write_string = getattr(sheet, "_write_string", sheet.write_string)
    write_number = sheet.write_number
    row_number = header_row
    for record in records:
        row_number += 1
        for index, value in enumerate(cells(record)):
            if value.__class__ is str:  # most cells: text, written as text whatever the column
                if value:
                    write_string(row_number, index, value)
                continue
            if value is None:
                continue
            kind = kinds[index]
            if kind == NUMBER and isinstance(value, int):
                write_number(row_number, index, value)
            elif kind == DATE and isinstance(value, date):
                sheet.write_datetime(row_number, index, value, day)
            else:
                write_string(row_number, index, str(value))
    workbook.close()
    return row_number - header_row


# --- vCard 3.0 (RFC 2426) ---


def _escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def fold_line(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF and a space; UTF-8 never split."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line + "\r\n"
    parts: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, 74  # continuation lines start with a space
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts) + "\r\n"


def name_parts(full_name: str) -> tuple[str, str, str]:
    """Vietnamese order, family name first: (family, given, middle)."""
    words = full_name.split()
    if len(words) < 2:
        return (full_name, "", "")
    return (words[0], words[-1], " ".join(words[1:-1]))


def vcard(record: ExportRecord, columns: set[str], words) -> str:
    family, given, middle = name_parts(record.full_name or "")
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"N:{_escape(family)};{_escape(given)};{_escape(middle)};;",
        f"FN:{_escape(record.full_name or '')}",
    ]
    if "foreign_name" in columns and record.foreign_name:
        lines.append(f"NICKNAME:{_escape(record.foreign_name)}")
    if "employer" in columns and record.employer:
        lines.append(f"ORG:{_escape(record.employer)}")
    if "title" in columns and record.title:
        lines.append(f"TITLE:{_escape(record.title)}")
    if "phones" in columns:
        lines += [f"TEL;TYPE=VOICE:{number}" for number in record.phones]
    if "emails" in columns:
        lines += [f"EMAIL;TYPE=INTERNET:{_escape(email)}" for email in record.emails]
    if {"address", "city", "country"} & columns:
        street = record.address if "address" in columns else ""
        city = record.city if "city" in columns else ""
        country = words.country(record.country) if "country" in columns else ""
        lines.append(f"ADR;TYPE=HOME:;;{_escape(street)};{_escape(city)};;;{_escape(country)}")
    if "website" in columns and record.website:
        lines.append(f"URL:{_escape(record.website)}")
    if "birth_year" in columns and record.birth_year:
        lines.append(f"X-BIRTH-YEAR:{record.birth_year}")
    if "categories" in columns and record.categories:
        names = [item[2] if words.english else item[1] for item in record.categories]
        lines.append("CATEGORIES:" + ",".join(_escape(name) for name in names))
    note = []
    for key, label in (
        ("expertise", words.note_labels["expertise"]),
        ("occupation", words.note_labels["occupation"]),
        ("organizations", words.note_labels["organizations"]),
        ("languages", words.note_labels["languages"]),
    ):
        if key not in columns:
            continue
        if key == "expertise":
            text = words.named(record.expertise)
        elif key == "occupation":
            text = record.occupation or ""
        elif key == "organizations":
            text = SEPARATOR.join(
                f"{name} ({role})" if role else name for name, role in record.organizations
            )
        else:
            text = words.language_names(record.languages)
        if text:
            note.append(f"{label}: {text}")
    if note:
        lines.append("NOTE:" + _escape("\n".join(note)))
    lines.append(f"UID:urn:diaspora:contact:{record.id}")
    lines.append("END:VCARD")
    return "".join(fold_line(line) for line in lines)


def write_vcard(
    records: Iterable[ExportRecord], columns: list[str], language: str
) -> Iterator[bytes]:
    """One ``.vcf`` with every contact, UTF-8, diacritics intact."""
    words = Vocabulary(language)
    chosen = set(columns)
    chunk: list[str] = []
    for record in records:
        chunk.append(vcard(record, chosen, words))
        if len(chunk) >= CHUNK_ROWS:
            yield "".join(chunk).encode("utf-8")
            chunk = []
    yield "".join(chunk).encode("utf-8")


# --- PDF list ---


def write_pdf(
    records: Iterable[ExportRecord],
    columns: list[str],
    language: str,
    *,
    title: str,
    subtitle: str = "",
    notes: Sequence[str] = (),
) -> bytes:
    """A landscape A4 list with bilingual headers and page numbers (WeasyPrint). ``notes``
    are paragraphs printed under the subtitle (a delegation's leader, what is left out)."""
    from flask import render_template
    from weasyprint import CSS, HTML

    other = "en" if language == "vi" else "vi"
    cells = row_getter(columns, language)
    rows = [[_text(value) for value in cells(record)] for record in records]
    html = render_template(
        "transfer/export_pdf.html",
        title=title,
        subtitle=subtitle,
        notes=notes,
        language=language,
        header_pairs=list(zip(headers(columns, language), headers(columns, other), strict=True)),
        rows=rows,
    )
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(PDF_STYLESHEET))])
