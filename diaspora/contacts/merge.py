"""Merging two records of the same person into one.

The officer picks, field by field, which value survives; emails, phones, languages,
categories, expertise, memberships and consents move to the survivor (features added later
register their own step in ``MERGE_STEPS``, e.g. engagements). The absorbed record stays as a
deleted row pointing to the survivor, and its full snapshot goes into the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l

from diaspora.audit import services as audit
from diaspora.contacts.data import WILLINGNESS_FLAGS
from diaspora.contacts.errors import ContactErased, ContactGone, StaleVersion
from diaspora.contacts.indexing import notify, refresh_derived
from diaspora.contacts.languages import canonical_order
from diaspora.contacts.services import flush_versioned
from diaspora.contacts.snapshots import full_snapshot, snapshot
from diaspora.errors import ValidationFailed
from diaspora.extensions import db
from diaspora.models import Contact, User, utcnow

SURVIVOR = "survivor"
ABSORBED = "absorbed"

# Choosable fields: each key moves its attributes together (a legal basis with its note).
MERGE_FIELDS: dict[str, tuple[str, ...]] = {
    "full_name": ("full_name",),
    "foreign_name": ("foreign_name",),
    "former_names": ("former_names",),
    "gender": ("gender",),
    "birth_year": ("birth_year",),
    "origin_commune": ("origin_commune",),
    "origin_district_old": ("origin_district_old",),
    "country": ("country",),
    "city": ("city",),
    "address": ("address",),
    "website": ("website",),
    "occupation": ("occupation",),
    "title": ("title",),
    "employer": ("employer",),
    "preferred_language": ("preferred_language",),
    **{flag: (flag,) for flag in WILLINGNESS_FLAGS},
    "notes": ("notes",),
    "source": ("source", "source_note"),
    "verified_on": ("verified_on", "verified_by_id"),
    "status": ("status",),
    "legal_basis": ("legal_basis", "legal_basis_note"),
}

# Callables (survivor, absorbed) that move a feature's rows to the survivor.
MERGE_STEPS: list[Callable[[Contact, Contact], None]] = []


def _empty(value: Any) -> bool:
    return value in (None, "", False)


def differing_fields(survivor: Contact, absorbed: Contact) -> list[str]:
    """Fields whose values differ, in form order: only these need a choice."""
    return [
        key
        for key, attributes in MERGE_FIELDS.items()
        if any(getattr(survivor, a) != getattr(absorbed, a) for a in attributes)
    ]


def default_choices(survivor: Contact, absorbed: Contact) -> dict[str, str]:
    """The survivor's value, unless it is empty and the absorbed record has one."""
    return {
        key: ABSORBED
        if _empty(getattr(survivor, MERGE_FIELDS[key][0]))
        and not _empty(getattr(absorbed, MERGE_FIELDS[key][0]))
        else SURVIVOR
        for key in differing_fields(survivor, absorbed)
    }


def check_pair(survivor: Contact, absorbed: Contact) -> None:
    if survivor.id == absorbed.id:
        raise ValidationFailed.single("absorbed", _l("A record cannot be merged with itself."))
    for contact in (survivor, absorbed):
        if contact.is_erased:
            raise ContactErased(contact)
        if contact.is_deleted:
            raise ContactGone(contact)


def merge_contacts(
    survivor: Contact,
    absorbed: Contact,
    choices: dict[str, str],
    *,
    survivor_version: int,
    absorbed_version: int,
    actor: User,
) -> dict[str, list]:
    """Merge ``absorbed`` into ``survivor``; returns the survivor's field diff."""
    check_pair(survivor, absorbed)
    for contact, version in ((survivor, survivor_version), (absorbed, absorbed_version)):
        if contact.version != version:
            raise StaleVersion(contact, version, [])
    unknown = [
        key
        for key, side in choices.items()
        if key not in MERGE_FIELDS or side not in (SURVIVOR, ABSORBED)
    ]
    if unknown:
        raise ValidationFailed.single("choices", _l("Choose one value for each field."))
    absorbed_state = full_snapshot(absorbed)
    before = snapshot(survivor)
    earlier = list(
        db.session.scalars(db.select(Contact).where(Contact.merged_into_id == absorbed.id))
    )
    with db.session.no_autoflush:
        now = utcnow()
        survivor.updated_at = now
        for key, side in choices.items():
            if side == ABSORBED:
                for attribute in MERGE_FIELDS[key]:
                    setattr(survivor, attribute, getattr(absorbed, attribute))
        _move_children(survivor, absorbed)
        for step in MERGE_STEPS:
            step(survivor, absorbed)
        for row in earlier:
            row.merged_into_id = survivor.id
        absorbed.merged_into_id = survivor.id
        absorbed.deleted_at = now
        absorbed.deleted_by_id = actor.id
        refresh_derived(survivor)
    flush_versioned(survivor, survivor_version)
    changes = audit.diff(before, snapshot(survivor))
    audit.record(
        "contact.merge",
        actor=actor,
        target_type="contact",
        target_id=survivor.id,
        details={
            "absorbed_id": absorbed.id,
            "absorbed": absorbed_state,
            "choices": choices,
            "changes": changes,
            "version": survivor.version,
        },
    )
    audit.record(
        "contact.merged_into",
        actor=actor,
        target_type="contact",
        target_id=absorbed.id,
        details={"survivor_id": survivor.id, "version": absorbed.version},
    )
    notify(survivor.id, "merge")
    notify(absorbed.id, "delete")
    return changes


def _move_children(survivor: Contact, absorbed: Contact) -> None:
    for collection, key in (("emails", "email"), ("phones", "e164"), ("languages", "code")):
        mine = getattr(survivor, collection)
        have = {getattr(row, key) for row in mine}
        for row in list(getattr(absorbed, collection)):
            if getattr(row, key) in have:
                getattr(absorbed, collection).remove(row)
            else:
                row.position = len(mine)
                mine.append(row)
    order = canonical_order(row.code for row in survivor.languages)
    for row in survivor.languages:
        row.position = order.index(row.code)
    survivor.languages.sort(key=lambda row: row.position)
    for category in absorbed.categories:
        if category not in survivor.categories:
            survivor.categories.append(category)
    absorbed.categories = []
    mine = {row.field_id: row for row in survivor.expertise}
    for row in list(absorbed.expertise):
        kept = mine.get(row.field_id)
        if kept is None:
            survivor.expertise.append(row)
            continue
        kept.level = kept.level or row.level
        kept.years = kept.years if kept.years is not None else row.years
        absorbed.expertise.remove(row)
    mine = {row.organization_id: row for row in survivor.memberships}
    for row in list(absorbed.memberships):
        kept = mine.get(row.organization_id)
        if kept is None:
            survivor.memberships.append(row)
            continue
        kept.role = kept.role or row.role
        absorbed.memberships.remove(row)
    for record in list(absorbed.consents):
        survivor.consents.append(record)
