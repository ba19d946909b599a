"""Retention review: records not verified for years, and the purge of rejected submissions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from diaspora.contacts import services as contacts
from diaspora.extensions import db as _db
from diaspora.models import AuditEvent, Contact, SubjectRequest, Submission
from diaspora.privacy import retention
from diaspora.public.services import Evidence, new_submission, record_submission
from tests.contact_helpers import data, new_user

EN = {"Accept-Language": "en"}
TODAY = date(2026, 11, 26)


def _people(app) -> dict[str, int]:
    """Four records: verified recently, verified long ago, never verified (old and new)."""
    with app.app_context():
        officer = new_user("officer")
        ids = {}
        for key, name, verified in (
            ("recent", "Nguyễn Văn An", "2025-06-01"),
            ("old", "Trần Thị Bình", "2022-03-01"),
            ("older", "Lê Văn Cường", "2021-01-15"),
            ("never_new", "Phạm Thị Dung", None),
            ("never_old", "Hoàng Văn Em", None),
        ):
            contact = contacts.create_contact(
                data(full_name=name, verified_on=verified), actor=officer
            )
            ids[key] = contact.id
        # Registered long ago and never verified.
        _db.session.get(Contact, ids["never_old"]).created_at = datetime(2020, 5, 1, tzinfo=UTC)
        _db.session.commit()
        return ids


def test_the_list_holds_old_records_oldest_first(app, clock):
    ids = _people(app)
    with app.app_context():
        page = retention.contacts_to_review(TODAY, 3, "Asia/Ho_Chi_Minh", page=1, per_page=10)
        assert [c.id for c in page.items] == [ids["never_old"], ids["older"], ids["old"]]
        assert retention.years_before(date(2028, 2, 29), 3) == date(2025, 2, 28)
        page = retention.contacts_to_review(TODAY, 5, "Asia/Ho_Chi_Minh", page=1, per_page=10)
        assert [c.id for c in page.items] == [ids["never_old"], ids["older"]]


def test_confirming_goes_through_the_contact_service(app, client, login_as, clock, monkeypatch):
    ids = _people(app)
    user = login_as("officer", locale="en")
    html = client.get("/privacy/retention/", headers=EN).get_data(as_text=True)
    assert "Trần Thị Bình" in html and "Nguyễn Văn An" not in html
    assert "3 records to review" in html
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    html = client.get("/privacy/retention/?page=2", headers=EN).get_data(as_text=True)
    assert "Page 2 of 2" in html and "Trần Thị Bình" in html and "Lê Văn Cường" not in html
    monkeypatch.setitem(app.config, "PER_PAGE", 50)
    # An old version (the record changed since the list was shown) is refused.
    response = client.post(f"/privacy/retention/{ids['old']}/confirm", data={"version": "99"})
    assert response.status_code == 302
    with app.app_context():
        assert _db.session.get(Contact, ids["old"]).verified_on == date(2022, 3, 1)
    response = client.post(f"/privacy/retention/{ids['old']}/confirm", data={"version": "1"})
    assert response.status_code == 302
    with app.app_context():
        contact = _db.session.get(Contact, ids["old"])
        assert contact.version == 2
        assert (contact.verified_on, contact.verified_by_id) == (TODAY, user.id)
        event = _db.session.scalar(
            _db.select(AuditEvent)
            .where(AuditEvent.action == "contact.update", AuditEvent.target_id == contact.id)
            .order_by(AuditEvent.id.desc())
        )
        assert event.details["changes"]["verified_on"] == ["2022-03-01", "2026-11-26"]
        assert event.details["version"] == 2
    html = client.get("/privacy/retention/", headers=EN).get_data(as_text=True)
    assert f'/contacts/{ids["old"]}"' not in html and "2 records to review" in html
    # A forged record number is not found.
    assert (
        client.post("/privacy/retention/424242/confirm", data={"version": "1"}).status_code == 404
    )


def _rejected(app, days_ago: int) -> int:
    with app.app_context():
        officer = new_user("officer")
        submission = record_submission(
            new_submission(
                "registration",
                Evidence(language="vi", notice_version="2026-11", client_hash="0" * 64),
                payload={"full_name": "Người Bị Từ Chối"},
                purposes=[],
                withdrawn=[],
            )
        )
        submission.status = "rejected"
        submission.reviewed_by_id = officer.id
        submission.reviewed_at = datetime(2026, 11, 26, 8, tzinfo=UTC) - timedelta(days=days_ago)
        submission.reason = "Spam"
        _db.session.commit()
        return submission.id


def _remaining(app) -> list[int]:
    with app.app_context():
        return list(_db.session.scalars(_db.select(Submission.id).order_by(Submission.id)))


def test_the_command_purges_old_rejected_submissions(app, runner, make_user, clock):
    make_user("admin")
    old = _rejected(app, 120)
    recent = _rejected(app, 10)
    result = runner.invoke(args=["privacy", "purge-submissions"])
    assert result.exit_code == 0, result.output
    assert "Removed 1 rejected submission(s)" in result.output
    assert _remaining(app) == [recent]
    with app.app_context():
        event = _db.session.scalar(
            _db.select(AuditEvent).where(AuditEvent.action == "submission.purge")
        )
        assert event.details["count"] == 1 and event.details["older_than_days"] == 90
        assert event.details["references"] and old not in (recent,)
    result = runner.invoke(args=["privacy", "purge-submissions", "--days", "5"])
    assert "Removed 1" in result.output and _remaining(app) == []
    assert runner.invoke(args=["privacy", "purge-submissions", "--days", "0"]).exit_code != 0


def test_pending_and_approved_submissions_are_never_purged(app, runner, make_user, clock):
    make_user("admin")
    kept = _rejected(app, 200)
    with app.app_context():
        _db.session.get(Submission, kept).status = "pending"
        _db.session.commit()
    runner.invoke(args=["privacy", "purge-submissions", "--days", "1"])
    assert _remaining(app) == [kept]


def test_administrators_purge_from_the_page(app, client, login_as, clock):
    _rejected(app, 120)
    login_as("admin", locale="en")
    html = client.get("/privacy/retention/", headers=EN).get_data(as_text=True)
    assert "1 are older" in html or "1 is older" in html
    assert "purge-submissions" in html
    response = client.post("/privacy/retention/purge-submissions", follow_redirects=True)
    assert "1 rejected submission removed." in response.get_data(as_text=True)
    assert _remaining(app) == []


@pytest.mark.parametrize("role", ["officer"])
def test_officers_see_the_count_but_no_purge_button(app, client, login_as, clock, role):
    _rejected(app, 120)
    login_as(role, locale="en")
    html = client.get("/privacy/retention/", headers=EN).get_data(as_text=True)
    assert "Rejected public submissions" in html and 'id="purge-submissions"' not in html


def test_a_request_linked_to_a_purged_submission_stays(app, clock):
    submission_id = _rejected(app, 120)
    with app.app_context():
        officer = new_user("officer")
        row = SubjectRequest(
            kind="access",
            channel="update_link",
            received_on=TODAY,
            reply_due=TODAY,
            due_on=TODAY,
            submission_id=submission_id,
        )
        _db.session.add(row)
        _db.session.commit()
        assert retention.purge_rejected_submissions(actor=officer, days=90) == 1
        _db.session.commit()
        assert _db.session.get(SubjectRequest, row.id).submission_id is None
