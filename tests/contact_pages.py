"""The contact pages driven through the test client: a valid form, creating a record through
it, reading a response's field errors and page, and the registry's state (shared by the contact
page test modules and others that need a contact made through the pages)."""

from __future__ import annotations

import re
import uuid
from html import unescape

from diaspora.extensions import db as _db
from diaspora.models import Contact
from tests.contact_helpers import database_state
from tests.form_pages import posted_back


def form(**overrides) -> dict:
    values = {
        "entry_key": uuid.uuid4().hex,
        "full_name": "Nguyễn Thị Hồng Nhung",
        "country": "DE",
        "city": "Berlin",
        "preferred_language": "vi",
        "status": "active",
        "source": "manual",
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


def reference_id(app, model, code: str) -> str:
    """Ids differ between runs (PostgreSQL sequences are not reset): look them up by code."""
    with app.app_context():
        return str(_db.session.scalar(_db.select(model.id).where(model.code == code)))


def state(app) -> dict:
    with app.app_context():
        return database_state()


def contact_ids(app) -> list[int]:
    with app.app_context():
        return list(_db.session.scalars(_db.select(Contact.id).order_by(Contact.id)))


def create(client, **overrides) -> int:
    response = client.post("/contacts/new", data=form(**overrides))
    assert response.status_code == 302, errors(response)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def errors(response) -> list[str]:
    found = re.findall(r'class="field-error"[^>]*>([^<]*)<', response.get_data(as_text=True))
    return [unescape(message) for message in found]


def html(response) -> str:
    return response.get_data(as_text=True)


def edit_form(page: str) -> dict:
    """The edit form's current values, as a browser would post them."""
    return posted_back(page)
