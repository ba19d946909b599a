"""What a person may send about themselves, stored in the shape of a contact snapshot.

A submission's ``payload`` holds the *validated* values of the public fields in the same shape as
``contacts.snapshots.snapshot`` (codes, E.164 phones, ``{"field": code, …}`` expertise), so that
the review pages compare it with a record field by field and format it with the same helpers.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from diaspora.contacts.data import (
    WILLINGNESS_FLAGS,
    ContactData,
    ExpertiseEntry,
    MembershipEntry,
)
from diaspora.contacts.languages import canonical_order
from diaspora.contacts.record_validation import ContactValues
from diaspora.contacts.snapshots import snapshot, values_snapshot
from diaspora.models import Contact

SCALARS = (
    "full_name", "foreign_name", "former_names", "gender", "birth_year", "origin_commune",
    "origin_district_old", "country", "city", "address", "website", "occupation", "title",
    "employer", "preferred_language", *WILLINGNESS_FLAGS,
)  # fmt: skip
COLLECTIONS = ("emails", "phones", "languages", "expertise", "memberships")
PUBLIC_FIELDS = (*SCALARS, *COLLECTIONS)

# How a differing field is resolved when a submission is applied to a record.
CURRENT = "current"
SUBMITTED = "submitted"
BOTH = "both"  # collections only: keep the record's entries and add the submitted ones


def payload_from_values(values: ContactValues) -> dict[str, Any]:
    state = values_snapshot(values, values.scalars["country"])
    return {key: state[key] for key in PUBLIC_FIELDS}


def public_snapshot(contact: Contact) -> dict[str, Any]:
    state = snapshot(contact)
    return {key: state[key] for key in PUBLIC_FIELDS}


def data_from_payload(payload: dict[str, Any], into: ContactData | None = None) -> ContactData:
    """``into`` (or an empty ContactData) with the payload's public fields set."""
    data = into or ContactData()
    for key in SCALARS:
        if key in payload:
            setattr(data, key, payload[key] if payload[key] is not None else _empty(key))
    data.emails = list(payload.get("emails") or [])
    data.phones = list(payload.get("phones") or [])
    data.languages = list(payload.get("languages") or [])
    data.expertise = [
        ExpertiseEntry(field=item["field"], level=item.get("level"), years=item.get("years"))
        for item in payload.get("expertise") or []
    ]
    data.memberships = [
        MembershipEntry(organization=item["organization"], role=item.get("role") or "")
        for item in payload.get("memberships") or []
    ]
    return data


def _empty(key: str) -> Any:
    if key in WILLINGNESS_FLAGS:
        return False
    if key in ("gender", "birth_year"):
        return None
    return ""


def differing(current: dict[str, Any], proposed: dict[str, Any], keys=PUBLIC_FIELDS) -> list[str]:
    return [key for key in keys if key in proposed and current.get(key) != proposed.get(key)]


def combined(key: str, current: list, submitted: list) -> list:
    """The record's entries, then the submitted ones it does not have yet."""
    if key == "expertise":
        have = {item["field"] for item in current}
        return current + [item for item in submitted if item["field"] not in have]
    if key == "memberships":
        have = {item["organization"].casefold() for item in current}
        return current + [item for item in submitted if item["organization"].casefold() not in have]
    result = current + [item for item in submitted if item not in current]
    return canonical_order(result) if key == "languages" else result


def resolve(
    current: dict[str, Any], proposed: dict[str, Any], choices: dict[str, str]
) -> dict[str, Any]:
    """The public fields after applying ``choices`` ({field: current|submitted|both})."""
    result = deepcopy(current)
    for key, side in choices.items():
        if side == SUBMITTED:
            result[key] = deepcopy(proposed.get(key))
        elif side == BOTH and key in COLLECTIONS:
            result[key] = combined(key, list(current.get(key) or []), list(proposed.get(key) or []))
    return result
