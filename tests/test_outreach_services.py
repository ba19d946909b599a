"""Outreach services: placeholders, validation, the workflow, recipients and consent, letters,
marking as sent (engagements), merges. Every refusal leaves the database as it was."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from diaspora.contacts import trash as contact_trash
from diaspora.contacts.consent import withdraw_consent
from diaspora.contacts.merge import default_choices, merge_contacts
from diaspora.errors import Conflict, PermissionDenied, ValidationFailed
from diaspora.extensions import db as _db
from diaspora.models import AuditEvent, Engagement, Outreach, User
from diaspora.outreach import placeholders, recipients, services
from diaspora.outreach.letters import export_letters
from diaspora.plan.activities import ActivityFilter, find_activities
from diaspora.reports.services import annual_report
from tests.contact_helpers import new_user
from tests.outreach_helpers import (
    BODY_VI,
    messages,
    outreach_data,
    person,
    refused,
    service_fixtures,
    settled,
    state,
    write,
)

pytestmark = pytest.mark.usefixtures("seeded")
ctx, officer = service_fixtures()


@pytest.fixture
def admin(ctx):
    user = new_user("admin", name="Admin Minh")
    _db.session.commit()
    return user


# --- placeholders (pure) ---


def test_placeholders_are_filled_once_and_never_evaluated():
    text = "Kính gửi {{salutation}} {{ name }}, {{ city }} – {{  country  }}. {{ 7*7 }}"
    values = {"salutation": "Bà", "name": "{{ password }}", "city": "Paris", "country": "Pháp"}
    filled = placeholders.fill(text, values)
    assert filled == "Kính gửi Bà {{ password }}, Paris – Pháp. {{ 7*7 }}"
    assert placeholders.check(text).unknown == ("7*7",)
    assert placeholders.check("{{ name }").unclosed
    assert not placeholders.check("Plain {braces} and {{ name }}")
    assert placeholders.used(BODY_VI) == ["salutation", "name", "city", "country"]


def test_salutations_follow_gender_and_language():
    assert placeholders.salutation("female", "vi") == "Bà"
    assert placeholders.salutation("male", "en") == "Mr"
    assert placeholders.salutation(None, "vi") == "Ông/Bà"
    assert placeholders.salutation("other", "en") == "Mr/Ms"


# --- saving ---


def test_create_and_edit_a_draft(officer):
    outreach = write(officer)
    assert outreach.status == "draft" and outreach.version == 1
    assert outreach.plan_task_codes == ["II.4"]
    changes = services.update_outreach(
        outreach,
        outreach_data(title_en="Tết greetings, Year of the Horse"),
        expected_version=1,
        actor=officer,
    )
    assert changes == {"title_en": ["Tết greetings 2026", "Tết greetings, Year of the Horse"]}
    assert outreach.version == 2
    unchanged = services.update_outreach(
        outreach, outreach_data(title_en="Tết greetings, Year of the Horse"), expected_version=1,
        actor=officer,
    )  # fmt: skip
    assert unchanged == {}


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"body_vi": "Kính gửi {{ password }}"}, "body_vi", "{{ password }}"),
        ({"body_en": "Dear {{ name }, welcome"}, "body_en", "not closed"),
        ({"body_vi": "x" * 200 * 1024}, "body_vi", "too long"),
        ({"title_vi": "Chúc Tết {{ name }}"}, "title_vi", "not in the title"),
        ({"title_vi": "", "title_en": ""}, "title_vi", "title"),
        ({"occasion": "birthday"}, "occasion", "occasion"),
        ({"single_language": "fr"}, "single_language", "languages"),
        ({"plan_tasks": ["IX.9"]}, "plan_tasks", "IX.9"),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(officer, overrides, field, fragment):
    error = refused(lambda: write(officer, **overrides))
    assert field in error.errors
    assert fragment in messages(error)


def test_unknown_placeholder_message_lists_the_allowed_ones(officer):
    with pytest.raises(ValidationFailed) as caught:
        write(officer, body_en="Your {{ password }} and {{ iban }}")
    text = messages(caught.value)
    assert "{{ password }}, {{ iban }}" in text
    assert "{{ salutation }}, {{ name }}, {{ city }}, {{ country }}" in text


def test_a_200_kb_body_is_refused_with_its_length(officer):
    outreach = write(officer)
    error = refused(
        lambda: services.update_outreach(
            outreach, outreach_data(body_en="a" * 204800), expected_version=1, actor=officer
        )
    )
    assert "204800" in messages(error) and "50000" in messages(error)


def test_html_and_script_are_kept_as_text(officer):
    body = "<script>alert('x')</script> <b>bold</b> & {{ name }}"
    outreach = write(officer, body_vi=body)
    assert outreach.body_vi == body


def test_an_edit_based_on_an_older_version_is_refused(officer):
    outreach = write(officer)
    services.update_outreach(
        outreach, outreach_data(signatory="A"), expected_version=1, actor=officer
    )
    refused(
        lambda: services.update_outreach(
            outreach, outreach_data(signatory="B"), expected_version=1, actor=officer
        ),
        services.OutreachChanged,
    )


# --- approval ---


def test_approval_needs_the_approver_right(officer, admin):
    outreach = write(officer)
    refused(
        lambda: services.approve_outreach(outreach, expected_version=1, actor=officer),
        PermissionDenied,
    )
    approver = new_user("officer", name="Approver")
    approver.can_approve_outreach = True
    services.approve_outreach(outreach, expected_version=1, actor=approver)
    assert outreach.status == "approved" and outreach.approved_by_id == approver.id


def test_approval_without_the_english_version_is_refused(officer, admin):
    outreach = write(officer, title_en="", body_en="")
    error = refused(lambda: services.approve_outreach(outreach, expected_version=1, actor=admin))
    assert "English version is missing" in messages(error)
    assert "Vietnamese only" in messages(error)
    assert _db.session.get(Outreach, outreach.id).status == "draft"


def test_a_single_language_outreach_is_approved_without_the_other(officer, admin):
    outreach = write(officer, title_en="", body_en="", single_language="vi")
    services.approve_outreach(outreach, expected_version=1, actor=admin)
    assert outreach.status == "approved"


def test_an_official_letter_needs_number_and_signatory(officer, admin):
    outreach = write(officer, document_number="", signatory="")
    with pytest.raises(ValidationFailed) as caught:
        services.approve_outreach(outreach, expected_version=1, actor=admin)
    assert set(caught.value.errors) == {"document_number", "signatory"}
    _db.session.rollback()
    email = write(officer, channel="email", document_number="", signatory="")
    services.approve_outreach(email, expected_version=1, actor=admin)


def test_approval_of_a_changed_text_is_refused(officer, admin):
    outreach = write(officer)
    services.update_outreach(
        outreach, outreach_data(signatory="B"), expected_version=1, actor=officer
    )
    with pytest.raises(services.OutreachChanged):
        services.approve_outreach(outreach, expected_version=1, actor=admin)


def test_approved_text_is_frozen_until_returned_to_draft(officer, admin):
    outreach = write(officer)
    services.approve_outreach(outreach, expected_version=1, actor=admin)
    with pytest.raises(Conflict):
        services.update_outreach(
            outreach, outreach_data(signatory="B"), expected_version=outreach.version,
            actor=officer,
        )  # fmt: skip
    services.reopen_outreach(outreach, actor=officer)
    assert outreach.status == "draft" and outreach.approved_by_id is None


# --- recipients ---


def test_recipients_without_consent_are_left_out_and_counted(officer):
    outreach = write(officer)
    lan = person(officer, "Trần Thị Lan", gender="female")
    minh = person(officer, "Lê Văn Minh", consents=())
    hoa = person(officer, "Vũ Thị Hoa")
    withdraw_consent(hoa.consents[0], withdrawn_on=date(2026, 2, 1), actor=officer)
    dead = person(officer, "Phạm Văn Tư", status="deceased")
    result = recipients.add_recipients(outreach, [lan.id, minh.id, hoa.id, dead.id], actor=officer)
    assert result.added == 1
    assert dict(result.left_out) == {"no_consent": 1, "withdrawn": 1, "deceased": 1}
    assert [row.contact_id for row in outreach.recipients] == [lan.id]
    again = recipients.add_recipients(outreach, [lan.id], actor=officer)
    assert again.added == 0 and again.left_out["already"] == 1


def test_each_recipient_gets_their_preferred_language(officer):
    outreach = write(officer)
    vi = person(officer, "Nguyễn Văn An")
    en = person(officer, "Nguyễn Thị Bình", preferred_language="en", foreign_name="Binh Nguyen")
    recipients.add_recipients(outreach, [vi.id, en.id], actor=officer)
    assert [row.language for row in outreach.recipients] == ["vi", "en"]
    letters, left_out = recipients.eligible_letters(outreach)
    assert not left_out
    assert letters[0].body.startswith("Kính gửi Ông/Bà Nguyễn Văn An,")
    assert "Tokyo, Nhật Bản" in letters[0].body
    assert letters[1].body.startswith("Dear Mr/Ms Binh Nguyen,")
    assert "Tokyo, Japan" in letters[1].body
    # A single-language outreach sends that version to everyone.
    services.update_outreach(
        outreach, outreach_data(single_language="vi"), expected_version=1, actor=officer
    )
    assert [row.language for row in outreach.recipients] == ["vi", "vi"]


def test_recipients_from_a_saved_search(officer):
    outreach = write(officer)
    tokyo = person(officer, "Đỗ Văn Tokyo")
    person(officer, "Kim Thị Seoul", country="KR", city="Seoul")
    silent = person(officer, "Hồ Văn Im", consents=())
    result = recipients.add_from_search(
        outreach, "http://localhost/search/?country=JP&sort=name&page=2", actor=officer
    )
    assert result.added == 1 and result.left_out["no_consent"] == 1
    assert [row.contact_id for row in outreach.recipients] == [tokyo.id]
    assert outreach.recipient_search == "country=JP"
    assert silent.id not in {row.contact_id for row in outreach.recipients}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "Paste"),
        ("https://example.org/contacts/?country=JP", "not the address of a search page"),
        ("country=XX", "Unknown country code"),
        ("field=NOPE", "Unknown expertise field"),
    ],
)
def test_a_bad_saved_search_is_refused(officer, text, fragment):
    outreach = write(officer)
    person(officer, "Đỗ Văn Tokyo")
    error = refused(lambda: recipients.add_from_search(outreach, text, actor=officer))
    assert fragment in messages(error)


def test_too_many_recipients_are_refused(officer, monkeypatch):
    monkeypatch.setattr(recipients, "MAX_RECIPIENTS", 1)
    outreach = write(officer)
    a, b = person(officer, "Người Một"), person(officer, "Người Hai")
    refused(lambda: recipients.add_recipients(outreach, [a.id, b.id], actor=officer))


# --- sending ---


def _approved(officer, admin, people, **overrides):
    outreach = write(officer, **overrides)
    recipients.add_recipients(outreach, [contact.id for contact in people], actor=officer)
    services.approve_outreach(outreach, expected_version=outreach.version, actor=admin)
    return outreach


def test_marking_as_sent_records_a_greeting_letter_for_every_recipient(officer, admin):
    people = [person(officer, "Trần Thị Lan"), person(officer, "Lê Văn Minh")]
    outreach = _approved(officer, admin, people)
    services.mark_sent(outreach, actor=officer, sent_on=date(2026, 2, 10))
    engagement = outreach.engagement
    assert outreach.status == "sent" and outreach.sent_on == date(2026, 2, 10)
    assert engagement.type == "greeting_letter" and engagement.title == outreach.title_vi
    assert engagement.plan_task_codes == ["II.4"]
    assert sorted(row.contact_id for row in engagement.participants) == sorted(
        contact.id for contact in people
    )
    assert {row.role for row in engagement.participants} == {"recipient"}
    assert {row.delivery_status for row in outreach.recipients} == {"sent"}
    # In the plan's activities (and so in the yearly report), once.
    found = find_activities(ActivityFilter(task_codes=("II.4",)))
    assert [(a.kind, a.id) for a in found] == [("engagement", engagement.id)]
    report = annual_report(2026)
    section = next(row for row in report.tasks if row.task and row.task.code == "II.4")
    assert [(a.kind, a.id) for a in section.activities] == [("engagement", engagement.id)]
    with pytest.raises(Conflict):
        services.mark_sent(outreach, actor=officer)


def test_a_consent_withdrawn_before_sending_is_respected(officer, admin):
    lan, minh = person(officer, "Trần Thị Lan"), person(officer, "Lê Văn Minh")
    outreach = _approved(officer, admin, [lan, minh])
    withdraw_consent(minh.consents[0], withdrawn_on=date(2026, 2, 1), actor=officer)
    summary = recipients.summary(outreach)
    assert summary["not_allowed"] == {"withdrawn": 1}
    services.mark_sent(outreach, actor=officer)
    assert [row.contact_id for row in outreach.engagement.participants] == [lan.id]
    statuses = {row.contact_id: row.delivery_status for row in outreach.recipients}
    assert statuses == {lan.id: "sent", minh.id: "left_out"}


def test_sending_a_draft_or_to_nobody_is_refused(officer, admin):
    draft = write(officer)
    refused(lambda: services.mark_sent(draft, actor=officer), Conflict)
    empty = write(officer)
    services.approve_outreach(empty, expected_version=1, actor=admin)
    _db.session.commit()
    refused(lambda: services.mark_sent(empty, actor=officer))


def test_a_sent_outreach_cannot_change_its_list_or_be_deleted(officer, admin):
    lan = person(officer, "Trần Thị Lan")
    outreach = _approved(officer, admin, [lan])
    services.mark_sent(outreach, actor=officer)
    with pytest.raises(Conflict):
        recipients.add_recipients(outreach, [lan.id], actor=officer)
    with pytest.raises(Conflict):
        services.delete_outreach(outreach, actor=officer)
    changed = recipients.set_delivery(
        outreach, [outreach.recipients[0].id], "failed", actor=officer
    )
    assert changed == 1 and outreach.recipients[0].delivery_status == "failed"


# --- letters ---


def test_letters_pdf_has_each_recipient_in_their_language(officer, admin):
    vi = person(officer, "Nguyễn Thị Hồng Nhung", gender="female", city="Ōsaka")
    en = person(
        officer, "Trần Quốc Đạt", gender="male", preferred_language="en",
        foreign_name="David Tran", country="US", city="San José",
    )  # fmt: skip
    outreach = _approved(officer, admin, [vi, en], body_vi=BODY_VI + "\n<b>đậm</b>")
    export = export_letters(outreach, "pdf", actor=officer)
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(export.content)).pages]
    assert len(pages) == 2
    first = " ".join(pages[0].split())
    second = " ".join(pages[1].split())
    assert "Kính gửi Bà Nguyễn Thị Hồng Nhung" in first
    assert "Ōsaka, Nhật Bản" in first and "Tết Nguyên đán" in first
    assert "<b>đậm</b>" in first  # HTML in a body is printed as text
    assert "SỞ NGOẠI VỤ" in first and "Số: 125/SNgV-LS" in first
    assert "Dear Mr David Tran" in second and "San José, United States" in second
    assert "DEPARTMENT OF FOREIGN AFFAIRS" in second and "No.: 125/SNgV-LS" in second
    assert "Nguyễn Thị Hồng Nhung" not in second and "Trần Quốc Đạt" not in first
    assert "best wishes" in second and "best wishes" not in first  # each in one version
    assert "Tết Nguyên đán" not in second
    event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "outreach.export"))
    assert event.details["format"] == "pdf" and event.details["letters"] == 2


def test_mail_merge_csv(officer, admin):
    vi = person(officer, "Nguyễn Văn An", emails=["an@example.jp"], address="1-2 Chiyoda")
    formula = person(officer, "Lê Văn Công Thức", address="=HYPERLINK(1)")
    script = "<script>alert('x')</script> <b>{{ name }}</b>"
    outreach = _approved(officer, admin, [vi, formula], body_en=script)
    export = export_letters(outreach, "csv", actor=officer)
    text = export.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0]["name"] == "Nguyễn Văn An" and rows[0]["email"] == "an@example.jp"
    assert rows[0]["postal_address"] == "1-2 Chiyoda" and rows[0]["language"] == "vi"
    assert rows[0]["subject"] == "Thư chúc Tết Bính Ngọ 2026"
    assert rows[0]["body"].startswith("Kính gửi Ông/Bà Nguyễn Văn An,")
    assert rows[1]["postal_address"] == "'=HYPERLINK(1)"  # never a formula
    english = write(officer, body_en=script, single_language="en", channel="email")
    reader = person(officer, "Đặng Thị Đọc", preferred_language="en", foreign_name="Doc Dang")
    recipients.add_recipients(english, [reader.id], actor=officer)
    services.approve_outreach(english, expected_version=english.version, actor=admin)
    rows = list(
        csv.DictReader(
            io.StringIO(export_letters(english, "csv", actor=officer).content.decode("utf-8-sig"))
        )
    )
    # HTML and script in a body are the text as typed: nothing interprets them.
    assert rows[0]["body"] == "<script>alert('x')</script> <b>Doc Dang</b>"
    assert rows[0]["language"] == "en"


def test_letters_of_a_draft_are_refused(officer):
    outreach = write(officer)
    before = settled()
    with pytest.raises(Conflict):
        export_letters(outreach, "pdf", actor=officer)
    assert state() == before


# --- merges, trash ---


def test_merging_contacts_moves_their_place_on_outreach_lists(officer):
    keep, gone = person(officer, "Trần Thị Lan"), person(officer, "Trần Thị Lan ", city="Kyoto")
    first, second = write(officer), write(officer)
    recipients.add_recipients(first, [gone.id], actor=officer)
    recipients.add_recipients(second, [keep.id, gone.id], actor=officer)
    merge_contacts(
        keep, gone, default_choices(keep, gone),
        survivor_version=keep.version, absorbed_version=gone.version, actor=officer,
    )  # fmt: skip
    _db.session.expire_all()
    assert [row.contact_id for row in _db.session.get(Outreach, first.id).recipients] == [keep.id]
    assert [row.contact_id for row in _db.session.get(Outreach, second.id).recipients] == [keep.id]


def test_a_recipient_moved_to_the_trash_is_left_out(officer, admin):
    lan, minh = person(officer, "Trần Thị Lan"), person(officer, "Lê Văn Minh")
    outreach = _approved(officer, admin, [lan, minh])
    contact_trash.delete_contact(minh, actor=officer)
    letters, left_out = recipients.eligible_letters(outreach)
    assert [letter.contact.id for letter in letters] == [lan.id]
    assert left_out == {"removed": 1}


def test_delete_a_draft(officer):
    outreach = write(officer)
    outreach_id = outreach.id
    services.delete_outreach(outreach, actor=officer)
    assert _db.session.get(Outreach, outreach_id) is None
    assert _db.session.scalar(select(Engagement)) is None
    assert _db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "outreach.delete")
    ).details == {"title": "Thư chúc Tết Bính Ngọ 2026"}


def test_user_approver_right(officer):
    viewer = new_user("viewer")
    admin = new_user("admin")
    assert admin.may_approve_outreach and not officer.may_approve_outreach
    viewer.can_approve_outreach = True
    assert not viewer.may_approve_outreach
    assert isinstance(_db.session.get(User, officer.id), User)
