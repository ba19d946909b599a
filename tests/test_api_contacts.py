"""Contacts through API v1: same services, permissions, validation and versions as the pages."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from diaspora.api.tokens import issue_token
from diaspora.extensions import db as _db
from diaspora.models import AuditEvent, Contact, User
from tests.contact_helpers import table_counts
from tests.search_helpers import registry


@pytest.fixture
def tokens(app, seeded, make_user):
    result = {}
    users = {role: make_user(role).id for role in ("viewer", "officer", "admin")}
    with app.app_context():
        for role, user_id in users.items():
            user = _db.session.get(User, user_id)
            result[role] = issue_token(user, "tests", actor=user).secret
        _db.session.commit()
    return result


@pytest.fixture
def people(app, tokens):
    with app.app_context():
        officer = _db.session.scalar(select(User).where(User.role == "officer"))
        return registry(officer)


def auth(secret: str, **headers) -> dict:
    return {"Authorization": f"Bearer {secret}", **headers}


NEW = {
    "full_name": "Đặng Thu Thảo",
    "other_names": ["Theresa Dang"],
    "country": "CZ",
    "city": "Praha",
    "occupation": "Dược sĩ",
    "fields": ["3.3"],
    "languages": ["vi", "cs"],
    "emails": ["thao.dang@example.cz"],
    "phones": ["+420 601 123 456"],
    "preferred_language": "vi",
    "legal_basis": "state_function",
    "legal_basis_note": "Nhiệm vụ II.4",
}


def test_create_read_patch_delete(client, tokens):
    response = client.post("/api/v1/contacts", json=NEW, headers=auth(tokens["officer"]))
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert response.headers["Location"] == f"/api/v1/contacts/{created['id']}"
    assert created["phones"] == ["+420601123456"]
    assert created["other_names"] == ["Theresa Dang"]

    read = client.get(response.headers["Location"], headers=auth(tokens["officer"])).get_json()
    assert read["emails"] == ["thao.dang@example.cz"]
    patched = client.patch(
        response.headers["Location"],
        json={"city": "Brno", "version": read["version"]},
        headers=auth(tokens["officer"]),
    )
    assert patched.status_code == 200, patched.get_json()
    assert patched.get_json()["city"] == "Brno"
    assert patched.get_json()["fields"] == ["3.3"]
    stale = client.patch(
        response.headers["Location"],
        json={"city": "Ostrava", "version": read["version"]},
        headers=auth(tokens["officer"]),
    )
    assert stale.status_code == 409
    assert stale.get_json()["current_version"] == patched.get_json()["version"]
    with_header = client.patch(
        response.headers["Location"],
        json={"city": "Ostrava"},
        headers=auth(tokens["officer"], **{"If-Match": f'"{patched.get_json()["version"]}"'}),
    )
    assert with_header.status_code == 200
    deleted = client.delete(response.headers["Location"], headers=auth(tokens["officer"]))
    assert deleted.status_code == 204
    assert (
        client.get(response.headers["Location"], headers=auth(tokens["officer"])).status_code == 404
    )


def test_viewer_reads_without_personal_details_and_cannot_write(app, client, tokens, people):
    body = client.get("/api/v1/contacts?q=nhung", headers=auth(tokens["viewer"])).get_json()
    assert body["total"] == 1
    item = body["items"][0]
    assert item["full_name"] == "Nguyễn Thị Hồng Nhung"
    for secret in ("emails", "phones", "address", "birth_year"):
        assert secret not in item
    before = count_contacts(app)
    assert (
        client.post("/api/v1/contacts", json=NEW, headers=auth(tokens["viewer"])).status_code == 403
    )
    contact_id = item["id"]
    assert (
        client.patch(
            f"/api/v1/contacts/{contact_id}",
            json={"city": "X", "version": 1},
            headers=auth(tokens["viewer"]),
        ).status_code
        == 403
    )
    assert (
        client.delete(f"/api/v1/contacts/{contact_id}", headers=auth(tokens["viewer"])).status_code
        == 403
    )
    assert count_contacts(app) == before


def count_contacts(app) -> int:
    with app.app_context():
        return _db.session.scalar(
            select(func.count(Contact.id)).where(Contact.deleted_at.is_(None))
        )


def test_list_with_filters_facets_and_language(client, tokens, people):
    body = client.get(
        "/api/v1/contacts?q=nguyen&country=DE&country=JP&per_page=2",
        headers=auth(tokens["viewer"], **{"Accept-Language": "en"}),
    ).get_json()
    assert body["total"] == 3 and body["per_page"] == 2 and len(body["items"]) == 2
    assert {"code": "DE", "name": "Germany", "count": 2} in body["facets"]["country"]
    assert any(f["code"] == "1" for f in body["facets"]["field"])


def test_officer_reads_personal_details_and_is_logged(app, client, tokens, people):
    contact_id = people["nhung"]
    body = client.get(f"/api/v1/contacts/{contact_id}", headers=auth(tokens["officer"])).get_json()
    assert "emails" in body
    with app.app_context():
        events = _db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "contact.view_personal", AuditEvent.target_id == contact_id
            )
        )
    assert events == 1


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("country=XX", "country"),
        ("field=nope", "field"),
        ("per_page=100000", "per_page"),
        ("page=-1", "page"),
        ("q=" + "a" * 10000, "q"),
        ("sort=random()", "sort"),
    ],
)
def test_bad_list_parameters_are_problems(client, tokens, query, parameter):
    response = client.get(f"/api/v1/contacts?{query}", headers=auth(tokens["viewer"]))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert parameter in response.get_json()["errors"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**NEW, "full_name": ""}, "full_name"),
        ({**NEW, "full_name": "x" * 500}, "full_name"),
        ({**NEW, "country": "ZZ"}, "country"),
        ({**NEW, "emails": ["not an email"]}, "emails"),
        ({**NEW, "phones": ["12"]}, "phones"),
        ({**NEW, "birth_year": 1850}, "birth_year"),
        ({**NEW, "fields": ["99.99"]}, "fields"),  # the JSON name, not the form's
        ({**NEW, "fields": ["³"]}, "fields"),  # a digit to str.isdigit(), not to int()
        ({**NEW, "other_names": ["x" * 300]}, "other_names"),
        ({**NEW, "languages": "vi"}, "languages"),
        ({**NEW, "willing": ["fly"]}, "willing"),
    ],
)
def test_invalid_contacts_are_refused_and_nothing_changes(app, client, tokens, body, field):
    with app.app_context():
        before = table_counts()
    response = client.post("/api/v1/contacts", json=body, headers=auth(tokens["officer"]))
    assert response.status_code == 422, response.get_json()
    problem = response.get_json()
    assert problem["status"] == 422 and field in problem["errors"], problem
    with app.app_context():
        assert table_counts() == before


@pytest.mark.parametrize(
    "payload",
    [b"not json", b"[1, 2]", b"\xff\xfe", b'{"full_name": '],
)
def test_malformed_bodies_are_problems(client, tokens, payload):
    response = client.post(
        "/api/v1/contacts",
        data=payload,
        headers=auth(tokens["officer"], **{"Content-Type": "application/json"}),
    )
    assert response.status_code in (400, 422)
    assert response.mimetype == "application/problem+json"


def test_duplicates_need_acknowledgement(client, tokens, people):
    body = {"full_name": "Nguyen Van Duc", "country": "JP", "city": "Tokyo"}
    response = client.post("/api/v1/contacts", json=body, headers=auth(tokens["officer"]))
    assert response.status_code == 409
    duplicates = [item["id"] for item in response.get_json()["duplicates"]]
    assert people["duc_jp"] in duplicates
    response = client.post(
        "/api/v1/contacts",
        json={**body, "acknowledged_duplicates": duplicates},
        headers=auth(tokens["officer"]),
    )
    assert response.status_code == 201


def test_patch_without_version_is_refused(client, tokens, people):
    response = client.patch(
        f"/api/v1/contacts/{people['hoa']}", json={"city": "Lyon"}, headers=auth(tokens["officer"])
    )
    assert response.status_code == 422
    assert "version" in response.get_json()["errors"]


def test_unknown_contact_is_404(client, tokens):
    response = client.get("/api/v1/contacts/999999", headers=auth(tokens["viewer"]))
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
