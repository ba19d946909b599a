"""Contact pages through the test client: permissions, forms, bad input, duplicates, 409."""

from __future__ import annotations

import re
import unicodedata
import uuid
from html import unescape

import pytest

from diaspora.extensions import db as _db
from diaspora.models import AuditEvent, Category, Contact, ExpertiseField
from tests.conftest import login
from tests.contact_helpers import database_state

pytestmark = pytest.mark.usefixtures("seeded")


def form(**overrides) -> dict:
    values = {
        "entry_key": uuid.uuid4().hex,
        "full_name": "Nguyễn Thị Hồng Nhung",
        "country": "DE",
        "city": "Berlin",
        "preferred_language": "vi",
        "status": "active",
        "source": "manual",
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


def reference_id(app, model, code: str) -> str:
    """Ids differ between runs (PostgreSQL sequences are not reset): look them up by code."""
    with app.app_context():
        return str(_db.session.scalar(_db.select(model.id).where(model.code == code)))


def state(app) -> dict:
    with app.app_context():
        return database_state()


def contact_ids(app) -> list[int]:
    with app.app_context():
        return list(_db.session.scalars(_db.select(Contact.id).order_by(Contact.id)))


def create(client, **overrides) -> int:
    response = client.post("/contacts/new", data=form(**overrides))
    assert response.status_code == 302, errors(response)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def errors(response) -> list[str]:
    found = re.findall(r'class="field-error"[^>]*>([^<]*)<', response.get_data(as_text=True))
    return [unescape(message) for message in found]


def html(response) -> str:
    return response.get_data(as_text=True)


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


# --- duplicates on entry ------------------------------------------------------------------------


def test_duplicate_warning_then_save_as_different_person(app, client, login_as):
    login_as("officer", locale="en")
    existing = create(
        client, full_name="Nguyễn Văn Đức", country="JP", city="Tokyo", emails="duc@example.org"
    )
    data = form(full_name="Nguyen Van Duc", country="JP", city="Osaka")
    response = client.post("/contacts/new", data=data)
    page = html(response)
    assert "may already be in the registry" in page
    assert "same name in the same country" in page
    assert f"Record no. {existing}" in page and "duc@example.org" in page
    assert "Nguyen Van Duc" in page  # the officer's input is kept
    assert contact_ids(app) == [existing]
    acknowledged = re.search(r'name="acknowledged" type="hidden" value="([^"]*)"', page).group(1)
    assert acknowledged == str(existing)
    response = client.post(
        "/contacts/new", data={**data, "acknowledged": acknowledged, "decision": "distinct"}
    )
    assert response.status_code == 302
    assert len(contact_ids(app)) == 2
    with app.app_context():
        event = _db.session.scalar(
            _db.select(AuditEvent).where(
                AuditEvent.action == "contact.view_personal", AuditEvent.target_id == existing
            )
        )
        assert event.details == {"context": "duplicates"}


def test_same_name_in_another_country_is_saved_at_once(app, client, login_as):
    login_as("officer")
    create(client, full_name="Nguyễn Văn Đức", country="JP")
    create(client, full_name="Nguyen Van Duc", country="DE")
    assert len(contact_ids(app)) == 2


def test_duplicate_warning_then_merge(app, client, login_as):
    login_as("officer", locale="en")
    existing = create(
        client, full_name="Nguyễn Văn Đức", country="JP", city="Tokyo", phones="090-1234-5678"
    )
    data = form(
        full_name="Đức Nguyễn",
        country="JP",
        city="Tokyo",
        phones="+81 90 1234 5678",
        emails="duc@example.jp",
    )
    page = html(client.post("/contacts/new", data=data))
    assert "strong match" in page and "same phone number" in page
    response = client.post(
        "/contacts/new",
        data={**data, "acknowledged": str(existing), "decision": f"merge:{existing}"},
    )
    assert response.status_code == 302
    new_id = max(contact_ids(app))
    assert response.headers["Location"].endswith(
        f"/contacts/merge?survivor={existing}&absorbed={new_id}"
    )
    merge_page = client.get(response.headers["Location"])
    assert merge_page.status_code == 200
    assert "Đức Nguyễn" in html(merge_page)
    response = client.post(
        response.headers["Location"],
        data={"survivor_version": "1", "absorbed_version": "1", "choice_full_name": "survivor"},
    )
    assert response.status_code == 302
    assert contact_ids(app) == [existing, new_id]
    with app.app_context():
        survivor = _db.session.get(Contact, existing)
        assert survivor.email_addresses == ["duc@example.jp"]
        assert survivor.phone_numbers == ["+819012345678"]
        assert _db.session.get(Contact, new_id).merged_into_id == existing
    # The absorbed record's old address leads to the survivor.
    response = client.get(f"/contacts/{new_id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/{existing}")


def test_merge_with_itself_is_refused(app, client, login_as):
    login_as("officer", locale="en")
    contact_id = create(client)
    before = state(app)
    response = client.post(
        f"/contacts/merge?survivor={contact_id}&absorbed={contact_id}",
        data={"survivor_version": "1", "absorbed_version": "1"},
    )
    assert response.status_code == 422
    assert "cannot be merged with itself" in html(response)
    assert state(app) == before
    response = client.get(f"/contacts/merge?survivor={contact_id}&absorbed=abc")
    assert response.status_code == 422


# --- edit, 409, delete -------------------------------------------------------------------------


def _edit_form(page: str) -> dict:
    """The edit form's current values, as a browser would post them."""
    data = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="submit"' in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        if 'type="checkbox"' in tag or 'type="radio"' in tag:
            if "checked" in tag:
                data.setdefault(name.group(1), []).append(value.group(1))
            continue
        data[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        data[name] = unescape(re.sub(r"^\r?\n", "", body))
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        selected = re.search(r'<option selected value="([^"]*)"', options) or re.search(
            r'<option value="([^"]*)" selected', options
        )
        data[name] = selected.group(1) if selected else ""
    return {
        key: value.replace("&#34;", '"').replace("&amp;", "&") if isinstance(value, str) else value
        for key, value in data.items()
    }


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
    data = _edit_form(html(client.get(f"/contacts/{contact_id}/edit")))
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
    mine = _edit_form(html(first.get(f"/contacts/{contact_id}/edit")))
    theirs = _edit_form(html(second.get(f"/contacts/{contact_id}/edit")))
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
    reapply = _edit_form(page)
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
    mine = _edit_form(html(first.get(f"/contacts/{contact_id}/edit")))
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


# --- who sees what -------------------------------------------------------------------------------


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
    for secret in (
        "secret.person@example.org",
        "+49 30 7654321",
        "Unter den Linden",
        "1971",
        "Internal remark 42",
    ):
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
    for secret in (
        "secret.person@example.org",
        "+49 30 7654321",
        "Unter den Linden",
        "1971",
        "Internal remark 42",
    ):
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
