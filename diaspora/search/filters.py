"""The structured filters of a search as SQL conditions on ``contacts``, identical on every backend.

Free text is matched by the backend's index (``diaspora/search/backends``); everything else is
plain SQL on indexed columns and link tables, so both databases filter the same way.
"""

from __future__ import annotations

from sqlalchemy import and_, exists, false, or_, select, tuple_
from sqlalchemy.sql import ColumnElement

from diaspora.extensions import db
from diaspora.models import (
    Category,
    Contact,
    ContactExpertise,
    ContactLanguage,
    ExpertiseField,
    Membership,
)
from diaspora.models.contact import contact_categories
from diaspora.search import documents as doc
from diaspora.search.query import WILLINGNESS, SearchQuery
from diaspora.text import tokens

# Hooks for features that add filters (engagements add "not engaged for N years" and "engaged in
# year Y"): callables (query) -> list of conditions on Contact.
EXTRA_FILTERS: list = []


def live() -> ColumnElement[bool]:
    """Never deleted (trash) nor merged into another record."""
    return and_(Contact.deleted_at.is_(None), Contact.merged_into_id.is_(None))


def _field_condition(codes: tuple[str, ...]) -> ColumnElement[bool]:
    parent = ExpertiseField.__table__.alias("parent_field")
    matching = (
        select(ContactExpertise.contact_id)
        .join(ExpertiseField, ExpertiseField.id == ContactExpertise.field_id)
        .outerjoin(parent, parent.c.id == ExpertiseField.parent_id)
        .where(or_(ExpertiseField.code.in_(codes), parent.c.code.in_(codes)))
    )
    return Contact.id.in_(matching)


def conditions(query: SearchQuery) -> list[ColumnElement[bool]]:
    """Every filter as plain SQL (no index): the reference the indexed search must agree with."""
    result: list[ColumnElement[bool]] = untagged_conditions(query)
    if query.countries:
        result.append(Contact.country.in_([code.upper() for code in query.countries]))
    if query.fields:
        result.append(_field_condition(query.fields))
    if query.categories:
        result.append(
            exists()
            .where(contact_categories.c.contact_id == Contact.id)
            .where(contact_categories.c.category_id == Category.id)
            .where(Category.code.in_(query.categories))
        )
    if query.languages:
        result.append(
            exists().where(
                ContactLanguage.contact_id == Contact.id,
                ContactLanguage.code.in_([code.lower() for code in query.languages]),
            )
        )
    for flag in query.willing:
        if flag in WILLINGNESS:
            result.append(getattr(Contact, f"willing_{flag}").is_(True))
    if query.statuses:
        result.append(Contact.status.in_(query.statuses))
    if query.legal_basis_present is True:
        result.append(Contact.legal_basis.is_not(None))
    elif query.legal_basis_present is False:
        result.append(Contact.legal_basis.is_(None))
    return result


def tag_groups(query: SearchQuery) -> tuple[list[str], list[list[str]]]:
    """The filters the index answers with tags: (all required, groups of which one is required)."""
    all_of: list[str] = []
    any_of: list[list[str]] = []
    if query.countries:
        any_of.append([doc.country_tag(code) for code in query.countries])
    if query.fields:
        any_of.append([doc.field_tag(code) for code in query.fields])
    if query.categories:
        any_of.append([doc.category_tag(code) for code in query.categories])
    if query.languages:
        any_of.append([doc.language_tag(code) for code in query.languages])
    if query.statuses:
        any_of.append([doc.status_tag(status) for status in query.statuses])
    all_of += [doc.willing_tag(flag) for flag in query.willing if flag in WILLINGNESS]
    if query.legal_basis_present is not None:
        all_of.append(doc.legal_basis_tag(query.legal_basis_present))
    return all_of, any_of


def findable() -> list[ColumnElement[bool]]:
    """What every search requires, and all the index ever holds: live records, not erased
    (erased records stay for the counts in reports, but are never found again)."""
    return [live(), Contact.erased_at.is_(None)]


def untagged_conditions(query: SearchQuery) -> list[ColumnElement[bool]]:
    """The filters that stay plain SQL when the index answers the tagged ones."""
    return findable() + optional_conditions(query)


def _origin_condition(typed: str) -> ColumnElement[bool]:
    """Origin typed with or without diacritics (``thuy nguyen`` finds ``Thủy Nguyên``).

    The origin columns are stored as written, and neither database folds Vietnamese marks in
    SQL alike; the places of origin are a few hundred communes, so their distinct values are
    folded here and the matching ones are looked up exactly (each typed word must appear in the
    commune or the old district)."""
    words = tokens(typed)[:6]
    pairs = db.session.execute(
        select(Contact.origin_commune, Contact.origin_district_old)
        .where(or_(Contact.origin_commune != "", Contact.origin_district_old != ""))
        .distinct()
    ).all()
    chosen = []
    for commune, district in pairs:
        folded = " ".join(tokens(f"{commune} {district}"))
        if all(word in folded for word in words):
            chosen.append((commune, district))
    if not chosen:
        return false()
    return tuple_(Contact.origin_commune, Contact.origin_district_old).in_(chosen)


def optional_conditions(query: SearchQuery) -> list[ColumnElement[bool]]:
    """The plain SQL filters the user chose (not the ones every search has)."""
    result: list[ColumnElement[bool]] = []
    if query.organizations:
        result.append(
            exists().where(
                Membership.contact_id == Contact.id,
                Membership.organization_id.in_(query.organizations),
            )
        )
    if query.city.strip():
        result.append(Contact.city_folded == " ".join(tokens(query.city)))
    if tokens(query.origin):
        result.append(_origin_condition(query.origin))
    for add_filters in EXTRA_FILTERS:
        result.extend(add_filters(query))
    return result
