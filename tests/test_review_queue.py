"""The review queue: approve as a new contact, merge into an existing one, reject; forged or
replayed decisions change nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from diaspora.contacts import services as contacts
from diaspora.contacts.data import ContactData
from diaspora.errors import ValidationFailed
from diaspora.extensions import db as _db
from diaspora.models import AuditEvent, Contact, Submission
from diaspora.privacy.notice import PRIVACY_NOTICE_VERSION
from diaspora.public import decisions, services
from diaspora.public.errors import AlreadyDecided
from tests.contact_helpers import new_user
from tests.public_helpers import (
    audit_actions,
    contact_count,
    errors,
    found_by_search,
    registration,
    submissions,
)

pytestmark = pytest.mark.usefixtures("seeded")
EN = {"Accept-Language": "en"}


def submit(client, **overrides) -> int:
    """A registration posted by an anonymous visitor; returns the submission's id."""
    anonymous = client.application.test_client()
    response = anonymous.post("/register", data=registration(**overrides))
    assert response.status_code == 302, errors(response)
    with client.application.app_context():
        return submissions()[-1].id


def existing(app, **values) -> int:
    with app.app_context():
        officer = new_user("officer")
        data = ContactData(**{"full_name": "Nguyễn Thị Lan", "country": "DE", **values})
        contact = contacts.create_contact(data, actor=officer)
        _db.session.commit()
        return contact.id


def state(app, submission_id: int) -> tuple:
    with app.app_context():
        submission = _db.session.get(Submission, submission_id)
        return submission.status, submission.version, submission.contact_id, contact_count()


def test_who_may_see_the_queue(app, client, login_as):
    submission_id = submit(client)
    assert client.get("/review/").status_code == 302  # anonymous: to the sign-in page
    login_as("viewer")
    assert client.get("/review/").status_code == 403
    assert client.get(f"/review/{submission_id}").status_code == 403
    response = client.post(f"/review/{submission_id}/approve", data={"version": "1"})
    assert response.status_code == 403
    assert state(app, submission_id) == ("pending", 1, None, 0)


def test_the_queue_lists_pending_submissions_with_a_count_in_the_menu(client, login_as):
    submit(client)
    submit(client, full_name="Trần Văn Minh", emails="minh@example.org")
    login_as("officer", locale="en")
    html = client.get("/review/", headers=EN).get_data(as_text=True)
    assert "Review queue" in html and "2 waiting" in html
    assert "Nguyễn Thị Lan" in html and "Trần Văn Minh" in html


def test_approving_creates_the_contact_with_its_consents_and_evidence(app, client, login_as):
    submission_id = submit(client)
    officer = login_as("officer", locale="en")
    page = client.get(f"/review/{submission_id}", headers=EN)
    html = page.get_data(as_text=True)
    assert "lan.nguyen@example.de" in html and "None found." in html
    assert "Approve as a new contact" in html
    response = client.post(f"/review/{submission_id}/approve", data={"version": "1"})
    assert response.status_code == 302
    contact_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        submission = _db.session.get(Submission, submission_id)
        contact = _db.session.get(Contact, contact_id)
        assert submission.status == "approved" and submission.contact_id == contact_id
        assert submission.reviewed_by_id == officer.id
        assert contact.source == "self_registration"
        assert contact.source_note == submission.reference
        assert contact.entered_by_id == officer.id
        assert contact.legal_basis == "consent"
        assert contact.email_addresses == ["lan.nguyen@example.de"]
        records = {record.purpose: record for record in contact.consents}
        assert set(records) == {"store_process", "outreach"}
        record = records["store_process"]
        assert record.method == "form"
        assert record.notice_version == PRIVACY_NOTICE_VERSION
        assert record.given_on == submission.submitted_at.date()
        assert submission.reference in record.evidence
        assert submission.client_hash[:16] in record.evidence
        assert found_by_search("nguyen thi lan") == [contact_id]
        actions = audit_actions()
        assert "submission.view" in actions and "submission.approved" in actions
        assert "contact.create" in actions and "contact.consent" in actions


def test_duplicates_are_shown_side_by_side_and_stop_a_blind_approval(app, client, login_as):
    other_id = existing(app, emails=["lan.nguyen@example.de"], city="Leipzig")
    submission_id = submit(client)
    login_as("officer", locale="en")
    html = client.get(f"/review/{submission_id}", headers=EN).get_data(as_text=True)
    assert "This person may already be in the registry" in html
    assert f"Record no. {other_id}" in html and "strong match" in html
    assert f"Merge into no. {other_id}" in html
    assert "Approve as a different person" in html
    # A forged approval that does not acknowledge the duplicate changes nothing.
    response = client.post(
        f"/review/{submission_id}/approve", data={"version": "1", "acknowledged": ""}
    )
    assert response.status_code == 302
    assert "Other likely duplicates" in client.get(
        response.headers["Location"], headers=EN
    ).get_data(as_text=True)
    assert state(app, submission_id) == ("pending", 1, None, 1)
    # Acknowledged, it becomes a second person.
    response = client.post(
        f"/review/{submission_id}/approve", data={"version": "1", "acknowledged": str(other_id)}
    )
    assert response.status_code == 302
    assert state(app, submission_id)[0] == "approved"
    with app.app_context():
        assert contact_count() == 2
        event = _db.session.scalar(
            _db.select(AuditEvent).where(AuditEvent.action == "contact.view_personal")
        )
        assert event.target_id == other_id and event.details["context"] == "review"


def test_a_replayed_or_forged_decision_changes_nothing(app, client, login_as):
    submission_id = submit(client)
    login_as("officer", locale="en")
    # A version the officer never saw.
    client.post(f"/review/{submission_id}/approve", data={"version": "7"})
    assert state(app, submission_id) == ("pending", 1, None, 0)
    assert client.post(f"/review/{submission_id}/approve", data={"version": "1"}).status_code == 302
    decided = state(app, submission_id)
    assert decided[0] == "approved" and decided[3] == 1
    for url, data in (
        (f"/review/{submission_id}/approve", {"version": "1"}),
        (f"/review/{submission_id}/approve", {"version": str(decided[1])}),
        (f"/review/{submission_id}/reject", {"version": str(decided[1]), "reason": "spam"}),
    ):
        response = client.post(url, data=data, headers=EN)
        assert response.status_code == 302
        page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
        assert "This submission has already been decided. Nothing has been changed." in page
    assert state(app, submission_id) == decided
    # The apply page refuses too.
    response = client.get(f"/review/{submission_id}/apply/{decided[2]}")
    assert response.status_code == 302
    assert state(app, submission_id) == decided


def test_two_officers_deciding_at_once(app):
    """The second decision's flush finds the row changed and is refused."""
    submission_id = submit(app.test_client())
    with app.app_context():
        officer = new_user("officer")
        submission = services.get_submission(submission_id)
        version = submission.version
        # The other officer's rejection lands meanwhile; this session's object does not know it.
        _db.session.execute(
            text(
                "UPDATE submissions SET status = 'rejected', version = version + 1 WHERE id = :id"
            ),
            {"id": submission_id},
        )
        assert submission.status == "pending"
        with pytest.raises(AlreadyDecided):
            decisions.approve_registration(submission, actor=officer, expected_version=version)
        _db.session.rollback()
    assert state(app, submission_id) == ("pending", 1, None, 0)


def test_rejecting_needs_a_reason_and_keeps_it(app, client, login_as):
    submission_id = submit(client)
    login_as("officer", locale="en")
    response = client.post(
        f"/review/{submission_id}/reject", data={"version": "1", "reason": ""}, headers=EN
    )
    assert response.status_code == 200
    assert "Give the reason" in " ".join(errors(response))
    assert state(app, submission_id) == ("pending", 1, None, 0)
    response = client.post(
        f"/review/{submission_id}/reject",
        data={"version": "1", "reason": "Không phải kiều bào Hải Phòng"},
    )
    assert response.status_code == 302
    with app.app_context():
        submission = _db.session.get(Submission, submission_id)
        assert submission.status == "rejected"
        assert submission.reason == "Không phải kiều bào Hải Phòng"
        assert contact_count() == 0 and found_by_search("Nguyen Thi Lan") == []
    html = client.get("/review/?status=rejected").get_data(as_text=True)
    assert "Nguyễn Thị Lan" in html


def test_merging_into_an_existing_record_field_by_field(app, client, login_as):
    other_id = existing(app, city="Leipzig", phones=["+49 341 1234567"], occupation="")
    submission_id = submit(client, phones="+49 341 1234567", occupation="Kỹ sư môi trường")
    login_as("officer", locale="en")
    page = client.get(f"/review/{submission_id}/apply/{other_id}", headers=EN)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Keep both" in html and "Take the sent value" in html
    # Defaults: an empty field takes the sent value; lists keep both.
    assert re.search(
        r'name="choice_occupation"[^>]*value="submitted"[^>]*checked', html
    ) or re.search(r'checked[^>]*name="choice_occupation"[^>]*value="submitted"', html)
    with app.app_context():
        version = str(_db.session.get(Contact, other_id).version)
    response = client.post(
        f"/review/{submission_id}/apply/{other_id}",
        data={
            "version": "1",
            "contact_version": version,
            "choice_occupation": "submitted",
            "choice_emails": "both",
            "choice_foreign_name": "submitted",
            "choice_preferred_language": "current",
        },
    )
    assert response.status_code == 302, errors(response)
    assert response.headers["Location"].endswith(f"/contacts/{other_id}")
    with app.app_context():
        submission = _db.session.get(Submission, submission_id)
        contact = _db.session.get(Contact, other_id)
        assert submission.status == "merged" and submission.contact_id == other_id
        assert contact.occupation == "Kỹ sư môi trường"
        assert contact.foreign_name == "Lan Nguyen"
        assert contact.email_addresses == ["lan.nguyen@example.de"]
        assert contact.preferred_language == "vi"
        assert {record.purpose for record in contact.consents} == {"store_process", "outreach"}
        assert contact.legal_basis == "consent"  # was pending; consent now recorded
        assert contact_count() == 1
        assert found_by_search("ky su moi truong") == [other_id]


def test_forged_merge_choices_change_nothing(app, client, login_as):
    other_id = existing(app, city="Leipzig")
    submission_id = submit(client)
    login_as("officer", locale="en")
    with app.app_context():
        before = _db.session.get(Contact, other_id).version
    response = client.post(
        f"/review/{submission_id}/apply/{other_id}",
        data={"version": "1", "contact_version": str(before), "choice_occupation": "publish"},
        headers=EN,
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Choose one value for each field." in page
    with app.app_context():
        assert _db.session.get(Contact, other_id).version == before
        assert _db.session.get(Submission, submission_id).status == "pending"
        # A field the page did not offer (officers' notes) cannot be taken from a submission.
        submission = services.get_submission(submission_id)
        contact = _db.session.get(Contact, other_id)
        with pytest.raises(ValidationFailed):
            decisions.apply_submission(
                submission,
                contact,
                {"notes": "submitted"},
                actor=new_user("officer"),
                expected_version=1,
                contact_version=before,
            )
        _db.session.rollback()
        assert _db.session.get(Contact, other_id).version == before
    # An older version of the record: the officer is asked to look again.
    response = client.post(
        f"/review/{submission_id}/apply/{other_id}",
        data={"version": "1", "contact_version": str(before - 1), "choice_occupation": "submitted"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/review/{submission_id}/apply/{other_id}")
    assert state(app, submission_id)[0] == "pending"


def test_merging_into_a_deleted_record_is_refused(app, client, login_as):
    other_id = existing(app, city="Leipzig")
    submission_id = submit(client)
    with app.app_context():
        from diaspora.contacts import trash

        trash.delete_contact(_db.session.get(Contact, other_id), actor=new_user("officer"))
        _db.session.commit()
    login_as("officer", locale="en")
    assert client.get(f"/review/{submission_id}/apply/{other_id}").status_code == 404
    response = client.post(
        f"/review/{submission_id}/apply/{other_id}",
        data={"version": "1", "contact_version": "1"},
    )
    assert response.status_code == 302
    assert state(app, submission_id)[0] == "pending"


def test_merge_by_number(client, app, login_as):
    other_id = existing(app)
    submission_id = submit(client)
    login_as("officer", locale="en")
    response = client.get(f"/review/{submission_id}/merge?contact={other_id}")
    assert response.headers["Location"].endswith(f"/review/{submission_id}/apply/{other_id}")
    response = client.get(f"/review/{submission_id}/merge?contact=abc")
    assert response.headers["Location"].endswith(f"/review/{submission_id}")
