"""Finding and removing a person's words from free text and JSON kept elsewhere.

Erasure wipes the person's own record field by field; but their name, email or phone can also
sit in text that belongs to other records: the audit trail's details (field diffs, export
filters, purposes), an engagement's description, an import's parsed cells. ``needles`` lists
the strings that identify the person, and ``scrub`` replaces them wherever they appear.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import Text, cast, func, or_
from sqlalchemy.sql.elements import ColumnElement

from diaspora.contacts.history import ERASED
from diaspora.models import Contact
from diaspora.text import fold

# Shorter strings (a given name alone, "An") would scrub other people's words too.
MIN_NEEDLE_LENGTH = 5


def needles(contact: Contact) -> list[str]:
    """The strings that identify the person, longest first (so that a name's parts go last)."""
    values = [
        contact.full_name,
        contact.foreign_name,
        *[name.strip() for name in contact.former_names.split(";")],
        fold(contact.full_name),
        fold(contact.foreign_name),
        *contact.email_addresses,
        *contact.phone_numbers,
        *[line.strip() for line in contact.address.splitlines()],
        contact.address.strip(),
        contact.notes.strip(),
        contact.website.strip(),
    ]
    found = {value for value in values if value and len(value) >= MIN_NEEDLE_LENGTH}
    return sorted(found, key=lambda value: (-len(value), value))


def _pattern(words: list[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)


def scrub_text(text: str, words: list[str]) -> str:
    pattern = _pattern(words)
    return pattern.sub(ERASED, text) if pattern and text else text


def scrub(value: Any, words: list[str]) -> Any:
    """``value`` (JSON: dicts, lists, strings) with every occurrence of the words replaced."""
    pattern = _pattern(words)
    if pattern is None:
        return value
    return _scrub(value, pattern)


def _scrub(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, list):
        return [_scrub(item, pattern) for item in value]
    if isinstance(value, dict):
        return {_scrub(key, pattern): _scrub(item, pattern) for key, item in value.items()}
    return value


def mentions(column, words: list[str]) -> ColumnElement[bool]:
    """SQL: the column's text (JSON is stored ASCII-escaped) contains one of the words."""
    forms: set[str] = set()
    for word in words:
        forms.add(word.lower())
        forms.add(json.dumps(word)[1:-1].lower())
    lowered = func.lower(cast(column, Text))
    return or_(*(lowered.contains(form, autoescape=True) for form in sorted(forms)))
