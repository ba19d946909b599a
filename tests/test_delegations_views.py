"""Delegation pages through the test client: permissions, preparing a visit (bad input in both
languages, nothing lost, nothing saved), suggestions (and a destination with nobody), ordering,
the pack for officers and viewers, recording meetings, the plan-task page."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from diaspora.extensions import db as _db
from diaspora.models import AuditEvent, DelegationVisit, Engagement, User
from tests import record_pages
from tests.outreach_helpers import person
from tests.record_pages import create_through, errors, form_values, html, page_state

pytestmark = pytest.mark.usefixtures("seeded")


VISIT_FORM = {
    "title": "Đoàn công tác thành phố thăm Nhật Bản",
    "country": "JP",
    "cities": "Tokyo; Osaka",
    "start_date": "2026-05-10",
    "end_date": "2026-05-15",
    "purpose": "Xúc tiến du lịch",
    "leader": "Phó Chủ tịch UBND thành phố",
    "members": "Giám đốc Sở Ngoại vụ",
    "fields": ["S.2"],
    "plan_tasks": ["II.4"],
}


def form(**overrides) -> dict:
    return form_values(VISIT_FORM, overrides)


def create(client, **overrides) -> int:
    return create_through(client, "/delegations/new", DelegationVisit, form(**overrides))


def japan(user: User) -> list:
    """Three people in Japan: a host who agreed to sharing, one in Osaka, one in Nagoya."""
    return [
        person(
            user,
            "Trần Thị Lan",
            consents=("sharing",),
            emails=["lan@example.jp"],
            willing_host_delegation=True,
        ),
        person(user, "Lê Văn Minh", city="Osaka", emails=["minh@example.jp"]),
        person(user, "Vũ Thị Hoa", city="Nagoya"),
    ]


@pytest.fixture
def people(app, make_user):
    return record_pages.registered(app, make_user, japan)


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        ("viewer", "/delegations/", 200),
        ("viewer", "/delegations/new", 403),
        ("officer", "/delegations/new", 200),
    ],
)
def test_who_may_open_what(client, login_as, role, path, status):
    record_pages.check_opens(client, login_as, role, path, status)


def test_prepare_a_visit_then_choose_contacts(client, login_as, app, people):
    login_as("officer", locale="en")
    page = html(client.get("/delegations/new"))
    for name in ("title", "country", "cities", "start_date", "end_date", "fields", "leader"):
        assert f'<label for="{name}">' in page
    visit_id = create(client)
    page = html(client.get(f"/delegations/{visit_id}/contacts"))
    assert "3 active contacts live in Japan, 2 of them in the visit's cities." in page
    order = [page.index(name) for name in ("Trần Thị Lan", "Lê Văn Minh", "Vũ Thị Hoa")]
    assert order == sorted(order)  # Tokyo and Osaka first, the host first of those
    response = client.post(
        f"/delegations/{visit_id}/contacts",
        data={"step": "add_suggested", "suggested": [str(i) for i in people]},
    )
    assert response.status_code == 302
    with app.app_context():
        rows = _db.session.get(DelegationVisit, visit_id).contacts
        assert [row.contact_id for row in rows] == people
        last = rows[-1].id
    client.post(f"/delegations/{visit_id}/contacts", data={"step": f"up-{last}"})
    with app.app_context():
        rows = _db.session.get(DelegationVisit, visit_id).contacts
        assert [row.contact_id for row in rows] == [people[0], people[2], people[1]]
    page = html(client.get(f"/delegations/{visit_id}/contacts"))
    assert "Everyone the registry knows in Japan is already on the list." in page


@pytest.mark.parametrize(
    ("locale", "overrides", "field", "expected"),
    [
        (
            "en",
            {"start_date": "2026-05-15", "end_date": "2026-05-10"},
            "end_date",
            "The visit cannot end before it starts",
        ),
        (
            "vi",
            {"start_date": "2026-05-15", "end_date": "2026-05-10"},
            "end_date",
            "Đoàn không thể về trước khi đi",
        ),
        ("en", {"country": ""}, "country", "Choose the destination country."),
        ("en", {"title": ""}, "title", "Name the visit"),
    ],
)
def test_bad_visits_keep_the_input_and_save_nothing(
    client, login_as, app, locale, overrides, field, expected
):
    login_as("officer", locale=locale)
    before = page_state(app)
    response = client.post("/delegations/new", data=form(**overrides))
    assert response.status_code == 422
    assert any(expected in message for message in errors(response)), errors(response)
    page = html(response)
    assert 'value="Xúc tiến du lịch"' in page or "Xúc tiến du lịch</textarea>" in page
    assert "Phó Chủ tịch UBND thành phố" in page
    assert page_state(app) == before


def test_a_second_click_on_save_creates_no_second_visit(client, login_as, app):
    login_as("officer", locale="en")
    record_pages.check_second_click(client, app, "/delegations/new", form(), "visit")


def test_edits_and_a_stale_edit(client, login_as, app):
    login_as("officer", locale="en")
    visit_id = create(client)
    record_pages.check_edits(client, app, f"/delegations/{visit_id}/edit", form, "leader", "visit")


def test_delete_a_visit(client, login_as, app):
    login_as("officer", locale="en")
    visit_id = create(client)
    assert client.get(f"/delegations/{visit_id}/delete").status_code == 200
    response = client.post(f"/delegations/{visit_id}/delete")
    assert response.status_code == 302 and response.headers["Location"] == "/delegations/"
    assert "The visit “Đoàn công tác thành phố thăm Nhật Bản” was deleted." in html(
        client.get("/delegations/")
    )
    with app.app_context():
        assert _db.session.get(DelegationVisit, visit_id) is None
        event = _db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "delegation.delete")
        )
        assert event.target_id == visit_id


def test_a_destination_with_no_contacts_says_so(client, login_as, app, people):
    login_as("officer", locale="en")
    visit_id = create(client, country="IS", cities="Reykjavík", fields=[])
    page = html(client.get(f"/delegations/{visit_id}/contacts"))
    assert "No contact in the registry lives in Iceland, so there is nobody to suggest." in page


def test_adding_unknown_numbers_is_refused(client, login_as, app, people):
    login_as("officer", locale="en")
    visit_id = create(client)
    before = page_state(app)
    response = client.post(
        f"/delegations/{visit_id}/contacts", data={"step": "add_numbers", "add_numbers": "999999"}
    )
    assert response.status_code == 422
    assert any("999999" in message for message in errors(response))
    assert page_state(app) == before


def _visit_with_people(client, app, people) -> int:
    visit_id = create(client)
    client.post(
        f"/delegations/{visit_id}/contacts",
        data={"step": "add_numbers", "add_numbers": ", ".join(str(i) for i in people)},
    )
    return visit_id


def test_the_pack_for_an_officer(client, login_as, app, people):
    login_as("officer", locale="en")
    visit_id = _visit_with_people(client, app, people)
    page = html(client.get(f"/delegations/{visit_id}/pack"))
    assert "2 contacts have not agreed" in page
    response = client.post(
        f"/delegations/{visit_id}/pack", data={"purpose": "Gặp gỡ tại Tokyo", "format": "xlsx"}
    )
    assert response.status_code == 200
    # The download headers of every export: named, never cached, never sniffed.
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert ".xlsx" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "lan@example.jp" in values and "minh@example.jp" not in values
    assert "Japan" in " ".join(str(value) for value in values if value)  # the page's language
    vietnamese = client.post(
        f"/delegations/{visit_id}/pack",
        data={"purpose": "Gặp gỡ tại Tokyo", "format": "xlsx", "language": "vi"},
    )
    sheet = load_workbook(io.BytesIO(vietnamese.data)).active
    values = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value]
    assert any("Nhật Bản" in value for value in values) and "Họ và tên (họ viết trước)" in values
    with app.app_context():
        event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "delegation.pack"))
        assert event.details["purpose"] == "Gặp gỡ tại Tokyo"


def test_the_pack_for_a_viewer_has_no_personal_details(client, login_as, app, people, make_user):
    officer = make_user("officer")
    from tests.conftest import login

    login(client, officer.email)
    visit_id = _visit_with_people(client, app, people)
    client.post("/logout")
    login_as("viewer", locale="en")
    page = html(client.get(f"/delegations/{visit_id}"))
    assert "Trần Thị Lan" in page and "lan@example.jp" not in page
    assert "holds no personal contact details" in html(client.get(f"/delegations/{visit_id}/pack"))
    for fmt in ("xlsx", "pdf", "vcf"):
        response = client.post(
            f"/delegations/{visit_id}/pack", data={"purpose": "Chuẩn bị làm việc", "format": fmt}
        )
        assert response.status_code == 200, fmt
        if fmt == "xlsx":
            sheet = load_workbook(io.BytesIO(response.data)).active
            values = [cell.value for row in sheet.iter_rows() for cell in row]
            assert "lan@example.jp" not in values and "Điện thoại / Phone" not in values
        if fmt == "vcf":
            assert b"EMAIL" not in response.data and b"TEL" not in response.data
    with app.app_context():
        events = _db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "delegation.pack")
        ).all()
        assert len(events) == 3 and not any(e.details["personal_details"] for e in events)


def test_a_pack_without_purpose_is_refused(client, login_as, app, people):
    login_as("officer", locale="en")
    visit_id = _visit_with_people(client, app, people)
    before = page_state(app)
    response = client.post(f"/delegations/{visit_id}/pack", data={"purpose": "", "format": "pdf"})
    assert response.status_code == 422
    assert any("Say what the pack is for" in message for message in errors(response))
    assert page_state(app) == before


def test_record_meetings_in_one_step(client, login_as, app, people):
    login_as("officer", locale="en")
    visit_id = _visit_with_people(client, app, people)
    with app.app_context():
        rows = _db.session.get(DelegationVisit, visit_id).contacts
        met = [str(rows[0].id), str(rows[2].id)]
    page = html(client.get(f"/delegations/{visit_id}/meetings"))
    assert "Trần Thị Lan" in page
    before = page_state(app)
    nobody = client.post(f"/delegations/{visit_id}/meetings", data={"outcome": "x"})
    assert nobody.status_code == 422
    assert "Tick the contacts the delegation actually met." in errors(nobody)
    assert page_state(app) == before
    response = client.post(
        f"/delegations/{visit_id}/meetings", data={"met": met, "outcome": "Thống nhất hợp tác."}
    )
    assert response.status_code == 302
    page = html(client.get(f"/delegations/{visit_id}"))
    assert "A delegation-meeting engagement was recorded with 2 contacts." in page
    with app.app_context():
        engagement = _db.session.scalar(select(Engagement))
        assert engagement.type == "delegation_meeting"
        assert sorted(row.contact_id for row in engagement.participants) == sorted(
            [people[0], people[2]]
        )
    again = client.get(f"/delegations/{visit_id}/meetings")
    assert again.status_code == 302 and "/engagements/" in again.headers["Location"]
    before = page_state(app)
    refused = client.post(f"/delegations/{visit_id}/delete")
    assert refused.headers["Location"] == f"/delegations/{visit_id}"
    assert "it is part of the history now" in html(client.get(refused.headers["Location"]))
    assert page_state(app) == before


def test_plan_task_page_lists_visits(client, login_as):
    login_as("officer", locale="en")
    visit_id = create(client)
    record_pages.check_plan_task_page(client, "/delegations/", visit_id)


def test_the_list_pages_and_keeps_its_filter(client, login_as, app, monkeypatch):
    login_as("officer", locale="en")
    # May 2026: past
    record_pages.check_list_pages(
        client, app, monkeypatch, "/delegations/", "when=past", lambda: create(client)
    )
    single = html(client.get("/delegations/?when=upcoming"))
    assert 'class="pagination"' not in single
