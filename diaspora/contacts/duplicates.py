"""Likely duplicates of a person being entered or edited.

Strong: the same email address or phone number. Possible: the same folded name in the same
country, or a close name (rapidfuzz) in the same country with the same city or birth year.
Only live records are compared (not the trash, not merged records).

Services ask ``likely_duplicates``: the database by default; inside ``found_by`` (an import's
commit) an in-memory screen of the registry that applies the same rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from sqlalchemy import or_
from sqlalchemy.orm import selectinload

from diaspora.extensions import db
from diaspora.models import Contact, ContactEmail, ContactPhone
from diaspora.text import word_key

STRONG = "strong"
POSSIBLE = "possible"
# token_sort_ratio: word order does not count (``Nhung Nguyen`` ~ ``Nguyen Thi Hong Nhung``
# scores lower, ``Nguyen Van Duc`` ~ ``Nguyen Duc Van`` scores 100).
SIMILAR_NAME_SCORE = 85
MAX_MATCHES = 10
MAX_FUZZY_CANDIDATES = 5000


@dataclass
class Probe:
    """What a record is compared by."""

    name_key: str
    foreign_key: str = ""
    country: str | None = None
    city_key: str = ""
    birth_year: int | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)


def probe_from_values(values) -> Probe:
    s = values.scalars
    return Probe(
        name_key=word_key(s["full_name"]),
        foreign_key=word_key(s["foreign_name"]),
        country=s["country"],
        city_key=word_key(s["city"]),
        birth_year=s["birth_year"],
        emails=list(values.emails),
        phones=list(values.phones),
    )


def probe_from_contact(contact: Contact) -> Probe:
    return Probe(
        name_key=contact.name_folded,
        foreign_key=word_key(contact.foreign_name),
        country=contact.country,
        city_key=contact.city_folded,
        birth_year=contact.birth_year,
        emails=contact.email_addresses,
        phones=contact.phone_numbers,
    )


@dataclass
class DuplicateMatch:
    contact: Contact
    strength: str
    reasons: list[str]  # email, phone, same_name, similar_name, same_city, same_birth_year
    score: float = 0.0


Finder = Callable[..., list[DuplicateMatch]]  # (probe, *, exclude_id) -> matches
_finder: ContextVar[Finder | None] = ContextVar("duplicate_finder", default=None)


@contextmanager
def found_by(finder: Finder) -> Iterator[None]:
    """Within the block, ``likely_duplicates`` asks ``finder`` instead of the database.

    An import's commit checks thousands of new records; a screen of the registry loaded once
    (``transfer.prefilter.DuplicateScreen``) answers each in memory, where four queries per
    record were half of the commit's time.
    """
    token = _finder.set(finder)
    try:
        yield
    finally:
        _finder.reset(token)


def likely_duplicates(probe: Probe, *, exclude_id: int | None = None) -> list[DuplicateMatch]:
    finder = _finder.get() or find_duplicates
    return finder(probe, exclude_id=exclude_id)


def _live(statement, exclude_id: int | None):
    statement = statement.where(Contact.deleted_at.is_(None), Contact.erased_at.is_(None))
    if exclude_id is not None:
        statement = statement.where(Contact.id != exclude_id)
    return statement


def find_duplicates(probe: Probe, *, exclude_id: int | None = None) -> list[DuplicateMatch]:
    found: dict[int, tuple[set[str], float]] = {}

    def note(contact_id: int, reason: str, score: float = 0.0) -> None:
        reasons, best = found.setdefault(contact_id, (set(), 0.0))
        reasons.add(reason)
        found[contact_id] = (reasons, max(best, score))

    if probe.emails:
        rows = db.session.scalars(
            _live(
                db.select(ContactEmail.contact_id)
                .join(Contact)
                .where(ContactEmail.email.in_(probe.emails)),
                exclude_id,
            )
        )
        for contact_id in rows:
            note(contact_id, "email", 100)
    if probe.phones:
        rows = db.session.scalars(
            _live(
                db.select(ContactPhone.contact_id)
                .join(Contact)
                .where(ContactPhone.e164.in_(probe.phones)),
                exclude_id,
            )
        )
        for contact_id in rows:
            note(contact_id, "phone", 100)
    if probe.country and probe.name_key:
        names = [probe.name_key] + ([probe.foreign_key] if probe.foreign_key else [])
        rows = db.session.scalars(
            _live(
                db.select(Contact.id).where(
                    Contact.country == probe.country, Contact.name_folded.in_(names)
                ),
                exclude_id,
            )
        )
        for contact_id in rows:
            note(contact_id, "same_name", 100)
        _fuzzy(probe, exclude_id, note)
    if not found:
        return []
    contacts = {
        row.id: row
        for row in db.session.scalars(
            db.select(Contact)
            .where(Contact.id.in_(found))
            .options(selectinload(Contact.emails), selectinload(Contact.phones))
        )
    }
    matches = []
    for contact_id, (reasons, score) in found.items():
        contact = contacts[contact_id]
        if probe.city_key and contact.city_folded == probe.city_key:
            reasons.add("same_city")
        if probe.birth_year and contact.birth_year == probe.birth_year:
            reasons.add("same_birth_year")
        strength = STRONG if reasons & {"email", "phone"} else POSSIBLE
        order = ("email", "phone", "same_name", "similar_name", "same_city", "same_birth_year")
        matches.append(DuplicateMatch(contact, strength, [r for r in order if r in reasons], score))
    matches.sort(key=lambda m: (m.strength != STRONG, -m.score, m.contact.id))
    return matches[:MAX_MATCHES]


def _fuzzy(probe: Probe, exclude_id: int | None, note) -> None:
    """Close names in the same country that share the city or the birth year."""
    same_place = []
    if probe.city_key:
        same_place.append(Contact.city_folded == probe.city_key)
    if probe.birth_year:
        same_place.append(Contact.birth_year == probe.birth_year)
    if not same_place:
        return
    rows = db.session.execute(
        _live(
            db.select(Contact.id, Contact.name_folded)
            .where(Contact.country == probe.country, or_(*same_place))
            .limit(MAX_FUZZY_CANDIDATES),
            exclude_id,
        )
    )
    for contact_id, name_key in rows:
        if name_key == probe.name_key:
            continue
        score = fuzz.token_sort_ratio(probe.name_key, name_key)
        if score >= SIMILAR_NAME_SCORE:
            note(contact_id, "similar_name", score)
