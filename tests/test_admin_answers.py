"""What the administrators' pages say after a step (reference lists, accounts): the message
names the row or account as saved, a refusal is said and changes nothing."""

from __future__ import annotations

import re
from html import unescape

import pytest

from diaspora.extensions import db as _db
from diaspora.models import AuditEvent, Category, ExpertiseField, User
from tests.account_helpers import account_form

pytestmark = pytest.mark.usefixtures("seeded")


def flashes(client, response) -> list[tuple[str, str]]:
    """(category, message) of the messages shown on the page a POST redirected to."""
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    found = re.findall(r'<p class="flash flash-([a-z]+)"[^>]*>([^<]*)</p>', page)
    return [(category, unescape(message)) for category, message in found]


def admin(client, login_as) -> User:
    """An administrator signed in, in English, the welcome message already shown."""
    user = login_as("admin", locale="en")
    client.get("/", follow_redirects=True)
    return user


def field_id(app, code: str) -> int:
    with app.app_context():
        return _db.session.scalar(_db.select(ExpertiseField.id).where(ExpertiseField.code == code))


def test_a_field_is_named_by_its_new_code_and_each_step_says_what_it_did(app, client, login_as):
    admin(client, login_as)
    sectors = field_id(app, "S")
    row = {"code": "S.13", "name_vi": "Thể thao", "name_en": "Sport", "parent_id": sectors}
    response = client.post("/fields/new", data=row)
    assert flashes(client, response) == [("success", "Field S.13 added.")]
    row_id = field_id(app, "S.13")
    response = client.post(f"/fields/{row_id}/edit", data={**row, "code": "S.14"})
    assert flashes(client, response) == [("success", "Field S.14 saved.")]
    response = client.post(f"/fields/{row_id}/active")
    assert flashes(client, response) == [("success", "Field S.14 deactivated.")]
    response = client.post(f"/fields/{row_id}/active")
    assert flashes(client, response) == [("success", "Field S.14 activated.")]
    response = client.post(f"/fields/{row_id}/delete")
    assert flashes(client, response) == [("success", "Field S.14 deleted.")]
    assert response.headers["Location"] == "/fields/"


def test_a_refused_deletion_is_said_and_the_field_stays(app, client, login_as):
    admin(client, login_as)
    group = field_id(app, "1")
    response = client.post(f"/fields/{group}/delete")
    [(category, message)] = flashes(client, response)
    assert category == "error" and "in use" in message
    with app.app_context():
        assert _db.session.get(ExpertiseField, group) is not None
        assert not _db.session.scalars(
            _db.select(AuditEvent).where(AuditEvent.action == "field.delete")
        ).all()


def test_a_category_rename_is_named_by_its_new_code(app, client, login_as):
    admin(client, login_as)
    data = {"code": "chef", "name_vi": "Đầu bếp", "name_en": "Chef"}
    assert flashes(client, client.post("/categories/new", data=data)) == [
        ("success", "Category chef added.")
    ]
    with app.app_context():
        row_id = _db.session.scalar(_db.select(Category.id).where(Category.code == "chef"))
    response = client.post(f"/categories/{row_id}/edit", data={**data, "code": "cook"})
    assert flashes(client, response) == [("success", "Category cook saved.")]
    assert response.headers["Location"] == "/categories/"


def test_account_messages_name_the_saved_account(app, client, login_as, make_user):
    admin(client, login_as)
    other = make_user("officer")
    form = account_form(other, name="Nguyễn Văn Mới")
    response = client.post(f"/admin/users/{other.id}", data=form)
    assert flashes(client, response) == [("success", "Account of Nguyễn Văn Mới saved.")]
    password = "set by the administrator 9"
    response = client.post(
        f"/admin/users/{other.id}/password", data={"password": password, "confirm": password}
    )
    assert flashes(client, response) == [
        ("message", "New password set for Nguyễn Văn Mới; their sessions have ended.")
    ]
    # Nothing to remove: said, and back to the account's page.
    response = client.post(f"/admin/users/{other.id}/two-factor/reset")
    assert response.headers["Location"] == f"/admin/users/{other.id}"
    [(category, _message)] = flashes(client, response)
    assert category == "error"
    with app.app_context():
        assert _db.session.get(User, other.id).name == "Nguyễn Văn Mới"
