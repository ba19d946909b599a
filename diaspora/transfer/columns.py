"""The columns an export can hold, their headers in either language, and each cell's value.

A column's value is plain data (text, a whole number, a date or nothing); the writers decide
how it is stored (quoted text in CSV, typed cells in XLSX). ``Vocabulary`` renders the coded
values (countries, genders, languages, field names) once per export, in the header language
the user chose, whatever the interface language is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache, partial
from operator import attrgetter, itemgetter

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from diaspora.contacts.labels import FIELD_LABELS, GENDERS, LEGAL_BASES, SOURCES, STATUSES
from diaspora.contacts.languages import language_name
from diaspora.contacts.validation import display_phone
from diaspora.countries import country_name
from diaspora.transfer.records import ExportRecord, ListedRecord

Value = str | int | date | None
TEXT, NUMBER, DATE = "text", "number", "date"
HEADER_LANGUAGES = ("vi", "en")
SEPARATOR = "; "


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # a lazy string
    kind: str = TEXT
    width: int = 18  # characters, for XLSX and the PDF's proportions
    personal: bool = True  # viewers may not export it
    selectable: bool = True  # offered on the export form and the command line


class Vocabulary:
    """Names of coded values in one language, computed once per export."""

    def __init__(self, language: str) -> None:
        self.language = language
        with force_locale(language):
            self.genders = {key: str(value) for key, value in GENDERS.items()}
            self.statuses = {key: str(value) for key, value in STATUSES.items()}
            self.legal_bases = {key: str(value) for key, value in LEGAL_BASES.items()}
            self.sources = {key: str(value) for key, value in SOURCES.items()}
            self.willing = {key: str(value) for key, value in WILLINGNESS_LABELS.items()}
            self.correspondence = {"vi": "Tiếng Việt", "en": "English"}
            self.note_labels = {
                key: str(FIELD_LABELS[name])
                for key, name in (
                    ("expertise", "expertise"),
                    ("occupation", "occupation"),
                    ("organizations", "memberships"),
                    ("languages", "languages"),
                )
            }
        self.english = language == "en"

    def country(self, code: str | None) -> str:
        return _country(code or "", self.language)

    def language_names(self, codes: list[str]) -> str:
        return SEPARATOR.join(_language(code, self.language) for code in codes)

    def named(self, items: list[tuple[str, str, str]]) -> str:
        return SEPARATOR.join(item[2] if self.english else item[1] for item in items)


@cache
def _country(code: str, language: str) -> str:
    return country_name(code, language)


@cache
def _language(code: str, language: str) -> str:
    return language_name(code, language)


WILLINGNESS_LABELS = {
    "willing_advise": _l("advise"),
    "willing_invest": _l("invest"),
    "willing_host_delegation": _l("host a delegation"),
    "willing_promote_products": _l("promote products"),
    "willing_teach": _l("teach"),
}


def _organizations(record: ExportRecord) -> str:
    return SEPARATOR.join(
        f"{name} ({role})" if role else name for name, role in record.organizations
    )


def _willing(record: ExportRecord, words: Vocabulary) -> str:
    return SEPARATOR.join(text for key, text in words.willing.items() if getattr(record, key))


def _organization(record: ExportRecord) -> str:
    """Employer and memberships in one cell, the employer first."""
    names = [record.employer] if record.employer else []
    names += [f"{name} ({role})" if role else name for name, role in record.organizations]
    return SEPARATOR.join(dict.fromkeys(names))


def _origin(record: ExportRecord) -> str:
    parts = [record.origin_commune, record.origin_district_old]
    return ", ".join(part for part in parts if part)


COLUMNS: dict[str, Column] = {
    column.key: column
    for column in (
        Column("id", _l("Record no."), NUMBER, 9, personal=False),
        Column("full_name", FIELD_LABELS["full_name"], TEXT, 28, personal=False),
        Column("foreign_name", FIELD_LABELS["foreign_name"], TEXT, 20, personal=False),
        Column("former_names", FIELD_LABELS["former_names"], TEXT, 20),
        Column("gender", FIELD_LABELS["gender"], TEXT, 10),
        Column("birth_year", FIELD_LABELS["birth_year"], NUMBER, 10),
        Column("origin", _l("Origin in Hải Phòng"), TEXT, 22),
        Column("country", FIELD_LABELS["country"], TEXT, 18, personal=False),
        Column("city", FIELD_LABELS["city"], TEXT, 16, personal=False),
        Column("emails", FIELD_LABELS["emails"], TEXT, 30),
        Column("phones", FIELD_LABELS["phones"], TEXT, 20),
        Column("address", FIELD_LABELS["address"], TEXT, 30),
        Column("website", FIELD_LABELS["website"], TEXT, 24),
        Column("occupation", FIELD_LABELS["occupation"], TEXT, 22),
        Column("title", FIELD_LABELS["title"], TEXT, 20),
        Column("employer", FIELD_LABELS["employer"], TEXT, 24, personal=False),
        Column("organizations", FIELD_LABELS["memberships"], TEXT, 28, personal=False),
        Column("expertise", FIELD_LABELS["expertise"], TEXT, 32, personal=False),
        Column("languages", FIELD_LABELS["languages"], TEXT, 18, personal=False),
        Column("categories", FIELD_LABELS["categories"], TEXT, 20),
        Column("willing", _l("Willing to"), TEXT, 24),
        Column("preferred_language", FIELD_LABELS["preferred_language"], TEXT, 12),
        Column("status", FIELD_LABELS["status"], TEXT, 12),
        Column("legal_basis", FIELD_LABELS["legal_basis"], TEXT, 20),
        Column("source", FIELD_LABELS["source"], TEXT, 16),
        Column("verified_on", FIELD_LABELS["verified_on"], DATE, 12),
        # Columns of an ordered list (a delegation's contacts, ``ListedRecord``), not offered
        # for registry exports.
        Column("position", _l("No."), NUMBER, 6, personal=False, selectable=False),
        Column("organization", _l("Organization"), TEXT, 30, personal=False, selectable=False),
        Column("work_title", FIELD_LABELS["title"], TEXT, 24, personal=False, selectable=False),
        Column(
            "last_engagement", _l("Last engagement"), TEXT, 34, personal=False, selectable=False
        ),
    )
}
SELECTABLE_COLUMNS = tuple(key for key, column in COLUMNS.items() if column.selectable)
VIEWER_COLUMNS = tuple(key for key in SELECTABLE_COLUMNS if not COLUMNS[key].personal)
DEFAULT_COLUMNS = (
    "full_name", "foreign_name", "country", "city", "occupation", "employer", "organizations",
    "expertise", "languages", "emails", "phones",
)  # fmt: skip

# Cell values: (record, vocabulary) -> value.
GETTERS: dict[str, Callable[[ExportRecord, Vocabulary], Value]] = {
    "id": lambda r, w: r.id,
    "full_name": lambda r, w: r.full_name,
    "foreign_name": lambda r, w: r.foreign_name,
    "former_names": lambda r, w: r.former_names,
    "gender": lambda r, w: w.genders.get(r.gender, "") if r.gender else "",
    "birth_year": lambda r, w: r.birth_year,
    "origin": lambda r, w: _origin(r),
    "country": lambda r, w: w.country(r.country),
    "city": lambda r, w: r.city,
    "emails": lambda r, w: SEPARATOR.join(r.emails),
    "phones": lambda r, w: SEPARATOR.join(display_phone(number) for number in r.phones),
    "address": lambda r, w: r.address,
    "website": lambda r, w: r.website,
    "occupation": lambda r, w: r.occupation,
    "title": lambda r, w: r.title,
    "employer": lambda r, w: r.employer,
    "organizations": lambda r, w: _organizations(r),
    "expertise": lambda r, w: w.named(r.expertise),
    "languages": lambda r, w: w.language_names(r.languages),
    "categories": lambda r, w: w.named(r.categories),
    "willing": _willing,
    "preferred_language": lambda r, w: w.correspondence.get(r.preferred_language, ""),
    "status": lambda r, w: w.statuses.get(r.status, r.status or ""),
    "legal_basis": lambda r, w: w.legal_bases.get(r.legal_basis, "") if r.legal_basis else "",
    "source": lambda r, w: w.sources.get(r.source, r.source or ""),
    "verified_on": lambda r, w: r.verified_on,
    "position": lambda r, w: r.position if isinstance(r, ListedRecord) else None,
    "organization": lambda r, w: _organization(r),
    "work_title": lambda r, w: r.title or r.occupation,
    "last_engagement": lambda r, w: r.last_engagement if isinstance(r, ListedRecord) else "",
}


# Record fields a column's cell reads, when they are not just the field of its own name.
READS: dict[str, tuple[str, ...]] = {
    "origin": ("origin_commune", "origin_district_old"),
    "willing": tuple(WILLINGNESS_LABELS),
    "organization": ("employer", "organizations"),
    "work_title": ("title", "occupation"),
    "position": (),  # on ``ListedRecord`` only
    "last_engagement": (),
}


def record_fields(columns: Iterable[str]) -> set[str]:
    """The record fields an export of these columns reads (``load_records(fields=…)``), for
    any writer: vCards also name and number every contact."""
    fields = {"id", "full_name"}
    for key in columns:
        fields.update(READS.get(key, (key,)))
    return fields


def headers(columns: list[str], language: str) -> list[str]:
    with force_locale(language):
        return [str(COLUMNS[key].label) for key in columns]


# Columns whose cell is the record's attribute of the same name, read without a call of ours.
PLAIN = frozenset(
    ("id", "full_name", "foreign_name", "former_names", "birth_year", "city", "address",
     "website", "occupation", "title", "employer", "verified_on")
)  # fmt: skip


class _Names(dict):
    """Code → name, computed on first use; ``names.__getitem__`` then maps in C."""

    def __init__(self, name: Callable[[str], str]) -> None:
        super().__init__()
        self._name = name

    def __missing__(self, code: str) -> str:
        value = self[code] = self._name(code)
        return value


def _fast_getters(words: Vocabulary) -> dict[str, Callable[[ExportRecord], Value]]:
    """One-argument getters for the columns every export has, giving the same values as
    ``GETTERS`` with fewer Python calls per cell (exports run them millions of times)."""
    pick = itemgetter(2 if words.english else 1)
    countries = _Names(words.country)
    languages = _Names(lambda code: _language(code, words.language)).__getitem__
    join = SEPARATOR.join
    return {
        "country": lambda r: countries[r.country or ""],
        "emails": lambda r: join(r.emails),
        "expertise": lambda r: join(map(pick, r.expertise)),
        "categories": lambda r: join(map(pick, r.categories)),
        "languages": lambda r: join(map(languages, r.languages)),
        "phones": lambda r: join(map(display_phone, r.phones)),
        "organizations": _organizations,
        "organization": _organization,
        "origin": _origin,
        "willing": partial(_willing, words=words),
    }


def row_getter(columns: list[str], language: str) -> Callable[[ExportRecord], list[Value]]:
    """A function giving a record's cells for these columns, in this language."""
    words = Vocabulary(language)
    fast = _fast_getters(words)
    getters: list[Callable[[ExportRecord], Value]] = []
    for key in columns:
        if key in PLAIN:
            getters.append(attrgetter(key))
        elif key in fast:
            getters.append(fast[key])
        else:
            getters.append(partial(_call, GETTERS[key], words=words))

    def cells(record: ExportRecord) -> list[Value]:
        return [getter(record) for getter in getters]

    return cells


def _call(getter: Callable[[ExportRecord, Vocabulary], Value], record, *, words) -> Value:
    return getter(record, words)
