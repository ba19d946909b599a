"""A search with a bad filter, on the search page, the export page and the API.

The pages name each parameter that could not be read, in the reader's language, keep the other
filters, and change nothing; the API answers 422 with the messages keyed by parameter.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from diaspora.api.tokens import issue_token
from diaspora.extensions import db as _db
from diaspora.models import AuditEvent, User
from tests.contact_helpers import database_state, new_user
from tests.search_helpers import registry

pytestmark = pytest.mark.usefixtures("seeded")

EN = {"Accept-Language": "en"}
LONG = "x" * 5000
# A bad parameter -> its label on the page, in Vietnamese and in English.
BAD = [
    ("country=ZZZ", "Quốc gia", "Country"),
    ("field=abc", "Lĩnh vực chuyên môn", "Expertise field"),
    ("category=nope", "Nhóm đối tượng", "Category"),
    ("language=klingon", "Ngôn ngữ", "Language"),
    ("willing=fly", "Sẵn sàng", "Willing to"),
    ("status=asleep", "Trạng thái", "Status"),
    ("org=abc", "Tổ chức", "Organization"),
    (f"city={LONG}", "Thành phố", "City"),
    (f"origin={LONG}", "Quê quán ở Hải Phòng", "Origin in Hải Phòng"),
    ("legal_basis=maybe", "Căn cứ pháp lý", "Legal basis"),
    ("sort=random()", "Thứ tự sắp xếp", "Sort order"),
    ("page=-1", "Trang", "Page"),
    ("per_page=100000", "Số kết quả mỗi trang", "Results per page"),
    (f"q={LONG}", "Nội dung tìm kiếm", "Search text"),
]


@pytest.fixture
def people(app):
    with app.app_context():
        ids = registry(new_user("officer"))
        _db.session.commit()
        return ids


def page(response) -> str:
    return unescape(response.get_data(as_text=True))


def problems(html: str) -> list[str]:
    """The items of the list of bad filters, as the reader sees them."""
    block = re.search(r'<ul class="filter-problems">(.*?)</ul>', html, re.S)
    assert block, "no list of bad filters on the page"
    return [
        " ".join(re.sub(r"<[^>]+>", "", item).split())
        for item in re.findall(r"<li>(.*?)</li>", block.group(1), re.S)
    ]


def state(app) -> dict:
    with app.app_context():
        return database_state()


# --- the search page ---


@pytest.mark.parametrize("locale", ["vi", "en"])
@pytest.mark.parametrize(("query", "vi", "en"), BAD)
def test_search_page_names_the_bad_filter(client, people, login_as, query, vi, en, locale):
    login_as("viewer", locale=locale)
    response = client.get(f"/search/?{query}")
    assert response.status_code == 200
    [item] = problems(page(response))
    assert item.startswith(f"{vi if locale == 'vi' else en}:")


def test_search_page_keeps_the_good_filters_and_offers_them_alone(app, client, people, login_as):
    login_as("viewer", locale="en")
    before = state(app)
    response = client.get("/search/?q=duc&country=JP&country=ZZZ&field=abc&language=vi&sort=name")
    html = page(response)
    assert response.status_code == 200
    assert problems(html) == [
        "Country: Unknown country code: ZZZ.",
        "Expertise field: Unknown expertise field: abc.",
    ]
    assert "The search was not run." in html and "contact found" not in html
    # The filters that could be read stay in the form, ticked, so that searching again keeps them.
    assert 'name="q" value="duc"' in html
    assert 'name="country" value="JP" checked> Japan' in html
    assert 'name="language" value="vi" checked> Vietnamese' in html
    assert 'name="sort" value="name"' in html
    form = re.search(r'<form method="get" action="/search/".*?</form>', html, re.S).group(0)
    assert "ZZZ" not in re.sub(r'<ul class="filter-problems">.*?</ul>', "", form, flags=re.S)
    link = re.search(r'<a href="([^"]+)" id="without-problems">', html).group(1)
    assert link == "/search/?q=duc&country=JP&language=vi&sort=name"
    assert "Nguyễn Văn Đức" in page(client.get(link))
    assert state(app) == before


def test_search_page_in_vietnamese(client, people, login_as):
    login_as("viewer")
    html = page(client.get("/search/?country=JP&field=abc&country=ZZZ"))
    assert problems(html) == [
        "Quốc gia: Mã quốc gia không hợp lệ: ZZZ.",
        "Lĩnh vực chuyên môn: Không có lĩnh vực chuyên môn: abc.",
    ]
    assert "Chưa thực hiện tìm kiếm." in html and "Chỉ tìm theo các bộ lọc còn lại" in html
    assert 'name="country" value="JP" checked> Nhật Bản' in html


def test_nothing_to_keep_means_no_link_to_keep_it(client, people, login_as):
    login_as("viewer", locale="en")
    html = page(client.get("/search/?country=ZZZ"))
    assert problems(html) == ["Country: Unknown country code: ZZZ."]
    assert 'id="without-problems"' not in html and "Start a new search" in html


# --- the export page ---


@pytest.mark.parametrize("locale", ["vi", "en"])
@pytest.mark.parametrize(("query", "vi", "en"), BAD)
def test_export_page_shows_the_form_and_names_the_bad_filter(
    client, people, login_as, query, vi, en, locale
):
    login_as("officer", locale=locale)
    response = client.get(f"/contacts/export?{query}")
    assert response.status_code == 200
    html = page(response)
    assert 'name="purpose"' in html and '<button type="submit">' in html
    [item] = problems(html)
    assert item.startswith(f"{vi if locale == 'vi' else en}:")
    assert (
        "Danh sách dưới đây chỉ theo các bộ lọc còn lại."
        if locale == "vi"
        else "The list below follows the other filters only."
    ) in html


def counts(html: str) -> str:
    return re.search(r'<p id="export-counts">(.*?)</p>', html, re.S).group(1).strip()


def test_export_page_counts_and_posts_the_good_filters(app, client, people, login_as):
    login_as("officer", locale="en")
    html = page(client.get("/contacts/export?country=JP&country=ZZZ&field=abc&q=hung"))
    assert problems(html) == [
        "Country: Unknown country code: ZZZ.",
        "Expertise field: Unknown expertise field: abc.",
    ]
    japan = page(client.get("/contacts/export?country=JP&q=hung"))
    assert counts(html) == counts(japan) and "1 contact will be in the list." in counts(html)
    assert '<form method="post" action="/contacts/export?q=hung&country=JP">' in html
    assert 'href="/search/?q=hung&country=JP">' in html


def test_a_form_posted_with_bad_filters_exports_nothing(app, client, people, login_as):
    login_as("officer", locale="en")
    before = state(app)
    form = {
        "format": "csv",
        "columns": ["full_name", "country"],
        "language": "en",
        "purpose": "Visit",
    }
    response = client.post("/contacts/export?country=JP&country=ZZZ", data=form)
    assert response.status_code == 422
    assert "attachment" not in response.headers.get("Content-Disposition", "")
    html = page(response)
    assert problems(html) == ["Country: Unknown country code: ZZZ."]
    assert 'value="Visit"' in html  # what was typed is kept
    assert state(app) == before
    # Posted again from the page, to the address without the bad filter, it exports Japan only.
    done = client.post("/contacts/export?country=JP", data=form)
    assert done.status_code == 200 and "attachment" in done.headers["Content-Disposition"]
    with app.app_context():
        event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contacts.export"))
        assert event.details["filters"] == {"countries": ["JP"]}


# --- the API: still refused as a whole, each bad parameter keyed by its name ---


@pytest.fixture
def token(app, make_user):
    user_id = make_user("viewer").id
    with app.app_context():
        user = _db.session.get(User, user_id)
        secret = issue_token(user, "tests", actor=user).secret
        _db.session.commit()
    return secret


@pytest.mark.parametrize(
    ("language", "country", "field"),
    [
        ("vi", "Mã quốc gia không hợp lệ: ZZZ.", "Không có lĩnh vực chuyên môn: abc."),
        ("en", "Unknown country code: ZZZ.", "Unknown expertise field: abc."),
    ],
)
def test_api_names_every_bad_parameter_and_only_those(
    client, people, token, language, country, field
):
    response = client.get(
        "/api/v1/contacts?country=JP&country=ZZZ&field=abc&city=Tokyo&q=duc",
        headers={"Authorization": f"Bearer {token}", "Accept-Language": language},
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["errors"] == {"country": [country], "field": [field]}


def test_api_refuses_a_city_longer_than_the_form_allows(client, people, token):
    response = client.get(
        f"/api/v1/contacts?city={'x' * 121}", headers={"Authorization": f"Bearer {token}", **EN}
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"city": ["At most 120 characters."]}
    fine = client.get(
        f"/api/v1/contacts?city={'x' * 120}", headers={"Authorization": f"Bearer {token}"}
    )
    assert fine.status_code == 200 and fine.get_json()["total"] == 0
