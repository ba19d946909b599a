"""Erasure: the person's data is physically gone, the counts stay, and nothing else changes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from diaspora.contacts import services
from diaspora.contacts.data import data_from_contact
from diaspora.contacts.errors import ContactErased
from diaspora.dashboard import services as dashboard
from diaspora.errors import Conflict, ValidationFailed
from diaspora.models import AuditEvent, Contact, ContactEmail, ImportRow, Submission, User
from diaspora.privacy import erasure
from diaspora.reports import services as reports
from diaspora.search import services as search
from diaspora.search.query import SearchQuery
from tests.contact_helpers import database_state, new_user
from tests.privacy_helpers import MARKER, NAME, PHONE, marked_person, text_columns_containing

pytestmark = pytest.mark.usefixtures("seeded", "english")


@pytest.fixture
def english(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def _counts() -> dict:
    return {
        "totals": dashboard.totals(date(2026, 11, 26), "Asia/Ho_Chi_Minh"),
        "countries": dashboard.contacts_by_country(),
        "fields": [(row.code, n) for row, n in dashboard.contacts_by_field()],
        "report_contacts": reports.annual_report(2026).total_contacts,
    }


def _erase(db, contact, admin):
    report = erasure.erase_contact(contact, confirmation=NAME, reason="Request R-12", actor=admin)
    db.session.commit()
    erasure.reclaim_space()
    return report


def _database_files(db) -> dict[str, bytes]:
    """The bytes of the database file and its journals, read with this process's connections
    closed first. Closing any descriptor of a file drops every POSIX lock the process holds on
    it, the SQLite connections' locks included; another process closing the database would
    then think itself the last one and remove the write-ahead log under their feet."""
    path = Path(make_url(str(db.engine.url)).database)
    db.session.remove()
    db.engine.dispose()
    files = (path, Path(f"{path}-wal"), Path(f"{path}-journal"))
    return {file.name: file.read_bytes() for file in files if file.exists()}


def test_erased_marker_is_nowhere_in_the_database_file(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("reads the SQLite file; PostgreSQL has its own test")
    officer, admin = new_user(), new_user("admin")
    contact = marked_person(officer)
    db.session.commit()
    contact_id, admin_id = contact.id, admin.id
    before = b"".join(_database_files(db).values()).lower()
    assert MARKER.encode() in before  # the test would prove nothing otherwise

    report = _erase(db, db.session.get(Contact, contact_id), db.session.get(User, admin_id))

    for name, content in _database_files(db).items():
        assert MARKER.encode() not in content.lower(), name
        assert PHONE.encode() not in content.lower(), name
    assert len(report.purged_records) == 2 and report.submissions == 1


def test_erased_marker_is_in_no_table(db):
    officer, admin = new_user(), new_user("admin")
    contact = marked_person(officer)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        assert text_columns_containing(MARKER)
    _erase(db, contact, admin)
    if db.engine.dialect.name == "postgresql":
        assert text_columns_containing(MARKER) == []
        assert text_columns_containing(PHONE) == []
    erased = db.session.get(Contact, contact.id)
    assert erased.full_name == f"Erased contact #{contact.id}"
    assert erased.is_erased and not erased.emails and not erased.phones
    assert erased.country == "DE" and [c.code for c in erased.categories] == ["intellectual"]
    assert all(not record.evidence and record.withdrawn_on for record in erased.consents)
    assert db.session.scalar(select(Submission.id)) is None
    own, other = db.session.scalars(select(ImportRow).order_by(ImportRow.position))
    assert own.cells == [] and other.cells == ["Lê Văn Khác", "friend of [erased]"]
    assert db.session.scalars(select(Contact.id)).all() == [contact.id]  # the twin is purged
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "contact.erase")).one()
    assert event.details["reason"] == "Request R-12" and event.target_id == contact.id
    assert MARKER not in str(event.details).lower()
    # The log keeps who did what and when, without the values.
    update = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "contact.update")
    ).first()
    assert update.details["erased"] is True and update.details["changes"]["city"] == [
        "[erased]",
        "[erased]",
    ]


def test_counts_in_reports_are_unchanged(db):
    officer, admin = new_user(), new_user("admin")
    contact = marked_person(officer)
    db.session.commit()
    before = _counts()
    _erase(db, contact, admin)
    assert _counts() == before


def test_erased_record_is_never_found_edited_or_erased_again(db):
    officer, admin = new_user(), new_user("admin")
    contact = marked_person(officer)
    db.session.commit()
    assert search.matching_ids(SearchQuery(text="zqmarkx"), actor=admin) == [contact.id]
    _erase(db, contact, admin)
    contact = db.session.get(Contact, contact.id)
    assert search.matching_ids(SearchQuery(text="erased"), actor=admin) == []
    assert search.matching_ids(SearchQuery(countries=("DE",)), actor=admin) == []
    with pytest.raises(ContactErased):
        services.update_contact(
            contact, data_from_contact(contact), expected_version=contact.version, actor=admin
        )
    state = database_state()
    with pytest.raises(ContactErased) as error:
        erasure.erase_contact(contact, confirmation=contact.full_name, reason="again", actor=admin)
    assert "already been erased" in str(error.value.message)
    db.session.rollback()
    assert database_state() == state


@pytest.mark.parametrize(
    ("confirmation", "reason", "fields"),
    [
        ("Nguyễn Văn Other", "Request R-12", {"confirmation"}),
        ("", "", {"confirmation", "reason"}),
        (NAME, "x" * 501, {"reason"}),
    ],
)
def test_a_wrong_confirmation_changes_nothing(db, confirmation, reason, fields):
    officer, admin = new_user(), new_user("admin")
    contact = marked_person(officer)
    db.session.commit()
    state = database_state()
    events = db.session.scalars(select(AuditEvent.details).order_by(AuditEvent.id)).all()
    with pytest.raises(ValidationFailed) as error:
        erasure.erase_contact(contact, confirmation=confirmation, reason=reason, actor=admin)
    assert set(error.value.errors) == fields
    db.session.rollback()
    assert database_state() == state
    assert db.session.scalars(select(AuditEvent.details).order_by(AuditEvent.id)).all() == events
    assert db.session.scalar(select(ContactEmail.email).where(ContactEmail.email.contains(MARKER)))


def test_the_confirmation_ignores_case_and_accents(db):
    officer = new_user()
    contact = marked_person(officer)
    assert erasure.confirmation_matches(contact, "  nguyen van ZQMARKX ")
    assert not erasure.confirmation_matches(contact, "Nguyễn Văn")


def test_a_merged_record_is_erased_through_its_survivor(db):
    officer, admin = new_user(), new_user("admin")
    contact = marked_person(officer)
    twin = db.session.scalar(select(Contact).where(Contact.merged_into_id == contact.id))
    with pytest.raises(Conflict) as error:
        erasure.erase_contact(twin, confirmation=twin.full_name, reason="Ref 1", actor=admin)
    assert "erase the record it was merged into" in str(error.value.message)
