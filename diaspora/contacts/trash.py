"""The trash: deleting moves a record there; officers restore it, administrators purge it.

Purging removes the record and everything attached to it from the database for good,
together with older records that were merged into it. The audit event of a purge keeps no
personal data.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from diaspora.audit import services as audit
from diaspora.contacts.errors import StaleVersion
from diaspora.contacts.indexing import notify
from diaspora.contacts.services import changes_since
from diaspora.errors import Conflict, NotFound
from diaspora.extensions import db
from diaspora.models import Contact, User
from diaspora.trash import move_to_trash, take_out_of_trash


def delete_contact(contact: Contact, *, actor: User, expected_version: int | None = None) -> None:
    if contact.is_merged:
        raise Conflict(_l("This record was merged into another one; it cannot be deleted."))
    if contact.is_deleted:
        raise Conflict(_l("This contact is already in the trash."))
    if expected_version is not None and expected_version != contact.version:
        raise StaleVersion(contact, expected_version, changes_since(contact, expected_version))
    move_to_trash(contact, actor=actor, target_type="contact")
    notify(contact.id, "delete")


def _trash_query():
    return (
        db.select(Contact)
        .where(Contact.deleted_at.is_not(None), Contact.merged_into_id.is_(None))
        .order_by(Contact.deleted_at.desc(), Contact.id.desc())
    )


def list_trash() -> list[Contact]:
    return list(db.session.scalars(_trash_query()))


def trash_page(page: int, per_page: int):
    """One page of the trash, most recently deleted first: a bulk delete can fill it."""
    return db.paginate(_trash_query(), page=page, per_page=per_page, error_out=False)


def get_trashed(contact_id: int) -> Contact:
    contact = db.session.get(Contact, contact_id)
    if contact is None or not contact.is_deleted or contact.is_merged:
        raise NotFound(_l("This contact is not in the trash."))
    return contact


def restore_contact(contact: Contact, *, actor: User) -> None:
    if not contact.is_deleted or contact.is_merged:
        raise Conflict(_l("This contact is not in the trash."))
    take_out_of_trash(contact, actor=actor, target_type="contact")
    notify(contact.id, "restore")


def purge_contact(contact: Contact, *, actor: User) -> None:
    """Physically delete a record in the trash and the records merged into it."""
    if not contact.is_deleted or contact.is_merged:
        raise Conflict(_l("Only a contact in the trash can be purged."))
    doomed = [contact]
    frontier = [contact.id]
    while frontier:
        merged = list(
            db.session.scalars(db.select(Contact).where(Contact.merged_into_id.in_(frontier)))
        )
        doomed += merged
        frontier = [row.id for row in merged]
    ids = [row.id for row in doomed]
    for row in reversed(doomed):
        db.session.delete(row)
    db.session.flush()
    audit.record(
        "contact.purge",
        actor=actor,
        target_type="contact",
        target_id=ids[0],
        details={"merged_records": ids[1:]},
    )
    for contact_id in ids:
        notify(contact_id, "purge")
