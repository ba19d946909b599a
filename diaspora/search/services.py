"""Expert search: one entry point for the search page, the API, exports and the CLI.

``search`` answers one page with its total and facet counts; ``matching_ids`` gives every
matching id in the same order, for exports. Free text and tagged filters go to the index of the
database in use (``backends``), the other filters are plain SQL (``filters``). Deleted and merged
records are never indexed and never returned.

Order: by relevance (the exact full name first, then people whose names hold every word, then
the rest), by Vietnamese name order, or by last update; ties by id, so every page is stable.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from sqlalchemy import Integer, and_, case, column, func, or_, select, text
from sqlalchemy.orm import selectinload

from diaspora.auth.permissions import Permission, can
from diaspora.contacts.labels import FIELD_LABELS, STATUSES
from diaspora.contacts.languages import language_name
from diaspora.countries import country_name
from diaspora.extensions import db
from diaspora.models import (
    Category,
    Contact,
    ContactExpertise,
    ContactLanguage,
    ExpertiseField,
    User,
)
from diaspora.models.contact import contact_categories
from diaspora.search import filters
from diaspora.search.backends import backend_for
from diaspora.search.documents import search_words
from diaspora.search.query import MAX_PER_PAGE, MAX_TERMS, MAX_TEXT, WILLINGNESS, SearchQuery


@dataclass
class FacetValue:
    code: str
    name: str
    count: int
    selected: bool = False


@dataclass
class SearchResult:
    query: SearchQuery
    items: list[Contact]
    total: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


def terms(text_: str) -> list[str]:
    """The words of free text that count: folded, deduplicated, at most MAX_TERMS."""
    return list(dict.fromkeys(search_words(text_[:MAX_TEXT])))[:MAX_TERMS]


def normalized(query: SearchQuery) -> SearchQuery:
    per_page = min(max(1, query.per_page), MAX_PER_PAGE)
    return replace(query, page=max(1, query.page), per_page=per_page)


def searches_private(actor: User | None) -> bool:
    """Internal notes are searched only for those who may read them."""
    return actor is not None and can(actor, Permission.VIEW_PERSONAL)


def _statement(query: SearchQuery, *, actor: User | None):
    words = terms(query.text)
    where = filters.untagged_conditions(query)
    all_of, any_of = filters.tag_groups(query)
    if words or all_of or any_of:
        backend = backend_for(db.session.get_bind().dialect.name)
        match = backend.match(words, all_of, any_of, private=searches_private(actor))
        matching = text(match.sql).bindparams(**match.params).columns(column("id", Integer))
        where.append(Contact.id.in_(matching))
    return select(Contact.id).where(and_(*where)), words


def _order(query: SearchQuery, words: list[str]) -> tuple:
    if query.sort == "updated":
        return (Contact.updated_at.desc(), Contact.id.desc())
    by_name = (Contact.name_sort, Contact.id)
    if query.sort == "name" or not words:
        return by_name
    every_word_in_names = and_(*[Contact.names_folded.like(f"% {word}%") for word in words])
    tier = case(
        (Contact.name_folded == " ".join(words), 0),
        (every_word_in_names, 1),
        else_=2,
    )
    return (tier, *by_name)


def matching_ids(query: SearchQuery, *, actor: User | None) -> list[int]:
    statement, words = _statement(normalized(query), actor=actor)
    return list(db.session.scalars(statement.order_by(*_order(query, words))))


def iter_contacts(query: SearchQuery, *, actor: User | None, batch: int = 500) -> Iterator[Contact]:
    """Every matching contact in order, loaded in batches (exports of any size)."""
    ids = matching_ids(query, actor=actor)
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        rows = db.session.scalars(select(Contact).where(Contact.id.in_(chunk))).all()
        by_id = {row.id: row for row in rows}
        for contact_id in chunk:
            if contact_id in by_id:
                yield by_id[contact_id]
        db.session.expunge_all()


def search(query: SearchQuery, *, actor: User | None, language: str = "vi") -> SearchResult:
    query = normalized(query)
    statement, words = _statement(query, actor=actor)
    counts = _facet_counts(statement, query)
    total = counts.pop(("total", ""), 0)
    page_ids = list(
        db.session.scalars(
            statement.order_by(*_order(query, words))
            .limit(query.per_page)
            .offset((query.page - 1) * query.per_page)
        )
    )
    rows = db.session.scalars(
        select(Contact)
        .where(Contact.id.in_(page_ids))
        .options(
            selectinload(Contact.expertise).selectinload(ContactExpertise.field),
            selectinload(Contact.categories),
            selectinload(Contact.languages),
            selectinload(Contact.memberships),
        )
    ).all()
    by_id = {row.id: row for row in rows}
    return SearchResult(
        query=query,
        items=[by_id[i] for i in page_ids if i in by_id],
        total=total,
        facets=_facets(counts, query, language),
    )


def _facet_counts(statement, query: SearchQuery) -> dict[tuple[str, str], int]:
    """Total and counts per facet value over the whole result set.

    A few small statements, each starting from the materialised hits: one statement with a
    UNION of them all was planned badly by SQLite (it scanned whole link tables by their code
    index), and separate statements let the planner drive every join from the hits.
    """
    hits = statement.cte("hits").prefix_with("MATERIALIZED")
    hit_id = hits.c.id
    counts: dict[tuple[str, str], int] = {}

    def add(kind: str, code: str | None, number: int) -> None:
        if code is not None and number:
            counts[(kind, code)] = counts.get((kind, code), 0) + number

    flags = [getattr(Contact, f"willing_{flag}") for flag in WILLINGNESS]
    rows = db.session.execute(
        select(Contact.country, Contact.status, *flags, func.count())
        .select_from(hits)
        .join(Contact, Contact.id == hit_id)
        .group_by(Contact.country, Contact.status, *flags)
    )
    for country, status, *values in rows:
        number = values.pop()
        add("total", "", number)
        add("country", country, number)
        add("status", status, number)
        for flag, on in zip(WILLINGNESS, values, strict=True):
            if on:
                add("willing", flag, number)
    parent = ExpertiseField.__table__.alias("parent_field")
    distinct_contacts = func.count(ContactExpertise.contact_id.distinct())
    # Subfield counts only under the top-level fields chosen: that is where they are shown.
    linked = [
        ("field", ExpertiseField.code, select(ExpertiseField.code, distinct_contacts)
            .select_from(hits).join(ContactExpertise, ContactExpertise.contact_id == hit_id)
            .join(ExpertiseField, ExpertiseField.id == ContactExpertise.field_id)
            .join(parent, parent.c.id == ExpertiseField.parent_id)
            .where(or_(parent.c.code.in_(query.fields), ExpertiseField.code.in_(query.fields)))
            .group_by(ExpertiseField.code)),
        ("field", parent.c.code, select(parent.c.code, distinct_contacts)
            .select_from(hits).join(ContactExpertise, ContactExpertise.contact_id == hit_id)
            .join(ExpertiseField, ExpertiseField.id == ContactExpertise.field_id)
            .join(parent, parent.c.id == ExpertiseField.parent_id)
            .group_by(parent.c.code)),
        ("category", Category.code, select(Category.code, func.count())
            .select_from(hits).join(contact_categories, contact_categories.c.contact_id == hit_id)
            .join(Category, Category.id == contact_categories.c.category_id)
            .group_by(Category.code)),
        ("language", ContactLanguage.code, select(ContactLanguage.code, func.count())
            .select_from(hits).join(ContactLanguage, ContactLanguage.contact_id == hit_id)
            .group_by(ContactLanguage.code)),
    ]  # fmt: skip
    if not counts:
        return {("total", ""): 0}
    for kind, _column, query in linked:
        for code, number in db.session.execute(query):
            add(kind, code, number)
    return counts


def _facets(counts: dict, query: SearchQuery, language: str) -> dict[str, list[FacetValue]]:
    fields = {row.code: row for row in db.session.scalars(select(ExpertiseField))}
    categories = {row.code: row for row in db.session.scalars(select(Category))}
    selected = {
        "country": {code.upper() for code in query.countries},
        "field": set(query.fields),
        "category": set(query.categories),
        "language": set(query.languages),
        "willing": set(query.willing),
        "status": set(query.statuses),
    }
    namers = {
        "country": lambda code: country_name(code, language),
        "field": lambda code: fields[code].name(language) if code in fields else code,
        "category": lambda code: categories[code].name(language) if code in categories else code,
        "language": lambda code: language_name(code, language),
        "willing": lambda code: str(FIELD_LABELS.get(f"willing_{code}", code)),
        "status": lambda code: str(STATUSES.get(code, code)),
    }
    result: dict[str, list[FacetValue]] = {kind: [] for kind in namers}
    for (kind, code), count in counts.items():
        result[kind].append(
            FacetValue(
                code=code, name=namers[kind](code), count=count, selected=code in selected[kind]
            )
        )
    for values in result.values():
        values.sort(key=lambda value: (-value.count, value.name))
    return result
