"""Derived text for matching: folded names and the document the search index is fed with.

``refresh_derived`` runs on every change a service makes, so the folded columns are never
stale. ``contact_search_terms`` is the single definition of "what text describes a contact",
for the search backends (SQLite FTS5, PostgreSQL) to index; ``CHANGE_LISTENERS`` lets them
keep their index in step with every create, update, merge, delete, restore and purge.
"""

from __future__ import annotations

from collections.abc import Callable

from diaspora.collation import name_sort_key
from diaspora.models import Contact
from diaspora.text import fold, word_key, word_prefix_text

# Callables (contact_id, event) run after a service changed a contact; event is one of
# "create", "update", "merge", "delete", "restore", "purge", "erase".
CHANGE_LISTENERS: list[Callable[[int, str], None]] = []


def notify(contact_id: int, event: str) -> None:
    for listener in CHANGE_LISTENERS:
        listener(contact_id, event)


def refresh_derived(contact: Contact) -> None:
    contact.name_folded = word_key(contact.full_name)[:200]
    contact.names_folded = word_prefix_text(
        contact.full_name, contact.foreign_name, contact.former_names
    )
    contact.city_folded = word_key(contact.city)[:120]
    contact.name_sort = name_sort_key(contact.full_name)


def contact_search_terms(contact: Contact, *, include_notes: bool = False) -> str:
    """Folded text of everything a free-text search should find a contact by.

    Names, occupation, title, employer, city, organization names, categories and expertise
    field names in both languages. Internal notes only when asked (officers' searches).
    Personal contact details (emails, phones, address) are never part of it.
    """
    parts: list[str] = [
        contact.full_name,
        contact.foreign_name,
        contact.former_names,
        contact.occupation,
        contact.title,
        contact.employer,
        contact.city,
    ]
    parts += [membership.organization.name for membership in contact.memberships]
    parts += [membership.role for membership in contact.memberships]
    for row in contact.expertise:
        parts += [row.field.name_vi, row.field.name_en]
        if row.field.parent is not None:
            parts += [row.field.parent.name_vi, row.field.parent.name_en]
    for category in contact.categories:
        parts += [category.name_vi, category.name_en]
    if include_notes:
        parts.append(contact.notes)
    return " ".join(fold(part) for part in parts if part)
