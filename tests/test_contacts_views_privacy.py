"""Contact pages: who sees which details (viewers, recorded views, history) and consent."""

from __future__ import annotations

import pytest

from diaspora.extensions import db as _db
from diaspora.models import AuditEvent, Contact
from tests.conftest import login
from tests.contact_pages import (
    create,
    html,
    state,
)

pytestmark = pytest.mark.usefixtures("seeded")


# --- who sees what -------------------------------------------------------------------------------


# What ``_personal_contact`` holds that only officers may see.
PERSONAL_VALUES = (
    "secret.person@example.org",
    "+49 30 7654321",
    "Unter den Linden",
    "1971",
    "Internal remark 42",
)


def _personal_contact(client) -> int:
    return create(
        client,
        emails="secret.person@example.org",
        phones="030 7654321",
        address="Unter den Linden 1, 10117 Berlin",
        birth_year="1971",
        notes="Internal remark 42",
        occupation="Kiến trúc sư",
    )


def test_viewer_does_not_see_personal_details(app, client, login_as, make_user):
    login_as("officer")
    contact_id = _personal_contact(client)
    viewer = app.test_client()
    login(viewer, make_user("viewer", locale="en").email)
    with app.app_context():
        before = _db.session.scalar(
            _db.select(_db.func.count(AuditEvent.id)).where(
                AuditEvent.action == "contact.view_personal"
            )
        )
    page = html(viewer.get(f"/contacts/{contact_id}"))
    assert "Kiến trúc sư" in page and "Germany" in page
    for secret in PERSONAL_VALUES:
        assert secret not in page
    assert "visible to officers" in page
    with app.app_context():
        after = _db.session.scalar(
            _db.select(_db.func.count(AuditEvent.id)).where(
                AuditEvent.action == "contact.view_personal"
            )
        )
    assert after == before


def test_officer_views_of_personal_details_are_recorded(app, client, login_as):
    officer = login_as("officer", locale="en")
    contact_id = _personal_contact(client)
    page = html(client.get(f"/contacts/{contact_id}"))
    for secret in PERSONAL_VALUES:
        assert secret in page
    client.get(f"/contacts/{contact_id}/edit")
    with app.app_context():
        events = list(
            _db.session.scalars(
                _db.select(AuditEvent).where(
                    AuditEvent.action == "contact.view_personal", AuditEvent.target_id == contact_id
                )
            )
        )
    assert [(e.actor_id, e.details["context"]) for e in events] == [
        (officer.id, "profile"),
        (officer.id, "edit"),
    ]


def test_viewer_history_hides_personal_values(app, client, login_as, make_user):
    login_as("officer")
    contact_id = _personal_contact(client)
    viewer = app.test_client()
    login(viewer, make_user("viewer", locale="en").email)
    page = html(viewer.get(f"/contacts/{contact_id}"))
    assert "Change history" in page and "(hidden)" in page
    assert "secret.person@example.org" not in page


# --- consent -------------------------------------------------------------------------------------


def test_record_and_withdraw_consent_pages(app, client, login_as):
    login_as("officer", locale="en")
    contact_id = create(client)
    page = html(client.get(f"/contacts/{contact_id}/consents/new"))
    assert "checked" not in page
    before = state(app)
    response = client.post(f"/contacts/{contact_id}/consents/new", data={"method": "paper"})
    assert "Tick at least one purpose" in html(response)
    assert state(app) == before
    response = client.post(
        f"/contacts/{contact_id}/consents/new",
        data={
            "purposes": ["store_process", "sharing"],
            "method": "paper",
            "given_on": "2026-01-10",
            "evidence": "Signed form no. 12",
        },
    )
    assert response.status_code == 302
    profile = html(client.get(f"/contacts/{contact_id}"))
    assert "Signed form no. 12" in profile and "Share with delegations" in profile
    with app.app_context():
        consent_id = _db.session.get(Contact, contact_id).consents[0].id
    response = client.post(
        f"/contacts/{contact_id}/consents/{consent_id}/withdraw",
        data={"withdrawn_on": "2026-02-01"},
        follow_redirects=True,
    )
    assert "withdrawal recorded" in html(response)
    with app.app_context():
        assert str(_db.session.get(Contact, contact_id).consents[0].withdrawn_on) == "2026-02-01"
