"""Search: the same table of cases runs on SQLite (FTS5) and PostgreSQL (tsvector) and must give
the same ids; indexed results agree with plain SQL filters; the index follows every change."""

from __future__ import annotations

from dataclasses import replace

import pytest

from diaspora.contacts import merge as merging
from diaspora.contacts import services as contacts
from diaspora.contacts import trash
from diaspora.extensions import db as _db
from diaspora.search import index
from diaspora.search.query import SearchQuery
from diaspora.search.services import matching_ids, search
from tests.contact_helpers import new_user
from tests.search_helpers import PEOPLE, add, registry


@pytest.fixture
def people(db, seeded):
    officer = new_user("officer")
    ids = registry(officer)
    return officer, ids


CASES = [
    # (query, the people it must find)
    (SearchQuery(text="nguyen van duc"), ["duc_de", "duc_jp"]),
    (SearchQuery(text="Nguyễn Văn Đức"), ["duc_de", "duc_jp"]),
    (SearchQuery(text="NGUYEN VAN ĐUC"), ["duc_de", "duc_jp"]),
    (SearchQuery(text="Nhung Nguyen"), ["nhung"]),
    (SearchQuery(text="nguy"), ["duc_de", "duc_jp", "nhung"]),
    (SearchQuery(text="hoa"), ["hoa"]),
    (SearchQuery(text="hòa"), ["hoa"]),
    (SearchQuery(text="helen"), ["nhung"]),
    (SearchQuery(text="ky su"), ["duc_de", "duc_jp", "duong"]),  # Kỹ thuật … Kiến trúc sư
    (SearchQuery(text="software engineer"), []),
    (SearchQuery(text="computer"), ["duc_jp"]),  # expertise name in English
    (SearchQuery(text="khoa học máy tính"), ["duc_jp"]),  # and in Vietnamese
    (SearchQuery(text="nhat ban"), ["duc_jp"]),  # organization name
    (SearchQuery(text="kitakyushu"), ["hung"]),  # city
    (SearchQuery(countries=("JP",)), ["duc_jp", "hung"]),
    (SearchQuery(countries=("JP", "DE")), ["nhung", "duc_de", "duc_jp", "hung"]),
    (SearchQuery(fields=("2",)), ["duc_de", "duong"]),  # top level includes subfields
    (SearchQuery(fields=("2.3",)), ["duc_de"]),
    (SearchQuery(fields=("S",), countries=("JP",)), ["duc_jp", "hung"]),
    (SearchQuery(text="duc", countries=("JP",)), ["duc_jp"]),
    (SearchQuery(languages=("fr",)), ["hoa"]),
    (SearchQuery(willing=("teach",)), ["hoa"]),
    (SearchQuery(willing=("host_delegation",), countries=("JP",)), ["hung"]),
    (SearchQuery(statuses=("inactive",)), ["an"]),
    (SearchQuery(legal_basis_present=True), ["hung"]),
    (SearchQuery(city="tokyo"), ["duc_jp"]),
    (SearchQuery(text="giao su"), ["hoa"]),  # title
    (SearchQuery(text="nippon"), ["hung"]),  # employer
    (SearchQuery(categories=("artist",)), ["nhung"]),
    (SearchQuery(origin="thuy nguyen"), ["duong"]),  # origin typed without diacritics
    (SearchQuery(origin="Lưu Kiếm"), ["duong"]),
    (SearchQuery(origin="kien an"), []),
    (SearchQuery(legal_basis_present=False, countries=("JP",)), ["duc_jp"]),
    (SearchQuery(text='"NEAR" * - : ( ) OR AND nguyen'), []),
    (SearchQuery(text="'; DROP TABLE contacts; --"), []),
    (SearchQuery(text="x" * 10_000), []),
]


def keys_of(ids: dict[str, int], found: list[int]) -> list[str]:
    by_id = {value: key for key, value in ids.items()}
    return [by_id[i] for i in found]


@pytest.mark.parametrize(("query", "expected"), CASES, ids=[repr(c[0])[:60] for c in CASES])
def test_search_cases(people, query, expected):
    officer, ids = people
    found = keys_of(ids, matching_ids(query, actor=officer))
    assert sorted(found) == sorted(expected)
    assert _db.session.scalar(_db.text("SELECT count(*) FROM contacts")) == len(ids)


def test_organization_filter(people):
    from diaspora.models import Organization

    officer, ids = people
    org_id = _db.session.scalar(_db.select(Organization.id))
    query = SearchQuery(organizations=(org_id,))
    assert matching_ids(query, actor=officer) == [ids["duc_jp"]]
    assert matching_ids(replace(query, countries=("DE",)), actor=officer) == []


def test_exact_name_ranks_first(people):
    officer, ids = people
    extra = add(officer, full_name="Nguyễn Văn Đức Anh", country="JP", city="Osaka")
    _db.session.commit()
    found = matching_ids(SearchQuery(text="nguyen van duc", sort="relevance"), actor=officer)
    assert set(found[:2]) == {ids["duc_de"], ids["duc_jp"]}
    assert found[2] == extra.id


def test_sort_by_vietnamese_name_order(people):
    officer, ids = people
    found = keys_of(ids, matching_ids(SearchQuery(sort="name"), actor=officer))
    # given names: An, Đức, Đức, Hoà, Hùng, Nam, Nhung (đ after d; Đức by family, then id)
    assert found[0] == "an"
    assert found.index("hoa") < found.index("hung") < found.index("duong") < found.index("nhung")


def test_indexed_filters_agree_with_plain_sql(people):
    from sqlalchemy import and_, select

    from diaspora.models import Contact
    from diaspora.search import filters

    officer, _ids = people
    for query in [case[0] for case in CASES if not case[0].text]:
        plain = set(_db.session.scalars(select(Contact.id).where(and_(*filters.conditions(query)))))
        assert set(matching_ids(query, actor=officer)) == plain, query


def test_notes_are_searched_for_officers_only(people):
    officer, ids = people
    viewer = new_user("viewer")
    query = SearchQuery(text="hoi nghi y khoa")
    assert matching_ids(query, actor=officer) == [ids["nhung"]]
    assert matching_ids(query, actor=viewer) == []


def test_facets_count_the_result_set(people):
    officer, _ids = people
    result = search(SearchQuery(text="nguyen"), actor=officer, language="en")
    assert result.total == 3
    countries = {value.code: value.count for value in result.facets["country"]}
    assert countries == {"DE": 2, "JP": 1}
    assert next(v for v in result.facets["country"] if v.code == "JP").name == "Japan"
    fields = {value.code: value.count for value in result.facets["field"]}
    assert fields == {"1": 1, "2": 1, "3": 1, "S": 1}  # subfields only under a chosen field
    chosen = search(SearchQuery(text="nguyen", fields=("1", "2")), actor=officer)
    fields = {value.code: value.count for value in chosen.facets["field"]}
    assert fields == {"1": 1, "1.2": 1, "2": 1, "2.3": 1, "S": 1}
    languages = {value.code: value.count for value in result.facets["language"]}
    assert languages == {"vi": 3, "de": 2, "ja": 1}


def test_paging(people):
    officer, _ids = people
    first = search(SearchQuery(sort="name", per_page=3, page=1), actor=officer)
    second = search(SearchQuery(sort="name", per_page=3, page=2), actor=officer)
    third = search(SearchQuery(sort="name", per_page=3, page=3), actor=officer)
    assert first.total == 7 and first.pages == 3
    seen = [c.id for c in first.items + second.items + third.items]
    assert len(seen) == 7 == len(set(seen))
    assert search(SearchQuery(per_page=100000, page=-1), actor=officer).query.per_page == 200


@pytest.mark.parametrize("sort", ["name", "updated", "relevance"])
@pytest.mark.parametrize(
    "query", [SearchQuery(), SearchQuery(countries=("DE",)), SearchQuery(text="nguyen")]
)
def test_every_page_plan_gives_the_pages_of_the_full_order(people, query, sort):
    """Pages come from the name or update index when hits are many, from sorting the hits when
    they are few (``_page_statement``); per_page 1 and 7 land on both sides of that choice."""
    officer, ids = people
    trash.delete_contact(contacts.get_contact(ids["an"]), actor=officer)
    query = replace(query, sort=sort)
    everything = matching_ids(query, actor=officer)
    assert ids["an"] not in everything
    for per_page in (1, 2, 7):
        pages = [
            search(replace(query, per_page=per_page, page=page), actor=officer)
            for page in range(1, len(everything) // per_page + 2)
        ]
        assert {result.total for result in pages} == {len(everything)}
        assert [c.id for result in pages for c in result.items] == everything


def test_index_follows_update_delete_restore_merge(people):
    officer, ids = people
    contact = contacts.get_contact(ids["hoa"])
    data = contacts_data_of("hoa", full_name="Trần Thị Hoà Bình")
    contacts.update_contact(contact, data, expected_version=contact.version, actor=officer)
    _db.session.commit()
    assert matching_ids(SearchQuery(text="binh"), actor=officer) == [ids["hoa"]]

    trash.delete_contact(contacts.get_contact(ids["hoa"]), actor=officer)
    _db.session.commit()
    assert matching_ids(SearchQuery(text="binh"), actor=officer) == []
    trash.restore_contact(contacts.get_contact(ids["hoa"], include_deleted=True), actor=officer)
    _db.session.commit()
    assert matching_ids(SearchQuery(text="binh"), actor=officer) == [ids["hoa"]]

    survivor = contacts.get_contact(ids["duc_jp"])
    absorbed = contacts.get_contact(ids["duc_de"])
    merging.merge_contacts(
        survivor,
        absorbed,
        choices={},
        survivor_version=survivor.version,
        absorbed_version=absorbed.version,
        actor=officer,
    )
    _db.session.commit()
    assert matching_ids(SearchQuery(text="nguyen van duc"), actor=officer) == [ids["duc_jp"]]


def contacts_data_of(key, **changes):
    from diaspora.contacts.data import ContactData, ExpertiseEntry

    values = dict(PEOPLE[key])
    values["expertise"] = [ExpertiseEntry(field=code) for code in values.pop("fields", [])]
    values.pop("organizations", None)
    return ContactData(**{**values, **changes})


def test_rebuild_restores_a_damaged_index(people):
    officer, ids = people
    connection = _db.session.connection()
    connection.execute(_db.text("DELETE FROM search_contacts"))
    assert matching_ids(SearchQuery(text="nhung"), actor=officer) == []
    assert index.rebuild() == len(ids)
    _db.session.commit()
    assert matching_ids(SearchQuery(text="nhung"), actor=officer) == [ids["nhung"]]
    assert index.indexed_count() == index.live_count() == len(ids)


def test_renaming_a_field_or_category_reindexes_its_contacts(people):
    from diaspora.models import Category, ExpertiseField
    from diaspora.reference.categories import CategoryData, update_category
    from diaspora.reference.services import FieldData, update_field

    officer, ids = people
    admin = new_user("admin")
    field = _db.session.scalar(_db.select(ExpertiseField).where(ExpertiseField.code == "S.5"))
    update_field(
        field,
        FieldData(code="S.5", name_vi="Cảng biển", name_en="Seaports", parent_id=field.parent_id),
        actor=admin,
    )
    _db.session.commit()
    assert matching_ids(SearchQuery(text="seaports"), actor=officer) == [ids["hung"]]
    category = _db.session.scalar(_db.select(Category).order_by(Category.id))
    contact = contacts.get_contact(ids["an"])
    data = contacts_data_of("an", categories=[category.code])
    contacts.update_contact(contact, data, expected_version=contact.version, actor=officer)
    _db.session.commit()
    update_category(
        category,
        CategoryData(code=category.code, name_vi="Nhà tài trợ", name_en="Benefactor"),
        actor=admin,
    )
    _db.session.commit()
    assert matching_ids(SearchQuery(text="benefactor"), actor=officer) == [ids["an"]]


def test_facet_statement_reads_the_flags_in_willingness_order():
    from diaspora.search import hits
    from diaspora.search.query import WILLINGNESS

    statement = hits.BY_CONTACT.text
    positions = [statement.index(f"c.willing_{flag},") for flag in WILLINGNESS]
    assert positions == sorted(positions)
