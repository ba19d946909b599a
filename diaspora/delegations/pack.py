"""The delegation pack: the visit's contacts, in the officer's order, as an XLSX workbook, a
printable PDF and a vCard file for phones. Column headers are bilingual.

Personal contact details (phone, email) appear only for readers allowed to see personal details
(officers, administrators), and only for contacts whose data may be shared with a delegation:
an active consent to sharing, or the department's own function as the legal basis. Viewers get
the pack without them. Preparing a pack is recorded in the audit trail with its purpose.

These writers are this feature's own (XLSX: values only, never formulas, and text a spreadsheet
would read as a formula is prefixed with an apostrophe; vCard 3.0, RFC 2426); the shared export
writers of the transfer feature can take them over later.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import xlsxwriter
from flask import render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from diaspora.audit import services as audit
from diaspora.auth.permissions import Permission, can
from diaspora.contacts.validation import display_phone
from diaspora.countries import country_name
from diaspora.delegations.labels import PACK_HEADERS
from diaspora.delegations.services import local_today
from diaspora.errors import ValidationFailed
from diaspora.extensions import db
from diaspora.models import (
    ConsentPurpose,
    Contact,
    ContactExpertise,
    DelegationVisit,
    Engagement,
    EngagementParticipant,
    LegalBasis,
    Membership,
    User,
)
from diaspora.text import clean, strip_controls

PRINT_CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "pack-print.css"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "vcf": "text/vcard; charset=utf-8",
}
PURPOSE_LIMIT = 300


def neutralise(text: str) -> str:
    """Text that a spreadsheet would never evaluate."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def may_share(contact: Contact) -> bool:
    """May this contact's phone and email go into a delegation pack?

    An active sharing consent, or the state-function basis — unless the person withdrew a
    sharing consent: from then on their details are not shared, whatever the basis."""
    if contact.active_consent(ConsentPurpose.SHARING) is not None:
        return True
    withdrew = any(
        record.purpose == ConsentPurpose.SHARING and record.withdrawn_on is not None
        for record in contact.consents
    )
    return contact.legal_basis == LegalBasis.STATE_FUNCTION and not withdrew


@dataclass
class PackRow:
    number: int
    contact: Contact
    name: str
    organization: str
    title: str
    city: str
    country: str
    phones: list[str]
    emails: list[str]
    expertise: str
    last_date: date | None
    last_title: str
    shared: bool  # personal details shown for this contact

    @property
    def last_engagement(self) -> str:
        if self.last_date is None:
            return ""
        return f"{self.last_date.strftime('%d/%m/%Y')} — {self.last_title}"


@dataclass
class Pack:
    visit: DelegationVisit
    rows: list[PackRow]
    with_personal: bool  # the reader may see personal details
    withheld: int  # contacts whose personal details are not shared
    language: str
    prepared_on: date

    @property
    def headers(self) -> list[tuple[str, str, str]]:
        return [
            header
            for header in PACK_HEADERS
            if self.with_personal or header[0] not in ("phone", "email")
        ]


def _organization(contact: Contact) -> str:
    names = [contact.employer] if contact.employer else []
    for membership in contact.memberships:
        name = membership.organization.name
        if name not in names:
            names.append(f"{name} ({membership.role})" if membership.role else name)
    return "; ".join(names)


def _last_engagements(ids: list[int], today: date) -> dict[int, tuple[date, str]]:
    result: dict[int, tuple[date, str]] = {}
    if not ids:
        return result
    rows = db.session.execute(
        select(EngagementParticipant.contact_id, Engagement.start_date, Engagement.title)
        .join(Engagement, Engagement.id == EngagementParticipant.engagement_id)
        .where(
            EngagementParticipant.contact_id.in_(ids),
            Engagement.deleted_at.is_(None),
            Engagement.start_date <= today,
        )
        .order_by(Engagement.start_date, Engagement.id)
    )
    for contact_id, start, title in rows:
        result[contact_id] = (start, title)  # the latest wins
    return result


def build_pack(visit: DelegationVisit, *, actor: User, language: str) -> Pack:
    today = local_today()
    with_personal = can(actor, Permission.VIEW_PERSONAL)
    ordered = [row for row in visit.live_contacts]
    ids = [row.contact_id for row in ordered]
    contacts = {
        row.id: row
        for row in db.session.scalars(
            select(Contact)
            .where(Contact.id.in_(ids or [0]))
            .options(
                selectinload(Contact.expertise).selectinload(ContactExpertise.field),
                selectinload(Contact.memberships).selectinload(Membership.organization),
                selectinload(Contact.consents),
                selectinload(Contact.phones),
                selectinload(Contact.emails),
            )
        )
    }
    last = _last_engagements(ids, today)
    rows: list[PackRow] = []
    withheld = 0
    for number, entry in enumerate(ordered, start=1):
        contact = contacts[entry.contact_id]
        shared = with_personal and may_share(contact)
        if not may_share(contact):
            withheld += 1
        date_title = last.get(contact.id)
        rows.append(
            PackRow(
                number=number,
                contact=contact,
                name=contact.full_name
                + (f" ({contact.foreign_name})" if contact.foreign_name else ""),
                organization=_organization(contact),
                title=contact.title or contact.occupation,
                city=contact.city,
                country=country_name(contact.country, language),
                phones=[display_phone(p) for p in contact.phone_numbers] if shared else [],
                emails=list(contact.email_addresses) if shared else [],
                expertise="; ".join(row.field.name(language) for row in contact.expertise),
                last_date=date_title[0] if date_title else None,
                last_title=date_title[1] if date_title else "",
                shared=shared,
            )
        )
    return Pack(
        visit=visit,
        rows=rows,
        with_personal=with_personal,
        withheld=withheld if with_personal else 0,
        language=language,
        prepared_on=today,
    )


def _cell(row: PackRow, key: str) -> str:
    values = {
        "no": str(row.number),
        "name": row.name,
        "organization": row.organization,
        "title": row.title,
        "city": row.city,
        "phone": "\n".join(row.phones),
        "email": "\n".join(row.emails),
        "expertise": row.expertise,
        "last_engagement": row.last_engagement,
    }
    return values[key]


# --- writers ---


def render_xlsx(pack: Pack) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    title = book.add_format({"bold": True, "font_size": 14})
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "bg_color": "#DDDDDD", "border": 1, "text_wrap": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet = book.add_worksheet("Delegation")
    visit = pack.visit
    widths = {
        "no": 6,
        "name": 28,
        "organization": 30,
        "title": 24,
        "city": 16,
        "phone": 20,
        "email": 28,
        "expertise": 36,
        "last_engagement": 34,
    }

    def text(row_index: int, col: int, value: str, style=None) -> None:
        sheet.write_string(row_index, col, neutralise(value or ""), style or wrap)

    text(0, 0, visit.title, title)
    text(1, 0, _dates_and_place(visit, pack.language), bold)
    text(2, 0, f"Trưởng đoàn / Head of delegation: {visit.leader}" if visit.leader else "")
    if pack.withheld:
        text(3, 0, _withheld_note(pack))
    start = 5
    for col, (key, vi, en) in enumerate(pack.headers):
        sheet.set_column(col, col, widths[key])
        text(start, col, f"{vi} / {en}", header)
    for offset, row in enumerate(pack.rows, start=1):
        for col, (key, _vi, _en) in enumerate(pack.headers):
            if key == "no":
                sheet.write_number(start + offset, col, row.number, wrap)
            else:
                text(start + offset, col, _cell(row, key))
    sheet.freeze_panes(start + 1, 2)
    book.close()
    return buffer.getvalue()


def _dates_and_place(visit: DelegationVisit, language: str) -> str:
    place = ", ".join(
        part for part in ("; ".join(visit.city_list), country_name(visit.country, language)) if part
    )
    return (
        f"{visit.start_date.strftime('%d/%m/%Y')} – {visit.end_date.strftime('%d/%m/%Y')} · {place}"
    )


def _withheld_note(pack: Pack) -> str:
    return (
        f"{pack.withheld} người chưa đồng ý chia sẻ thông tin liên hệ: không có điện thoại, "
        f"thư điện tử. / {pack.withheld} contact(s) have not agreed to share their contact "
        "details: no phone or email."
    )


def render_pdf(pack: Pack) -> bytes:
    from weasyprint import CSS, HTML

    html = render_template(
        "delegations/pack_print.html",
        pack=pack,
        place=_dates_and_place(pack.visit, pack.language),
        withheld_note=_withheld_note(pack) if pack.withheld else "",
        cell=_cell,
    )
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS))])


def _vcard_escape(value: str) -> str:
    value = strip_controls(value.replace("\r\n", "\n").replace("\r", "\n"))
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 2426: lines longer than 75 octets continue on the next line after a space."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode("utf-8")
        limit = 75 if not parts else 74
        if len(current) + len(piece) > limit:
            parts.append(current.decode("utf-8"))
            current = b""
        current += piece
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _name_parts(full_name: str) -> tuple[str, str, str]:
    """Vietnamese order, family name first: (family, given, middle)."""
    words = clean(full_name).split(" ")
    if len(words) == 1:
        return "", words[0], ""
    return words[0], words[-1], " ".join(words[1:-1])


def render_vcard(pack: Pack) -> bytes:
    lines: list[str] = []
    for row in pack.rows:
        contact = row.contact
        family, given, middle = _name_parts(contact.full_name)
        card = [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"N:{_vcard_escape(family)};{_vcard_escape(given)};{_vcard_escape(middle)};;",
            f"FN:{_vcard_escape(contact.full_name)}",
        ]
        if contact.foreign_name:
            card.append(f"NICKNAME:{_vcard_escape(contact.foreign_name)}")
        if row.organization:
            card.append(f"ORG:{_vcard_escape(row.organization)}")
        if row.title:
            card.append(f"TITLE:{_vcard_escape(row.title)}")
        for phone in contact.phone_numbers if row.shared else []:
            card.append(f"TEL;TYPE=CELL:{_vcard_escape(phone)}")
        for email in row.emails:
            card.append(f"EMAIL;TYPE=INTERNET:{_vcard_escape(email)}")
        card.append(f"ADR;TYPE=WORK:;;;{_vcard_escape(row.city)};;;{_vcard_escape(row.country)}")
        note = "; ".join(
            part
            for part in (
                row.expertise,
                f"{pack.visit.title}" if pack.visit.title else "",
                row.last_engagement,
            )
            if part
        )
        if note:
            card.append(f"NOTE:{_vcard_escape(note)}")
        card.append("END:VCARD")
        lines.extend(_fold(line) for line in card)
    return ("\r\n".join(lines) + "\r\n").encode("utf-8") if lines else b""


@dataclass
class PackExport:
    content: bytes
    mimetype: str
    filename: str
    pack: Pack


def export_pack(
    visit: DelegationVisit, fmt: str, purpose: str, *, actor: User, language: str
) -> PackExport:
    """Prepare the pack in ``fmt``; the preparation is audited with its purpose."""
    errors: dict[str, list] = {}
    purpose = strip_controls(clean(purpose if isinstance(purpose, str) else ""))
    if not purpose:
        errors["purpose"] = [
            _l("Say what the pack is for, e.g. meetings of the delegation in Tokyo.")
        ]
    elif len(purpose) > PURPOSE_LIMIT:
        errors["purpose"] = [
            _l(
                "At most %(n)d characters; this has %(count)d.",
                n=PURPOSE_LIMIT,
                count=len(purpose),
            )
        ]
    if fmt not in MIMETYPES:
        errors["format"] = [_l("Choose the format from the list.")]
    if errors:
        raise ValidationFailed(errors)
    pack = build_pack(visit, actor=actor, language=language)
    if not pack.rows:
        raise ValidationFailed.single(
            "purpose", _l("The list is empty: add the contacts to meet before preparing a pack.")
        )
    if fmt == "xlsx":
        content = render_xlsx(pack)
    elif fmt == "pdf":
        content = render_pdf(pack)
    else:
        content = render_vcard(pack)
    audit.record(
        "delegation.pack",
        actor=actor,
        target_type="delegation",
        target_id=visit.id,
        details={
            "purpose": purpose,
            "format": fmt,
            "language": language,
            "contacts": [row.contact.id for row in pack.rows],
            "personal_details": pack.with_personal,
            "personal_details_shared_for": [row.contact.id for row in pack.rows if row.shared],
        },
    )
    return PackExport(
        content=content,
        mimetype=MIMETYPES[fmt],
        filename=f"doan-cong-tac-{visit.id}-{pack.prepared_on.isoformat()}.{fmt}",
        pack=pack,
    )
