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

from sqlalchemy import Integer, and_, case, column, func, select, text
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
    ExpertiseField,
    User,
)
from diaspora.search import filters, hits
from diaspora.search.backends import backend_for
from diaspora.search.documents import search_words
from diaspora.search.query import MAX_PER_PAGE, MAX_TERMS, MAX_TEXT, SearchQuery


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


def _statement(query: SearchQuery, *, actor: User | None, ordered: bool = True):
    """The matching ids. Unordered, with no plain filter chosen, the index answers alone: it
    holds only findable records (``filters.findable``), and reading every matching row of
    contacts only to check that again costs more than the whole index lookup."""
    words = terms(query.text)
    where = filters.optional_conditions(query)
    all_of, any_of = filters.tag_groups(query)
    if words or all_of or any_of:
        backend = backend_for(db.session.get_bind().dialect.name)
        match = backend.match(words, all_of, any_of, private=searches_private(actor))
        matching = text(match.sql).bindparams(**match.params).columns(column("id", Integer))
        if not ordered and not where:
            return matching, words
        where.append(Contact.id.in_(matching))
    return select(Contact.id).where(and_(*filters.findable(), *where)), words


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


def _page_statement(query: SearchQuery, words: list[str], total: int):
    """Which side drives the page: the hits, or the index of the sort column.

    Walking the name (or update) index finds a page of many hits after a few rows, but walks
    most of the table for a few hits; sorting the hits costs what there are hits. Walking the
    index reads about ``rows_needed × contacts / total`` rows, so it wins when that is fewer
    than the hits. Relevance has no index to walk.
    """
    sorted_by_index = query.sort in ("name", "updated") or not words
    if sorted_by_index and total:
        rows_needed = query.page * query.per_page
        contacts = db.session.scalar(select(func.max(Contact.id))) or 0
        if rows_needed * contacts < total * total:
            return select(Contact.id).join(hits.hits, hits.hits.c.id == Contact.id)
    return select(Contact.id).where(Contact.id.in_(select(hits.hits.c.id)))


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
    statement, words = _statement(query, actor=actor, ordered=False)
    connection = db.session.connection()
    hits.fill(connection, statement)
    counts = hits.facet_counts(connection, query.fields)
    total = counts.pop(("total", ""), 0)
    page_ids = list(
        db.session.scalars(
            _page_statement(query, words, total)
            .order_by(*_order(query, words))
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


def _facets(counts: dict, query: SearchQuery, language: str) -> dict[str, list[FacetValue]]:
    def named(model, kind: str) -> dict:
        """Only the rows whose codes are counted: a few, not the whole table."""
        codes = [code for (counted, code) in counts if counted == kind]
        if not codes:
            return {}
        return {
            row.code: row for row in db.session.scalars(select(model).where(model.code.in_(codes)))
        }

    fields = named(ExpertiseField, "field")
    categories = named(Category, "category")
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
