"""Outreach pages through the test client: permissions, the side-by-side editor and its preview,
bad input in both languages (nothing lost, nothing saved), approval, recipients with consent,
letters, marking as sent, the approver right on the accounts page, the plan-task page."""

from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import select

from diaspora.extensions import db as _db
from diaspora.models import AuditEvent, Engagement, Outreach, User
from tests import record_pages
from tests.account_helpers import account_form
from tests.outreach_helpers import BODY_EN, BODY_VI, person
from tests.record_pages import create_through, errors, form_values, html, page_state

pytestmark = pytest.mark.usefixtures("seeded")


OUTREACH_FORM = {
    "step": "save",
    "title_vi": "Thư chúc Tết Bính Ngọ 2026",
    "title_en": "Tết greetings 2026",
    "body_vi": BODY_VI,
    "body_en": BODY_EN,
    "single_language": "",
    "occasion": "tet",
    "channel": "letter",
    "document_number": "125/SNgV-LS",
    "signatory": "Giám đốc Sở Ngoại vụ",
    "plan_tasks": ["II.4"],
}


def form(**overrides) -> dict:
    return form_values(OUTREACH_FORM, overrides)


def create(client, **overrides) -> int:
    return create_through(client, "/outreach/new", Outreach, form(**overrides))


def version_of(app, outreach_id: int) -> int:
    with app.app_context():
        return _db.session.get(Outreach, outreach_id).version


def readers(user: User) -> list:
    """Two contacts with consent to outreach (one reading English), one without."""
    return [
        person(user, "Trần Thị Lan", gender="female"),
        person(user, "Lê Văn Minh", preferred_language="en", foreign_name="Minh Le"),
        person(user, "Vũ Thị Hoa", consents=()),
    ]


@pytest.fixture
def people(app, make_user):
    return record_pages.registered(app, make_user, readers)


# --- permissions ---


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        ("viewer", "/outreach/", 403),
        ("viewer", "/outreach/new", 403),
        ("officer", "/outreach/", 200),
        ("officer", "/outreach/new", 200),
        ("admin", "/outreach/new", 200),
    ],
)
def test_who_may_open_what(client, login_as, role, path, status):
    record_pages.check_opens(client, login_as, role, path, status)


def test_the_menu_links_outreach_for_officers_only(client, login_as):
    login_as("officer", locale="en")
    assert 'href="/outreach/"' in html(client.get("/plan/"))
    client.post("/logout")
    login_as("viewer", locale="en")
    page = html(client.get("/plan/"))
    assert 'href="/outreach/"' not in page and 'href="/delegations/"' in page


# --- the editor ---


def test_write_preview_and_save(client, login_as, people, app):
    login_as("officer", locale="en")
    page = html(client.get("/outreach/new"))
    for name in ("title_vi", "body_vi", "title_en", "body_en", "single_language", "signatory"):
        assert f'<label for="{name}">' in page
    before = page_state(app)
    preview = client.post("/outreach/new", data=form(step="preview"))
    assert preview.status_code == 200
    text = html(preview)
    assert "Kính gửi Ông/Bà Nguyễn Văn An," in text  # a sample person: nobody on a new list
    assert "Dear Mr/Ms An Nguyen," in text
    assert page_state(app) == before  # a preview saves nothing
    response = client.post("/outreach/new", data=form())
    assert response.status_code == 302 and "/recipients" in response.headers["Location"]


def test_html_and_script_in_a_body_show_as_text(client, login_as, app):
    login_as("officer", locale="en")
    body = "<script>alert('x')</script><b>Chúc mừng</b> {{ name }}"
    preview = html(client.post("/outreach/new", data=form(step="preview", body_vi=body)))
    assert "<script>alert" not in preview and "&lt;script&gt;alert(" in preview
    assert "&lt;b&gt;Chúc mừng&lt;/b&gt; Nguyễn Văn An" in preview
    outreach_id = create(client, body_vi=body)
    shown = html(client.get(f"/outreach/{outreach_id}"))
    assert "<script>alert" not in shown and "&lt;script&gt;alert(" in shown


@pytest.mark.parametrize(
    ("locale", "overrides", "expected"),
    [
        ("en", {"body_vi": "Kính gửi {{ password }}"}, "Unknown placeholder {{ password }}"),
        ("vi", {"body_vi": "Kính gửi {{ password }}"}, "Không nhận ra trường điền {{ password }}"),
        ("en", {"body_en": "x" * 200 * 1024}, "The text is too long"),
        ("vi", {"body_en": "x" * 200 * 1024}, "Văn bản quá dài"),
        ("en", {"title_vi": "Chúc {{ name }}"}, "Placeholders can be used in the text only"),
        ("en", {"body_en": "Dear {{ name }"}, "A placeholder is not closed"),
    ],
)
def test_bad_input_keeps_everything_typed_and_saves_nothing(
    client, login_as, app, locale, overrides, expected
):
    login_as("officer", locale=locale)
    before = page_state(app)
    response = client.post("/outreach/new", data=form(**overrides))
    assert response.status_code == 422
    assert any(expected in message for message in errors(response)), errors(response)
    page = html(response)
    for value in overrides.values():
        assert value[:100] in unescape(page)  # nothing typed is lost
    assert "Thư chúc Tết Bính Ngọ 2026" in page or "title_vi" in overrides
    assert page_state(app) == before


def test_edit_a_draft_and_a_stale_edit(client, login_as, app):
    login_as("officer", locale="en")
    outreach_id = create(client)
    record_pages.check_edits(
        client, app, f"/outreach/{outreach_id}/edit", form, "signatory", "outreach"
    )


def test_a_second_click_on_save_creates_no_second_outreach(client, login_as, app):
    login_as("officer", locale="en")
    record_pages.check_second_click(client, app, "/outreach/new", form(), "outreach")


# --- approval ---


def test_an_officer_without_the_right_cannot_approve(client, login_as, app):
    login_as("officer", locale="en")
    outreach_id = create(client)
    page = html(client.get(f"/outreach/{outreach_id}"))
    assert f'action="/outreach/{outreach_id}/approve"' not in page
    before = page_state(app)
    response = client.post(f"/outreach/{outreach_id}/approve", data={"version": "1"})
    assert response.status_code == 403
    assert page_state(app) == before


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "The English version is missing"),
        ("vi", "Còn thiếu bản tiếng Anh"),
    ],
)
def test_approval_without_the_english_version(client, login_as, app, locale, expected):
    login_as("admin", locale=locale)
    outreach_id = create(client, title_en="", body_en="")
    before = page_state(app)
    response = client.post(f"/outreach/{outreach_id}/approve", data={"version": "1"})
    assert response.status_code == 422
    assert expected in html(response)
    assert page_state(app) == before


def test_approve_with_the_approver_right(client, login_as, app, make_user):
    officer = login_as("officer", locale="en")
    with app.app_context():
        _db.session.get(User, officer.id).can_approve_outreach = True
        _db.session.commit()
    outreach_id = create(client)
    response = client.post(f"/outreach/{outreach_id}/approve", data={"version": "1"})
    assert response.status_code == 302
    with app.app_context():
        row = _db.session.get(Outreach, outreach_id)
        assert row.status == "approved" and row.approved_by_id == officer.id
    # The approved text cannot be edited until it is returned to draft.
    assert client.get(f"/outreach/{outreach_id}/edit").status_code == 302
    reopened = client.post(f"/outreach/{outreach_id}/reopen", data={"version": "2"})
    assert reopened.headers["Location"] == f"/outreach/{outreach_id}"
    shown = html(client.get(reopened.headers["Location"]))
    assert "The outreach is a draft again: it must be approved again." in shown
    with app.app_context():
        assert _db.session.get(Outreach, outreach_id).status == "draft"
    again = client.post(f"/outreach/{outreach_id}/reopen", data={"version": "3"})
    assert again.headers["Location"] == f"/outreach/{outreach_id}"
    assert "Only an approved outreach that has not been sent can return to draft." in html(
        client.get(again.headers["Location"])
    )


# --- recipients, letters, sending ---


def test_recipients_page_counts_who_is_left_out_and_why(client, login_as, app, people):
    login_as("officer", locale="en")
    outreach_id = create(client)
    response = client.post(
        f"/outreach/{outreach_id}/recipients",
        data={"step": "add_numbers", "add_numbers": ", ".join(str(i) for i in people)},
    )
    assert response.status_code == 302
    page = html(client.get(response.headers["Location"]))
    assert "2 recipients added. 1 contact left out: 1 no consent to outreach recorded." in page
    assert "1 in Vietnamese, 1 in English." in page
    # From a saved search: everyone in Japan (the same people, already on the list).
    response = client.post(
        f"/outreach/{outreach_id}/recipients",
        data={"step": "add_search", "search": "/search/?country=JP"},
    )
    page = html(client.get(response.headers["Location"]))
    assert "0 recipients added" in page and "2 were already on the list." in page


def test_a_bad_saved_search_is_explained(client, login_as, app, people):
    login_as("officer", locale="en")
    outreach_id = create(client)
    before = page_state(app)
    response = client.post(
        f"/outreach/{outreach_id}/recipients",
        data={"step": "add_search", "search": "country=XX"},
    )
    assert response.status_code == 422
    assert "Unknown country code: XX." in errors(response)
    assert 'value="country=XX"' in html(response)
    assert page_state(app) == before


def test_find_and_remove_recipients(client, login_as, app, people):
    login_as("officer", locale="en")
    outreach_id = create(client)
    found = client.post(
        f"/outreach/{outreach_id}/recipients", data={"step": "find", "find_text": "Lan"}
    )
    assert "Trần Thị Lan" in html(found)
    client.post(
        f"/outreach/{outreach_id}/recipients", data={"step": "add", "found": [str(people[0])]}
    )
    with app.app_context():
        row_id = _db.session.get(Outreach, outreach_id).recipients[0].id
    client.post(
        f"/outreach/{outreach_id}/recipients", data={"step": "remove", "selected": [str(row_id)]}
    )
    with app.app_context():
        assert _db.session.get(Outreach, outreach_id).recipients == []


def test_letters_and_sending(client, login_as, app, people):
    login_as("admin", locale="en")
    outreach_id = create(client)
    client.post(
        f"/outreach/{outreach_id}/recipients",
        data={"step": "add_numbers", "add_numbers": ", ".join(str(i) for i in people)},
    )
    draft_letters = client.get(f"/outreach/{outreach_id}/letters.pdf")
    assert draft_letters.status_code == 302  # a draft has a preview, not letters
    client.post(f"/outreach/{outreach_id}/approve", data={"version": "1"})
    pdf = client.get(f"/outreach/{outreach_id}/letters.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("attachment; filename=")
    assert pdf.headers["Cache-Control"] == "no-store"
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"
    data = client.get(f"/outreach/{outreach_id}/letters.csv")
    assert data.mimetype == "text/csv" and "Trần Thị Lan" in data.get_data(as_text=True)
    confirm = html(client.get(f"/outreach/{outreach_id}/send"))
    assert "2 recipients will be recorded" in confirm
    response = client.post(
        f"/outreach/{outreach_id}/send", data={"version": str(version_of(app, outreach_id))}
    )
    assert response.status_code == 302
    page = html(client.get(f"/outreach/{outreach_id}"))
    assert "a greeting-letter engagement was recorded with 2 recipients" in page
    with app.app_context():
        engagement = _db.session.scalar(select(Engagement))
        assert engagement.type == "greeting_letter"
        assert sorted(row.contact_id for row in engagement.participants) == sorted(people[:2])
    # On the recipients' profile timelines.
    profile = html(client.get(f"/contacts/{people[0]}"))
    assert "Thư chúc Tết Bính Ngọ 2026" in profile


def test_viewers_and_officers_without_personal_details_get_no_letters(client, login_as):
    login_as("viewer")
    assert client.get("/outreach/1/letters.csv").status_code == 403


def test_delete_a_draft(client, login_as, app):
    login_as("officer", locale="en")
    outreach_id = create(client)
    assert client.get(f"/outreach/{outreach_id}/delete").status_code == 200
    response = client.post(f"/outreach/{outreach_id}/delete", data={"version": "1"})
    assert response.status_code == 302 and response.headers["Location"] == "/outreach/"
    shown = html(client.get("/outreach/"))
    assert "The outreach “Thư chúc Tết Bính Ngọ 2026” was deleted." in shown
    with app.app_context():
        assert _db.session.get(Outreach, outreach_id) is None
        assert (
            _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "outreach.delete"))
            is not None
        )


# --- the approver right on the accounts page, the plan task ---


def approver_form(user) -> dict:
    """The account form of ``user``, unchanged but for the approver right, ticked."""
    return account_form(user, can_approve_outreach="y")


def test_admin_gives_the_approver_right(client, login_as, app, make_user):
    login_as("admin", locale="en")
    officer = make_user("officer")
    page = html(client.get(f"/admin/users/{officer.id}"))
    assert '<label for="can_approve_outreach">' in page
    response = client.post(
        f"/admin/users/{officer.id}",
        data=approver_form(officer),
    )
    assert response.status_code == 302
    with app.app_context():
        assert _db.session.get(User, officer.id).can_approve_outreach is True
        event = _db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "user.permissions")
        )
        assert event.details == {"can_approve_outreach": [False, True]}


def test_viewers_cannot_be_given_the_approver_right(client, login_as, app, make_user):
    login_as("admin", locale="en")
    viewer = make_user("viewer")
    before = page_state(app)
    response = client.post(
        f"/admin/users/{viewer.id}",
        data=approver_form(viewer),
    )
    assert response.status_code == 200
    assert "Only officers and administrators can be given the approver right." in errors(response)
    assert page_state(app) == before


def test_plan_task_page_lists_outreach(client, login_as):
    login_as("officer", locale="en")
    outreach_id = create(client)
    page = record_pages.check_plan_task_page(client, "/outreach/", outreach_id)
    assert "Outreach and delegation visits" in page


def test_the_list_pages_and_keeps_its_filter(client, login_as, app, monkeypatch):
    login_as("officer", locale="en")
    record_pages.check_list_pages(
        client, app, monkeypatch, "/outreach/", "status=draft", lambda: create(client)
    )
