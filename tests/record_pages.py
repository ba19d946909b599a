"""Helpers shared by the page tests of the records officers prepare through a versioned form
(delegation visits, outreach): reading a page and its field errors, the database state, a form's
values, creating a record (or contacts) to start from, and the checks both features' pages must
pass the same way (who may open a page, a second click, edits and stale edits, a list's pages).
Engagement page tests use the page and field-error readers too."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from html import unescape

from sqlalchemy import select

from diaspora.extensions import db
from diaspora.models import Contact, User
from tests.outreach_helpers import state


def html(response) -> str:
    return response.get_data(as_text=True)


def errors(response) -> list[str]:
    """The messages shown beside the fields."""
    found = re.findall(r'class="field-error"[^>]*>([^<]*)<', html(response))
    return [unescape(message).strip() for message in found]


def page_state(app) -> dict:
    with app.app_context():
        return state()


def form_values(defaults: dict, overrides: dict) -> dict:
    """A freshly opened form (its own entry key) with ``overrides``; None leaves a field out."""
    values = {"entry_key": uuid.uuid4().hex, **defaults, **overrides}
    return {key: value for key, value in values.items() if value is not None}


def create_through(client, path: str, model: type, data: dict) -> int:
    """Post a "new" form that must be saved; the id of the record it created."""
    response = client.post(path, data=data)
    assert response.status_code == 302, errors(response)
    with client.application.app_context():
        return db.session.scalar(select(model.id).order_by(model.id.desc()))


def registered(app, make_user, make: Callable[[User], list[Contact]]) -> list[int]:
    """The ids of the contacts ``make(officer)`` registers, as an officer "Registrar" did."""
    officer = make_user("officer", name="Registrar")
    with app.app_context(), app.test_request_context():
        made = make(db.session.get(User, officer.id))
        db.session.commit()
        return [row.id for row in made]


def check_opens(client, login_as, role: str, path: str, status: int) -> None:
    """Someone signed in with ``role`` opening ``path`` gets ``status``."""
    login_as(role)
    assert client.get(path).status_code == status


def check_plan_task_page(client, records_path: str, record_id: int) -> str:
    """Plan task II.4's page links the record linked to it, and offers to start a new one for
    the task; the page."""
    page = html(client.get("/plan/II.4"))
    assert f'href="{records_path}{record_id}"' in page
    assert f'href="{records_path}new?task=II.4"' in page
    return page


def check_second_click(client, app, path: str, data: dict, noun: str) -> None:
    """Posting the same opened form twice creates one record; the second post leads to it."""
    first = client.post(path, data=data)
    assert first.status_code == 302
    before = page_state(app)
    again = client.post(path, data=data)
    assert again.status_code == 302
    record_id = again.headers["Location"].rstrip("/").split("/")[-1]
    assert record_id.isdecimal() and f"/{record_id}/" in first.headers["Location"]
    assert f"no second {noun} was created" in html(client.get(again.headers["Location"]))
    assert page_state(app) == before


def check_edits(client, app, path: str, form: Callable[..., dict], field: str, noun: str) -> None:
    """An edit says it was saved; the same values again say there was nothing to save; an edit
    made on the old version answers 409, keeps the input, offers the current version and saves
    nothing."""
    saved = client.post(path, data=form(version="1", **{field: "Bùi A"}))
    assert saved.status_code == 302, errors(saved)
    assert "Changes saved." in html(client.get(saved.headers["Location"]))
    same = client.post(path, data=form(version="2", **{field: "Bùi A"}))
    assert same.status_code == 302 and same.headers["Location"] == saved.headers["Location"]
    shown = html(client.get(same.headers["Location"]))
    assert f"Nothing to save: the {noun} already has these values." in shown
    before = page_state(app)
    stale = client.post(path, data=form(version="1", **{field: "Bùi B"}))
    assert stale.status_code == 409
    assert f"Someone else changed this {noun}" in html(stale)
    assert 'value="Bùi B"' in html(stale)  # the officer's input is kept
    assert 'name="version" type="hidden" value="2"' in html(stale)
    assert page_state(app) == before


def check_list_pages(client, app, monkeypatch, path: str, query: str, create: Callable) -> None:
    """Three records on pages of two: each page links to the other, keeping the filter."""
    for _ in range(3):
        create()
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    first = html(client.get(f"{path}?{query}"))
    assert "Page 1 of 2" in first
    assert f'href="{path}?page=2&amp;{query}" rel="next"' in first
    assert 'rel="prev"' not in first
    second = html(client.get(f"{path}?{query}&page=2"))
    assert "Page 2 of 2" in second
    assert f'href="{path}?page=1&amp;{query}" rel="prev"' in second
    assert 'rel="next"' not in second
