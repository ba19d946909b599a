"""The outreach's outputs: a PDF with one personalised letter per recipient, and a mail-merge
CSV for the department's own mail system. Both are audited (they carry personal details).

Letters are laid out in the recipient's language, whatever the officer's interface language:
the letterhead below is content, not interface. Bodies are plain text, escaped by the template
(HTML or script in a body prints as text). CSV cells that a spreadsheet would read as a formula
(= + - @ tab CR) are prefixed with an apostrophe by the shared CSV writer of exports.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import render_template
from flask_babel import lazy_gettext as _l

from diaspora.audit import services as audit
from diaspora.clock import local_today
from diaspora.errors import Conflict
from diaspora.models import Outreach, OutreachStatus, User
from diaspora.outreach.recipients import Letter, eligible_letters
from diaspora.printing import html_to_pdf
from diaspora.transfer import writers

PRINT_CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "letters-print.css"
CSV_COLUMNS = (
    "record_no",
    "language",
    "salutation",
    "name",
    "email",
    "postal_address",
    "city",
    "country",
    "subject",
    "body",
)
LETTERHEAD = {
    "vi": {
        "authority": "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG",
        "department": "SỞ NGOẠI VỤ",
        "nation": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "motto": "Độc lập – Tự do – Hạnh phúc",
        "number": "Số: %s",
        "to": "Kính gửi: %s",
    },
    "en": {
        "authority": "HAI PHONG CITY PEOPLE'S COMMITTEE",
        "department": "DEPARTMENT OF FOREIGN AFFAIRS",
        "nation": "SOCIALIST REPUBLIC OF VIET NAM",
        "motto": "Independence – Freedom – Happiness",
        "number": "No.: %s",
        "to": "To: %s",
    },
}
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def letter_date(day: date, language: str) -> str:
    if language == "en":
        return f"Hai Phong, {day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    return f"Hải Phòng, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


@dataclass
class LettersExport:
    content: bytes
    mimetype: str
    filename: str
    letters: int
    left_out: Counter


def render_letters_html(outreach: Outreach, letters: list[Letter], day: date) -> str:
    return render_template(
        "outreach/letters_print.html",
        outreach=outreach,
        letters=letters,
        head=LETTERHEAD,
        dates={language: letter_date(day, language) for language in LETTERHEAD},
    )


def render_letters_pdf(outreach: Outreach, letters: list[Letter], day: date) -> bytes:
    return html_to_pdf(render_letters_html(outreach, letters, day), PRINT_CSS)


def render_csv(outreach: Outreach, letters: list[Letter]) -> bytes:
    """The shared CSV writer: UTF-8 with a byte-order mark (spreadsheet programs then read
    Vietnamese correctly), every cell made inert for spreadsheets."""
    return b"".join(writers.csv_rows((_csv_row(letter) for letter in letters), list(CSV_COLUMNS)))


def _csv_row(letter: Letter) -> list:
    contact = letter.contact
    return [
        contact.id,
        letter.language,
        letter.values["salutation"],
        letter.values["name"],
        contact.email_addresses[0] if contact.email_addresses else "",
        contact.address,
        contact.city,
        letter.values["country"],
        letter.title,
        letter.body,
    ]


def export_letters(outreach: Outreach, fmt: str, *, actor: User) -> LettersExport:
    """The letters as ``pdf`` or ``csv``, for the recipients allowed to receive them now."""
    if outreach.status == OutreachStatus.DRAFT:
        raise Conflict(
            _l("Letters are produced once the outreach is approved; until then, use the preview.")
        )
    letters, left_out = eligible_letters(outreach)
    if not letters:
        raise Conflict(
            _l("Nobody can receive this outreach: add recipients who consented to outreach.")
        )
    day = outreach.sent_on or local_today()
    if fmt == "pdf":
        content = render_letters_pdf(outreach, letters, day)
        mimetype = "application/pdf"
    else:
        content = render_csv(outreach, letters)
        mimetype = "text/csv; charset=utf-8"
    audit.record(
        "outreach.export",
        actor=actor,
        target_type="outreach",
        target_id=outreach.id,
        details={
            "format": fmt,
            "letters": len(letters),
            "contacts": [letter.contact.id for letter in letters],
            "left_out": dict(left_out),
        },
    )
    return LettersExport(
        content=content,
        mimetype=mimetype,
        filename=f"thu-{outreach.id}-{day.isoformat()}.{fmt}",
        letters=len(letters),
        left_out=left_out,
    )
