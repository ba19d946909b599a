"""Contact services called directly: validation, create, update, versions, history, trash."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from diaspora.contacts import consent as consents
from diaspora.contacts import services, trash
from diaspora.contacts.data import ConsentInput, ExpertiseEntry, MembershipEntry
from diaspora.contacts.errors import AlreadySaved, ContactGone, DuplicatesFound, StaleVersion
from diaspora.contacts.history import HIDDEN, contact_history
from diaspora.contacts.indexing import contact_search_terms
from diaspora.contacts.validation import this_year
from diaspora.errors import Conflict, ValidationFailed
from diaspora.models import AuditEvent, Contact, ContactPhone, ExpertiseField, Organization
from diaspora.reference import services as reference
from tests.contact_helpers import data, database_state, new_user

pytestmark = pytest.mark.usefixtures("seeded", "english")


@pytest.fixture
def english(app):
    """Messages rendered in English, as for a reader whose browser asks for English."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def _field(db, code: str) -> ExpertiseField:
    return db.session.scalar(db.select(ExpertiseField).where(ExpertiseField.code == code))


def _messages(error: ValidationFailed) -> dict[str, str]:
    return {key: " ".join(str(m) for m in value) for key, value in error.errors.items()}


def test_create_stores_nfc_and_derived_text(db):
    officer = new_user()
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hồng Nhung")
    contact = services.create_contact(
        data(
            full_name=f"  {decomposed}  ",
            foreign_name="Helen Nguyen",
            emails=["Helen.Nguyen@Example.org"],
            phones=["030 1234567"],
            languages=["de", "vi", "de"],
            categories=["intellectual"],
            expertise=[ExpertiseEntry("1.1", "expert", "12"), ExpertiseEntry()],
            memberships=[MembershipEntry("Hội người Việt tại Berlin", "Phó chủ tịch")],
        ),
        actor=officer,
    )
    db.session.commit()
    assert contact.full_name == "Nguyễn Thị Hồng Nhung"
    assert contact.name_folded == "nguyen thi hong nhung"
    assert contact.names_folded == " nguyen thi hong nhung helen nguyen "
    assert contact.email_addresses == ["helen.nguyen@example.org"]
    assert contact.phone_numbers == ["+49301234567"]
    assert contact.language_codes == ["vi", "de"]  # in the list's order
    assert [c.code for c in contact.categories] == ["intellectual"]
    assert [(e.field.code, e.level, e.years) for e in contact.expertise] == [("1.1", "expert", 12)]
    assert contact.memberships[0].organization.name == "Hội người Việt tại Berlin"
    assert contact.version == 1
    assert contact.legal_basis_pending
    assert contact.entered_by_id == officer.id
    terms = contact_search_terms(contact)
    assert "nguyen thi hong nhung" in terms and "helen" in terms and "mathematics" in terms
    assert "toan hoc" in terms and "hoi nguoi viet tai berlin" in terms
    assert "example.org" not in terms
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "contact.create"))
    assert event.target_id == contact.id and event.actor_id == officer.id
    assert event.details["changes"]["full_name"] == [None, "Nguyễn Thị Hồng Nhung"]


BAD_INPUT = [
    ({"full_name": ""}, "full_name", "Enter the person's full name"),
    ({"full_name": "   "}, "full_name", "Enter the person's full name"),
    ({"full_name": "N" * 500}, "full_name", "At most 200 characters"),
    ({"full_name": "<script>alert(1)</script>"}, "full_name", "cannot contain"),
    ({"full_name": "12345"}, "full_name", "must contain letters"),
    ({"phones": ["12"]}, "phones", "not a valid phone number in Germany"),
    ({"phones": ["090-1234-5678"], "country": "DE"}, "phones", "not a valid phone number"),
    ({"emails": ["nhung nguyen@example.org"]}, "emails", "not a valid email address"),
    ({"emails": ["nhung@"]}, "emails", "not a valid email address"),
    ({"country": "XX"}, "country", "not a country code"),
    ({"country": ""}, "country", "Choose the country"),
    ({"birth_year": "1850"}, "birth_year", "between 1900 and"),
    ({"birth_year": "2090"}, "birth_year", "between 1900 and"),
    ({"birth_year": "nineteen"}, "birth_year", "between 1900 and"),
    ({"languages": ["xx"]}, "languages", "not a language"),
    ({"website": "javascript:alert(1)"}, "website", "http:// or https://"),
    ({"website": "ftp://example.org"}, "website", "http:// or https://"),
    ({"gender": "x"}, "gender", "female, male or other"),
    ({"status": "gone"}, "status", "active, inactive or deceased"),
    ({"legal_basis": "consent"}, "legal_basis", "Consent can be the legal basis only"),
    ({"legal_basis": "state_function"}, "legal_basis_note", "Explain which function"),
    ({"verified_on": "2999-01-01"}, "verified_on", "cannot be in the future"),
    ({"verified_on": "31/12/2025"}, "verified_on", "YYYY-MM-DD"),
    ({"expertise": [ExpertiseEntry("nope")]}, "expertise", "Choose an expertise field"),
    ({"expertise": [ExpertiseEntry("1.1", "guru")]}, "expertise", "basic, experienced"),
    ({"expertise": [ExpertiseEntry("1.1", None, "200")]}, "expertise", "from 0 to 80"),
    (
        {"expertise": [ExpertiseEntry("1.1"), ExpertiseEntry("1.1")]},
        "expertise",
        "only once",
    ),
    ({"memberships": [MembershipEntry("", "Chủ tịch")]}, "memberships", "organization's name"),
    ({"categories": ["no-such"]}, "categories", "from the list"),
    ({"notes": "x" * 5001}, "notes", "At most 5000"),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_INPUT)
def test_bad_input_is_refused_and_changes_nothing(db, overrides, field, message):
    officer = new_user()
    db.session.commit()
    before = database_state()
    with pytest.raises(ValidationFailed) as caught:
        services.create_contact(data(**overrides), actor=officer)
    db.session.rollback()
    assert message in _messages(caught.value)[field]
    assert database_state() == before


def test_all_errors_are_reported_at_once(db):
    officer = new_user()
    with pytest.raises(ValidationFailed) as caught:
        services.create_contact(
            data(full_name="", country="XX", birth_year="1850", emails=["a b@c.d"]),
            actor=officer,
            consent=ConsentInput(["store_process"]),
        )
    assert {
        "full_name",
        "country",
        "birth_year",
        "emails",
        "consent_method",
        "consent_given_on",
        "consent_evidence",
    } <= set(caught.value.errors)


def test_birth_year_bounds(db):
    officer = new_user()
    first = services.create_contact(data(birth_year="1900"), actor=officer)
    assert first.birth_year == 1900
    last = services.create_contact(
        data(full_name="Trần Văn Nam", birth_year=str(this_year())), actor=officer
    )
    assert last.birth_year == this_year()


def test_phone_parsed_with_country_of_residence(db):
    officer = new_user()
    japan = services.create_contact(
        data(country="JP", city="Tokyo", phones=["090-1234-5678", "+84 912 345 678"]),
        actor=officer,
    )
    assert japan.phone_numbers == ["+819012345678", "+84912345678"]


def test_form_posted_twice_creates_one_record(db):
    officer = new_user()
    services.create_contact(data(), actor=officer, entry_key="key-1")
    db.session.commit()
    before = database_state()
    with pytest.raises(AlreadySaved):
        services.create_contact(data(), actor=officer, entry_key="key-1")
    db.session.rollback()
    assert database_state() == before


def test_form_posted_twice_at_the_same_moment(db, monkeypatch):
    """Both posts passed the first check: the unique key stops the second at the database."""
    officer = new_user()
    first = services.create_contact(data(), actor=officer, entry_key="key-2")
    db.session.commit()
    before = database_state()
    monkeypatch.setattr(services, "find_by_entry_key", lambda key: None)
    with pytest.raises(AlreadySaved):
        services.create_contact(data(), actor=officer, entry_key="key-2", acknowledged=[first.id])
    db.session.rollback()
    assert database_state() == before


def test_consent_at_creation_allows_consent_basis(db):
    officer = new_user()
    contact = services.create_contact(
        data(legal_basis="consent"),
        actor=officer,
        consent=ConsentInput(["store_process", "outreach"], "paper", "2026-01-05", "Phiếu số 5"),
    )
    assert contact.legal_basis == "consent"
    assert sorted(c.purpose for c in contact.consents) == ["outreach", "store_process"]
    assert all(c.recorded_by_id == officer.id for c in contact.consents)
    assert contact.active_consent("sharing") is None


def test_state_function_basis_with_justification(db):
    officer = new_user()
    contact = services.create_contact(
        data(legal_basis="state_function", legal_basis_note="Quyết định 123/QĐ-UBND"),
        actor=officer,
    )
    assert contact.legal_basis == "state_function" and not contact.legal_basis_pending


def test_update_records_field_diff_and_bumps_version(db):
    officer = new_user()
    contact = services.create_contact(data(emails=["a@example.org"]), actor=officer)
    db.session.commit()
    changes = services.update_contact(
        contact,
        data(city="München", emails=["b@example.org"], occupation="Bác sĩ"),
        expected_version=1,
        actor=officer,
    )
    db.session.commit()
    assert changes == {
        "city": ["Berlin", "München"],
        "emails": [["a@example.org"], ["b@example.org"]],
        "occupation": ["", "Bác sĩ"],
    }
    assert contact.version == 2
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "contact.update"))
    assert event.details == {"changes": changes, "version": 2}


def test_update_with_same_values_changes_nothing(db):
    officer = new_user()
    contact = services.create_contact(data(), actor=officer)
    db.session.commit()
    before = database_state()
    assert services.update_contact(contact, data(), expected_version=1, actor=officer) == {}
    db.session.commit()
    assert database_state() == before


def test_stale_version_is_refused(db):
    officer, other = new_user(), new_user(name="Other officer")
    contact = services.create_contact(data(), actor=officer)
    db.session.commit()
    services.update_contact(contact, data(city="Hamburg"), expected_version=1, actor=other)
    db.session.commit()
    before = database_state()
    with pytest.raises(StaleVersion) as caught:
        services.update_contact(
            contact, data(occupation="Kỹ sư"), expected_version=1, actor=officer
        )
    db.session.rollback()
    assert database_state() == before
    [event] = caught.value.events
    assert event.actor_id == other.id
    assert event.details["changes"] == {"city": ["Berlin", "Hamburg"]}


def test_double_posted_edit_is_harmless(db):
    officer = new_user()
    contact = services.create_contact(data(), actor=officer)
    db.session.commit()
    services.update_contact(contact, data(city="Hamburg"), expected_version=1, actor=officer)
    db.session.commit()
    before = database_state()
    assert (
        services.update_contact(contact, data(city="Hamburg"), expected_version=1, actor=officer)
        == {}
    )
    assert database_state() == before


def test_edit_of_deleted_record_is_refused(db):
    officer = new_user()
    contact = services.create_contact(data(), actor=officer)
    trash.delete_contact(contact, actor=officer)
    db.session.commit()
    before = database_state()
    with pytest.raises(ContactGone):
        services.update_contact(
            contact, data(city="Hamburg"), expected_version=contact.version, actor=officer
        )
    db.session.rollback()
    assert database_state() == before


def test_edit_that_creates_a_duplicate_asks_first(db):
    officer = new_user()
    first = services.create_contact(data(emails=["nhung@example.org"]), actor=officer)
    second = services.create_contact(data(full_name="Lê Văn Tám", city="Köln"), actor=officer)
    db.session.commit()
    with pytest.raises(DuplicatesFound) as caught:
        services.update_contact(
            second,
            data(full_name="Lê Văn Tám", emails=["nhung@example.org"]),
            expected_version=1,
            actor=officer,
        )
    db.session.rollback()
    assert [m.contact.id for m in caught.value.matches] == [first.id]
    services.update_contact(
        second,
        data(full_name="Lê Văn Tám", emails=["nhung@example.org"]),
        expected_version=1,
        actor=officer,
        acknowledged=[first.id],
    )


def test_other_fields_do_not_trigger_duplicate_checks(db):
    officer = new_user()
    first = services.create_contact(data(), actor=officer)
    twin = services.create_contact(data(city="Köln"), actor=officer, acknowledged=[first.id])
    db.session.commit()
    services.update_contact(
        twin, data(city="Köln", occupation="Kỹ sư"), expected_version=1, actor=officer
    )


def test_delete_restore_and_purge(db):
    officer, admin = new_user(), new_user("admin")
    contact = services.create_contact(
        data(phones=["+49 30 1234567"]),
        actor=officer,
        consent=ConsentInput(["store_process"], "email", date(2026, 1, 1), "Email of 1 Jan"),
    )
    contact_id = contact.id
    trash.delete_contact(contact, actor=officer)
    assert [c.id for c in trash.list_trash()] == [contact_id]
    assert services.list_contacts(services.ListQuery()).total == 0
    with pytest.raises(Conflict):
        trash.delete_contact(contact, actor=officer)
    trash.restore_contact(contact, actor=officer)
    assert services.list_contacts(services.ListQuery()).total == 1
    with pytest.raises(Conflict):
        trash.restore_contact(contact, actor=officer)
    with pytest.raises(Conflict):
        trash.purge_contact(contact, actor=admin)
    trash.delete_contact(contact, actor=officer)
    trash.purge_contact(contact, actor=admin)
    db.session.commit()
    assert db.session.get(Contact, contact_id) is None
    assert db.session.scalar(db.select(db.func.count(ContactPhone.id))) == 0
    actions = list(
        db.session.scalars(
            db.select(AuditEvent.action).where(
                AuditEvent.target_id == contact_id, AuditEvent.target_type == "contact"
            )
        )
    )
    assert {"contact.create", "contact.delete", "contact.restore", "contact.purge"} <= set(actions)
    purge = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "contact.purge"))
    assert "+49" not in str(purge.details)


def test_history_hides_personal_values_from_viewers(db):
    officer = new_user()
    contact = services.create_contact(data(emails=["a@example.org"]), actor=officer)
    services.update_contact(
        contact, data(emails=["b@example.org"], city="Bonn"), expected_version=1, actor=officer
    )
    db.session.commit()
    [update, create] = contact_history(contact, personal=False)
    assert update.action == "contact.update" and create.action == "contact.create"
    changes = {c.field: (c.old, c.new) for c in update.changes}
    assert changes["emails"] == (HIDDEN, HIDDEN)
    assert changes["city"] == ("Berlin", "Bonn")
    full = {c.field: (c.old, c.new) for c in contact_history(contact, personal=True)[0].changes}
    assert full["emails"] == (["a@example.org"], ["b@example.org"])


def test_withdrawing_store_consent_leaves_the_basis_pending(db):
    officer = new_user()
    contact = services.create_contact(
        data(legal_basis="consent"),
        actor=officer,
        consent=ConsentInput(["store_process"], "form", "2026-02-01", "Online form #17"),
    )
    record = contact.consents[0]
    with pytest.raises(ValidationFailed):
        consents.withdraw_consent(record, withdrawn_on="2026-01-01", actor=officer)
    consents.withdraw_consent(record, withdrawn_on="2026-03-01", note="Email", actor=officer)
    assert record.withdrawn_on == date(2026, 3, 1)
    assert contact.legal_basis is None and contact.legal_basis_pending
    with pytest.raises(Conflict):
        consents.withdraw_consent(record, withdrawn_on="2026-03-02", actor=officer)
    event = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "contact.consent_withdrawn")
    )
    assert event.details["changes"] == {"legal_basis": ["consent", None]}


def test_consent_purposes_are_not_bundled_and_not_repeated(db):
    officer = new_user()
    contact = services.create_contact(data(), actor=officer)
    consents.record_consent(
        contact, ConsentInput(["outreach"], "paper", "2026-01-01", "Form"), actor=officer
    )
    with pytest.raises(ValidationFailed):
        consents.record_consent(
            contact, ConsentInput(["outreach"], "paper", "2026-01-02", "F"), actor=officer
        )
    with pytest.raises(ValidationFailed) as caught:
        consents.record_consent(
            contact, ConsentInput([], "paper", "2026-01-02", "F"), actor=officer
        )
    assert "purposes" in caught.value.errors
    assert [c.purpose for c in contact.consents] == ["outreach"]


def test_used_expertise_field_cannot_be_deleted(db):
    officer, admin = new_user(), new_user("admin")
    services.create_contact(data(expertise=[ExpertiseEntry("1.1")]), actor=officer)
    with pytest.raises(Conflict):
        reference.delete_field(_field(db, "1.1"), actor=admin)


def test_inactive_field_kept_but_not_newly_chosen(db):
    officer, admin = new_user(), new_user("admin")
    contact = services.create_contact(data(expertise=[ExpertiseEntry("1.1")]), actor=officer)
    reference.set_field_active(_field(db, "1.1"), False, actor=admin)
    services.update_contact(
        contact, data(expertise=[ExpertiseEntry("1.1", "basic")]), expected_version=1, actor=officer
    )
    with pytest.raises(ValidationFailed):
        services.create_contact(
            data(full_name="Phạm Văn B", expertise=[ExpertiseEntry("1.1")]), actor=officer
        )


def test_organizations_are_matched_by_folded_name(db):
    officer = new_user()
    services.create_contact(
        data(memberships=[MembershipEntry("Hội Người Việt Berlin")]), actor=officer
    )
    services.create_contact(
        data(
            full_name="Lý Thị Mai",
            memberships=[MembershipEntry("hoi nguoi viet berlin", "Thủ quỹ")],
        ),
        actor=officer,
    )
    assert db.session.scalar(db.select(db.func.count(Organization.id))) == 1


def test_list_filters_by_folded_name_prefix_and_sorts(db):
    officer = new_user()
    for name, country in [
        ("Nguyễn Văn Đức", "JP"),
        ("Trần Thị Hoà", "DE"),
        ("Đặng Minh Khôi", "FR"),
    ]:
        services.create_contact(data(full_name=name, country=country, city=""), actor=officer)

    def names(**query):
        return [c.full_name for c in services.list_contacts(services.ListQuery(**query)).items]

    assert names(name="duc") == ["Nguyễn Văn Đức"]
    assert names(name="ĐỨC nguy") == ["Nguyễn Văn Đức"]
    assert names(name="hòa") == ["Trần Thị Hoà"]
    assert names(name="100%_") == []
    assert names(sort="name") == ["Đặng Minh Khôi", "Nguyễn Văn Đức", "Trần Thị Hoà"]
    assert names(sort="-name") == ["Trần Thị Hoà", "Nguyễn Văn Đức", "Đặng Minh Khôi"]
    assert names(sort="country") == ["Trần Thị Hoà", "Đặng Minh Khôi", "Nguyễn Văn Đức"]
    assert names(per_page=2, page=2) == ["Trần Thị Hoà"]


def test_bidi_override_in_a_name_is_removed(db):
    """A pasted right-to-left override would display the name reversed: it is not stored."""
    officer = new_user()
    contact = services.create_contact(
        data(full_name="\u202eNguyễn Thị Lan\u202c", city="Ber\u2066lin"), actor=officer
    )
    db.session.commit()
    assert contact.full_name == "Nguyễn Thị Lan"
    assert contact.city == "Berlin"
    with pytest.raises(ValidationFailed) as caught:
        services.create_contact(data(full_name="\u202e\u202d"), actor=officer)
    db.session.rollback()
    assert "Enter the person's full name" in _messages(caught.value)["full_name"]
