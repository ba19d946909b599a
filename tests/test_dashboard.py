"""The officers' dashboard: totals, charts as SVG with labels and numbers, next steps, data
quality lists and the days left before the report is due."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from diaspora.clock import local_today
from diaspora.contacts import trash as contact_trash
from diaspora.contacts.data import ExpertiseEntry
from diaspora.dashboard import services
from diaspora.dashboard.charts import bar_chart
from diaspora.extensions import db as _db
from diaspora.models import User, utcnow
from tests.contact_helpers import new_user
from tests.engagement_helpers import person, record

pytestmark = pytest.mark.usefixtures("seeded")
ZONE = "Asia/Ho_Chi_Minh"


@pytest.fixture
def registry(app):
    """Contacts in three countries with fields, engagements and next steps."""
    with app.app_context(), app.test_request_context():
        officer = new_user(name="Cán bộ Phụ trách")
        today = utcnow().date()
        lan = person(
            officer,
            "Trần Thị Lan",
            emails=["lan@example.jp"],
            legal_basis="state_function",
            legal_basis_note="Chức năng của Sở",
            verified_on=today,
            expertise=[ExpertiseEntry("1.1"), ExpertiseEntry("1.2")],
        )
        minh = person(
            officer,
            "Lê Văn Minh",
            country="KR",
            city="Seoul",
            phones=["+82 10-1234-5678"],
            expertise=[ExpertiseEntry("3.1")],
        )
        hoa = person(officer, "Vũ Thị Hoa", country="DE", city="Berlin")
        twin = person(officer, "Vu Thi Hoa", country="DE", city="Hamburg", acknowledged=[hoa.id])
        old = person(officer, "Đỗ Văn Cũ", emails=["cu@example.jp"])
        old.created_at = datetime(2020, 1, 1, tzinfo=UTC)
        gone = person(officer, "Phạm Văn Xóa", country="US", city="Boston")
        contact_trash.delete_contact(gone, actor=officer)
        record(officer, [lan, minh], title="Gặp mặt", start_date=date(today.year, 1, 1))
        record(
            officer,
            [hoa],
            title="Tư vấn",
            start_date=date(today.year, 1, 1),
            next_step="Gửi tài liệu",
            next_step_due=today + timedelta(days=10),
        )
        record(
            officer,
            [twin],
            title="Quá hạn",
            start_date=date(today.year - 1, 6, 1),
            next_step="Gọi điện",
            next_step_due=today - timedelta(days=2),
        )
        record(
            officer,
            [old],
            title="Xa",
            start_date=date(today.year - 1, 6, 1),
            next_step="Sau này",
            next_step_due=today + timedelta(days=90),
        )
        _db.session.commit()
        return {
            name: row.id
            for name, row in zip(
                ("lan", "minh", "hoa", "twin", "old"), (lan, minh, hoa, twin, old), strict=True
            )
        }


def test_totals_and_counts(app, registry):
    with app.app_context():
        today = utcnow().date()
        totals = services.totals(today, ZONE)
        assert (totals.contacts, totals.countries) == (5, 3)
        assert totals.active_this_year == 3  # Lan, Minh and Hoa; last year's do not count
        assert totals.new_this_year == 4  # the old record dates from 2020; the trash never counts
        countries, others = services.contacts_by_country(limit=2)
        assert countries == [("DE", 2), ("JP", 2)] and others == 1
        fields = [(group.code, count) for group, count in services.contacts_by_field()]
        assert fields == [("1", 1), ("3", 1)]  # two subfields of 1 count one person once
        steps = [row.title for row in services.next_steps(today)]
        assert steps == ["Quá hạn", "Tư vấn"]


def test_data_quality_lists(app, registry):
    with app.app_context():
        lists = {item.key: item for item in services.data_quality(utcnow().date(), ZONE)}
        names = {key: {c.full_name for c in item.contacts} for key, item in lists.items()}
        assert "Trần Thị Lan" not in names["no_legal_basis"]
        assert lists["no_legal_basis"].total == 4
        assert names["no_contact_details"] == {"Vũ Thị Hoa", "Vu Thi Hoa"}
        assert names["not_verified"] == {"Đỗ Văn Cũ"}
        assert names["duplicates"] == {"Vũ Thị Hoa", "Vu Thi Hoa"}


def test_duplicates_by_shared_email(app, registry):
    with app.app_context(), app.test_request_context():
        officer = _db.session.scalar(_db.select(User))
        person(
            officer,
            "Khác Tên Hẳn",
            country="FR",
            city="Paris",
            emails=["lan@example.jp"],
            acknowledged=[registry["lan"]],
        )
        _db.session.commit()
        found = {c.full_name for c in services.possible_duplicates().contacts}
        assert {"Trần Thị Lan", "Khác Tên Hẳn"} <= found


def test_bar_chart_geometry():
    chart = bar_chart([("Nhật Bản", 40), ("Hàn Quốc", 10), ("Đức", 0)])
    assert [row.bar_width for row in chart.rows] == [280, 70, 0]
    assert [row.value for row in chart.rows] == [40, 10, 0]
    assert chart.rows[1].y > chart.rows[0].y
    assert bar_chart([]).empty


def test_dashboard_page(app, client, login_as, registry):
    login_as("officer", locale="en")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "days left before the" in page or "is due today" in page
    svg = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(svg) == 2
    assert "Japan" in svg[0] and ">2<" in svg[0]  # every bar has its label and its number
    assert "Natural sciences" in svg[1]
    assert "style=" not in page
    assert not re.search(r"<script(?![^>]*\ssrc=)", page)  # only scripts from static files
    assert "Gửi tài liệu" in page and "overdue" in page and "Sau này" not in page
    assert "Possible duplicates" in page and "Not verified for two years" in page


def test_days_left_before_the_report(app, client, login_as):
    login_as("officer", locale="en")
    with app.app_context():
        today = local_today()
    due = date(today.year, 11, 15)
    if today > due:
        due = date(today.year + 1, 11, 15)
    page = client.get("/dashboard").get_data(as_text=True)
    days = (due - today).days
    if days:
        assert f"{days} day" in page and f"report is due ({due.day} Nov {due.year})" in page
    assert f'href="/reports/annual?year={due.year}"' in page


def test_a_long_quality_list_is_seen_in_full_page_by_page(
    app, client, login_as, registry, monkeypatch
):
    """The dashboard lists the first 20 of a data-quality list and links to all of it, paged."""
    with app.app_context(), app.test_request_context():
        officer = _db.session.scalar(_db.select(User))
        countries = [
            "FR",
            "IT",
            "ES",
            "PT",
            "NL",
            "BE",
            "CH",
            "AT",
            "SE",
            "NO",
            "DK",
            "FI",
            "PL",
            "CZ",
            "HU",
            "GR",
            "IE",
            "CA",
            "AU",
            "NZ",
            "SG",
            "TH",
            "LA",
        ]
        for index, country in enumerate(countries[: services.LIST_LIMIT + 3]):
            person(officer, f"Người Thứ {index}", country=country, city=f"Thành phố {index}")
        _db.session.commit()
    total = 4 + services.LIST_LIMIT + 3
    monkeypatch.setattr(services, "QUALITY_PAGE_SIZE", services.LIST_LIMIT)
    login_as("officer", locale="en")
    page = client.get("/dashboard").get_data(as_text=True)
    assert f"The first {services.LIST_LIMIT} of {total} are listed." in page
    assert "/dashboard/quality/no_legal_basis" in page
    seen: set[str] = set()
    for number in (1, 2):
        response = client.get(f"/dashboard/quality/no_legal_basis?page={number}")
        assert response.status_code == 200
        listed = re.findall(r'/contacts/\d+">([^<]+)</a>', response.get_data(as_text=True))
        seen.update(listed)
    assert len(seen) == total and "Trần Thị Lan" not in seen  # she has a legal basis
    assert "Page 1 of 2" in client.get("/dashboard/quality/no_legal_basis").get_data(as_text=True)
    duplicates = client.get("/dashboard/quality/duplicates").get_data(as_text=True)
    assert "Vu Thi Hoa" in duplicates and "Vũ Thị Hoa" in duplicates
    assert client.get("/dashboard/quality/nothing").status_code == 404


def test_quality_lists_are_for_officers(client, login_as):
    login_as("viewer")
    assert client.get("/dashboard/quality/no_legal_basis").status_code == 403
