"""Privacy pages through the test client: the printed consent record, the copy of everything
about a person, and erasure (permissions, CSRF, confirmation, a second erasure, the CLI)."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from html import unescape

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from diaspora.contacts.consent import withdraw_consent
from diaspora.extensions import db as _db
from diaspora.models import AuditEvent, ConsentRecord, Contact, UpdateLink
from tests.conftest import csrf_token, login_with_csrf
from tests.contact_helpers import database_state, new_user
from tests.privacy_helpers import MARKER, NAME, marked_person

pytestmark = pytest.mark.usefixtures("seeded")


def html(response) -> str:
    return response.get_data(as_text=True)


def errors(response) -> list[str]:
    found = re.findall(r'class="field-error"[^>]*>([^<]*)<', html(response))
    return [unescape(message).strip() for message in found]


def pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), " ".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def person(app) -> int:
    with app.app_context(), app.test_request_context():
        contact = marked_person(new_user())
        _db.session.commit()
        return contact.id


def _consent(app, contact_id: int, purpose: str) -> int:
    with app.app_context():
        return _db.session.scalar(
            select(ConsentRecord.id).where(
                ConsentRecord.contact_id == contact_id, ConsentRecord.purpose == purpose
            )
        )


def _withdraw(app, consent_id: int) -> None:
    with app.app_context(), app.test_request_context():
        record = _db.session.get(ConsentRecord, consent_id)
        withdraw_consent(record, withdrawn_on=date.today(), note="Phoned us", actor=None)
        _db.session.commit()


def _downloaded(response, mimetype: str) -> None:
    assert response.status_code == 200, html(response)[:500]
    assert response.mimetype == mimetype
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# --- the printed consent record --------------------------------------------------------------


def test_consent_record_prints_on_one_page_with_both_languages(app, client, login_as, person):
    officer = login_as("officer", locale="en")
    consent_id = _consent(app, person, "outreach")
    page = html(client.get(f"/contacts/{person}/consents/{consent_id}/print"))
    for text in ("Consent record", "Hồ sơ đồng ý", "Purpose", "Mục đích", "Contact for outreach"):
        assert text in page, text
    assert "Law 91/2025/QH15" in page and "2026-01" in page and "box 3" in page
    assert "privacy-print.css" in page and "print.pdf" in page
    pdf = client.get(f"/contacts/{person}/consents/{consent_id}/print.pdf")
    _downloaded(pdf, "application/pdf")
    pages, text = pdf_text(pdf.data)
    assert pages == 1
    assert NAME.split()[-1] in text and "box 3" in text
    with app.app_context():
        views = _db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "contact.view_personal")
        ).all()
    contexts = [event.details["context"] for event in views if event.actor_id == officer.id]
    assert contexts == ["consent_print", "consent_print"]


def test_withdrawn_consent_says_processing_stopped(app, client, login_as, person):
    login_as("officer", locale="en")
    consent_id = _consent(app, person, "sharing")
    _withdraw(app, consent_id)
    page = html(client.get(f"/contacts/{person}/consents/{consent_id}/print"))
    assert "Withdrawn on" in page and "Đã rút lại" in page
    assert "The person, through their profile-update link" in page
    assert "left out of exported lists" in page and "Phoned us" in page
    _pages, text = pdf_text(client.get(f"/contacts/{person}/consents/{consent_id}/print.pdf").data)
    assert "left out of exported lists" in text


def test_viewers_cannot_print_consent_records(app, client, login_as, person):
    login_as("viewer")
    consent_id = _consent(app, person, "outreach")
    assert client.get(f"/contacts/{person}/consents/{consent_id}/print").status_code == 403
    assert client.get(f"/contacts/{person}/consents/{consent_id}/print.pdf").status_code == 403


def test_a_consent_of_another_record_is_not_found(app, client, login_as, person):
    login_as("officer")
    consent_id = _consent(app, person, "outreach")
    assert client.get(f"/contacts/{person + 99}/consents/{consent_id}/print").status_code == 404


# --- a copy of everything --------------------------------------------------------------------


def test_copy_of_everything_as_json(app, client, login_as, person):
    officer = login_as("officer", locale="en")
    client.get(f"/contacts/{person}")  # a view that the log must show
    response = client.post(f"/contacts/{person}/copy", data={"format": "json"})
    _downloaded(response, "application/json")
    copy = json.loads(response.data)
    assert copy["profile"]["full_name"] == NAME
    assert copy["profile"]["emails"] == [f"{MARKER}@example.org", f"{MARKER}.2@example.org"]
    assert {c["purpose"] for c in copy["consents"]} == {"store_process", "outreach", "sharing"}
    assert copy["engagements"][0]["note"].startswith(MARKER)
    assert copy["submissions"][0]["reference"] == "HP-MARK-0001"
    assert len(copy["merged_records"]) == 1
    actions = [row["action"] for row in copy["access_log"]]
    assert "contact.create" in actions and "contact.view_personal" in actions
    assert "delegation.pack" in actions  # another record's event that names the person
    with app.app_context():
        event = _db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "contact.subject_copy")
        ).one()
    assert event.actor_id == officer.id and event.target_id == person
    assert event.details == {"format": "json"}


def test_copy_of_everything_as_pdf(app, client, login_as, person):
    login_as("officer", locale="en")
    response = client.post(f"/contacts/{person}/copy", data={"format": "pdf"})
    _downloaded(response, "application/pdf")
    _pages, text = pdf_text(response.data)
    assert "Personal data held about" in text and "Signed form" in text
    assert "Who viewed, changed, exported or shared the data" in text


def test_copy_is_refused_to_viewers_and_for_unknown_formats(app, client, login_as, person):
    login_as("viewer")
    assert client.post(f"/contacts/{person}/copy", data={"format": "json"}).status_code == 403
    client.post("/logout")
    login_as("officer")
    assert client.post(f"/contacts/{person}/copy", data={"format": "exe"}).status_code == 400
    assert client.get(f"/contacts/{person}/copy").status_code == 405


# --- erasure ---------------------------------------------------------------------------------


def _state(app) -> dict:
    with app.app_context():
        return database_state()


def test_erasure_through_the_page(app, client, login_as, person):
    login_as("admin", locale="en")
    assert "Erase this person" in html(client.get(f"/contacts/{person}"))
    page = html(client.get(f"/contacts/{person}/erase"))
    assert "This cannot be undone." in page and NAME in page
    response = client.post(
        f"/contacts/{person}/erase",
        data={"confirmation": "nguyen van zqmarkx", "reason": "Request by email, ref. 7"},
    )
    assert response.status_code == 302
    profile = html(client.get(f"/contacts/{person}", follow_redirects=True))
    assert f"Erased contact #{person}" in profile and "was erased" in profile
    assert MARKER not in profile.lower()
    assert f"/contacts/{person}/edit" not in profile
    again = client.post(
        f"/contacts/{person}/erase",
        data={"confirmation": f"Erased contact #{person}", "reason": "again"},
        follow_redirects=True,
    )
    assert "already been erased" in html(again)
    edit = client.get(f"/contacts/{person}/edit", follow_redirects=True)
    assert "it can no longer be changed" in html(edit)
    link = client.post(f"/contacts/{person}/update-links", data={"days": "14"})
    assert "can no longer be changed" in html(link)
    with app.app_context():
        assert _db.session.scalar(select(UpdateLink.id)) is None


def test_wrong_confirmation_changes_nothing(app, client, login_as, person):
    login_as("admin", locale="en")
    before = _state(app)
    response = client.post(
        f"/contacts/{person}/erase", data={"confirmation": "Somebody Else", "reason": ""}
    )
    assert response.status_code == 200
    assert errors(response) == ["Give the reason: the person's request and its reference."]
    response = client.post(
        f"/contacts/{person}/erase", data={"confirmation": "Somebody Else", "reason": "Ref 1"}
    )
    assert "Type the person's full name" in " ".join(errors(response))
    assert "Ref 1" in html(response)  # the officer's input is kept
    too_long = client.post(
        f"/contacts/{person}/erase", data={"confirmation": NAME, "reason": "x" * 501}
    )
    assert errors(too_long) == ["At most 500 characters."]
    assert _state(app) == before


def test_erasure_is_refused_to_officers_and_viewers(app, client, login_as, person):
    for role in ("viewer", "officer"):
        login_as(role)
        assert client.get(f"/contacts/{person}/erase").status_code == 403
        data = {"confirmation": NAME, "reason": "x"}
        assert client.post(f"/contacts/{person}/erase", data=data).status_code == 403
        client.post("/logout")
    with app.app_context():
        assert _db.session.get(Contact, person).erased_at is None


def test_erasure_and_copy_need_the_csrf_token(app, csrf_app, make_user, person):
    admin = make_user("admin")
    client = csrf_app.test_client()
    login_with_csrf(client, admin.email)
    before = _state(app)
    refused = client.post(f"/contacts/{person}/erase", data={"confirmation": NAME, "reason": "x"})
    assert refused.status_code == 400
    assert client.post(f"/contacts/{person}/copy", data={"format": "json"}).status_code == 400
    assert _state(app) == before
    token = csrf_token(html(client.get(f"/contacts/{person}/erase")))
    done = client.post(
        f"/contacts/{person}/erase",
        data={"confirmation": NAME, "reason": "Request ref. 9", "csrf_token": token},
    )
    assert done.status_code == 302


def test_cli_copy_and_erase(app, runner, make_user, person, tmp_path):
    make_user("admin")
    output = tmp_path / "copy.json"
    result = runner.invoke(args=["privacy", "copy", str(person), "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert json.loads(output.read_text(encoding="utf-8"))["profile"]["full_name"] == NAME
    wrong = runner.invoke(
        args=["privacy", "erase", str(person), "--reason", "r", "--confirm-name", "X", "--yes"]
    )
    assert wrong.exit_code == 1 and "confirmation" in wrong.output
    args = ["privacy", "erase", str(person), "--reason", "Ref 3", "--confirm-name", NAME]
    assert runner.invoke(args=args, input="n\n").exit_code == 1  # asked, and declined
    result = runner.invoke(args=[*args, "--yes"])
    assert result.exit_code == 0, result.output
    assert "Erased record" in result.output
    with app.app_context():
        assert _db.session.get(Contact, person).is_erased
    again = runner.invoke(args=[*args, "--yes"])
    assert again.exit_code == 1 and "Hồ sơ này đã bị xóa trước đó" in again.output


def test_cli_lists_erasures_for_reapplying_after_a_restore(app, runner, make_user, person):
    admin = make_user("admin")
    args = ["privacy", "erase", str(person), "--reason", "Ref 5", "--confirm-name", NAME, "--yes"]
    assert runner.invoke(args=args).exit_code == 0
    listed = runner.invoke(args=["privacy", "erasures", "--since", "2020-01-01"])
    assert listed.exit_code == 0
    record, _when, who, reason = listed.output.strip().split("\t")
    assert (record, who, reason) == (str(person), admin.email, "Ref 5")
    later = runner.invoke(args=["privacy", "erasures", "--since", "2999-01-01"])
    assert later.output == ""
