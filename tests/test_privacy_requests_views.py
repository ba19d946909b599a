"""The register's pages, and requests arriving through profile-update links."""

from __future__ import annotations

import re

import pytest

from diaspora.extensions import db as _db
from diaspora.models import SubjectRequest, Submission
from diaspora.privacy.notice import PRIVACY_NOTICE_VERSION
from tests.contact_helpers import table_counts
from tests.public_helpers import errors
from tests.test_update_links import issue, person

pytestmark = pytest.mark.usefixtures("seeded")
EN = {"Accept-Language": "en"}


def _form(**overrides) -> dict:
    values = {
        "kind": "access",
        "received_on": "2026-11-26",
        "channel": "email",
        "requester_name": "Trần Văn Bình",
        "requester_reach": "binh@example.com",
        "description": "Please send me what you hold about me.",
    }
    values.update(overrides)
    return values


def _rows() -> list[SubjectRequest]:
    return list(_db.session.scalars(_db.select(SubjectRequest).order_by(SubjectRequest.id)))


def _counts(app) -> dict:
    with app.app_context():
        return table_counts()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/privacy/requests/"),
        ("get", "/privacy/requests/new"),
        ("post", "/privacy/requests/new"),
        ("get", "/privacy/requests/1"),
        ("post", "/privacy/requests/1/acknowledge"),
        ("post", "/privacy/requests/1/complete"),
        ("get", "/privacy/retention/"),
        ("post", "/privacy/retention/1/confirm"),
        ("post", "/privacy/retention/purge-submissions"),
    ],
)
def test_viewers_are_refused(client, login_as, method, path):
    login_as("viewer")
    assert getattr(client, method)(path).status_code == 403


def test_officers_cannot_purge_submissions(client, login_as):
    login_as("officer")
    assert client.post("/privacy/retention/purge-submissions").status_code == 403


def test_register_a_request_and_take_it_to_completion(app, client, login_as, clock):
    login_as("officer", locale="en")
    page = client.get("/privacy/requests/new", headers=EN).get_data(as_text=True)
    assert 'value="2026-11-26"' in page  # received today by default
    response = client.post(
        "/privacy/requests/new", data=_form(entry_key="abc"), headers=EN, follow_redirects=True
    )
    html = response.get_data(as_text=True)
    assert "Reply by 2026-11-30; answer by 2026-12-06." in html and "Trần Văn Bình" in html
    with app.app_context():
        [row] = _rows()
        assert (row.kind, row.status, row.channel) == ("access", "received", "email")
    # The same form posted again (a double click) registers nothing more.
    assert client.post("/privacy/requests/new", data=_form(entry_key="abc")).status_code == 302
    response = client.post(
        f"/privacy/requests/{row.id}/acknowledge", data={"version": "1", "on": "2026-11-26"}
    )
    assert response.status_code == 302
    # Completing without saying what was done: the page again, with the message, nothing saved.
    before = _counts(app)
    response = client.post(
        f"/privacy/requests/{row.id}/complete",
        data={"version": "2", "on": "2026-11-26", "outcome": ""},
        headers=EN,
    )
    assert response.status_code == 422
    assert "Say what was done for the person." in errors(response)
    after = _counts(app)
    assert after.pop("audit_events") == before.pop("audit_events") + 1  # the page was viewed
    assert after == before
    response = client.post(
        f"/privacy/requests/{row.id}/complete",
        data={"version": "2", "on": "2026-11-26", "outcome": "Copy sent by email."},
    )
    assert response.status_code == 302
    with app.app_context():
        [row] = _rows()
        assert row.status == "completed" and row.outcome == "Copy sent by email."
    html = client.get(f"/privacy/requests/{row.id}", headers=EN).get_data(as_text=True)
    assert "Copy sent by email." in html and "complete-button" not in html
    assert "acknowledge-button" not in html and "extend-button" not in html


def test_bad_input_keeps_the_answers_and_changes_nothing(app, client, login_as, clock):
    login_as("officer", locale="en")
    before = _counts(app)
    response = client.post(
        "/privacy/requests/new",
        data=_form(kind="everything", received_on="2027-01-01", contact_id="424242"),
        headers=EN,
    )
    assert response.status_code == 200
    messages = errors(response)
    assert "Choose what the person asks for." in messages
    assert "The date cannot be in the future." in messages
    assert "There is no record with this number." in messages
    assert "Trần Văn Bình" in response.get_data(as_text=True)
    assert _counts(app) == before


def test_extending_twice_is_refused(app, client, login_as, clock):
    login_as("officer", locale="en")
    client.post("/privacy/requests/new", data=_form(kind="deletion"))
    with app.app_context():
        [row] = _rows()
    response = client.post(
        f"/privacy/requests/{row.id}/extend", data={"version": "1", "reason": "x"}
    )
    assert response.status_code == 302
    response = client.post(
        f"/privacy/requests/{row.id}/extend",
        data={"version": "2", "reason": "again"},
        headers=EN,
        follow_redirects=True,
    )
    assert "already been extended once" in response.get_data(as_text=True)
    with app.app_context():
        [row] = _rows()
        assert row.status == "extended" and str(row.due_on) == "2027-01-05"


def test_the_list_filters_and_pages(app, client, login_as, clock, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    login_as("officer", locale="en")
    for day in ("2026-11-10", "2026-11-20", "2026-11-25", "2026-11-26"):
        client.post("/privacy/requests/new", data=_form(received_on=day))
    html = client.get("/privacy/requests/", headers=EN).get_data(as_text=True)
    assert "Page 1 of 2" in html and "4 requests" in html
    overdue = client.get("/privacy/requests/?due=overdue", headers=EN).get_data(as_text=True)
    assert "2 requests" in overdue and "overdue" in overdue
    due = client.get("/privacy/requests/?due=due", headers=EN).get_data(as_text=True)
    assert "2 requests" in due and "badge-overdue" not in due
    # Unknown filter values fall back to the defaults instead of failing.
    assert client.get("/privacy/requests/?status=x&kind=y&due=z&page=-3").status_code == 200


def test_the_dashboard_shows_due_and_overdue_counts(client, login_as, clock):
    login_as("officer", locale="en")
    client.post("/privacy/requests/new", data=_form(received_on="2026-11-10"))
    html = client.get("/dashboard", headers=EN).get_data(as_text=True)
    assert "Requests from data subjects:" in html and "1 overdue" in html


def test_link_requests_are_registered_and_closed_by_the_review_queue(app, client, login_as, clock):
    contact_id = person(app)
    login_as("officer", locale="en")
    visitor = app.test_client()
    path = issue(client, contact_id)
    page = visitor.get(path, headers=EN).get_data(as_text=True)
    assert f"version {PRIVACY_NOTICE_VERSION}" in page and "What we never collect" in page
    assert visitor.post(path + "/request", data={"request": "copy"}).status_code == 302
    with app.app_context():
        [row] = _rows()
        submission = _db.session.scalar(_db.select(Submission))
        assert (row.kind, row.channel, row.contact_id) == ("access", "update_link", contact_id)
        assert str(row.received_on) == "2026-11-26" and row.submission_id == submission.id
        assert submission.notice_version == PRIVACY_NOTICE_VERSION
    # The register sends the officer to the review queue; closing it there is refused.
    html = client.get(f"/privacy/requests/{row.id}", headers=EN).get_data(as_text=True)
    assert f"/review/{submission.id}" in html and "complete-button" not in html
    response = client.post(
        f"/privacy/requests/{row.id}/complete",
        data={"version": "1", "on": "2026-11-26", "outcome": "forged"},
        headers=EN,
        follow_redirects=True,
    )
    assert "decide submission" in response.get_data(as_text=True)
    with app.app_context():
        assert _rows()[0].status == "received"
    # The review page links to the register; approving there closes the request.
    html = client.get(f"/review/{submission.id}", headers=EN).get_data(as_text=True)
    assert f"/privacy/requests/{row.id}" in html
    client.post(f"/review/{submission.id}/approve", data={"version": "1", "note": "Emailed"})
    with app.app_context():
        [row] = _rows()
        assert row.status == "completed" and row.outcome == f"{submission.reference}: Emailed"
    # A deletion request rejected in the review queue is refused in the register, with the reason.
    visitor.post(
        issue(client, contact_id) + "/request", data={"request": "erasure", "confirm_erasure": "y"}
    )
    with app.app_context():
        erasure = _rows()[-1]
        assert erasure.kind == "deletion" and erasure.status == "received"
    client.post(
        f"/review/{erasure.submission_id}/reject",
        data={"version": "1", "reason": "Ongoing delegation visit; kept by law."},
    )
    with app.app_context():
        erasure = _rows()[-1]
        assert erasure.status == "refused" and "kept by law" in erasure.outcome


def test_the_profile_links_to_the_persons_requests(app, client, login_as):
    contact_id = person(app)
    login_as("officer")
    html = client.get(f"/contacts/{contact_id}").get_data(as_text=True)
    assert re.search(rf"/privacy/requests/\?contact={contact_id}", html)


def test_forged_ids_and_versions_change_nothing(app, client, login_as, clock):
    login_as("officer", locale="en")
    assert client.get("/privacy/requests/424242").status_code == 404
    assert client.post("/privacy/requests/424242/refuse", data={"version": "1"}).status_code == 404
    assert client.get("/privacy/requests/99999999999").status_code == 404
    client.post("/privacy/requests/new", data=_form())
    with app.app_context():
        [row] = _rows()
    for version in ("7", "", "1e9", "-1"):
        response = client.post(
            f"/privacy/requests/{row.id}/acknowledge",
            data={"version": version, "on": "2026-11-26"},
            headers=EN,
            follow_redirects=True,
        )
        assert "changed while you were looking at it" in response.get_data(as_text=True)
    # Extra fields (a status, an id, a due date) are ignored.
    client.post(
        f"/privacy/requests/{row.id}/acknowledge",
        data={"version": "1", "on": "2026-11-26", "status": "completed", "due_on": "2099-01-01"},
    )
    with app.app_context():
        [row] = _rows()
        assert row.status == "acknowledged" and str(row.due_on) == "2026-12-06"
