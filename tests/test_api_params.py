"""The query parameters of the API's lists: documented as read, and nothing else accepted.

A misspelt filter (``?contry=JP``) is refused with 422 naming it, in the reader's language,
instead of silently returning the unfiltered list.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict

from diaspora.engagements.api import ACTIVITY_PARAMETERS, LIST_PARAMETERS
from diaspora.search.params import QUERY_PARAMETERS
from tests.conftest import bearer
from tests.contact_helpers import database_state

pytestmark = pytest.mark.usefixtures("seeded")

# (the address asked, the path in the OpenAPI document, what the endpoint refuses others by)
LISTS = [
    ("/api/v1/contacts", "/contacts", QUERY_PARAMETERS),
    ("/api/v1/engagements", "/engagements", LIST_PARAMETERS),
    ("/api/v1/plan-tasks/II.4/activities", "/plan-tasks/{code}/activities", ACTIVITY_PARAMETERS),
]
# A valid value of every parameter each list reads: they must all still be accepted.
VALID = {
    "/api/v1/contacts": [
        ("q", "nguyễn"), ("country", "JP"), ("country", "de,fr"), ("field", "1"),
        ("category", "entrepreneur"), ("language", "VI"), ("willing", "advise"),
        ("status", "active"), ("org", "1"), ("city", "Tokyo"), ("origin", "Thủy Nguyên"),
        ("legal_basis", "yes"), ("not_engaged", "2"), ("engaged_year", "2025"),
        ("sort", "name"), ("page", "1"), ("per_page", "20"),
    ],
    "/api/v1/engagements": [
        ("contact", "1"), ("plan_task", "II.4"), ("type", "meeting"), ("year", "2025"),
        ("page", "1"), ("per_page", "20"),
    ],
    "/api/v1/plan-tasks/II.4/activities": [("year", "2025"), ("page", "1"), ("per_page", "20")],
}  # fmt: skip
TITLES = {"en": "Invalid data", "vi": "Dữ liệu không hợp lệ"}


@pytest.fixture
def secret(token_for) -> str:
    return token_for("officer")


def documented(client, path: str) -> set[str]:
    document = client.get("/api/v1/openapi.json").get_json()
    parameters = document["paths"][path]["get"]["parameters"]
    return {item["name"] for item in parameters if item["in"] == "query"}


@pytest.mark.parametrize(("url", "path", "known"), LISTS, ids=[row[1] for row in LISTS])
def test_each_list_documents_exactly_the_parameters_it_reads(
    client, secret, monkeypatch, url, path, known
):
    read: set[str] = set()

    class RecordingArgs(ImmutableMultiDict):
        """The query string, noting every name the endpoint looks up."""

        def get(self, key, default=None, type=None):
            read.add(key)
            return super().get(key, default, type)

        def getlist(self, key, type=None):
            read.add(key)
            return super().getlist(key, type)

        def __getitem__(self, key):
            read.add(key)
            return super().__getitem__(key)

        def __contains__(self, key):
            read.add(key)
            return super().__contains__(key)

    monkeypatch.setattr(Request, "parameter_storage_class", RecordingArgs)
    assert client.get(url, headers=bearer(secret, "en")).status_code == 200
    assert read == documented(client, path) == set(known)


@pytest.mark.parametrize(("url", "path", "known"), LISTS, ids=[row[1] for row in LISTS])
def test_every_documented_parameter_is_still_accepted(client, secret, url, path, known):
    response = client.get(f"{url}?{urlencode(VALID[url])}", headers=bearer(secret, "en"))
    assert response.status_code == 200, response.get_json()
    assert {name for name, _value in VALID[url]} == set(known)


def test_the_newly_documented_filters_filter(client, secret):
    person = {"country": "JP", "legal_basis": "state_function", "legal_basis_note": "II.4"}
    for name, city, willing in [("Đỗ Minh Khôi", "Ōsaka", ["advise"]), ("Vũ Thị Mai", "Tokyo", [])]:
        created = client.post(
            "/api/v1/contacts",
            json={**person, "full_name": name, "city": city, "willing": willing},
            headers=bearer(secret, "en"),
        )
        assert created.status_code == 201, created.get_json()

    def names(query: str) -> list[str]:
        body = client.get(f"/api/v1/contacts?{query}", headers=bearer(secret, "en")).get_json()
        return sorted(item["full_name"] for item in body["items"])

    assert names("country=jp") == ["Vũ Thị Mai", "Đỗ Minh Khôi"]
    assert names("city=osaka") == ["Đỗ Minh Khôi"]
    assert names("willing=advise") == ["Đỗ Minh Khôi"]
    assert names("legal_basis=no") == []
    assert names("status=deceased") == []


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This list does not accept this parameter; did you mean “country”?"),
        ("vi", "Danh sách này không nhận tham số này; có phải bạn muốn dùng “country”?"),
    ],
)
def test_a_misspelt_filter_is_named_in_the_readers_language(app, client, secret, language, message):
    with app.app_context():
        before = database_state()
    response = client.get("/api/v1/contacts?contry=JP", headers=bearer(secret, language))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["errors"] == {"contry": [message]}
    assert problem["title"] == TITLES[language] and problem["detail"] == message
    with app.app_context():
        assert database_state() == before


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "/api/v1/openapi.json lists the ones it does."),
        ("vi", "xem /api/v1/openapi.json để biết các tham số được nhận."),
    ],
)
@pytest.mark.parametrize("url", [row[0] for row in LISTS])
def test_unknown_parameters_are_refused_on_every_list(client, secret, url, language, message):
    response = client.get(f"{url}?zzz=1&page=1", headers=bearer(secret, language))
    assert response.status_code == 422, url
    errors = response.get_json()["errors"]
    assert set(errors) == {"zzz"} and errors["zzz"][0].endswith(message)


def test_unknown_and_bad_values_are_told_together(client, secret):
    response = client.get(
        "/api/v1/contacts?contry=JP&page=0&felds=1&country=XX", headers=bearer(secret, "en")
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"contry", "felds", "page", "country"}
    assert "“field”" in errors["felds"][0]
    engagements = client.get(
        "/api/v1/engagements?yaer=2025&type=party", headers=bearer(secret, "en")
    )
    assert set(engagements.get_json()["errors"]) == {"yaer", "type"}
    assert "“year”" in engagements.get_json()["errors"]["yaer"][0]


def test_a_flood_of_unknown_parameters_gets_a_short_answer(client, secret):
    flood = urlencode([(f"{number:04d}{'x' * 200}", "1") for number in range(500)])
    response = client.get(f"/api/v1/contacts?{flood}", headers=bearer(secret, "en"))
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert len(errors) == 10 and all(len(name) == 40 for name in errors)


def test_the_document_says_unknown_parameters_are_refused(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert "?contry=JP" in document["info"]["description"]
    for _url, path, _known in LISTS:
        operation = document["paths"][path]["get"]
        assert "refused with 422" in operation["description"]
        assert "422" in operation["responses"]


def test_hostile_values_of_the_newly_documented_filters_are_no_server_error(client, secret):
    for query in ["city=%00", "origin=%00Th%E1%BB%A7y", "q=%00&city=a%00b", "org=%00"]:
        response = client.get(f"/api/v1/contacts?{query}", headers=bearer(secret, "en"))
        assert response.status_code in (200, 422), query
    assert (
        "org"
        in client.get("/api/v1/contacts?org=%00", headers=bearer(secret, "en")).get_json()["errors"]
    )
