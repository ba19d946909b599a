"""What an export writes about each contact: a flat, read-only record, loaded in batches.

Writers never query: they take an iterable of ``ExportRecord``. ``load_records`` builds them
from contact ids with a handful of plain queries per batch of ids (a search result, and later a
delegation visit's list); ``records_from_contacts`` builds them from contacts already loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from itertools import groupby
from operator import itemgetter

from sqlalchemy import Select, and_, bindparam, exists, not_, select
from sqlalchemy.engine import Dialect

from diaspora.extensions import db
from diaspora.models import (
    Category,
    ConsentRecord,
    Contact,
    ContactEmail,
    ContactExpertise,
    ContactLanguage,
    ContactPhone,
    ExpertiseField,
    Membership,
    Organization,
    contact_categories,
)

SCALARS = (
    "id", "full_name", "foreign_name", "former_names", "gender", "birth_year",
    "origin_commune", "origin_district_old", "country", "city", "address", "website",
    "occupation", "title", "employer", "preferred_language", "willing_advise",
    "willing_invest", "willing_host_delegation", "willing_promote_products", "willing_teach",
    "status", "legal_basis", "source", "verified_on",
)  # fmt: skip
VERIFIED_ON = SCALARS.index("verified_on")
LISTS = ("emails", "phones", "languages", "expertise", "organizations", "categories")


@dataclass(slots=True)
class ExportRecord:
    """One contact as the writers see it. Lists hold plain values or tuples:
    expertise and categories ``(code, name_vi, name_en)``, organizations ``(name, role)``.
    Fields are in the order of ``SCALARS`` then ``LISTS``."""

    id: int
    full_name: str
    foreign_name: str
    former_names: str
    gender: str | None
    birth_year: int | None
    origin_commune: str
    origin_district_old: str
    country: str
    city: str
    address: str
    website: str
    occupation: str
    title: str
    employer: str
    preferred_language: str
    willing_advise: bool
    willing_invest: bool
    willing_host_delegation: bool
    willing_promote_products: bool
    willing_teach: bool
    status: str
    legal_basis: str | None
    source: str
    verified_on: date | None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    expertise: list[tuple[str, str, str]] = field(default_factory=list)
    organizations: list[tuple[str, str]] = field(default_factory=list)
    categories: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass(slots=True)
class ListedRecord(ExportRecord):
    """A record on an ordered list (a delegation's contacts to meet): its place on the list
    and its last engagement (\"05/01/2026 — title\"), for the list-only columns."""

    position: int = 0
    last_engagement: str = ""


def records_from_contacts(contacts: Iterable[Contact]) -> Iterator[ExportRecord]:
    """Records of contacts already loaded (their relationships load as they are read)."""
    for contact in contacts:
        values = {name: getattr(contact, name) for name in SCALARS}
        yield ExportRecord(
            **values,
            emails=contact.email_addresses,
            phones=contact.phone_numbers,
            languages=contact.language_codes,
            expertise=[(r.field.code, r.field.name_vi, r.field.name_en) for r in contact.expertise],
            organizations=[(m.organization.name, m.role) for m in contact.memberships],
            categories=[(c.code, c.name_vi, c.name_en) for c in contact.categories],
        )


_IDS = bindparam("ids", expanding=True)
_CONTACT = itemgetter(0)
_PLACEHOLDER = "(__[POSTCOMPILE_ids])"


def _statements(scalars: tuple[str, ...]) -> dict[str, Select]:
    """The batch's queries, each with one list of contact ids as its only parameter."""
    return {
        "scalars": select(*[getattr(Contact, name) for name in scalars]).where(
            Contact.id.in_(_IDS)
        ),
        "emails": select(ContactEmail.contact_id, ContactEmail.position, ContactEmail.email).where(
            ContactEmail.contact_id.in_(_IDS)
        ),
        "phones": select(ContactPhone.contact_id, ContactPhone.position, ContactPhone.e164).where(
            ContactPhone.contact_id.in_(_IDS)
        ),
        "languages": select(
            ContactLanguage.contact_id, ContactLanguage.position, ContactLanguage.code
        ).where(ContactLanguage.contact_id.in_(_IDS)),
        # Expertise fields and categories are few: their names come from ``_fields`` and
        # ``_categories``, not from every row.
        "expertise": select(
            ContactExpertise.contact_id, ContactExpertise.id, ContactExpertise.field_id
        ).where(ContactExpertise.contact_id.in_(_IDS)),
        "organizations": select(
            Membership.contact_id, Membership.id, Organization.name, Membership.role
        )
        .join(Organization, Organization.id == Membership.organization_id)
        .where(Membership.contact_id.in_(_IDS)),
        "categories": select(
            contact_categories.c.contact_id, contact_categories.c.category_id
        ).where(contact_categories.c.contact_id.in_(_IDS)),
    }


@cache
def _sql(name: str, dialect: Dialect, scalars: tuple[str, ...] = SCALARS) -> str:
    """The query's SQL for this database, compiled once (expanding 1,000 ids through the
    compiler for every batch cost more than running the query)."""
    sql = str(_statements(scalars)[name].compile(dialect=dialect))
    if sql.count(_PLACEHOLDER) != 1:  # pragma: no cover - a changed query
        raise RuntimeError(f"the {name} query must take the ids once")
    return sql


def _rows(name: str, ids: list[int], scalars: tuple[str, ...] = SCALARS) -> list[tuple]:
    """The named query's rows for ``ids`` as plain tuples, straight from the database driver.

    Exports read hundreds of thousands of small rows; building SQLAlchemy row objects for
    them costs more than writing the file. Only plain columns are read here (text, numbers,
    booleans; ``verified_on`` is converted below), so no result processing is lost.
    """
    connection = db.session.connection()
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    sql = _sql(name, connection.dialect, scalars).replace(
        _PLACEHOLDER, "(" + ", ".join([marker] * len(ids)) + ")"
    )
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql, ids)
        return cursor.fetchall()
    finally:
        cursor.close()


def _grouped(name: str, ids: list[int], names: dict | None = None) -> dict[int, list]:
    """Rows of ``(contact_id, order, *values)`` as {contact_id: [values, …]} in that order;
    with ``names``, rows of ``(contact_id, order, key)`` give ``names[key]`` (one shared tuple
    per expertise field instead of three new strings per row).

    The order is applied here, not in SQL: an ORDER BY makes SQLite walk the whole child table
    in index order instead of looking up the batch's ids, which grows with the registry.
    """
    rows = _rows(name, ids)
    if not rows:
        return {}
    rows.sort(key=itemgetter(0, 1))
    # Grouped and mapped in C (groupby, map, itemgetter): hundreds of thousands of rows.
    width = len(rows[0])
    value = itemgetter(2) if width == 3 else itemgetter(*range(2, width))
    if names is not None:
        lookup = names.__getitem__
        return {
            contact_id: list(map(lookup, map(value, group)))
            for contact_id, group in groupby(rows, _CONTACT)
        }
    return {contact_id: list(map(value, group)) for contact_id, group in groupby(rows, _CONTACT)}


def _categories(ids: list[int]) -> dict[int, list]:
    """{contact_id: [(code, name_vi, name_en), …]} in the categories' order."""
    known = {
        row.id: (row.position, (row.code, row.name_vi, row.name_en))
        for row in db.session.execute(
            select(
                Category.id, Category.position, Category.code, Category.name_vi, Category.name_en
            )
        )
    }
    rows = _rows("categories", ids)
    rows.sort(key=lambda row: (row[0], known[row[1]][0], row[1]))
    groups: dict[int, list] = {}
    for contact_id, category_id in rows:
        groups.setdefault(contact_id, []).append(known[category_id][1])
    return groups


def _fields() -> dict[int, tuple[str, str, str]]:
    """{expertise field id: (code, name_vi, name_en)}: a short reference table, read per batch
    (a field added during a long export is then found)."""
    return {
        row.id: (row.code, row.name_vi, row.name_en)
        for row in db.session.execute(
            select(
                ExpertiseField.id,
                ExpertiseField.code,
                ExpertiseField.name_vi,
                ExpertiseField.name_en,
            )
        )
    }


# The value a field keeps when the caller does not read it (``load_records(fields=…)``).
_EMPTY = {
    "gender": None, "birth_year": None, "legal_basis": None, "verified_on": None,
    "willing_advise": False, "willing_invest": False, "willing_host_delegation": False,
    "willing_promote_products": False, "willing_teach": False,
}  # fmt: skip


@dataclass(frozen=True)
class _Plan:
    """What a batch reads: the scalar columns, how to spread them over every field, and which
    child tables."""

    scalars: tuple[str, ...]
    spread: Callable[[tuple], tuple] | None  # fetched row + empty values → all of SCALARS
    tail: tuple
    lists: frozenset[str]

    @classmethod
    def of(cls, fields: Iterable[str] | None) -> _Plan:
        if fields is None:
            return cls(SCALARS, None, (), frozenset(LISTS))
        wanted = {"id", *fields}
        scalars = tuple(name for name in SCALARS if name in wanted)
        if scalars == SCALARS:
            return cls(SCALARS, None, (), frozenset(name for name in LISTS if name in wanted))
        left = [name for name in SCALARS if name not in wanted]
        places = {name: index for index, name in enumerate((*scalars, *left))}
        return cls(
            scalars,
            itemgetter(*[places[name] for name in SCALARS]),
            tuple(_EMPTY.get(name, "") for name in left),
            frozenset(name for name in LISTS if name in wanted),
        )


def _batch(ids: list[int], plan: _Plan) -> list[ExportRecord]:
    scalars = {row[0]: row for row in _rows("scalars", ids, plan.scalars)}
    lists = plan.lists
    none: dict[int, list] = {}
    emails = _grouped("emails", ids) if "emails" in lists else none
    phones = _grouped("phones", ids) if "phones" in lists else none
    languages = _grouped("languages", ids) if "languages" in lists else none
    expertise = _grouped("expertise", ids, _fields()) if "expertise" in lists else none
    organizations = _grouped("organizations", ids) if "organizations" in lists else none
    categories = _categories(ids) if "categories" in lists else none
    spread, tail = plan.spread, plan.tail
    empty: list = []
    records = []
    append = records.append
    for contact_id in ids:
        row = scalars.get(contact_id)
        if row is None:  # removed since the ids were read
            continue
        if spread is not None:
            row = spread(row + tail)
        if row[VERIFIED_ON].__class__ is str:  # SQLite hands dates back as text
            row = (
                *row[:VERIFIED_ON],
                date.fromisoformat(row[VERIFIED_ON]),
                *row[VERIFIED_ON + 1 :],
            )
        append(
            ExportRecord(
                *row,
                emails.get(contact_id, empty),
                phones.get(contact_id, empty),
                languages.get(contact_id, empty),
                expertise.get(contact_id, empty),
                organizations.get(contact_id, empty),
                categories.get(contact_id, empty),
            )
        )
    return records


def load_records(
    ids: list[int],
    *,
    batch: int = 1000,
    between_batches: Callable[[], None] | None = None,
    fields: Iterable[str] | None = None,
) -> Iterator[ExportRecord]:
    """Records for ``ids`` in that order, ``batch`` at a time; memory stays flat.

    ``between_batches`` runs after each batch (a streaming view ends its read transaction
    there, so that a long download never holds SQLite's write lock). ``fields`` names the
    record fields the caller reads (``columns.record_fields``): the others keep an empty
    value ("", None, False, []) and their columns and tables are not read. All by default.
    """
    plan = _Plan.of(fields)
    for start in range(0, len(ids), batch):
        yield from _batch([int(contact_id) for contact_id in ids[start : start + batch]], plan)
        if between_batches is not None:
            between_batches()


# --- who may leave the registry in a list ---


def _withdrew_sharing():
    withdrawn = exists().where(
        ConsentRecord.contact_id == Contact.id,
        ConsentRecord.purpose == "sharing",
        ConsentRecord.withdrawn_on.is_not(None),
    )
    active = exists().where(
        ConsentRecord.contact_id == Contact.id,
        ConsentRecord.purpose == "sharing",
        ConsentRecord.withdrawn_on.is_(None),
    )
    return and_(withdrawn, not_(active))


def shareable(ids: list[int], *, chunk: int = 5000) -> tuple[list[int], int, int]:
    """Ids that may be exported, in order, and how many were left out: without a legal basis
    (pending), and who withdrew their consent to sharing."""
    pending: set[int] = set()
    withdrew: set[int] = set()
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        pending.update(
            db.session.scalars(
                select(Contact.id).where(Contact.id.in_(part), Contact.legal_basis.is_(None))
            )
        )
        withdrew.update(
            db.session.scalars(
                select(Contact.id).where(
                    Contact.id.in_(part), Contact.legal_basis.is_not(None), _withdrew_sharing()
                )
            )
        )
    left_out = pending | withdrew
    kept = [contact_id for contact_id in ids if contact_id not in left_out]
    return kept, len(pending), len(withdrew)
