"""Registering and editing contacts, reading them, and the list.

Services validate, mutate, flush and audit; they never commit and never read the request.
Editing is guarded by the record's version: a save based on an older version is refused
with ``StaleVersion`` unless it would change nothing (a form posted twice).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from diaspora.audit import services as audit
from diaspora.audit.history import events_after_version
from diaspora.contacts import consent as consents
from diaspora.contacts import record_validation
from diaspora.contacts.data import ConsentInput, ContactData
from diaspora.contacts.duplicates import likely_duplicates, probe_from_values
from diaspora.contacts.errors import (
    AlreadySaved,
    ContactErased,
    ContactGone,
    DuplicatesFound,
    StaleVersion,
)
from diaspora.contacts.indexing import notify, refresh_derived
from diaspora.contacts.languages import canonical_order
from diaspora.contacts.organizations import find_or_create_organization
from diaspora.contacts.record_validation import ContactValues
from diaspora.contacts.snapshots import (
    created_changes,
    snapshot,
    values_snapshot,
)
from diaspora.errors import NotFound, ValidationFailed
from diaspora.extensions import db
from diaspora.models import (
    AuditEvent,
    Contact,
    ContactEmail,
    ContactExpertise,
    ContactLanguage,
    ContactPhone,
    ExpertiseField,
    Membership,
    Organization,
    User,
    utcnow,
)
from diaspora.reference.services import FIELD_IN_USE_CHECKS
from diaspora.text import tokens

COLLECTION_FIELDS = ("emails", "phones", "languages", "categories", "expertise", "memberships")
# Hidden from viewers, on the profile and in the change history.
# Largest id a database INTEGER column holds (PostgreSQL `integer`).
MAX_RECORD_ID = 2**31 - 1
PERSONAL_FIELDS = frozenset({"emails", "phones", "address", "birth_year", "notes"})
# A change to any of these is worth a new duplicate check.
IDENTITY_FIELDS = ("full_name", "foreign_name", "country", "city", "birth_year", "emails", "phones")
CHANGE_ACTIONS = (
    "contact.create",
    "contact.update",
    "contact.merge",
    "contact.delete",
    "contact.restore",
    "contact.consent",
    "contact.consent_withdrawn",
)


def count_contacts_using_field(field_id: int) -> int:
    return (
        db.session.scalar(
            db.select(db.func.count(ContactExpertise.id)).where(
                ContactExpertise.field_id == field_id
            )
        )
        or 0
    )


if count_contacts_using_field not in FIELD_IN_USE_CHECKS:
    FIELD_IN_USE_CHECKS.append(count_contacts_using_field)


# --- applying values ---


def _sync_rows(collection: list, wanted: list, key: str, factory) -> list:
    current = {getattr(row, key): row for row in collection}
    rows = []
    for position, value in enumerate(wanted):
        row = current.pop(value, None) or factory(value)
        row.position = position
        rows.append(row)
    return rows


def _apply(contact: Contact, values: ContactValues, organizations: list, *, actor: User) -> None:
    """Mutate the record without flushing, so that one UPDATE makes one new version."""
    with db.session.no_autoflush:
        _apply_values(contact, values, organizations, actor=actor)


def _apply_values(contact: Contact, values: ContactValues, organizations: list, *, actor: User):
    verified_changed = values.scalars["verified_on"] != contact.verified_on
    for key, value in values.scalars.items():
        if getattr(contact, key) != value:
            setattr(contact, key, value)
    if verified_changed:
        contact.verified_by_id = actor.id if contact.verified_on else None
    if contact.email_addresses != values.emails:
        contact.emails = _sync_rows(
            contact.emails, values.emails, "email", lambda v: ContactEmail(email=v)
        )
    if contact.phone_numbers != values.phones:
        contact.phones = _sync_rows(
            contact.phones, values.phones, "e164", lambda v: ContactPhone(e164=v)
        )
    if canonical_order(contact.language_codes) != values.languages:
        contact.languages = _sync_rows(
            contact.languages, values.languages, "code", lambda v: ContactLanguage(code=v)
        )
    if {row.id for row in contact.categories} != {row.id for row in values.categories}:
        contact.categories = list(values.categories)
    _apply_expertise(contact, values.expertise)
    _apply_memberships(contact, organizations)
    refresh_derived(contact)


def _apply_expertise(contact: Contact, wanted: list[tuple[ExpertiseField, Any, Any]]) -> None:
    current = {row.field_id: row for row in contact.expertise}
    rows = []
    for field, level, years in wanted:
        row = current.pop(field.id, None) or ContactExpertise(field=field)
        if row.level != level:
            row.level = level
        if row.years != years:
            row.years = years
        rows.append(row)
    if current:
        contact.expertise = rows
    else:
        for row in rows:
            if row not in contact.expertise:
                contact.expertise.append(row)


def _resolve_organizations(values: ContactValues, *, actor: User) -> list[tuple[Organization, str]]:
    """Organizations named in the memberships, created when new (before the record changes)."""
    country = values.scalars["country"]
    return [
        (find_or_create_organization(name, country=country, actor=actor), role)
        for name, role in values.memberships
    ]


def _apply_memberships(contact: Contact, wanted: list[tuple[Organization, str]]) -> None:
    current = {row.organization_id: row for row in contact.memberships}
    rows = []
    for organization, role in wanted:
        row = current.pop(organization.id, None) or Membership(organization=organization)
        if row.role != role:
            row.role = role
        rows.append(row)
    if current:
        contact.memberships = rows
    else:
        for row in rows:
            if row not in contact.memberships:
                contact.memberships.append(row)


def flush_versioned(contact: Contact, since_version: int) -> None:
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleVersion(contact, since_version, []) from None


# --- create and update ---


def _check_duplicates(values: ContactValues, acknowledged: Collection[int], exclude_id=None):
    matches = likely_duplicates(probe_from_values(values), exclude_id=exclude_id)
    if any(match.contact.id not in set(acknowledged) for match in matches):
        raise DuplicatesFound(matches)


NEW_COLLECTIONS = (
    "emails", "phones", "languages", "categories", "expertise", "memberships", "consents",
)  # fmt: skip


def create_contact(
    data: ContactData,
    *,
    actor: User,
    consent: ConsentInput | None = None,
    acknowledged: Collection[int] = (),
    entry_key: str | None = None,
) -> Contact:
    """Register a person. Likely duplicates not in ``acknowledged`` stop the save."""
    earlier = find_by_entry_key(entry_key)
    if earlier is not None:
        raise AlreadySaved(earlier)
    errors: dict[str, list] = {}
    consent_values = None
    if consent is not None and consent.purposes:
        try:
            consent_values = consents.validate_consent(consent, prefix="consent_")
        except ValidationFailed as error:
            errors.update(error.errors)
    store_consent = bool(consent and "store_process" in consent.purposes)
    try:
        values = record_validation.validate_contact(data, store_consent=store_consent)
    except ValidationFailed as error:
        errors = {**error.errors, **errors}
    if errors:
        raise ValidationFailed(errors)
    _check_duplicates(values, acknowledged)
    organizations = _resolve_organizations(values, actor=actor)
    # Empty collections set up front: once flushed, a new record would otherwise load each
    # of them from the database (seven queries per contact when an import creates thousands).
    contact = Contact(
        entered_by_id=actor.id,
        entry_key=entry_key or None,
        full_name=values.scalars["full_name"],
        **{name: [] for name in NEW_COLLECTIONS},
    )
    _apply(contact, values, organizations, actor=actor)
    db.session.add(contact)
    try:
        db.session.flush()
    except IntegrityError as error:
        if entry_key and "entry_key" in str(error.orig):
            # The same form, posted twice at the same moment: the other post won the race.
            raise AlreadySaved(None) from None
        raise
    details: dict[str, Any] = {
        "changes": created_changes(snapshot(contact)),
        "version": contact.version,
    }
    if acknowledged:
        details["not_duplicates"] = sorted(set(acknowledged))
    audit.record(
        "contact.create", actor=actor, target_type="contact", target_id=contact.id, details=details
    )
    if consent_values is not None:
        consents.add_consents(contact, consent_values, actor=actor)
    notify(contact.id, "create")
    return contact


def update_contact(
    contact: Contact,
    data: ContactData,
    *,
    expected_version: int,
    actor: User,
    acknowledged: Collection[int] = (),
) -> dict[str, list]:
    """Save an edit made on ``expected_version``; returns the field diff ({} when unchanged)."""
    if contact.is_erased:
        raise ContactErased(contact)
    if contact.is_deleted:
        raise ContactGone(contact)
    store_consent = contact.active_consent("store_process") is not None
    values = record_validation.validate_contact(data, current=contact, store_consent=store_consent)
    before = snapshot(contact)
    wanted = values_snapshot(values, values.scalars["country"])
    changes = audit.diff(before, wanted)
    if not changes:
        return {}
    if expected_version != contact.version:
        raise StaleVersion(contact, expected_version, changes_since(contact, expected_version))
    if any(key in changes for key in IDENTITY_FIELDS):
        _check_duplicates(values, acknowledged, exclude_id=contact.id)
    organizations = _resolve_organizations(values, actor=actor)
    contact.updated_at = utcnow()
    _apply(contact, values, organizations, actor=actor)
    flush_versioned(contact, expected_version)
    changes = audit.diff(before, snapshot(contact))
    audit.record(
        "contact.update",
        actor=actor,
        target_type="contact",
        target_id=contact.id,
        details={"changes": changes, "version": contact.version},
    )
    notify(contact.id, "update")
    return changes


def changes_since(contact: Contact, version: int) -> list[AuditEvent]:
    """Audit events that produced the versions after ``version``, oldest first."""
    return events_after_version("contact", contact.id, CHANGE_ACTIONS, version)


# --- reading ---


def get_contact(contact_id: int, *, include_deleted: bool = False) -> Contact:
    # An id from a query string can be any size; beyond a database INTEGER it cannot exist.
    if not 0 < contact_id <= MAX_RECORD_ID:
        raise NotFound(_l("This contact does not exist, or has been removed."))
    contact = db.session.get(Contact, contact_id)
    if contact is None or (contact.is_deleted and not include_deleted):
        raise NotFound(_l("This contact does not exist, or has been removed."))
    return contact


def find_by_entry_key(entry_key: str | None) -> Contact | None:
    if not entry_key:
        return None
    return db.session.scalar(db.select(Contact).where(Contact.entry_key == entry_key))


def survivor_of(contact: Contact) -> Contact:
    """Follow merge pointers to the record that lives on."""
    seen = {contact.id}
    while contact.merged_into is not None and contact.merged_into.id not in seen:
        contact = contact.merged_into
        seen.add(contact.id)
    return contact


def record_personal_access(contact: Contact, *, actor: User, context: str) -> None:
    """Someone was shown the person's emails, phones, address, birth year or notes."""
    audit.record(
        "contact.view_personal",
        actor=actor,
        target_type="contact",
        target_id=contact.id,
        details={"context": context},
    )


SORTS = {
    "name": lambda: (Contact.name_folded, Contact.id),
    "-name": lambda: (Contact.name_folded.desc(), Contact.id.desc()),
    "country": lambda: (Contact.country, Contact.name_folded, Contact.id),
    "-country": lambda: (Contact.country.desc(), Contact.name_folded, Contact.id),
    "updated": lambda: (Contact.updated_at, Contact.id),
    "-updated": lambda: (Contact.updated_at.desc(), Contact.id.desc()),
}
DEFAULT_SORT = "name"


@dataclass
class ListQuery:
    name: str = ""
    sort: str = DEFAULT_SORT
    page: int = 1
    per_page: int = 50


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_contacts(query: ListQuery):
    """Live contacts, filtered by words of their names (folded prefixes), sorted, paged."""
    statement = (
        db.select(Contact)
        .where(Contact.deleted_at.is_(None))
        .options(selectinload(Contact.categories))
    )
    for word in tokens(query.name)[:8]:
        statement = statement.where(
            Contact.names_folded.like(f"% {_escape_like(word)}%", escape="\\")
        )
    sort = query.sort if query.sort in SORTS else DEFAULT_SORT
    statement = statement.order_by(*SORTS[sort]())
    return db.paginate(
        statement, page=max(1, query.page), per_page=query.per_page, error_out=False, count=True
    )
