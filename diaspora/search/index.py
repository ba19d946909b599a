"""Keeping the search index in step with the contacts, and rebuilding it from scratch.

The contact services call ``diaspora.contacts.indexing.notify`` after every create, update,
merge, delete, restore and purge (an import gathers its changes and sends them a chunk at a
time); ``reindex`` runs inside the same transaction, so the index and the records commit (or
roll back) together.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event, func, or_, select
from sqlalchemy.orm import selectinload

from diaspora.contacts import indexing
from diaspora.extensions import db
from diaspora.models import Contact, ContactExpertise, ExpertiseField
from diaspora.models.contact import contact_categories
from diaspora.reference.events import REFERENCE_CHANGE_LISTENERS
from diaspora.search.backends import backend_for, create_structures
from diaspora.search.documents import document_for
from diaspora.search.filters import live


def _backend():
    return backend_for(db.session.get_bind().dialect.name)


def _load(contact_ids: list[int]) -> list[Contact]:
    return list(
        db.session.scalars(
            select(Contact)
            .where(Contact.id.in_(contact_ids), live(), Contact.erased_at.is_(None))
            .options(
                selectinload(Contact.expertise)
                .selectinload(ContactExpertise.field)
                .selectinload(ExpertiseField.parent),
                selectinload(Contact.categories),
                selectinload(Contact.languages),
                selectinload(Contact.memberships),
            )
        )
    )


def reindex(contact_ids: list[int]) -> None:
    """Index live contacts; remove deleted, merged and purged ones."""
    connection = db.session.connection()
    found = {contact.id: contact for contact in _load(contact_ids)}
    documents = [document_for(found[i]) for i in dict.fromkeys(contact_ids) if i in found]
    gone = [contact_id for contact_id in dict.fromkeys(contact_ids) if contact_id not in found]
    _backend().replace_many(connection, documents, gone)


def compact() -> None:
    """Leave no trace of deleted entries in the index's storage (used by erasure)."""
    _backend().compact(db.session.connection())


def on_contact_change(changes: dict[int, str]) -> None:
    ids = list(changes)
    for start in range(0, len(ids), 500):
        reindex(ids[start : start + 500])


def on_reference_change(kind: str, row_id: int) -> None:
    """A renamed field or category: its names are in the documents of the contacts using it."""
    if kind == "field":
        ids = (
            select(ContactExpertise.contact_id)
            .join(ExpertiseField, ExpertiseField.id == ContactExpertise.field_id)
            .where(or_(ExpertiseField.id == row_id, ExpertiseField.parent_id == row_id))
        )
    else:
        ids = select(contact_categories.c.contact_id).where(
            contact_categories.c.category_id == row_id
        )
    contact_ids = sorted(set(db.session.scalars(ids)))
    for start in range(0, len(contact_ids), 500):
        reindex(contact_ids[start : start + 500])


def rebuild(*, batch: int = 500, progress: Callable[[int, int], None] | None = None) -> int:
    """Drop every entry and index every live contact again. Returns the number indexed."""
    connection = db.session.connection()
    backend = _backend()
    backend.clear(connection)
    ids = list(
        db.session.scalars(
            select(Contact.id).where(live(), Contact.erased_at.is_(None)).order_by(Contact.id)
        )
    )
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        for contact in _load(chunk):
            backend.upsert(connection, document_for(contact))
        db.session.expunge_all()
        if progress:
            progress(min(start + batch, len(ids)), len(ids))
    return len(ids)


def indexed_count() -> int:
    from sqlalchemy import text

    return db.session.scalar(text("SELECT count(*) FROM search_contacts")) or 0


def live_count() -> int:
    return (
        db.session.scalar(select(func.count(Contact.id)).where(live(), Contact.erased_at.is_(None)))
        or 0
    )


def register() -> None:
    """Idempotent: listen to contact changes and create the index with ``create_all``."""
    if on_contact_change not in indexing.CHANGE_LISTENERS:
        indexing.CHANGE_LISTENERS.append(on_contact_change)
    if on_reference_change not in REFERENCE_CHANGE_LISTENERS:
        REFERENCE_CHANGE_LISTENERS.append(on_reference_change)
    if not event.contains(db.metadata, "after_create", _after_create):
        event.listen(db.metadata, "after_create", _after_create)


def _after_create(metadata, connection, **kwargs) -> None:
    create_structures(connection)
