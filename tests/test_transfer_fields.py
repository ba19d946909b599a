"""Exports read only the fields their columns need (``load_records(fields=…)``); the file must
be the same as when every field is read."""

from __future__ import annotations

from dataclasses import fields

import pytest

from diaspora.contacts.data import ExpertiseEntry, MembershipEntry
from diaspora.contacts.services import create_contact
from diaspora.extensions import db
from diaspora.transfer import writers
from diaspora.transfer.columns import COLUMNS, GETTERS, READS, record_fields
from diaspora.transfer.records import LISTS, SCALARS, ExportRecord, load_records
from tests.contact_helpers import data, new_user

pytestmark = pytest.mark.usefixtures("seeded")


def _full_contact() -> int:
    contact = create_contact(
        data(
            full_name="Vũ Thị Đủ",
            foreign_name="Anna",
            former_names="Vũ Thị A",
            gender="female",
            birth_year="1975",
            origin_commune="Lê Chân",
            origin_district_old="Kiến An",
            country="DE",
            city="Berlin",
            emails=["du@example.org", "=du@example.org"],
            phones=["+49 30 1234567"],
            address="Unter den Linden 1",
            website="https://example.org",
            languages=["vi", "de"],
            occupation="Bác sĩ",
            title="Trưởng khoa",
            employer="Charité",
            categories=["intellectual", "health_professional"],
            willing_advise=True,
            willing_teach=True,
            verified_on="2025-03-04",
            legal_basis="state_function",
            legal_basis_note="Nhiệm vụ",
            expertise=[ExpertiseEntry("1.1"), ExpertiseEntry("1.2")],
            memberships=[MembershipEntry("Hội người Việt", "chủ tịch"), MembershipEntry("CLB")],
        ),
        actor=new_user("admin"),
    )
    db.session.commit()
    return contact.id


def test_every_column_reads_known_fields():
    names = set(SCALARS) | set(LISTS)
    for key in GETTERS:
        assert set(READS.get(key, (key,))) <= names | {"position", "last_engagement"}, key
    assert set(GETTERS) == set(COLUMNS)


@pytest.mark.parametrize("key", list(COLUMNS))
def test_one_column_reads_the_same_cells(app, key):
    with app.app_context():
        contact_id = _full_contact()
        (full,) = load_records([contact_id])
        (partial,) = load_records([contact_id], fields=record_fields([key]))
        for language in ("vi", "en"):
            for write in (writers.write_csv, writers.write_vcard):
                assert b"".join(write([partial], [key], language)) == b"".join(
                    write([full], [key], language)
                )
        wanted = record_fields([key])
        for item in fields(ExportRecord):
            if item.name in wanted:
                assert getattr(partial, item.name) == getattr(full, item.name)
            else:  # left empty, typed as the field is
                assert getattr(partial, item.name) in ("", None, False, [])


def test_all_columns_at_once_and_nothing_extra(app):
    with app.app_context():
        contact_id = _full_contact()
        columns = [key for key in COLUMNS if COLUMNS[key].selectable]
        (full,) = load_records([contact_id])
        (partial,) = load_records([contact_id], fields=record_fields(columns))
        assert partial == full
        (bare,) = load_records([contact_id], fields=())
        assert (bare.id, bare.full_name) == (contact_id, "")
        assert bare.emails == [] and bare.expertise == [] and bare.willing_teach is False
