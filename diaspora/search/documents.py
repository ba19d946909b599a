"""What the search index holds for one contact: folded words per column, and filter tags.

Both backends index exactly these strings, so they match exactly the same words. Words are
folded (``diaspora.text``) letters and digits only; tags are letters and digits only too, so
neither SQLite's ``unicode61`` tokenizer nor PostgreSQL's ``tsvector`` splits them differently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from diaspora.contacts.indexing import contact_search_terms
from diaspora.models import Contact
from diaspora.search.query import WILLINGNESS
from diaspora.text import fold

_LETTERS_AND_DIGITS = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Document:
    contact_id: int
    names: str  # every name the person goes by
    body: str  # occupation, title, employer, city, organizations, expertise, categories
    private: str  # internal notes: searched for officers and administrators only
    tags: str  # filter tokens, see the *_tag functions


def _hex(code: str) -> str:
    return code.encode("utf-8").hex()


def country_tag(code: str) -> str:
    return "c" + code.lower()


def field_tag(code: str) -> str:
    return "f" + _hex(code)


def category_tag(code: str) -> str:
    return "k" + _hex(code)


def language_tag(code: str) -> str:
    return "l" + code.lower()


def willing_tag(flag: str) -> str:
    return "w" + flag.replace("_", "")


def status_tag(status: str) -> str:
    return "s" + status


def legal_basis_tag(present: bool) -> str:
    return "lbyes" if present else "lbno"


def search_words(text: str | None) -> list[str]:
    """Folded runs of letters and digits: the unit both backends index and match."""
    return _LETTERS_AND_DIGITS.findall(fold(text))


def words(text: str | None) -> str:
    return " ".join(search_words(text))


def build_document(
    contact_id: int,
    *,
    names: list[str],
    searchable: str,
    notes: str,
    country: str,
    status: str,
    has_legal_basis: bool,
    field_codes: list[str],
    category_codes: list[str],
    language_codes: list[str],
    willing: list[str],
) -> Document:
    """The one definition of an index entry, from plain values (also used by bulk loaders)."""
    name_text = words(" ".join(names))
    name_words = set(name_text.split())
    body = " ".join(word for word in search_words(searchable) if word not in name_words)
    tags = [country_tag(country), status_tag(status), legal_basis_tag(has_legal_basis)]
    tags += [field_tag(code) for code in field_codes]
    tags += [category_tag(code) for code in category_codes]
    tags += [language_tag(code) for code in language_codes]
    tags += [willing_tag(flag) for flag in willing]
    return Document(
        contact_id=contact_id,
        names=name_text,
        body=body,
        private=words(notes),
        tags=" ".join(dict.fromkeys(tags)),
    )


def document_for(contact: Contact) -> Document:
    field_codes: list[str] = []
    for row in contact.expertise:
        field_codes.append(row.field.code)
        if row.field.parent is not None:
            field_codes.append(row.field.parent.code)
    return build_document(
        contact.id,
        names=[contact.full_name, contact.foreign_name, contact.former_names],
        searchable=contact_search_terms(contact),
        notes=contact.notes,
        country=contact.country,
        status=contact.status,
        has_legal_basis=contact.legal_basis is not None,
        field_codes=field_codes,
        category_codes=[category.code for category in contact.categories],
        language_codes=contact.language_codes,
        willing=[flag for flag in WILLINGNESS if getattr(contact, f"willing_{flag}")],
    )
