"""Duplicate detection and merging, through the services."""

from __future__ import annotations

from datetime import date

import pytest

from diaspora.contacts import merge, services
from diaspora.contacts.data import ConsentInput, ExpertiseEntry, MembershipEntry
from diaspora.contacts.duplicates import POSSIBLE, STRONG, find_duplicates, probe_from_contact
from diaspora.contacts.errors import ContactGone, DuplicatesFound, StaleVersion
from diaspora.errors import ValidationFailed
from diaspora.models import AuditEvent, Contact
from tests.contact_helpers import data, database_state, new_user

pytestmark = pytest.mark.usefixtures("seeded", "english")


@pytest.fixture
def english(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def _matches(db, officer, **overrides):
    with pytest.raises(DuplicatesFound) as caught:
        services.create_contact(data(**overrides), actor=officer)
    db.session.rollback()
    return {m.contact.id: m for m in caught.value.matches}


def test_same_folded_name_in_same_country_is_possible(db):
    officer = new_user()
    duc = services.create_contact(
        data(full_name="Nguyễn Văn Đức", country="JP", city="Tokyo"), actor=officer
    )
    db.session.commit()
    match = _matches(db, officer, full_name="Nguyen Van Duc", country="JP", city="")[duc.id]
    assert match.strength == POSSIBLE and match.reasons == ["same_name"]
    match = _matches(db, officer, full_name="NGUYỄN VĂN ĐỨC", country="JP", city="tokyo")[duc.id]
    assert match.reasons == ["same_name", "same_city"]


def test_same_name_in_another_country_is_not_a_match(db):
    officer = new_user()
    services.create_contact(data(full_name="Nguyễn Văn Đức", country="JP"), actor=officer)
    other = services.create_contact(data(full_name="Nguyen Van Duc", country="DE"), actor=officer)
    assert other.id


def test_same_email_or_phone_is_strong_anywhere(db):
    officer = new_user()
    first = services.create_contact(
        data(emails=["nhung@example.org"], phones=["+49 30 1234567"]), actor=officer
    )
    db.session.commit()
    by_email = _matches(
        db,
        officer,
        full_name="Helen Nguyen",
        country="US",
        city="Boston",
        emails=["NHUNG@example.org"],
    )[first.id]
    assert by_email.strength == STRONG and by_email.reasons == ["email"]
    by_phone = _matches(
        db, officer, full_name="Helen Nguyen", country="DE", phones=["030 1234567"]
    )[first.id]
    assert by_phone.strength == STRONG and "phone" in by_phone.reasons


def test_close_name_needs_same_city_or_birth_year(db):
    officer = new_user()
    first = services.create_contact(
        data(full_name="Nguyễn Thị Hồng Nhung", city="Berlin", birth_year="1980"), actor=officer
    )
    db.session.commit()
    # Word order as written abroad, same city.
    match = _matches(db, officer, full_name="Nhung Nguyen Thi Hong", city="Berlin")[first.id]
    assert match.strength == POSSIBLE and "similar_name" in match.reasons
    # A close spelling and the same birth year, in another city.
    match = _matches(db, officer, full_name="Nguyễn Thị Hồng Nhun", city="Köln", birth_year="1980")[
        first.id
    ]
    assert match.reasons == ["similar_name", "same_birth_year"]
    # A close name in another city and without a birth year is not flagged.
    alone = services.create_contact(
        data(full_name="Nguyễn Thị Hồng Nhun", city="Köln"), actor=officer
    )
    assert alone.id


def test_deleted_records_are_not_duplicates(db):
    from diaspora.contacts import trash

    officer = new_user()
    first = services.create_contact(data(), actor=officer)
    trash.delete_contact(first, actor=officer)
    assert services.create_contact(data(), actor=officer).id != first.id


def test_duplicates_of_an_existing_record(db):
    officer = new_user()
    first = services.create_contact(data(emails=["x@example.org"]), actor=officer)
    second = services.create_contact(
        data(city="Köln", emails=["x@example.org"]), actor=officer, acknowledged=[first.id]
    )
    matches = find_duplicates(probe_from_contact(second), exclude_id=second.id)
    assert [(m.contact.id, m.strength) for m in matches] == [(first.id, STRONG)]


def _pair(db):
    officer = new_user()
    survivor = services.create_contact(
        data(
            full_name="Nguyễn Văn Đức",
            country="JP",
            city="Tokyo",
            emails=["duc@example.org"],
            languages=["ja"],
            expertise=[ExpertiseEntry("1.1", None, None)],
            memberships=[MembershipEntry("Hội người Việt tại Nhật", "")],
        ),
        actor=officer,
    )
    absorbed = services.create_contact(
        data(
            full_name="Nguyen Van Duc",
            foreign_name="Duc Nguyen",
            country="JP",
            city="Osaka",
            birth_year="1975",
            emails=["duc@example.org", "duc.nguyen@example.jp"],
            phones=["090-1234-5678"],
            languages=["ja", "en"],
            categories=["entrepreneur"],
            expertise=[ExpertiseEntry("1.1", "expert", "20"), ExpertiseEntry("S.1")],
            memberships=[MembershipEntry("Hội người Việt tại Nhật", "Thủ quỹ")],
            legal_basis="consent",
        ),
        actor=officer,
        acknowledged=[survivor.id],
        consent=ConsentInput(["store_process"], "paper", date(2026, 1, 2), "Phiếu 12"),
    )
    db.session.commit()
    return officer, survivor, absorbed


def test_merge_keeps_chosen_values_and_moves_children(db):
    officer, survivor, absorbed = _pair(db)
    assert merge.differing_fields(survivor, absorbed) == [
        "full_name",
        "foreign_name",
        "birth_year",
        "city",
        "legal_basis",
    ]
    defaults = merge.default_choices(survivor, absorbed)
    assert defaults == {
        "full_name": "survivor",
        "foreign_name": "absorbed",
        "birth_year": "absorbed",
        "city": "survivor",
        "legal_basis": "absorbed",
    }
    changes = merge.merge_contacts(
        survivor,
        absorbed,
        {**defaults, "city": "absorbed"},
        survivor_version=1,
        absorbed_version=1,
        actor=officer,
    )
    db.session.commit()
    assert survivor.full_name == "Nguyễn Văn Đức"
    assert (survivor.foreign_name, survivor.city, survivor.birth_year) == (
        "Duc Nguyen",
        "Osaka",
        1975,
    )
    assert survivor.legal_basis == "consent"
    assert survivor.email_addresses == ["duc@example.org", "duc.nguyen@example.jp"]
    assert survivor.phone_numbers == ["+819012345678"]
    assert survivor.language_codes == ["en", "ja"]
    assert [c.code for c in survivor.categories] == ["entrepreneur"]
    expertise = {row.field.code: (row.level, row.years) for row in survivor.expertise}
    assert expertise == {"1.1": ("expert", 20), "S.1": (None, None)}
    assert [(m.organization.name, m.role) for m in survivor.memberships] == [
        ("Hội người Việt tại Nhật", "Thủ quỹ")
    ]
    assert [c.purpose for c in survivor.consents] == ["store_process"]
    assert survivor.version == 2
    assert changes["city"] == ["Tokyo", "Osaka"]
    assert absorbed.merged_into_id == survivor.id and absorbed.is_deleted
    assert absorbed.emails == [] and absorbed.consents == []
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "contact.merge"))
    assert event.target_id == survivor.id
    snapshot = event.details["absorbed"]
    assert snapshot["full_name"] == "Nguyen Van Duc"
    assert snapshot["phones"] == ["+819012345678"]
    assert snapshot["consents"][0]["evidence"] == "Phiếu 12"
    assert services.list_contacts(services.ListQuery()).total == 1
    assert services.survivor_of(absorbed) is survivor


def test_merge_with_itself_is_refused(db):
    officer, survivor, _absorbed = _pair(db)
    before = database_state()
    with pytest.raises(ValidationFailed) as caught:
        merge.merge_contacts(
            survivor, survivor, {}, survivor_version=1, absorbed_version=1, actor=officer
        )
    db.session.rollback()
    assert "itself" in str(caught.value.errors["absorbed"][0])
    assert database_state() == before


def test_merge_of_changed_or_gone_records_is_refused(db):
    officer, survivor, absorbed = _pair(db)
    services.update_contact(
        absorbed,
        data(full_name="Nguyen Van Duc", country="JP", city="Kyoto"),
        expected_version=1,
        actor=officer,
        acknowledged=[survivor.id],
    )
    db.session.commit()
    before = database_state()
    with pytest.raises(StaleVersion):
        merge.merge_contacts(
            survivor, absorbed, {}, survivor_version=1, absorbed_version=1, actor=officer
        )
    db.session.rollback()
    assert database_state() == before
    merge.merge_contacts(
        survivor, absorbed, {}, survivor_version=1, absorbed_version=absorbed.version, actor=officer
    )
    db.session.commit()
    with pytest.raises(ContactGone):
        merge.merge_contacts(
            survivor,
            absorbed,
            {},
            survivor_version=survivor.version,
            absorbed_version=absorbed.version,
            actor=officer,
        )


def test_purging_a_survivor_purges_what_was_merged_into_it(db):
    from diaspora.contacts import trash

    officer, survivor, absorbed = _pair(db)
    admin = new_user("admin")
    merge.merge_contacts(
        survivor, absorbed, {}, survivor_version=1, absorbed_version=1, actor=officer
    )
    trash.delete_contact(survivor, actor=officer)
    assert trash.list_trash() == [survivor]
    trash.purge_contact(survivor, actor=admin)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(Contact.id))) == 0
