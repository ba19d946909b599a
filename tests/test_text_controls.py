"""A control character typed or pasted into a name separates words on every way in.

Forms, the API, imported rows and the public registration all clean text with
``diaspora.text.clean`` / ``clean_lines``: ``Nguyễn\\x00Văn`` is stored as ``Nguyễn Văn``, and
multi-line fields keep their lines.
"""

from __future__ import annotations

import io
import re
import uuid

import pytest

from diaspora.api.tokens import issue_token
from diaspora.extensions import db as _db
from diaspora.models import Contact, Submission, User
from tests.public_helpers import registration
from tests.transfer_helpers import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.usefixtures("seeded")


def stored_contact(app) -> Contact:
    with app.app_context():
        contact = _db.session.scalar(_db.select(Contact).order_by(Contact.id.desc()))
        assert contact is not None
        _db.session.expunge(contact)
        return contact


def test_contact_form(app, client, login_as):
    login_as("officer")
    response = client.post(
        "/contacts/new",
        data={
            "entry_key": uuid.uuid4().hex,
            "full_name": "Nguyễn\x00Thị \x01 Hồng\x1fNhung",
            "foreign_name": "Helen\x00Nguyen",
            "country": "DE",
            "city": "Frankfurt\x00am Main",
            "preferred_language": "vi",
            "status": "active",
            "source": "manual",
            "address": "Zeil 1\r\n\t60313\x00Frankfurt",
            "notes": "Gặp ở Tết\x00Nguyên Đán.\n\n\n\nGọi lại.",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    contact = stored_contact(app)
    assert contact.full_name == "Nguyễn Thị Hồng Nhung"
    assert contact.foreign_name == "Helen Nguyen"
    assert contact.city == "Frankfurt am Main"
    assert contact.address == "Zeil 1\n 60313 Frankfurt"
    assert contact.notes == "Gặp ở Tết Nguyên Đán.\n\nGọi lại."


def test_api(app, client, make_user):
    officer_id = make_user("officer").id
    with app.app_context():
        officer = _db.session.get(User, officer_id)
        secret = issue_token(officer, "tests", actor=officer).secret
        _db.session.commit()
    response = client.post(
        "/api/v1/contacts",
        json={
            "full_name": "Trần\x00Văn\x07Bình",
            "country": "JP",
            "legal_basis": "state_function",
            "legal_basis_note": "Nhiệm vụ\x00II.4",
            "address": "1-2-3\x00Shibuya\nTokyo",
        },
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["full_name"] == "Trần Văn Bình"
    contact = stored_contact(app)
    assert contact.full_name == "Trần Văn Bình"
    assert contact.address == "1-2-3 Shibuya\nTokyo"
    assert contact.legal_basis_note == "Nhiệm vụ II.4"


def _import(client, body: bytes, name: str) -> None:
    response = client.post(
        "/imports/new",
        data={"file": (io.BytesIO(body), name), "sheet": ""},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    bid = int(re.search(r"/imports/(\d+)", response.headers["Location"]).group(1))
    page = client.get(f"/imports/{bid}/mapping").get_data(as_text=True)
    chosen = dict(
        re.findall(r'<select id="(column_\d+)".*?<option selected value="([^"]*)"', page, re.S)
    )
    assert client.post(f"/imports/{bid}/mapping", data=chosen).status_code == 302
    client.get(f"/imports/{bid}")
    assert client.post(f"/imports/{bid}/commit", data={}).status_code == 302


def test_imported_xlsx_row(app, client, login_as):
    """Excel keeps a NUL as the escape ``_x0000_``; the reader turns it back into U+0000."""
    login_as("officer")
    _import(
        client,
        xlsx_bytes(
            [["Họ và tên", "Quốc gia", "Ghi chú"], ["Lê_x0000_Minh Châu", "DE", "a_x0000_b"]]
        ),
        "list.xlsx",
    )
    contact = stored_contact(app)
    assert contact.full_name == "Lê Minh Châu"
    assert contact.notes == "a b"


def test_imported_csv_row(app, client, login_as):
    login_as("officer")
    _import(
        client, csv_bytes([["Họ và tên", "Quốc gia"], ["Phạm\x1fQuốc\x01Dũng", "Nhật"]]), "a.csv"
    )
    assert stored_contact(app).full_name == "Phạm Quốc Dũng"


def test_public_registration(app, client):
    response = client.post(
        "/register",
        data=registration(full_name="Nguyễn\x00Thị Lan", city="Leip\x00zig"),
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 302
    with app.app_context():
        submission = _db.session.scalar(_db.select(Submission))
        assert submission.payload["full_name"] == "Nguyễn Thị Lan"
        assert submission.payload["city"] == "Leip zig"


def test_zero_width_space_in_a_name_is_found_as_the_same_person(app, client, make_user):
    """``Nguyễn\\u200bVăn An`` looks like ``Nguyễn Văn An``: the duplicate check says so, the
    name is stored without the invisible characters, and a search with a soft hyphen finds it."""
    officer_id = make_user("officer").id
    with app.app_context():
        officer = _db.session.get(User, officer_id)
        secret = issue_token(officer, "tests", actor=officer).secret
        _db.session.commit()
    headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}
    person = {"country": "JP", "legal_basis": "state_function", "legal_basis_note": "II.4"}
    first = client.post(
        "/api/v1/contacts", json={**person, "full_name": "Nguyễn Văn An"}, headers=headers
    )
    assert first.status_code == 201, first.get_json()
    again = client.post(
        "/api/v1/contacts",
        json={**person, "full_name": "\ufeffNguyễn\u200bVăn A\u00adn\u2060"},
        headers=headers,
    )
    assert again.status_code == 409, again.get_json()
    assert [row["id"] for row in again.get_json()["duplicates"]] == [first.get_json()["id"]]
    confirmed = client.post(
        "/api/v1/contacts",
        json={
            **person,
            "full_name": "Nguyễn\u200bVăn A\u00adn",
            "city": "Osa\u00adka\u200b",
            "acknowledged_duplicates": [first.get_json()["id"]],
        },
        headers=headers,
    )
    assert confirmed.status_code == 201, confirmed.get_json()
    assert stored_contact(app).full_name == "Nguyễn Văn An"
    assert stored_contact(app).city == "Osaka"
    found = client.get("/api/v1/contacts?q=Nguy\u00adễn%20V\u2060ăn", headers=headers).get_json()
    assert found["total"] == 2
