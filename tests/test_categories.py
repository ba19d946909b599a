"""Contact categories: seeded defaults and the administrators' page."""

from __future__ import annotations

import pytest

from diaspora.extensions import db as _db
from diaspora.models import AuditEvent, Category
from tests.conftest import login


def _codes(app) -> list[str]:
    with app.app_context():
        return list(_db.session.scalars(_db.select(Category.code).order_by(Category.position)))


def test_seed_reference_adds_default_categories_once(app, runner):
    result = runner.invoke(args=["seed", "reference"])
    assert result.exit_code == 0, result.output
    assert "categories: +10" in result.output
    codes = _codes(app)
    assert codes[:5] == ["intellectual", "entrepreneur", "artist", "student", "association_leader"]
    again = runner.invoke(args=["seed", "reference"])
    assert "unchanged" in again.output
    assert _codes(app) == codes


@pytest.mark.usefixtures("seeded")
def test_admin_adds_renames_deactivates_and_deletes(app, client, login_as):
    login_as("admin", locale="en")
    page = client.get("/categories/").get_data(as_text=True)
    assert "Entrepreneur or investor" in page and "Doanh nhân, nhà đầu tư" in page
    response = client.post(
        "/categories/new", data={"code": "Chef", "name_vi": "Đầu bếp", "name_en": "Chef"}
    )
    assert response.status_code == 302
    with app.app_context():
        row = _db.session.scalar(_db.select(Category).where(Category.code == "chef"))
        row_id = row.id
    response = client.post(
        f"/categories/{row_id}/edit",
        data={"code": "chef", "name_vi": "Đầu bếp, ẩm thực", "name_en": "Chef"},
    )
    assert response.status_code == 302
    assert client.post(f"/categories/{row_id}/active").status_code == 302
    with app.app_context():
        row = _db.session.get(Category, row_id)
        assert (row.name_vi, row.active) == ("Đầu bếp, ẩm thực", False)
    assert client.post(f"/categories/{row_id}/delete").status_code == 302
    assert "chef" not in _codes(app)
    with app.app_context():
        events = _db.session.scalars(
            _db.select(AuditEvent).where(AuditEvent.target_type == "category")
        ).all()
        assert [event.action for event in events] == [
            "category.create",
            "category.update",
            "category.deactivate",
            "category.delete",
        ]
        assert {event.target_id for event in events} == {row_id}
        assert events[0].details == {"code": "chef", "name_vi": "Đầu bếp", "name_en": "Chef"}
        assert events[1].details == {"name_vi": ["Đầu bếp", "Đầu bếp, ẩm thực"]}
        assert events[3].details["name_vi"] == "Đầu bếp, ẩm thực"


@pytest.mark.usefixtures("seeded")
def test_category_in_use_cannot_be_deleted(app, client, login_as, make_user):
    login_as("admin", locale="en")
    officer = app.test_client()
    login(officer, make_user("officer").email)
    with app.app_context():
        row_id = _db.session.scalar(_db.select(Category.id).where(Category.code == "artist"))
    response = officer.post(
        "/contacts/new",
        data={
            "full_name": "Lê Thu Hà",
            "country": "FR",
            "categories": [str(row_id)],
            "preferred_language": "vi",
            "status": "active",
            "source": "manual",
        },
    )
    assert response.status_code == 302
    response = client.post(f"/categories/{row_id}/delete", follow_redirects=True)
    assert "in use" in response.get_data(as_text=True)
    assert "artist" in _codes(app)


@pytest.mark.usefixtures("seeded")
def test_bad_category_input_changes_nothing(app, client, login_as):
    login_as("admin", locale="en")
    before = _codes(app)
    response = client.post(
        "/categories/new", data={"code": "bad code!", "name_vi": "x", "name_en": "x"}
    )
    page = response.get_data(as_text=True)
    assert "Use 1 to 32 letters" in page
    assert _codes(app) == before
    response = client.post(
        "/categories/new", data={"code": "artist", "name_vi": "x", "name_en": "y"}
    )
    assert "already uses this code" in response.get_data(as_text=True)
    assert _codes(app) == before
