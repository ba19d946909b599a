"""The public registration form: bilingual, consent per purpose, abuse resistance.

Every bad input gets a clear message, keeps what the person typed, stores nothing, and never
reaches contacts, search or exports.
"""

from __future__ import annotations

import io
import re

import pytest

from diaspora.extensions import db as _db
from diaspora.models import AuditEvent, Organization, Submission
from diaspora.privacy.notice import PRIVACY_NOTICE_VERSION
from diaspora.public.payload import PUBLIC_FIELDS
from tests.public_helpers import (
    contact_count,
    errors,
    found_by_search,
    reference_of,
    registration,
    submissions,
)

pytestmark = pytest.mark.usefixtures("seeded")
EN = {"Accept-Language": "en-GB,en;q=0.9"}
SCRIPT = "<script>alert('x')</script>"


def test_the_page_is_public_bilingual_and_shows_the_notice_in_full(client):
    html = client.get("/register").get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert "Đăng ký kiều bào Hải Phòng" in html
    english = client.get("/register", headers=EN)
    assert english.status_code == 200
    assert english.headers["Cache-Control"] == "no-store"
    html = english.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Register as an overseas compatriot of Hải Phòng" in html
    assert "Privacy notice" in html and f"version {PRIVACY_NOTICE_VERSION}" in html
    assert "Law 91/2025/QH15" in html
    # One box per purpose, none ticked in advance; no file inputs.
    for name in ("consent_store_process", "consent_outreach", "consent_sharing"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert "checked" not in tag
    assert 'type="file"' not in html and "multipart" not in html
    # The honeypot is labelled and out of the keyboard's way.
    trap = re.search(r'<input[^>]*name="contact_url"[^>]*>', html).group(0)
    assert 'tabindex="-1"' in trap
    assert 'for="contact_url"' in html


def test_a_registration_waits_for_review_and_is_nowhere_else(app, client):
    response = client.post("/register", data=registration(), headers=EN)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/register/done")
    done = client.get("/register/done", headers=EN)
    reference = reference_of(done)
    assert re.fullmatch(r"HP-[A-Z2-9]{4}-[A-Z2-9]{4}", reference)
    assert "nothing is added to the registry" in done.get_data(as_text=True)
    with app.app_context():
        [submission] = submissions()
        assert submission.reference == reference
        assert submission.kind == "registration" and submission.status == "pending"
        assert submission.version == 1 and submission.contact_id is None
        assert submission.language == "en"
        assert submission.notice_version == PRIVACY_NOTICE_VERSION
        assert re.fullmatch(r"[0-9a-f]{64}", submission.client_hash)
        assert "127.0.0.1" not in submission.client_hash
        assert submission.purposes == ["store_process", "outreach"]
        payload = submission.payload
        assert payload["full_name"] == "Nguyễn Thị Lan"
        assert payload["emails"] == ["lan.nguyen@example.de"]
        assert "notes" not in payload and "legal_basis" not in payload
        assert contact_count() == 0
        assert found_by_search("Nguyen Thi Lan") == []
        event = _db.session.scalar(
            _db.select(AuditEvent).where(AuditEvent.action == "submission.create")
        )
        assert event.actor_id is None and event.details["reference"] == reference
        assert "lan.nguyen@example.de" not in str(event.details)


def test_a_double_click_makes_one_submission_but_a_changed_form_another(app, client):
    form = registration(entry_key="k" * 32)
    first = client.post("/register", data=form)
    second = client.post("/register", data=form)
    assert first.status_code == second.status_code == 302
    with app.app_context():
        assert len(submissions()) == 1
    # Back to the form, another family member, sent again with the same key: kept too.
    changed = registration(
        entry_key="k" * 32, full_name="Nguyễn Văn Bình", emails="binh@example.de"
    )
    assert client.post("/register", data=changed).status_code == 302
    with app.app_context():
        assert [s.display_name for s in submissions()] == ["Nguyễn Thị Lan", "Nguyễn Văn Bình"]


def test_organizations_are_not_created_before_review(app, client):
    data = registration(**{"memberships-0-organization": "Hội người Việt tại Leipzig"})
    assert client.post("/register", data=data).status_code == 302
    with app.app_context():
        assert _db.session.scalar(_db.select(_db.func.count(Organization.id))) == 0
        [submission] = submissions()
        assert submission.payload["memberships"] == [
            {"organization": "Hội người Việt tại Leipzig", "role": ""}
        ]


def test_the_done_page_needs_a_submission(client):
    response = client.get("/register/done")
    assert response.status_code == 302 and response.headers["Location"].endswith("/register")


def test_consent_to_storing_is_required_and_nothing_is_assumed(app, client):
    response = client.post(
        "/register", data=registration(consent_store_process=None, consent_outreach=None)
    )
    assert response.status_code == 200
    assert any("Hãy đánh dấu ô này" in m for m in errors(response))
    html = response.get_data(as_text=True)
    assert 'value="Nguyễn Thị Lan"' in html  # nothing lost
    with app.app_context():
        assert submissions() == [] and contact_count() == 0


def test_a_way_to_reply_is_required(app, client):
    response = client.post("/register", data=registration(emails=""), headers=EN)
    assert "Give at least one email address or phone number" in " ".join(errors(response))
    with app.app_context():
        assert submissions() == []


def test_a_script_in_every_field_is_refused_and_never_rendered(app, client):
    fields = [
        "full_name", "foreign_name", "former_names", "gender", "birth_year", "origin_commune",
        "origin_district_old", "country", "city", "emails", "phones", "address", "website",
        "languages", "occupation", "title", "employer", "preferred_language",
        "expertise-0-field", "expertise-0-level", "expertise-0-years",
        "memberships-0-organization", "memberships-0-role", "contact_url",
    ]  # fmt: skip
    data = dict.fromkeys(fields, SCRIPT)
    data.update(consent_store_process="y")
    response = client.post("/register", data=data, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>" not in html  # every value is escaped
    assert "&lt;script&gt;alert(" in html  # and kept in the form
    messages = " ".join(errors(response))
    assert "cannot contain characters" in messages  # names
    assert "not a valid email address" in messages
    with app.app_context():
        assert submissions() == [] and contact_count() == 0


def test_scripts_in_free_text_are_stored_as_text_and_shown_escaped(app, client, login_as):
    data = registration(occupation=SCRIPT, employer=SCRIPT, address=SCRIPT, city=SCRIPT)
    assert client.post("/register", data=data).status_code == 302
    with app.app_context():
        [submission] = submissions()
        assert submission.payload["occupation"] == SCRIPT
        submission_id = submission.id
    login_as("officer")
    html = client.get(f"/review/{submission_id}").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(" in html


def test_fifty_submissions_a_minute_from_one_address(app, client):
    """The limit refuses the excess with a clear message and the answers kept."""
    address = {"REMOTE_ADDR": "203.0.113.7"}
    statuses = []
    for number in range(50):
        data = registration(full_name=f"Người Thử {number}", emails=f"p{number}@example.org")
        response = client.post("/register", data=data, headers=EN, environ_base=address)
        statuses.append(response.status_code)
    accepted = statuses.count(302)
    assert accepted == 10  # SELF_REGISTRATION_RATE_LIMIT: 10 per minute
    assert statuses[accepted:] == [429] * (50 - accepted)
    html = response.get_data(as_text=True)
    assert "Too many forms have been sent from your network" in html
    assert 'value="Người Thử 49"' in html  # nothing lost
    with app.app_context():
        assert len(submissions()) == accepted
        assert contact_count() == 0 and found_by_search("Nguoi Thu") == []
    # Another address is not affected.
    other = client.post(
        "/register", data=registration(), environ_base={"REMOTE_ADDR": "198.51.100.2"}
    )
    assert other.status_code == 302


def test_the_honeypot_stops_robots_but_keeps_a_persons_answers(app, client):
    response = client.post(
        "/register", data=registration(contact_url="http://spam.example"), headers=EN
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "The form could not be sent. Check your answers and send it again." in html
    assert 'value="Nguyễn Thị Lan"' in html
    assert "spam.example" not in html  # the trap is emptied for a person sending again
    with app.app_context():
        assert submissions() == []
    assert client.post("/register", data=registration(), headers=EN).status_code == 302


def test_files_are_refused(app, client):
    data = registration()
    data["photo"] = (io.BytesIO(b"GIF89a"), "me.gif")
    response = client.post("/register", data=data, headers=EN, content_type="multipart/form-data")
    assert "This form does not accept files." in response.get_data(as_text=True)
    with app.app_context():
        assert submissions() == []


def test_a_large_body_is_refused(app, client):
    data = registration(address="x" * (70 * 1024))
    response = client.post("/register", data=data, headers=EN)
    assert response.status_code == 413
    with app.app_context():
        assert submissions() == []


def test_fields_only_officers_set_are_ignored(app, client):
    forged = registration(
        status="inactive",
        source="manual",
        legal_basis="state_function",
        notes="forged note",
        categories="1",
        verified_on="2026-01-01",
    )
    forged.update(kind="update", role="admin", id="1", version="7", status_id="approved")
    assert client.post("/register", data=forged).status_code == 302
    with app.app_context():
        [submission] = submissions()
        assert submission.kind == "registration" and submission.status == "pending"
        assert submission.version == 1 and submission.contact_id is None
        assert "forged note" not in str(submission.payload)
        assert set(submission.payload) == set(PUBLIC_FIELDS)


def test_a_post_without_the_csrf_token_is_refused(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/register", data=registration(), headers=EN)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    with app.app_context():
        assert _db.session.scalar(_db.select(_db.func.count(Submission.id))) == 0


def test_behind_a_trusted_proxy_the_client_address_is_the_forwarded_one(make_app):
    proxied = make_app(TRUSTED_PROXIES=1)
    client = proxied.test_client()
    for address in ("192.0.2.1", "192.0.2.2"):
        response = client.post(
            "/register",
            data=registration(emails=f"{address}@example.org"),
            headers={"X-Forwarded-For": address},
        )
        assert response.status_code == 302
    with proxied.app_context():
        hashes = {submission.client_hash for submission in submissions()}
    assert len(hashes) == 2
