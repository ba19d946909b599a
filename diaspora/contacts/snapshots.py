"""Snapshots: the comparable, JSON-safe state of a contact, for diffs and the audit trail."""

from __future__ import annotations

from typing import Any

from diaspora.contacts.data import WILLINGNESS_FLAGS
from diaspora.contacts.languages import canonical_order
from diaspora.contacts.organizations import find_organization
from diaspora.contacts.record_validation import ContactValues
from diaspora.models import Contact

SCALAR_FIELDS = (
    "full_name", "foreign_name", "former_names", "gender", "birth_year", "origin_commune",
    "origin_district_old", "country", "city", "address", "website", "occupation", "title",
    "employer", "preferred_language", *WILLINGNESS_FLAGS, "notes", "source", "source_note",
    "verified_on", "status", "legal_basis", "legal_basis_note",
)  # fmt: skip


def _json(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def snapshot(contact: Contact) -> dict[str, Any]:
    """The editable state: scalars and child rows, in a stable order, JSON-safe."""
    state = {key: _json(getattr(contact, key)) for key in SCALAR_FIELDS}
    state["emails"] = contact.email_addresses
    state["phones"] = contact.phone_numbers
    state["languages"] = canonical_order(contact.language_codes)
    state["categories"] = sorted(row.code for row in contact.categories)
    state["expertise"] = sorted(
        (
            {"field": row.field.code, "level": row.level, "years": row.years}
            for row in contact.expertise
        ),
        key=lambda item: item["field"],
    )
    state["memberships"] = sorted(
        ({"organization": row.organization.name, "role": row.role} for row in contact.memberships),
        key=lambda item: item["organization"].casefold(),
    )
    return state


def full_snapshot(contact: Contact) -> dict[str, Any]:
    """Everything about the record, kept in the audit trail when it is merged away."""
    state = snapshot(contact)
    state.update(
        id=contact.id,
        version=contact.version,
        created_at=_json(contact.created_at),
        entered_by_id=contact.entered_by_id,
        verified_by_id=contact.verified_by_id,
        consents=[
            {
                "purpose": row.purpose,
                "method": row.method,
                "evidence": row.evidence,
                "notice_version": row.notice_version,
                "given_on": _json(row.given_on),
                "recorded_by_id": row.recorded_by_id,
                "withdrawn_on": _json(row.withdrawn_on),
            }
            for row in contact.consents
        ],
    )
    return state


def values_snapshot(values: ContactValues, country: str | None) -> dict[str, Any]:
    """What ``snapshot`` would return once ``values`` were applied."""
    state = {key: _json(values.scalars[key]) for key in SCALAR_FIELDS}
    state["emails"] = list(values.emails)
    state["phones"] = list(values.phones)
    state["languages"] = list(values.languages)
    state["categories"] = sorted(row.code for row in values.categories)
    state["expertise"] = sorted(
        (
            {"field": row.code, "level": level, "years": years}
            for row, level, years in values.expertise
        ),
        key=lambda item: item["field"],
    )
    memberships = []
    for name, role in values.memberships:
        existing = find_organization(name, country)
        memberships.append({"organization": existing.name if existing else name, "role": role})
    state["memberships"] = sorted(memberships, key=lambda item: item["organization"].casefold())
    return state


def created_changes(state: dict[str, Any]) -> dict[str, list]:
    return {
        key: [None, value] for key, value in state.items() if value not in ("", None, [], False)
    }
