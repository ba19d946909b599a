"""A consent record printed on one page, with every label in Vietnamese and English.

The page shows what the person agreed to (the purpose and its legal text), the privacy notice
version shown to them, how and when consent was given, its evidence and who recorded it; and,
once withdrawn, when and by whom, with the statement that the matching processing stopped
from that day (outreach: ``outreach.recipients.left_out_reason``; sharing:
``transfer.records.shareable`` and ``delegations.pack.may_share``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import render_template
from flask_babel import lazy_gettext as _l

from diaspora.contacts.labels import METHODS, PURPOSES
from diaspora.models import ConsentRecord, User, utcnow
from diaspora.printing import bilingual, html_to_pdf

PRINT_CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "privacy-print.css"

LEGAL_TEXTS = {
    "store_process": _l(
        "I agree that the Department of Foreign Affairs of Hải Phòng stores and processes my "
        "profile in the registry of overseas Vietnamese from Hải Phòng, for the purposes "
        "described in the privacy notice shown to me."
    ),
    "outreach": _l(
        "I agree that the Department of Foreign Affairs of Hải Phòng contacts me with greetings, "
        "invitations and news about Hải Phòng."
    ),
    "sharing": _l(
        "I agree that my contact details are shared with the city's delegations visiting abroad "
        "and with partner departments of Hải Phòng, for meetings and cooperation."
    ),
}
LEGAL_BASIS = _l(
    "Consent under the Personal Data Protection Law (Law 91/2025/QH15) and Decree "
    "356/2025/ND-CP: given for this purpose alone, never inferred from silence, and open to "
    "withdrawal at any time. Withdrawal does not affect processing carried out before it."
)
STOPPED = {
    "store_process": _l(
        "From that day, storing and processing the profile no longer rests on this consent: "
        "unless the department records another legal basis, the record waits for a decision "
        "or erasure."
    ),
    "outreach": _l(
        "From that day the person is left out of all outreach: recipient lists, letters and "
        "sending."
    ),
    "sharing": _l(
        "From that day the person's record is left out of exported lists, and their contact "
        "details are left out of delegation packs."
    ),
}
LABELS = {
    "title": _l("Consent record"),
    "record": _l("Consent record no."),
    "contact": _l("Person"),
    "contact_record": _l("Registry record no."),
    "purpose": _l("Purpose"),
    "legal_text": _l("What the person agreed to"),
    "notice_version": _l("Privacy notice version shown"),
    "method": _l("How consent was given"),
    "evidence": _l("Evidence"),
    "given_on": _l("Given on"),
    "recorder": _l("Recorded by"),
    "recorded_at": _l("Recorded at"),
    "status": _l("Status"),
    "active": _l("In force"),
    "withdrawn": _l("Withdrawn"),
    "withdrawn_on": _l("Withdrawn on"),
    "withdrawn_by": _l("Withdrawal recorded by"),
    "by_person": _l("The person, through their profile-update link"),
    "withdrawal_note": _l("Note on the withdrawal"),
    "stopped": _l("Processing stopped"),
    "printed": _l("Printed on"),
    "printed_by": _l("Printed by"),
    "officer": _l("Officer in charge"),
    "issuer": _l("Department of Foreign Affairs of Hải Phòng"),
    "none": _l("none"),
}


@dataclass
class ConsentSheet:
    record: ConsentRecord
    labels: dict[str, tuple[str, str]]
    purpose: tuple[str, str]
    method: tuple[str, str]
    legal_text: tuple[str, str]
    legal_basis: tuple[str, str]
    stopped: tuple[str, str] | None
    printed_at: datetime
    printed_by: str


def consent_sheet(record: ConsentRecord, *, reader: User) -> ConsentSheet:
    """Everything the printed page shows, each label and statement in both languages."""
    return ConsentSheet(
        record=record,
        labels={key: bilingual(label) for key, label in LABELS.items()},
        purpose=bilingual(PURPOSES.get(record.purpose, record.purpose)),
        method=bilingual(METHODS.get(record.method, record.method)),
        legal_text=bilingual(LEGAL_TEXTS.get(record.purpose, "")),
        legal_basis=bilingual(LEGAL_BASIS),
        stopped=bilingual(STOPPED[record.purpose]) if record.withdrawn_on else None,
        printed_at=utcnow(),
        printed_by=reader.name,
    )


def render_html(sheet: ConsentSheet, *, page: bool) -> str:
    """``page``: served to the browser (links to the style sheet and the PDF)."""
    return render_template("privacy/consent_print.html", sheet=sheet, page=page)


def render_pdf(sheet: ConsentSheet) -> bytes:
    return html_to_pdf(render_html(sheet, page=False), PRINT_CSS)
