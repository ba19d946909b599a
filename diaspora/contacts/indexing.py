"""Derived text for matching: folded names and the document the search index is fed with.

``refresh_derived`` runs on every change a service makes, so the folded columns are never
stale. ``contact_search_terms`` is the single definition of "what text describes a contact",
for the search backends (SQLite FTS5, PostgreSQL) to index; ``CHANGE_LISTENERS`` lets them
keep their index in step with every create, update, merge, delete, restore and purge;
``held_back`` gathers the changes of bulk work (an import) so that they are sent together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from diaspora.collation import name_sort_key
from diaspora.models import Contact
from diaspora.text import fold, word_key, word_prefix_text

# Callables run after services changed contacts, with {contact_id: event}; event is one of
# "create", "update", "merge", "delete", "restore", "purge", "erase".
ChangeListener = Callable[[dict[int, str]], None]
CHANGE_LISTENERS: list[ChangeListener] = []

# Changes gathered by ``held_back`` in this thread or task (None: sent at once).
_held: ContextVar[dict[int, str] | None] = ContextVar("held_contact_changes", default=None)


def notify(contact_id: int, event: str) -> None:
    held = _held.get()
    if held is not None:
        held[contact_id] = event
        return
    _send({contact_id: event})


def _send(changes: dict[int, str]) -> None:
    for listener in CHANGE_LISTENERS:
        listener(changes)


@contextmanager
def held_back() -> Iterator[Callable[[], None]]:
    """Gather the changes made inside and send them together, in the same transaction.

    Bulk work (an import of thousands of rows) would otherwise re-index one contact at a
    time. The caller may ``release()`` what was gathered so far (after each chunk, to keep
    memory flat); the rest is sent on leaving. On an error nothing is sent: the transaction
    is rolled back anyway.
    """
    changes: dict[int, str] = {}
    token = _held.set(changes)

    def release() -> None:
        if changes:
            pending = dict(changes)
            changes.clear()
            _send(pending)

    try:
        yield release
    finally:
        _held.reset(token)
    release()


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
