"""Contact pages through the test client: permissions, forms, bad input, edit, 409, delete,
both languages. Duplicates and merge: ``test_contacts_views_duplicates.py``; who sees what
and consent: ``test_contacts_views_privacy.py``."""

from __future__ import annotations

import re
import unicodedata

import pytest

from diaspora.extensions import db as _db
from diaspora.models import AuditEvent, Category, Contact, ExpertiseField
from tests.conftest import login
from tests.contact_pages import (
    contact_ids,
    create,
    edit_form,
    errors,
    form,
    html,
    reference_id,
    state,
)

pytestmark = pytest.mark.usefixtures("seeded")


# --- permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        ("viewer", "/contacts/", 200),
        ("viewer", "/contacts/new", 403),
        ("viewer", "/contacts/trash/", 403),
        ("viewer", "/categories/", 403),
        ("viewer", "/organizations/", 200),
        ("officer", "/contacts/new", 200),
        ("officer", "/contacts/trash/", 200),
        ("officer", "/categories/", 403),
        ("admin", "/categories/", 200),
    ],
)
def test_who_may_open_what(client, login_as, role, path, status):
    login_as(role)
    assert client.get(path).status_code == status


def test_anonymous_is_sent_to_login(client):
    response = client.get("/contacts/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_every_contact_route_declares_a_permission(app):
    from diaspora.auth.permissions import access_of

    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in {
            "contacts",
            "consents",
            "trash",
            "organizations",
            "categories",
        }:
            assert access_of(app.view_functions[rule.endpoint]) is not None, rule.endpoint


# --- create, profile, list ----------------------------------------------------------------------


def test_register_a_contact_typed_decomposed(app, client, login_as):
    login_as("officer")
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hồng Nhung")
    field_id = reference_id(app, ExpertiseField, "1.2")
    contact_id = create(
        client,
        full_name=decomposed,
        emails="nhung@example.org",
        phones="030 1234567",
        languages=["de", "vi"],
        **{"expertise-0-field": field_id, "expertise-0-level": "expert", "expertise-0-years": "7"},
        **{"memberships-0-organization": "Hội người Việt", "memberships-0-role": "Hội viên"},
    )
    with app.app_context():
        contact = _db.session.get(Contact, contact_id)
        assert contact.full_name == "Nguyễn Thị Hồng Nhung"
        assert contact.phone_numbers == ["+49301234567"]
        assert [row.field.code for row in contact.expertise] == ["1.2"]
    page = html(client.get(f"/contacts/{contact_id}"))
    assert "Nguyễn Thị Hồng Nhung" in page
    assert "+49 30 1234567" in page  # shown in international format
    assert "Hội người Việt" in page


def test_contact_form_never_pre_ticks_consent(client, login_as):
    login_as("officer")
    page = html(client.get("/contacts/new"))
    consent_inputs = re.findall(r"<input[^>]*consent_purposes[^>]*>", page)
    assert len(consent_inputs) == 3
    assert not any("checked" in tag for tag in consent_inputs)
    assert not any("checked" in tag for tag in re.findall(r"<input[^>]*willing_[^>]*>", page))
    assert all(
        "checked" not in tag for tag in re.findall(r'<input[^>]*type="checkbox"[^>]*>', page)
    )


def test_pending_badge_in_list_and_profile(client, login_as):
    login_as("officer", locale="en")
    pending = create(client)
    justified = create(
        client,
        full_name="Trần Văn Nam",
        legal_basis="state_function",
        legal_basis_note="Decision 12/QĐ",
    )
    listing = html(client.get("/contacts/"))
    assert listing.count("badge-pending") == 1
    assert "pending" in html(client.get(f"/contacts/{pending}"))
    assert "badge-pending" not in html(client.get(f"/contacts/{justified}"))


def test_list_is_paged_sorted_and_filtered(app, client, login_as):
    login_as("officer", locale="en")
    app.config["PER_PAGE"] = 2
    try:
        for name in ("Đặng Minh Khôi", "Nguyễn Văn Đức", "Trần Thị Hoà"):
            create(client, full_name=name, city=name[:3])
        client.get("/contacts/")  # shows (and so clears) the flashed messages
        first = html(client.get("/contacts/?sort=name"))
        assert "Đặng Minh Khôi" in first and "Trần Thị Hoà" not in first
        assert "Page 1 of 2" in first
        second = html(client.get("/contacts/?sort=name&page=2"))
        assert "Trần Thị Hoà" in second
        desc = html(client.get("/contacts/?sort=-name"))
        assert desc.index("Trần Thị Hoà") < desc.index("Nguyễn Văn Đức")
        filtered = html(client.get("/contacts/?q=DUC"))
        assert "Nguyễn Văn Đức" in filtered and "Đặng Minh Khôi" not in filtered
        assert client.get("/contacts/?sort=bogus&page=-3").status_code == 200
    finally:
        app.config["PER_PAGE"] = 50


# --- bad input -----------------------------------------------------------------------------------

BAD_FORMS = [
    ({"full_name": ""}, "Nhập họ và tên", "Enter the person's full name"),
    ({"full_name": "N" * 500}, "200", "At most 200 characters"),
    ({"phones": "12345"}, "không phải là số điện thoại hợp lệ", "not a valid phone number"),
    (
        {"emails": "nhung nguyen@example.org"},
        "không phải là địa chỉ email hợp lệ",
        "not a valid email address",
    ),
    ({"country": "XX"}, "không phải là mã quốc gia", "is not a country code"),
    ({"birth_year": "1850"}, "từ 1900 đến", "between 1900 and"),
    ({"birth_year": "2090"}, "từ 1900 đến", "between 1900 and"),
    ({"website": "javascript:alert(1)"}, "http://", "http:// or https://"),
    ({"languages": ["xx"]}, "không có trong danh sách", "not a language in the list"),
]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(("overrides", "vi_message", "en_message"), BAD_FORMS)
def test_bad_input_gets_a_clear_message_and_changes_nothing(
    app, client, login_as, language, overrides, vi_message, en_message
):
    login_as("officer", locale=language)
    before = state(app)
    response = client.post("/contacts/new", data=form(**overrides))
    assert response.status_code == 200
    message = " ".join(errors(response))
    assert (vi_message if language == "vi" else en_message) in message
    assert state(app) == before


def test_script_in_a_name_is_refused_and_shown_escaped(app, client, login_as):
    login_as("officer", locale="en")
    before = state(app)
    response = client.post("/contacts/new", data=form(full_name="<script>alert(1)</script>"))
    page = html(response)
    assert "cannot contain" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert state(app) == before


def test_form_posted_twice_saves_once(app, client, login_as):
    login_as("officer", locale="en")
    data = form()
    first = client.post("/contacts/new", data=data)
    assert first.status_code == 302
    after_first = state(app)
    second = client.post("/contacts/new", data=data)
    assert second.status_code == 302
    assert state(app) == after_first
    assert "already saved" in html(client.get(second.headers["Location"]))
    assert len(contact_ids(app)) == 1


# --- edit, 409, delete -------------------------------------------------------------------------


def test_edit_round_trip_changes_only_what_changed(app, client, login_as):
    login_as("officer", locale="en")
    contact_id = create(
        client,
        emails="a@example.org",
        phones="030 1234567",
        languages=["de", "vi"],
        categories=[reference_id(app, Category, "artist")],
        **{
            "expertise-0-field": reference_id(app, ExpertiseField, "1.2"),
            "expertise-0-level": "basic",
        },
    )
    data = edit_form(html(client.get(f"/contacts/{contact_id}/edit")))
    assert data["version"] == "1" and data["phones"] == "+49 30 1234567"
    response = client.post(f"/contacts/{contact_id}/edit", data=data, follow_redirects=True)
    assert "Nothing to save" in html(response)
    data["city"] = "Hamburg"
    response = client.post(f"/contacts/{contact_id}/edit", data=data, follow_redirects=True)
    assert "saved" in html(response)
    with app.app_context():
        event = _db.session.scalar(
            _db.select(AuditEvent).where(AuditEvent.action == "contact.update")
        )
        assert event.details["changes"] == {"city": ["Berlin", "Hamburg"]}
    history = html(client.get(f"/contacts/{contact_id}"))
    assert "Change history" in history and "Hamburg" in history


def test_conflict_with_two_sessions_keeps_the_unsaved_input(app, make_user):
    first, second = app.test_client(), app.test_client()
    login(first, make_user("officer", locale="en", name="Officer One").email)
    login(second, make_user("officer", locale="en", name="Officer Two").email)
    contact_id = create(first)
    mine = edit_form(html(first.get(f"/contacts/{contact_id}/edit")))
    theirs = edit_form(html(second.get(f"/contacts/{contact_id}/edit")))
    theirs["city"] = "Hamburg"
    assert second.post(f"/contacts/{contact_id}/edit", data=theirs).status_code == 302
    before = state(app)
    mine["occupation"] = "Bác sĩ nhi khoa"
    response = first.post(f"/contacts/{contact_id}/edit", data=mine)
    assert response.status_code == 409
    page = html(response)
    assert "Someone else changed this record" in page
    assert "Officer Two" in page and "Berlin" in page and "Hamburg" in page
    assert 'value="Bác sĩ nhi khoa"' in page  # the unsaved input is kept
    assert state(app) == before
    reapply = edit_form(page)
    assert reapply["version"] == "2"
    assert reapply["occupation"] == "Bác sĩ nhi khoa"
    assert first.post(f"/contacts/{contact_id}/edit", data=reapply).status_code == 302
    with app.app_context():
        contact = _db.session.get(Contact, contact_id)
        # Re-applying the form as shown puts the officer's whole input back, city included.
        assert (contact.occupation, contact.city, contact.version) == (
            "Bác sĩ nhi khoa",
            "Berlin",
            3,
        )


def test_edit_of_a_record_deleted_meanwhile(app, make_user):
    first, second = app.test_client(), app.test_client()
    login(first, make_user("officer", locale="en").email)
    login(second, make_user("officer", locale="en").email)
    contact_id = create(first)
    mine = edit_form(html(first.get(f"/contacts/{contact_id}/edit")))
    assert second.post(f"/contacts/{contact_id}/delete").status_code == 302
    before = state(app)
    mine["city"] = "Hamburg"
    response = first.post(f"/contacts/{contact_id}/edit", data=mine)
    assert response.status_code == 409
    assert "moved to the trash or merged" in html(response)
    assert state(app) == before
    assert first.get(f"/contacts/{contact_id}/edit").status_code == 404


def test_delete_restore_and_purge_pages(app, client, login_as, make_user):
    login_as("officer", locale="en")
    contact_id = create(client)
    assert "Move Nguyễn Thị Hồng Nhung to the trash?" in html(
        client.get(f"/contacts/{contact_id}/delete")
    )
    link = f'href="/contacts/{contact_id}"'
    assert client.post(f"/contacts/{contact_id}/delete").status_code == 302
    assert link not in html(client.get("/contacts/"))
    assert link in html(client.get("/contacts/trash/"))
    before = state(app)
    again = client.post(f"/contacts/{contact_id}/delete", follow_redirects=True)
    assert "already in the trash" in html(again)
    assert state(app) == before
    assert client.get(f"/contacts/trash/{contact_id}/purge").status_code == 403
    assert client.post(f"/contacts/trash/{contact_id}/restore").status_code == 302
    assert link in html(client.get("/contacts/"))
    assert client.post(f"/contacts/{contact_id}/delete").status_code == 302
    admin = app.test_client()
    login(admin, make_user("admin", locale="en").email)
    assert "cannot be undone" in html(admin.get(f"/contacts/trash/{contact_id}/purge"))
    assert admin.post(f"/contacts/trash/{contact_id}/purge").status_code == 302
    assert contact_ids(app) == []
    assert admin.get(f"/contacts/{contact_id}").status_code == 404


# --- both languages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("vi", ["Kiều bào", "Thêm kiều bào", "Nhân thân", "Lịch sử thay đổi"]),
        ("en", ["Contacts", "Register a contact", "Identity", "Change history"]),
    ],
)
def test_pages_in_both_languages(client, login_as, language, words):
    login_as("officer", locale=language)
    contact_id = create(client)
    text = (
        html(client.get("/contacts/"))
        + html(client.get("/contacts/new"))
        + html(client.get(f"/contacts/{contact_id}"))
    )
    for word in words:
        assert word in text


def test_trash_is_paged(app, client, login_as):
    """A bulk delete can fill the trash: it pages like every other list."""
    login_as("officer", locale="en")
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường"]
    ids = [create(client, full_name=name, city=f"City {i}") for i, name in enumerate(names)]
    for contact_id in ids:
        assert client.post(f"/contacts/{contact_id}/delete").status_code == 302
    app.config["PER_PAGE"], per_page = 2, app.config["PER_PAGE"]
    try:
        first = html(client.get("/contacts/trash/"))
        second = html(client.get("/contacts/trash/?page=2"))
    finally:
        app.config["PER_PAGE"] = per_page
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    listed = [f'href="/contacts/{i}"' in first + second for i in ids]
    assert all(listed)
    assert sum(f'href="/contacts/{i}"' in first for i in ids) == 2


@pytest.mark.parametrize("other", ["99999999999999999999", "2147483648", "0", "-4"])
def test_merge_with_an_impossible_record_number_is_not_found(app, client, login_as, other):
    """Hand-edited merge addresses: a number no record can have is 404, never a 500."""
    login_as("officer", locale="en")
    contact_id = create(client)
    before = state(app)
    for query in (
        f"survivor={contact_id}&absorbed={other}",
        f"survivor={other}&absorbed={contact_id}",
    ):
        assert client.get(f"/contacts/merge?{query}").status_code == 404
        response = client.post(
            f"/contacts/merge?{query}", data={"survivor_version": "1", "absorbed_version": "1"}
        )
        assert response.status_code == 404
    assert state(app) == before
