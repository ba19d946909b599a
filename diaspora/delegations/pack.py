"""The delegation pack: the visit's contacts, in the officer's order, as an XLSX workbook, a
printable PDF and a vCard file for phones, with column headers in Vietnamese and English.

Personal contact details (phone, email) appear only for readers allowed to see personal details
(officers, administrators), and only for contacts whose data may be shared with a delegation:
an active consent to sharing, or the department's own function as the legal basis. Viewers get
the pack without them. Preparing a pack is recorded in the audit trail with its purpose.

The files are written by the shared export writers (``diaspora.transfer.writers``): the same
typed XLSX cells, vCard 3.0 and PDF list as any export of contacts. What is the pack's own is
here: which contacts and columns, the details withheld, the last engagement, the title lines.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, fields
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from diaspora.audit import services as audit
from diaspora.auth.permissions import Permission, can
from diaspora.clock import local_today
from diaspora.countries import country_name
from diaspora.errors import ValidationFailed
from diaspora.extensions import db
from diaspora.models import (
    ConsentPurpose,
    Contact,
    DelegationVisit,
    Engagement,
    EngagementParticipant,
    LegalBasis,
    User,
)
from diaspora.text import clean, strip_controls
from diaspora.transfer import writers
from diaspora.transfer.columns import HEADER_LANGUAGES
from diaspora.transfer.exports import FORMATS as EXPORT_FORMATS
from diaspora.transfer.records import ExportRecord, ListedRecord, load_records

FORMATS = ("xlsx", "pdf", "vcf")
PURPOSE_LIMIT = 300
# The table: name, organization, title, city, phone, email, expertise, last engagement.
TABLE_COLUMNS = (
    "position", "full_name", "foreign_name", "organization", "work_title", "city", "phones",
    "emails", "expertise", "last_engagement",
)  # fmt: skip
# The cards: what a phone's address book holds (organizations and expertise go in the note).
VCARD_COLUMNS = (
    "full_name", "foreign_name", "employer", "title", "phones", "emails", "city", "country",
    "expertise", "organizations",
)  # fmt: skip
PERSONAL = ("phones", "emails")


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


def pack_columns(columns: tuple[str, ...], with_personal: bool) -> list[str]:
    return [key for key in columns if with_personal or key not in PERSONAL]


@dataclass
class Pack:
    visit: DelegationVisit
    records: list[ListedRecord]
    with_personal: bool  # the reader may see personal details
    withheld: int  # contacts whose personal details are not shared
    language: str  # of the values: country and expertise names
    prepared_on: date
    shared_for: list[int]  # contacts whose phone and email are in the pack

    @property
    def columns(self) -> list[str]:
        return pack_columns(TABLE_COLUMNS, self.with_personal)


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


def _listed(record: ExportRecord, position: int, last: tuple[date, str] | None) -> ListedRecord:
    values = {item.name: getattr(record, item.name) for item in fields(ExportRecord)}
    text = f"{last[0].strftime('%d/%m/%Y')} — {last[1]}" if last else ""
    return ListedRecord(**values, position=position, last_engagement=text)


def build_pack(visit: DelegationVisit, *, actor: User, language: str) -> Pack:
    today = local_today()
    with_personal = can(actor, Permission.VIEW_PERSONAL)
    # Erased people stay on the visit's list as a placeholder; the files leave them out.
    ids = [row.contact_id for row in visit.live_contacts if not row.contact.is_erased]
    allowed = {
        contact.id
        for contact in db.session.scalars(
            select(Contact).where(Contact.id.in_(ids)).options(selectinload(Contact.consents))
        )
        if may_share(contact)
    }
    last = _last_engagements(ids, today)
    records, shared = [], []
    for position, record in enumerate(load_records(ids), start=1):
        listed = _listed(record, position, last.get(record.id))
        if with_personal and record.id in allowed:
            shared.append(record.id)
        else:
            listed.phones, listed.emails = [], []
        records.append(listed)
    return Pack(
        visit=visit,
        records=records,
        with_personal=with_personal,
        withheld=len(ids) - len(allowed) if with_personal else 0,
        language=language,
        prepared_on=today,
        shared_for=shared,
    )


# --- the lines above the table (bilingual content, whatever the reader's language) ---


def _place(pack: Pack) -> str:
    visit = pack.visit
    place = ", ".join(
        part
        for part in ("; ".join(visit.city_list), country_name(visit.country, pack.language))
        if part
    )
    return (
        f"{visit.start_date.strftime('%d/%m/%Y')} – {visit.end_date.strftime('%d/%m/%Y')} · {place}"
    )


def _notes(pack: Pack) -> list[str]:
    visit = pack.visit
    notes = []
    if visit.leader:
        notes.append(f"Trưởng đoàn / Head of delegation: {visit.leader}")
    if pack.withheld:
        notes.append(
            f"{pack.withheld} người chưa đồng ý chia sẻ thông tin liên hệ: không có điện thoại, "
            f"thư điện tử. / {pack.withheld} contact(s) have not agreed to share their contact "
            "details: no phone or email."
        )
    if not pack.with_personal:
        notes.append(
            "Bản không có thông tin liên hệ cá nhân. / This copy holds no personal contact details."
        )
    notes.append(
        f"Sở Ngoại vụ Hải Phòng lập ngày {pack.prepared_on.strftime('%d/%m/%Y')} / Prepared by "
        f"the Department of Foreign Affairs of Hải Phòng on {pack.prepared_on.strftime('%d/%m/%Y')}"
    )
    return notes


# --- the files, by the shared writers ---


def render_xlsx(pack: Pack) -> bytes:
    buffer = io.BytesIO()
    writers.write_xlsx(
        pack.records,
        pack.columns,
        pack.language,
        buffer,
        row_count=len(pack.records),
        sheet_name="Delegation",
        title_rows=[pack.visit.title, _place(pack), *_notes(pack)],
        header_languages=HEADER_LANGUAGES,
    )
    return buffer.getvalue()


def render_pdf(pack: Pack) -> bytes:
    purpose = [pack.visit.purpose] if pack.visit.purpose else []
    return writers.write_pdf(
        pack.records,
        [key for key in pack.columns if key != "position"],  # the PDF numbers its rows
        pack.language,
        title=pack.visit.title,
        subtitle=_place(pack),
        notes=purpose + _notes(pack),
    )


def render_vcard(pack: Pack) -> bytes:
    columns = pack_columns(VCARD_COLUMNS, pack.with_personal)
    return b"".join(writers.write_vcard(pack.records, columns, pack.language))


@dataclass
class PackExport:
    content: bytes
    mimetype: str
    filename: str
    pack: Pack


def _check(fmt: str, purpose: str, language: str) -> str:
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
    if fmt not in FORMATS:
        errors["format"] = [_l("Choose the format from the list.")]
    if language not in HEADER_LANGUAGES:
        errors["language"] = [_l("Choose Vietnamese or English.")]
    if errors:
        raise ValidationFailed(errors)
    return purpose


def export_pack(
    visit: DelegationVisit, fmt: str, purpose: str, *, actor: User, language: str
) -> PackExport:
    """Prepare the pack in ``fmt``; the preparation is audited with its purpose."""
    purpose = _check(fmt, purpose, language)
    pack = build_pack(visit, actor=actor, language=language)
    if not pack.records:
        raise ValidationFailed.single(
            "purpose", _l("The list is empty: add the contacts to meet before preparing a pack.")
        )
    render = {"xlsx": render_xlsx, "pdf": render_pdf, "vcf": render_vcard}[fmt]
    content = render(pack)
    audit.record(
        "delegation.pack",
        actor=actor,
        target_type="delegation",
        target_id=visit.id,
        details={
            "purpose": purpose,
            "format": fmt,
            "language": language,
            "contacts": [record.id for record in pack.records],
            "personal_details": pack.with_personal,
            "personal_details_shared_for": pack.shared_for,
        },
    )
    mimetype, extension = EXPORT_FORMATS[fmt]
    return PackExport(
        content=content,
        mimetype=mimetype,
        filename=f"doan-cong-tac-{visit.id}-{language}-{pack.prepared_on.isoformat()}.{extension}",
        pack=pack,
    )
