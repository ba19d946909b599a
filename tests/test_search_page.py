"""The search page: filters in the URL, facets, paging, bad parameters explained, privacy."""

from __future__ import annotations

import re

import pytest

from diaspora.extensions import db as _db
from tests.contact_helpers import new_user
from tests.search_helpers import add, registry


@pytest.fixture
def people(app, seeded):
    with app.app_context():
        officer = new_user("officer")
        ids = registry(officer)
        contact = add(
            officer,
            full_name="Vũ Minh Khoa",
            country="JP",
            city="Tokyo",
            emails=["khoa.private@example.org"],
            phones=["+81 90-1234-5678"],
            fields=["1.2"],
            address="1-2-3 Shibuya",
        )
        ids["khoa"] = contact.id
        _db.session.commit()
        return ids


def test_viewer_home_is_the_search_page(client, login_as):
    login_as("viewer")
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/search/")


def test_search_without_diacritics_by_country_and_field(client, people, login_as):
    login_as("viewer")
    html = client.get("/search/?q=nguyen+van+duc&country=JP").get_data(as_text=True)
    assert "Nguyễn Văn Đức" in html
    assert "Leipzig" not in html
    assert "Tìm thấy 1 người" in html
    html = client.get("/search/?field=1&country=JP").get_data(as_text=True)
    assert "Nguyễn Văn Đức" in html and "Vũ Minh Khoa" in html


def test_viewer_never_sees_personal_details(client, people, login_as):
    login_as("viewer")
    html = client.get("/search/?q=khoa").get_data(as_text=True)
    assert "Vũ Minh Khoa" in html
    for secret in ("khoa.private@example.org", "+81", "Shibuya"):
        assert secret not in html


def test_facets_show_counts_in_the_active_language(client, people, login_as):
    login_as("viewer", locale="en")
    html = client.get("/search/?q=nguyen").get_data(as_text=True)
    assert 'Germany <span class="count">(2)</span>' in html
    assert 'Japan <span class="count">(1)</span>' in html


def test_filters_are_kept_in_links(client, people, login_as):
    login_as("officer")
    html = client.get("/search/?q=duc&country=JP&country=DE&sort=name").get_data(as_text=True)
    assert 'value="JP" checked' in html and 'value="DE" checked' in html
    assert "q=duc&amp;country=JP&amp;country=DE" in html
    assert 'href="/contacts/export?q=duc&amp;country=JP&amp;country=DE&amp;sort=name"' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("country=XX", "Mã quốc gia không hợp lệ: XX"),
        ("field=9.99", "Không có lĩnh vực chuyên môn: 9.99"),
        ("page=-1", "Số trang phải là số nguyên"),
        ("page=abc", "Số trang phải là số nguyên"),
        ("per_page=100000", "Số kết quả mỗi trang"),
        ("q=" + "x" * 10_000, "quá dài"),
        ("sort=drop", "Sắp xếp theo"),
        ("language=klingon", "Mã ngôn ngữ không hợp lệ"),
    ],
)
def test_bad_parameters_are_explained(client, people, login_as, query, message):
    login_as("viewer")
    response = client.get("/search/?" + query)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "text", ['"', "*", "NEAR", "-", ":", "nguyen*", "a OR b", "' OR 1=1 --", "%", "_", "\\"]
)
def test_fts_syntax_and_sql_fragments_are_plain_text(client, people, login_as, text):
    login_as("viewer")
    response = client.get("/search/", query_string={"q": text})
    assert response.status_code == 200


def test_invalid_utf8_is_not_an_error(client, people, login_as):
    login_as("viewer")
    response = client.get("/search/?q=%ff%fe%fd")
    assert response.status_code == 200


def test_paging_fifty_per_page(app, client, seeded, login_as, runner):
    runner.invoke(args=["demo", "seed", "--contacts", "120", "--seed", "5"])
    login_as("viewer")
    html = client.get("/search/?sort=name").get_data(as_text=True)
    assert "Tìm thấy 120 người" in html
    assert "Trang 1 / 3" in html
    assert len(re.findall(r'href="/contacts/\d+"', html)) == 50
    last = client.get("/search/?sort=name&page=3").get_data(as_text=True)
    assert len(re.findall(r'href="/contacts/\d+"', last)) == 20


def test_organization_page_leads_to_a_search_limited_to_its_members(app, client, people, login_as):
    from diaspora.models import Organization

    login_as("viewer", locale="en")
    with app.app_context():
        org_id = _db.session.scalar(_db.select(Organization.id))
    page = client.get(f"/organizations/{org_id}").get_data(as_text=True)
    assert f'href="/search/?org={org_id}"' in page
    html = client.get(f"/search/?org={org_id}").get_data(as_text=True)
    assert "Nguyễn Văn Đức" in html and "1 contact found" in html
    assert f'name="org" value="{org_id}" checked> Hội người Việt Nam tại Nhật Bản' in html
    assert "Vũ Minh Khoa" not in html


def test_origin_without_diacritics(client, people, login_as):
    login_as("viewer", locale="en")
    html = client.get("/search/?origin=thuy+nguyen").get_data(as_text=True)
    assert "Dương Văn Nam" in html and "1 contact found" in html
