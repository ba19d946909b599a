"""The search page's filter panel: one foldable panel (closed on a phone by static/js/nav.js),
whose summary says how many filters are in use, in the reader's language."""

from __future__ import annotations

import re

import pytest

from diaspora.extensions import db
from diaspora.search.query import SearchQuery
from tests.contact_helpers import new_user
from tests.search_helpers import registry


def summary(response) -> str:
    """The panel's summary as read: tags dropped, white space folded."""
    page = response.get_data(as_text=True)
    found = re.search(
        r'<details class="filters-panel" open data-fold-narrow>\s*<summary>(.*?)</summary>',
        page,
        re.S,
    )
    assert found, "no foldable filter panel"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


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
    assert summary(response) == expected


def test_bad_filters_are_explained_outside_the_folded_panel(client, login_as, people):
    login_as("viewer", locale="en")
    response = client.get("/search/?country=XX")
    page = response.get_data(as_text=True)
    assert page.index('role="alert"') < page.index('class="filters-panel"')  # seen when folded
    assert summary(response) == "Filters"  # nothing was searched with them


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
