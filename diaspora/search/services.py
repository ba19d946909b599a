"""Expert search: one entry point for the search page, the API, exports and the CLI.

``search`` answers a page with its total and facet counts; ``matching_ids`` gives every
matching id in the same order, for exports. Deleted and merged records never appear.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import selectinload

from diaspora.extensions import db
from diaspora.models import Contact, User
from diaspora.search import filters
from diaspora.search.query import MAX_PER_PAGE, MAX_TERMS, MAX_TEXT, SearchQuery
from diaspora.text import tokens


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


def terms(text: str) -> list[str]:
    """The words of free text that count: folded, deduplicated, at most MAX_TERMS."""
    seen: list[str] = []
    for word in tokens(text[:MAX_TEXT]):
        if word not in seen:
            seen.append(word)
    return seen[:MAX_TERMS]


def normalized(query: SearchQuery) -> SearchQuery:
    from dataclasses import replace

    per_page = min(max(1, query.per_page), MAX_PER_PAGE)
    return replace(query, page=max(1, query.page), per_page=per_page)


def _text_conditions(words: list[str]) -> list:
    return [Contact.names_folded.like(f"% {word}%") for word in words]


def _order(query: SearchQuery, words: list[str]):
    if query.sort == "updated":
        return (Contact.updated_at.desc(), Contact.id.desc())
    by_name = (Contact.name_folded, Contact.id)
    if query.sort == "name" or not words:
        return by_name
    exact = case((Contact.name_folded == " ".join(words), 0), else_=1)
    return (exact, *by_name)


def _statement(query: SearchQuery, *, actor: User):
    words = terms(query.text)
    where = [*filters.conditions(query), *_text_conditions(words)]
    return select(Contact.id).where(and_(*where)), words


def matching_ids(query: SearchQuery, *, actor: User) -> list[int]:
    statement, words = _statement(normalized(query), actor=actor)
    return list(db.session.scalars(statement.order_by(*_order(query, words))))


def iter_contacts(query: SearchQuery, *, actor: User, batch: int = 500) -> Iterator[Contact]:
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


def search(query: SearchQuery, *, actor: User) -> SearchResult:
    query = normalized(query)
    statement, words = _statement(query, actor=actor)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
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
        .options(selectinload(Contact.expertise), selectinload(Contact.categories))
    ).all()
    by_id = {row.id: row for row in rows}
    return SearchResult(
        query=query, items=[by_id[i] for i in page_ids if i in by_id], total=total or 0
    )
