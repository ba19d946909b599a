"""Delegation visits: validation, suggestions, the contact list, the pack (XLSX, PDF, vCard,
personal details only where allowed, audited), recording meetings, merges."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from diaspora.contacts.data import ExpertiseEntry
from diaspora.contacts.merge import default_choices, merge_contacts
from diaspora.delegations import meetings, services, suggestions
from diaspora.delegations.pack import build_pack, export_pack, render_vcard
from diaspora.engagements import services as engagement_services
from diaspora.engagements.data import EngagementData, ParticipantEntry
from diaspora.errors import Conflict, ValidationFailed
from diaspora.extensions import db as _db
from diaspora.models import AuditEvent, DelegationVisit, ExpertiseField
from diaspora.plan.activities import linked_work
from tests.contact_helpers import new_user
from tests.outreach_helpers import (
    messages,
    person,
    prepare,
    refused,
    service_fixtures,
    settled,
    state,
    visit_data,
)

pytestmark = pytest.mark.usefixtures("seeded")
ctx, officer = service_fixtures()


def field_code(name_en: str) -> str:
    return _db.session.scalar(select(ExpertiseField.code).where(ExpertiseField.name_en == name_en))


def engage(officer, contact, title: str) -> None:
    """A meeting with ``contact`` on 5 January 2026."""
    engagement_services.create_engagement(
        EngagementData(
            type="meeting", title=title, start_date=date(2026, 1, 5),
            participants=[ParticipantEntry(contact.id)],
        ),
        actor=officer,
    )  # fmt: skip


# --- the visit ---


def test_prepare_and_edit_a_visit(officer):
    visit = prepare(officer, cities="Tokyo;  osaka ;TOKYO\nKyoto")
    assert visit.city_list == ["Tokyo", "osaka", "Kyoto"]
    assert visit.member_list == ["Giám đốc Sở Ngoại vụ", "Giám đốc Sở Du lịch"]
    changes = services.update_visit(
        visit,
        visit_data(leader="Chủ tịch UBND thành phố", cities=visit.cities),
        expected_version=1,
        actor=officer,
    )
    assert changes == {"leader": ["Phó Chủ tịch UBND thành phố", "Chủ tịch UBND thành phố"]}
    with pytest.raises(services.VisitChanged):
        services.update_visit(visit, visit_data(leader="X"), expected_version=1, actor=officer)


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        (
            {"start_date": date(2026, 5, 15), "end_date": date(2026, 5, 10)},
            "end_date",
            "cannot end before it starts",
        ),
        ({"country": "ZZ"}, "country", "not a country code"),
        ({"country": ""}, "country", "destination country"),
        ({"title": ""}, "title", "Name the visit"),
        ({"start_date": "10/05/2026"}, "start_date", "YYYY-MM-DD"),
        ({"fields": ["NOPE"]}, "fields", "Unknown expertise field"),
        ({"cities": "; ".join(f"City {n}" for n in range(12))}, "cities", "At most 10"),
    ],
)
def test_bad_visits_are_refused_and_nothing_changes(officer, overrides, field, fragment):
    error = refused(lambda: prepare(officer, **overrides))
    assert field in error.errors
    assert fragment in messages(error)


# --- suggestions ---


def test_suggestions_rank_city_then_fields_willingness_and_recency(officer):
    tourism = field_code("Tourism")
    assert tourism
    kyoto = person(officer, "Trần Văn Kyoto", city="Kyoto", willing_host_delegation=True)
    tokyo_plain = person(officer, "Lê Văn Bình", city="Tokyo")
    tokyo_expert = person(
        officer, "Vũ Thị Chuyên", city="tokyo", expertise=[ExpertiseEntry(tourism)]
    )  # fmt: skip
    tokyo_host = person(officer, "Đỗ Văn Chủ", city="Tokyo", willing_host_delegation=True)
    tokyo_recent = person(officer, "Ngô Thị Gần", city="Tokyo")
    person(officer, "Kim Thị Seoul", country="KR", city="Seoul")
    person(officer, "Hồ Văn Mất", city="Tokyo", status="deceased")
    engage(officer, tokyo_recent, "Gặp mặt")
    visit = prepare(officer, cities="Tokyo", fields=[tourism])
    result = suggestions.suggest(visit, today=date(2026, 3, 1))
    order = [item.contact.id for item in result.items]
    assert order == [tokyo_expert.id, tokyo_host.id, tokyo_recent.id, tokyo_plain.id, kyoto.id]
    assert result.in_country == 5 and result.in_cities == 4
    first = result.items[0]
    assert first.in_city and [row.code for row in first.matching_fields] == [tourism]
    assert result.items[2].last_engaged == date(2026, 1, 5)
    services.add_contacts(visit, [tokyo_expert.id], actor=officer)
    again = suggestions.suggest(visit, today=date(2026, 3, 1))
    assert tokyo_expert.id not in [item.contact.id for item in again.items]
    assert again.on_list == 1


def test_a_top_level_field_matches_its_subfields(officer):
    child = _db.session.scalar(
        select(ExpertiseField).where(ExpertiseField.parent_id.is_not(None)).limit(1)
    )
    parent = _db.session.get(ExpertiseField, child.parent_id)
    expert = person(officer, "Vũ Thị Chuyên", city="Osaka", expertise=[ExpertiseEntry(child.code)])
    plain = person(officer, "Lê Văn Bình", city="Osaka")
    visit = prepare(officer, cities="", fields=[parent.code])
    order = [item.contact.id for item in suggestions.suggest(visit, today=date(2026, 3, 1)).items]
    assert order.index(expert.id) < order.index(plain.id)


def test_a_destination_without_contacts_suggests_nobody(officer):
    person(officer, "Trần Văn Tokyo")
    visit = prepare(officer, country="IS", cities="Reykjavík")
    result = suggestions.suggest(visit, today=date(2026, 3, 1))
    assert result.items == [] and result.in_country == 0


# --- the list ---


def test_add_order_and_remove_contacts(officer):
    a, b, c = (person(officer, name) for name in ("Người Một", "Người Hai", "Người Ba"))
    visit = prepare(officer)
    services.add_contacts(visit, [a.id, b.id, c.id], actor=officer)
    _db.session.commit()
    rows = list(visit.contacts)
    services.move_contact(visit, rows[2].id, "up", actor=officer)
    _db.session.commit()
    _db.session.expire_all()
    visit = _db.session.get(DelegationVisit, visit.id)
    assert [row.contact_id for row in visit.contacts] == [a.id, c.id, b.id]
    assert not services.move_contact(visit, visit.contacts[0].id, "up", actor=officer)
    services.remove_contacts(visit, [visit.contacts[1].id], actor=officer)
    assert [row.contact_id for row in visit.contacts] == [a.id, b.id]
    assert [row.position for row in visit.contacts] == [1, 2]


def test_unknown_or_deceased_contacts_are_refused(officer):
    dead = person(officer, "Hồ Văn Mất", status="deceased")
    visit = prepare(officer)
    error = refused(lambda: services.add_contacts(visit, [dead.id, 999999], actor=officer))
    assert f"{dead.id}, 999999" in messages(error)


# --- the pack ---


def _pack_visit(officer):
    shared = person(
        officer, "Nguyễn Thị Hồng Nhung", consents=("sharing",), phones=["+81 90 1234 5678"],
        emails=["nhung@example.jp"], title="Giáo sư", employer="Đại học Tokyo",
    )  # fmt: skip
    private = person(
        officer, "Trần Văn Kín", phones=["+81 80 1111 2222"], emails=["kin@example.jp"],
        title="=cmd|' /C calc'!A0",
    )  # fmt: skip
    visit = prepare(officer)
    services.add_contacts(visit, [shared.id, private.id], actor=officer)
    return visit, shared, private


def test_pack_shows_personal_details_only_where_allowed(officer):
    visit, shared, _private = _pack_visit(officer)
    pack = build_pack(visit, actor=officer, language="vi")
    assert pack.with_personal and pack.withheld == 1 and pack.shared_for == [shared.id]
    assert [row.emails for row in pack.records] == [["nhung@example.jp"], []]
    assert [row.position for row in pack.records] == [1, 2]
    viewer = new_user("viewer")
    viewers = build_pack(visit, actor=viewer, language="vi")
    assert not viewers.with_personal and viewers.shared_for == []
    assert all(not row.phones and not row.emails for row in viewers.records)
    assert viewers.columns == [
        "position", "full_name", "foreign_name", "organization", "work_title", "city",
        "expertise", "last_engagement",
    ]  # fmt: skip


def test_pack_leaves_out_erased_records(officer):
    """An erased person keeps a placeholder on the visit's list (the officers see that
    someone was erased) but is not written into the files taken abroad."""
    from diaspora.privacy import erasure

    visit, shared, private = _pack_visit(officer)
    erasure.erase_contact(
        private, confirmation=private.full_name, reason="Request R-1", actor=new_user("admin")
    )
    _db.session.flush()
    assert len(visit.live_contacts) == 2
    pack = build_pack(visit, actor=officer, language="vi")
    assert [row.id for row in pack.records] == [shared.id]
    assert [row.position for row in pack.records] == [1]
    assert pack.withheld == 0


def _sheet_rows(content: bytes) -> tuple[list[list], int]:
    """The rows of the pack's sheet, and the index of its Vietnamese header row."""
    sheet = load_workbook(io.BytesIO(content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    return rows, next(i for i, row in enumerate(rows) if row[0] == "Số")


def test_pack_xlsx_has_bilingual_headers_and_no_formulas(officer):
    visit, shared, private = _pack_visit(officer)
    engage(officer, shared, "Gặp mặt đầu xuân")
    export = export_pack(visit, "xlsx", "Gặp gỡ tại Tokyo", actor=officer, language="vi")
    assert export.mimetype.startswith("application/vnd.openxmlformats")
    rows, header = _sheet_rows(export.content)
    assert rows[0][0] == visit.title and "Tokyo; Osaka, Nhật Bản" in rows[1][0]
    assert rows[header][:3] == ["Số", "Họ và tên (họ viết trước)", "Tên nước ngoài"]
    assert rows[header + 1][:3] == [
        "No.",
        "Full name (family name first)",
        "Adopted or foreign name",
    ]
    assert "Số điện thoại" in rows[header] and "Email addresses" in rows[header + 1]
    body = rows[header + 2 :]
    columns = rows[header + 1]
    first = dict(zip(columns, body[0], strict=True))
    second = dict(zip(columns, body[1], strict=True))
    assert first["No."] == 1 and first["Full name (family name first)"] == "Nguyễn Thị Hồng Nhung"
    assert first["Email addresses"] == "nhung@example.jp"
    assert first["Phone numbers"] == "+81 90-1234-5678"  # text, the plus kept
    assert first["Organization"] == "Đại học Tokyo" and first["Title or position"] == "Giáo sư"
    assert first["Last engagement"] == "05/01/2026 — Gặp mặt đầu xuân"
    assert second["Email addresses"] is None and second["Phone numbers"] is None
    assert second["Title or position"] == "=cmd|' /C calc'!A0"  # a string, never a formula
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml and "<autoFilter" in xml
    assert f'<pane ySplit="{header + 2}"' in xml  # both header rows stay in view
    event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "delegation.pack"))
    assert event.details["purpose"] == "Gặp gỡ tại Tokyo"
    assert event.details["format"] == "xlsx" and event.details["personal_details"] is True
    assert event.details["personal_details_shared_for"] == [shared.id]
    assert event.details["contacts"] == [shared.id, private.id]


def test_pack_values_follow_the_chosen_language(officer):
    visit, _shared, _private = _pack_visit(officer)
    english = export_pack(visit, "xlsx", "For the hosts", actor=officer, language="en")
    rows, _header = _sheet_rows(english.content)
    assert "Tokyo; Osaka, Japan" in rows[1][0]
    assert english.filename.startswith(f"doan-cong-tac-{visit.id}-en-")
    error = refused(lambda: export_pack(visit, "xlsx", "x", actor=officer, language="fr"))
    assert set(error.errors) == {"language"}


def test_pack_pdf_keeps_vietnamese_letters(officer):
    visit, _shared, _private = _pack_visit(officer)
    export = export_pack(visit, "pdf", "In cho đoàn", actor=officer, language="vi")
    pages = PdfReader(io.BytesIO(export.content)).pages
    assert pages[0].mediabox.width > pages[0].mediabox.height  # landscape, as every list
    text = " ".join(" ".join(page.extract_text().split()) for page in pages)
    assert "Nguyễn Thị Hồng Nhung" in text and "Trần Văn Kín" in text
    assert "Họ và tên" in text and "Full name" in text
    assert "Trưởng đoàn / Head of delegation: Phó Chủ tịch UBND thành phố" in text
    assert "nhung@example.jp" in text and "kin@example.jp" not in text
    assert "1 người chưa đồng ý" in text


def test_pack_for_a_viewer_holds_no_personal_details_in_any_format(officer):
    visit, _shared, _private = _pack_visit(officer)
    viewer = new_user("viewer")
    pdf = export_pack(visit, "pdf", "Chuẩn bị", actor=viewer, language="vi").content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Nguyễn Thị Hồng Nhung" in " ".join(text.split())
    assert "@example.jp" not in text and "1234" not in text
    assert "This copy holds no personal contact details" in " ".join(text.split())
    cards = export_pack(visit, "vcf", "Chuẩn bị", actor=viewer, language="vi").content
    assert b"TEL" not in cards and b"EMAIL" not in cards and b"FN:Nguy" in cards
    sheet = export_pack(visit, "xlsx", "Chuẩn bị", actor=viewer, language="vi").content
    rows, header = _sheet_rows(sheet)
    values = [value for row in rows for value in row if value]
    assert not any("@" in str(value) or "+81" in str(value) for value in values)
    assert "Số điện thoại" not in rows[header]


def test_pack_vcard(officer):
    visit, _shared, _private = _pack_visit(officer)
    export = export_pack(visit, "vcf", "Danh bạ điện thoại", actor=officer, language="vi")
    assert export.mimetype == "text/vcard; charset=utf-8"
    text = export.content.decode("utf-8")
    assert text.count("BEGIN:VCARD") == 2 and text.count("VERSION:3.0") == 2
    assert "N:Nguyễn;Nhung;Thị Hồng;;" in text
    assert "FN:Nguyễn Thị Hồng Nhung" in text and "ORG:Đại học Tokyo" in text
    assert "TEL;TYPE=VOICE:+819012345678" in text
    assert "EMAIL;TYPE=INTERNET:nhung@example.jp" in text
    assert "kin@example.jp" not in text and "+818011112222" not in text
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    assert "\n" not in text.replace("\r\n", "")


def test_vcard_escapes_separators(officer):
    visit, _shared, _private = _pack_visit(officer)
    pack = build_pack(visit, actor=officer, language="vi")
    pack.records[0].employer = "A; B, C\nD"
    assert "ORG:A\\; B\\, C\\nD" in render_vcard(pack).decode("utf-8")


def test_pack_needs_a_purpose_and_contacts(officer):
    visit, _shared, _private = _pack_visit(officer)
    empty = prepare(officer, title="Đoàn rỗng")
    before = settled()
    with pytest.raises(ValidationFailed) as caught:
        export_pack(visit, "xlsx", "  ", actor=officer, language="vi")
    assert "purpose" in caught.value.errors
    with pytest.raises(ValidationFailed):
        export_pack(visit, "docx", "x", actor=officer, language="vi")
    with pytest.raises(ValidationFailed) as caught:
        export_pack(empty, "xlsx", "Chuẩn bị", actor=officer, language="vi")
    assert "list is empty" in messages(caught.value)
    _db.session.rollback()
    assert state() == before


# --- meetings ---


def test_record_meetings_creates_one_delegation_meeting(officer):
    a, b, c = (person(officer, name) for name in ("Người Một", "Người Hai", "Người Ba"))
    visit = prepare(officer)
    services.add_contacts(visit, [a.id, b.id, c.id], actor=officer)
    rows = {row.contact_id: row.id for row in visit.contacts}
    engagement = meetings.record_meetings(
        visit, [rows[a.id], rows[c.id]], "Hai bên thống nhất tổ chức tuần lễ du lịch.",
        actor=officer,
    )  # fmt: skip
    assert engagement.type == "delegation_meeting" and engagement.title == visit.title
    assert engagement.start_date == date(2026, 5, 10) and engagement.end_date == date(2026, 5, 15)
    assert engagement.country == "JP" and engagement.city == "Tokyo"
    assert sorted(row.contact_id for row in engagement.participants) == sorted([a.id, c.id])
    assert engagement.plan_task_codes == ["II.4"]
    assert {row.contact_id: row.met for row in visit.contacts} == {
        a.id: True,
        b.id: False,
        c.id: True,
    }
    with pytest.raises(Conflict):
        meetings.record_meetings(visit, [rows[b.id]], "", actor=officer)


def test_meetings_before_the_visit_or_with_nobody_are_refused(officer):
    a = person(officer, "Người Một")
    future = date.today() + timedelta(days=30)
    visit = prepare(officer, start_date=future, end_date=future + timedelta(days=3))
    services.add_contacts(visit, [a.id], actor=officer)
    past = prepare(officer, title="Đoàn đã đi")
    services.add_contacts(past, [a.id], actor=officer)
    before = settled()
    with pytest.raises(ValidationFailed) as caught:
        meetings.record_meetings(visit, [visit.contacts[0].id], "", actor=officer)
    assert "not started yet" in messages(caught.value)
    with pytest.raises(ValidationFailed) as caught:
        meetings.record_meetings(past, [], "", actor=officer)
    assert "Tick the contacts" in messages(caught.value)
    _db.session.rollback()
    assert state() == before


def test_merging_contacts_moves_their_place_on_visit_lists(officer):
    keep, gone = person(officer, "Trần Thị Lan"), person(officer, "Trần Thị Lan ", city="Kyoto")
    visit = prepare(officer)
    services.add_contacts(visit, [keep.id, gone.id], actor=officer)
    other = prepare(officer, title="Đoàn khác")
    services.add_contacts(other, [gone.id], actor=officer)
    merge_contacts(
        keep, gone, default_choices(keep, gone),
        survivor_version=keep.version, absorbed_version=gone.version, actor=officer,
    )  # fmt: skip
    _db.session.expire_all()
    assert [r.contact_id for r in _db.session.get(DelegationVisit, visit.id).contacts] == [keep.id]
    assert [r.contact_id for r in _db.session.get(DelegationVisit, other.id).contacts] == [keep.id]


def test_plan_task_page_lists_linked_visits_and_outreach(officer):
    from tests.outreach_helpers import write

    visit = prepare(officer)
    outreach = write(officer)
    work = linked_work("II.4", officer)
    assert {(item.endpoint, tuple(item.url_args.values())) for item in work} == {
        ("delegations.show", (visit.id,)),
        ("outreach.show", (outreach.id,)),
    }
    viewer = new_user("viewer")
    assert [item.endpoint for item in linked_work("II.4", viewer)] == ["delegations.show"]


def test_list_only_columns_are_not_offered_for_registry_exports(officer):
    from diaspora.transfer.exports import ExportRequest, allowed_columns, check_request

    for key in ("position", "organization", "work_title", "last_engagement"):
        assert key not in allowed_columns(True) and key not in allowed_columns(False)
    with pytest.raises(ValidationFailed) as caught:
        check_request(
            ExportRequest(format="csv", columns=["full_name", "last_engagement"], purpose="x"),
            personal=True,
        )
    assert set(caught.value.errors) == {"columns"}


def test_codes_are_read_as_typed_once(officer):
    tourism = field_code("Tourism")
    visit = prepare(officer, plan_tasks=[" ii.4 ", "II.4", ""], fields=[tourism.lower(), tourism])
    assert visit.plan_task_codes == ["II.4"] and visit.field_codes == [tourism]


def test_meetings_can_be_recorded_from_the_first_day_in_hai_phong(officer, monkeypatch):
    from datetime import UTC, datetime

    from diaspora import clock

    a = person(officer, "Người Một")
    visit = prepare(officer)  # 10 to 15 May 2026
    services.add_contacts(visit, [a.id], actor=officer)
    # 17:30 UTC on 9 May is already 10 May in Hải Phòng (UTC+7).
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 5, 9, 17, 30, tzinfo=UTC))
    engagement = meetings.record_meetings(visit, [visit.contacts[0].id], "", actor=officer)
    assert engagement.start_date == date(2026, 5, 10)  # one day so far: its end capped at today
    assert engagement.end_date in (None, date(2026, 5, 10))
