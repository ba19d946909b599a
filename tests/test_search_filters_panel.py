"""The search page's filter panel: one foldable panel (closed on a phone by static/js/nav.js),
whose summary says how many filters are in use, in the reader's language."""

from __future__ import annotations

import re

import pytest

from diaspora.extensions import db
from diaspora.search.query import SearchQuery
from tests.contact_helpers import new_user
from tests.search_helpers import registry


def panel(response) -> tuple[str, str]:
    """The filter panel's opening tag, and its summary as read (tags dropped, spaces folded)."""
    page = response.get_data(as_text=True)
    found = re.search(
        r'(<details class="filters-panel"[^>]*>)\s*<summary>(.*?)</summary>', page, re.S
    )
    assert found, "no filter panel"
    return found.group(1), " ".join(re.sub(r"<[^>]+>", " ", found.group(2)).split())


@pytest.fixture
def people(app, seeded):
    with app.app_context():
        registry(new_user("officer"))
        db.session.commit()


@pytest.mark.parametrize(
    ("locale", "path", "expected"),
    [
        ("en", "/search/", "Filters"),
        ("en", "/search/?q=nguyen&sort=name", "Filters"),  # the text and the order are no filter
        ("en", "/search/?country=JP", "Filters 1 active"),
        ("en", "/search/?country=JP&country=DE&city=Tokyo&legal_basis=no", "Filters 4 active"),
        ("vi", "/search/?country=JP&city=Tokyo", "Bộ lọc 2 đang áp dụng"),
    ],
)
def test_the_summary_counts_the_filters_in_use(client, login_as, people, locale, path, expected):
    login_as("viewer", locale=locale)
    response = client.get(path)
    assert response.status_code == 200
    assert panel(response) == ('<details class="filters-panel" open data-fold-narrow>', expected)


def test_with_a_bad_filter_the_panel_stays_open_on_a_phone(client, login_as, people):
    """The message asks to correct the filters kept in the panel: it is not folded away."""
    login_as("viewer", locale="en")
    response = client.get("/search/?country=XX&city=Tokyo")
    page = response.get_data(as_text=True)
    assert page.index('role="alert"') < page.index('class="filters-panel"')
    assert panel(response) == ('<details class="filters-panel" open>', "Filters 1 active")


def test_filter_count_counts_each_value_chosen():
    assert SearchQuery().filter_count == 0
    assert SearchQuery(text="nguyen", sort="name", page=3).filter_count == 0
    query = SearchQuery(
        countries=("JP", "DE"),
        fields=("1.2",),
        categories=("artist",),
        languages=("en",),
        willing=("advise",),
        organizations=(7,),
        statuses=("active",),
        city="Tokyo",
        origin="Lê Chân",
        legal_basis_present=False,
        not_engaged_years=2,
        engaged_year=2025,
    )
    assert query.filter_count == 13
    assert SearchQuery(city="  ").filter_count == 0
