"""Contact pages: the duplicate warning on entry, saving as a different person, merging."""

from __future__ import annotations

import re

import pytest

from diaspora.extensions import db as _db
from diaspora.models import AuditEvent, Contact
from tests.contact_pages import (
    contact_ids,
    create,
    form,
    html,
    state,
)

pytestmark = pytest.mark.usefixtures("seeded")


# --- duplicates on entry ------------------------------------------------------------------------


def test_duplicate_warning_then_save_as_different_person(app, client, login_as):
    login_as("officer", locale="en")
    existing = create(
        client, full_name="Nguyễn Văn Đức", country="JP", city="Tokyo", emails="duc@example.org"
    )
    data = form(full_name="Nguyen Van Duc", country="JP", city="Osaka")
    response = client.post("/contacts/new", data=data)
    page = html(response)
    assert "may already be in the registry" in page
    assert "same name in the same country" in page
    assert f"Record no. {existing}" in page and "duc@example.org" in page
    assert "Nguyen Van Duc" in page  # the officer's input is kept
    assert contact_ids(app) == [existing]
    acknowledged = re.search(r'name="acknowledged" type="hidden" value="([^"]*)"', page).group(1)
    assert acknowledged == str(existing)
    response = client.post(
        "/contacts/new", data={**data, "acknowledged": acknowledged, "decision": "distinct"}
    )
    assert response.status_code == 302
    assert len(contact_ids(app)) == 2
    with app.app_context():
        event = _db.session.scalar(
            _db.select(AuditEvent).where(
                AuditEvent.action == "contact.view_personal", AuditEvent.target_id == existing
            )
        )
        assert event.details == {"context": "duplicates"}


def test_same_name_in_another_country_is_saved_at_once(app, client, login_as):
    login_as("officer")
    create(client, full_name="Nguyễn Văn Đức", country="JP")
    create(client, full_name="Nguyen Van Duc", country="DE")
    assert len(contact_ids(app)) == 2


def test_duplicate_warning_then_merge(app, client, login_as):
    login_as("officer", locale="en")
    existing = create(
        client, full_name="Nguyễn Văn Đức", country="JP", city="Tokyo", phones="090-1234-5678"
    )
    data = form(
        full_name="Đức Nguyễn",
        country="JP",
        city="Tokyo",
        phones="+81 90 1234 5678",
        emails="duc@example.jp",
    )
    page = html(client.post("/contacts/new", data=data))
    assert "strong match" in page and "same phone number" in page
    response = client.post(
        "/contacts/new",
        data={**data, "acknowledged": str(existing), "decision": f"merge:{existing}"},
    )
    assert response.status_code == 302
    new_id = max(contact_ids(app))
    assert response.headers["Location"].endswith(
        f"/contacts/merge?survivor={existing}&absorbed={new_id}"
    )
    merge_page = client.get(response.headers["Location"])
    assert merge_page.status_code == 200
    assert "Đức Nguyễn" in html(merge_page)
    response = client.post(
        response.headers["Location"],
        data={"survivor_version": "1", "absorbed_version": "1", "choice_full_name": "survivor"},
    )
    assert response.status_code == 302
    assert contact_ids(app) == [existing, new_id]
    with app.app_context():
        survivor = _db.session.get(Contact, existing)
        assert survivor.email_addresses == ["duc@example.jp"]
        assert survivor.phone_numbers == ["+819012345678"]
        assert _db.session.get(Contact, new_id).merged_into_id == existing
    # The absorbed record's old address leads to the survivor.
    response = client.get(f"/contacts/{new_id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/{existing}")


def test_merge_with_itself_is_refused(app, client, login_as):
    login_as("officer", locale="en")
    contact_id = create(client)
    before = state(app)
    response = client.post(
        f"/contacts/merge?survivor={contact_id}&absorbed={contact_id}",
        data={"survivor_version": "1", "absorbed_version": "1"},
    )
    assert response.status_code == 422
    assert "cannot be merged with itself" in html(response)
    assert state(app) == before
    response = client.get(f"/contacts/merge?survivor={contact_id}&absorbed=abc")
    assert response.status_code == 422
