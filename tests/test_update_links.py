"""Personal profile-update links: single use, expiring, revocable; what they send is reviewed,
except withdrawn consents, which stop at once."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest
from flask.testing import FlaskClient

from diaspora.contacts import services as contacts
from diaspora.contacts import trash
from diaspora.contacts.data import ConsentInput, ContactData, data_from_contact
from diaspora.extensions import db as _db
from diaspora.models import AuditEvent, Contact, Submission, UpdateLink, utcnow
from diaspora.public import links
from diaspora.public.decisions import proposal
from diaspora.public.errors import LinkUnusable
from diaspora.public.services import Evidence
from tests.contact_helpers import new_user
from tests.form_pages import posted_back
from tests.public_helpers import contact_count, errors, found_by_search, submissions

pytestmark = pytest.mark.usefixtures("seeded")
EN = {"Accept-Language": "en"}


def person(app) -> int:
    """A registered person with consent to storing and to outreach."""
    with app.app_context():
        officer = new_user("officer")
        contact = contacts.create_contact(
            ContactData(
                full_name="Phạm Thị Mai",
                foreign_name="May Pham",
                country="FR",
                city="Lyon",
                emails=["mai.pham@example.fr"],
                occupation="Dược sĩ",
                legal_basis="consent",
            ),
            actor=officer,
            consent=ConsentInput(
                purposes=["store_process", "outreach"],
                method="paper",
                given_on=date(2026, 3, 1),
                evidence="Phiếu số 7",
            ),
        )
        _db.session.commit()
        return contact.id


def issue(client, contact_id: int, days: str = "30") -> str:
    """The officer's page issues a link; returns its path."""
    response = client.post(f"/contacts/{contact_id}/update-links", data={"days": days})
    assert response.status_code == 200, errors(response)
    match = re.search(r'id="new-link" value="([^"]+)"', response.get_data(as_text=True))
    assert match, "no link on the page"
    return "/" + unescape(match.group(1)).split("/", 3)[3]


def open_link(app, client, login_as, **login) -> tuple[int, str, FlaskClient]:
    """A registered person, the link an officer (signed in with ``login``) issued them, and the
    person's own browser: (contact id, the link's path, the browser)."""
    contact_id = person(app)
    login_as("officer", **login)
    return contact_id, issue(client, contact_id), app.test_client()


@pytest.fixture
def opened(app, client, login_as) -> tuple[int, str, FlaskClient, dict]:
    """As ``open_link``, the officer in Vietnamese, with the update form as the person's page
    gives it (to post back, changed or not)."""
    contact_id, path, visitor = open_link(app, client, login_as)
    return (
        contact_id,
        path,
        visitor,
        posted_back(visitor.get(path).get_data(as_text=True), "update-form"),
    )


def test_officers_issue_links_shown_once_and_stored_hashed(app, client, login_as):
    contact_id = person(app)
    login_as("viewer")
    assert client.get(f"/contacts/{contact_id}/update-links").status_code == 403
    client.post("/logout")
    login_as("officer", locale="en")
    html = client.get(f"/contacts/{contact_id}").get_data(as_text=True)
    assert "Profile-update link" in html
    path = issue(client, contact_id)
    secret = path.rsplit("/", 1)[1]
    assert len(secret) >= 40
    with app.app_context():
        [link] = _db.session.scalars(_db.select(UpdateLink)).all()
        assert secret not in link.token_hash and len(link.token_hash) == 64
        assert (link.expires_at - link.created_at).days == 30
        assert "update_link.create" in [
            e.action for e in _db.session.scalars(_db.select(AuditEvent))
        ]
    listing = client.get(f"/contacts/{contact_id}/update-links").get_data(as_text=True)
    assert secret not in listing  # shown once
    assert "Active" in listing


def test_the_person_sees_their_profile_and_the_view_is_logged(app, client, login_as):
    _contact_id, path, visitor = open_link(app, client, login_as)
    response = visitor.get(path, headers=EN)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert 'value="Phạm Thị Mai"' in html and "mai.pham@example.fr" in html
    data = posted_back(html, "update-form")
    assert data["consent_store_process"] == ["y"] and data["consent_outreach"] == ["y"]
    assert "consent_sharing" not in data
    with app.app_context():
        event = _db.session.scalars(
            _db.select(AuditEvent)
            .where(AuditEvent.action == "contact.view_personal")
            .order_by(AuditEvent.id.desc())
        ).first()
        assert event.actor_id is None and event.details["context"] == "update_link"


def test_changes_wait_for_review_but_a_withdrawal_takes_effect_at_once(app, client, login_as):
    contact_id, path, visitor = open_link(app, client, login_as, locale="en")
    data = posted_back(visitor.get(path).get_data(as_text=True), "update-form")
    data["city"] = "Marseille"
    data["occupation"] = "Giảng viên dược"
    data.pop("consent_outreach")  # withdrawn
    data["consent_sharing"] = "y"  # given
    response = visitor.post(path, data=data)
    assert response.status_code == 302, errors(response)
    assert response.headers["Location"].endswith("/update/done")
    with app.app_context():
        contact = _db.session.get(Contact, contact_id)
        assert contact.city == "Lyon" and contact.occupation == "Dược sĩ"  # not yet
        assert contact.active_consent("outreach") is None  # stopped at once
        withdrawn = next(r for r in contact.consents if r.purpose == "outreach")
        assert withdrawn.withdrawal_recorded_by_id is None
        assert contact.active_consent("sharing") is None  # given: after review
        [submission] = submissions()
        assert submission.kind == "update" and submission.contact_id == contact_id
        assert submission.purposes == ["sharing"] and submission.withdrawn == ["outreach"]
        assert found_by_search("giang vien duoc") == []
    # The officer reviews: only what the person changed is proposed.
    html = client.get(f"/review/{submission.id}").get_data(as_text=True)
    assert "Proposed changes" in html and "Marseille" in html
    assert "Consents withdrawn (already in effect)" in html
    page = client.get(f"/review/{submission.id}/apply/{contact_id}").get_data(as_text=True)
    assert "choice_city" in page and "choice_occupation" in page
    assert "choice_full_name" not in page
    with app.app_context():
        version = _db.session.get(Contact, contact_id).version
    response = client.post(
        f"/review/{submission.id}/apply/{contact_id}",
        data={
            "version": "1",
            "contact_version": str(version),
            "choice_city": "submitted",
            "choice_occupation": "current",
        },
    )
    assert response.status_code == 302, errors(response)
    with app.app_context():
        contact = _db.session.get(Contact, contact_id)
        assert contact.city == "Marseille" and contact.occupation == "Dược sĩ"
        assert contact.active_consent("sharing") is not None
        assert contact.verified_on == utcnow().date()
        assert _db.session.get(Submission, submission.id).status == "approved"


def test_a_used_link_is_refused_and_the_typed_answers_stay(app, opened):
    contact_id, path, visitor, data = opened
    assert visitor.post(path, data=data).status_code == 302
    data["city"] = "Nice"
    again = visitor.post(path, data=data, headers=EN)
    assert again.status_code == 410
    html = again.get_data(as_text=True)
    assert "This link has already been used" in html
    assert "Nice" in html  # what they typed, to copy
    assert visitor.get(path).status_code == 410
    with app.app_context():
        assert len(submissions()) == 1
        assert _db.session.get(Contact, contact_id).city == "Lyon"


def test_expired_revoked_and_unknown_links(app, client, opened):
    contact_id, path, visitor, data = opened
    with app.app_context():
        link = _db.session.scalars(_db.select(UpdateLink)).one()
        link.expires_at = utcnow() - timedelta(minutes=1)
        _db.session.commit()
    data["city"] = "Nice"
    response = visitor.post(path, data=data, headers=EN)
    assert response.status_code == 410
    assert "This link has expired." in response.get_data(as_text=True)
    assert "Nice" in response.get_data(as_text=True)  # what they typed, to copy: nothing lost
    # A new link withdraws nothing already used; revoking one makes it refuse too.
    second = issue(client, contact_id)
    with app.app_context():
        link = _db.session.scalars(_db.select(UpdateLink).order_by(UpdateLink.id.desc())).first()
        link_id = link.id
    assert client.post(f"/update-links/{link_id}/revoke").status_code == 302
    response = visitor.get(second, headers=EN)
    assert response.status_code == 410
    assert "withdrawn by the Department" in response.get_data(as_text=True)
    response = visitor.get("/update/not-a-real-token", headers=EN)
    assert response.status_code == 404
    assert "This link is not valid" in response.get_data(as_text=True)
    with app.app_context():
        assert submissions() == []


def test_issuing_a_new_link_withdraws_the_earlier_one(app, client, login_as):
    contact_id = person(app)
    login_as("officer")
    first = issue(client, contact_id)
    second = issue(client, contact_id)
    visitor = app.test_client()
    assert visitor.get(first).status_code == 410
    assert visitor.get(second).status_code == 200


def test_the_link_is_used_once_even_by_two_posts_at_the_same_moment(app):
    contact_id = person(app)
    with app.app_context():
        officer = new_user("officer")
        contact = _db.session.get(Contact, contact_id)
        issued = links.issue_link(contact, actor=officer, days=3)
        _db.session.commit()
        link, _contact = links.resolve_link(issued.secret)
        stale, _ = links.resolve_link(issued.secret)
        links.submit_request(link, contact, "copy", evidence=_evidence())
        with pytest.raises(LinkUnusable):  # the second post, with the link read as unused
            links.submit_request(stale, contact, "erasure", evidence=_evidence())


def _evidence():
    return Evidence(language="vi", notice_version="x", client_hash="0" * 64)


def test_copy_and_erasure_requests(app, client, login_as):
    contact_id, path, visitor = open_link(app, client, login_as, locale="en")
    # Deletion needs the confirmation box; without it the link stays usable.
    response = visitor.post(path + "/request", data={"request": "erasure"}, headers=EN)
    assert response.status_code == 200
    assert "Tick the box to confirm" in response.get_data(as_text=True)
    with app.app_context():
        assert submissions() == []
    response = visitor.post(path + "/request", data={"request": "erasure", "confirm_erasure": "y"})
    assert response.status_code == 302
    assert visitor.post(path + "/request", data={"request": "copy"}).status_code == 410
    with app.app_context():
        [submission] = submissions()
        assert submission.kind == "erasure" and submission.payload == {}
    html = client.get(f"/review/{submission.id}").get_data(as_text=True)
    assert "Move the record to the trash" in html
    assert client.post(f"/review/{submission.id}/approve", data={"version": "1"}).status_code == 302
    with app.app_context():
        assert _db.session.get(Contact, contact_id).is_deleted
        assert found_by_search("Pham Thi Mai") == []
        assert _db.session.get(Submission, submission.id).status == "approved"
    # Copy request through a new link: the officer sees the data and marks it sent.
    with app.app_context():
        trash.restore_contact(_db.session.get(Contact, contact_id), actor=new_user("officer"))
        _db.session.commit()
    path = issue(client, contact_id)
    assert visitor.post(path + "/request", data={"request": "copy"}).status_code == 302
    with app.app_context():
        copy = submissions()[-1]
    html = client.get(f"/review/{copy.id}").get_data(as_text=True)
    assert "Data held about the person" in html and "mai.pham@example.fr" in html
    response = client.post(
        f"/review/{copy.id}/approve", data={"version": "1", "note": "Sent by email on 2 Dec"}
    )
    assert response.status_code == 302
    with app.app_context():
        done = _db.session.get(Submission, copy.id)
        assert done.status == "approved" and done.reason == "Sent by email on 2 Dec"
        assert contact_count() == 1


def test_a_forged_seen_field_only_proposes_what_differs(app, opened):
    contact_id, path, visitor, data = opened
    data["seen"] = "forged"
    data["city"] = "Paris"
    assert visitor.post(path, data=data).status_code == 302
    with app.app_context():
        [submission] = submissions()
        prop = proposal(submission, _db.session.get(Contact, contact_id))
        assert prop.fields == ["city"]


def test_an_officers_change_after_the_link_was_opened_is_not_undone(app, opened):
    contact_id, path, visitor, data = opened
    with app.app_context():  # an officer corrects the occupation meanwhile
        contact = _db.session.get(Contact, contact_id)
        edit = data_from_contact(contact)
        edit.occupation = "Dược sĩ lâm sàng"
        contacts.update_contact(
            contact, edit, expected_version=contact.version, actor=new_user("officer")
        )
        _db.session.commit()
    data["city"] = "Grenoble"
    assert visitor.post(path, data=data).status_code == 302
    with app.app_context():
        [submission] = submissions()
        prop = proposal(submission, _db.session.get(Contact, contact_id))
        assert prop.fields == ["city"]  # the old occupation the person saw is not proposed


def test_withdrawing_storage_consent_leaves_the_legal_basis_pending(app, opened):
    contact_id, path, visitor, data = opened
    data.pop("consent_store_process")
    data.pop("consent_outreach")
    assert visitor.post(path, data=data).status_code == 302
    with app.app_context():
        contact = _db.session.get(Contact, contact_id)
        assert contact.legal_basis is None
        assert contact.active_consent("store_process") is None


def test_bad_input_on_the_link_keeps_the_link_and_the_answers(app, opened):
    _contact_id, path, visitor, data = opened
    data["full_name"] = "<script>alert(1)</script>"
    data["emails"] = ""
    response = visitor.post(path, data=data, headers=EN)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "cannot contain characters" in html
    with app.app_context():
        assert submissions() == []
        assert _db.session.scalars(_db.select(UpdateLink)).one().used_at is None


def test_an_update_for_a_record_merged_meanwhile_goes_to_the_survivor(app, client, opened):
    contact_id, path, visitor, data = opened
    data["city"] = "Nantes"
    assert visitor.post(path, data=data).status_code == 302
    with app.app_context():  # the record is merged into another one before the review
        from diaspora.contacts import merge

        officer = new_user("officer")
        survivor = contacts.create_contact(
            ContactData(full_name="Phạm Thị Mai", country="FR", city="Paris"),
            actor=officer,
            acknowledged=[contact_id],
        )
        absorbed = _db.session.get(Contact, contact_id)
        merge.merge_contacts(
            survivor,
            absorbed,
            {},
            survivor_version=survivor.version,
            absorbed_version=absorbed.version,
            actor=officer,
        )
        _db.session.commit()
        survivor_id, version = survivor.id, survivor.version
        [submission] = submissions()
    html = client.get(f"/review/{submission.id}").get_data(as_text=True)
    assert f"/review/{submission.id}/apply/{survivor_id}" in html
    response = client.post(
        f"/review/{submission.id}/apply/{survivor_id}",
        data={"version": "1", "contact_version": str(version), "choice_city": "submitted"},
    )
    assert response.status_code == 302, errors(response)
    with app.app_context():
        assert _db.session.get(Contact, survivor_id).city == "Nantes"


def test_purging_the_record_removes_what_the_person_sent(app, opened):
    contact_id, path, visitor, data = opened
    assert visitor.post(path, data=data).status_code == 302
    with app.app_context():
        admin = new_user("admin")
        contact = _db.session.get(Contact, contact_id)
        trash.delete_contact(contact, actor=admin)
        trash.purge_contact(contact, actor=admin)
        _db.session.commit()
        assert submissions() == []
        assert _db.session.scalars(_db.select(UpdateLink)).all() == []
