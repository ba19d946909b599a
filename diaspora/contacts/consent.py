"""Consent records: given per purpose, with how, when and what evidence; and withdrawn.

Consent is never assumed: a record exists only because an officer recorded what the person
gave. Withdrawing consent to storing the data, when that consent is the record's legal
basis, leaves the record without a legal basis ("pending") until someone decides.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from diaspora.audit import services as audit
from diaspora.contacts import validation
from diaspora.contacts.data import ConsentInput
from diaspora.contacts.errors import ContactErased, ContactGone
from diaspora.errors import Conflict, NotFound, ValidationFailed
from diaspora.extensions import db
from diaspora.models import (
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    Contact,
    LegalBasis,
    User,
    utcnow,
)


def validate_consent(data: ConsentInput, *, prefix: str = "") -> dict[str, Any]:
    """Field names in errors carry ``prefix`` (the create form's ``consent_`` fields)."""
    errors: dict[str, list] = {}
    purposes = []
    for purpose in data.purposes:
        if purpose not in {item.value for item in ConsentPurpose}:
            errors.setdefault(f"{prefix}purposes", []).append(
                _l("Choose the purposes from the list.")
            )
        elif purpose not in purposes:
            purposes.append(purpose)
    if not purposes and not errors:
        errors[f"{prefix}purposes"] = [_l("Tick at least one purpose the person agreed to.")]
    method = validation.choice(
        data.method,
        f"{prefix}method",
        list(ConsentMethod),
        errors,
        _l("Choose how the consent was given."),
    )
    given_on = validation.parse_date(data.given_on, f"{prefix}given_on", errors, required=True)
    evidence = validation.text(data.evidence, "evidence", errors)
    notice_version = validation.text(data.notice_version, "notice_version", errors)
    for key in ("evidence", "notice_version"):
        if key in errors:
            errors[f"{prefix}{key}"] = errors.pop(key)
    if not evidence:
        errors.setdefault(f"{prefix}evidence", []).append(
            _l("Describe the evidence: the signed form, the email, or who witnessed it.")
        )
    if errors:
        raise ValidationFailed(errors)
    return {
        "purposes": purposes,
        "method": method,
        "given_on": given_on,
        "evidence": evidence,
        "notice_version": notice_version,
    }


def add_consents(contact: Contact, values: dict[str, Any], *, actor: User) -> list[ConsentRecord]:
    already = [p for p in values["purposes"] if contact.active_consent(p) is not None]
    if already:
        raise ValidationFailed.single(
            "purposes",
            _l(
                "Consent for this purpose is already recorded; withdraw it first to record a new "
                "one."
            ),
        )
    records = []
    for purpose in values["purposes"]:
        record = ConsentRecord(
            purpose=purpose,
            method=values["method"],
            given_on=values["given_on"],
            evidence=values["evidence"],
            notice_version=values["notice_version"],
            recorded_by_id=actor.id,
            recorded_at=utcnow(),
        )
        contact.consents.append(record)
        records.append(record)
    db.session.flush()
    audit.record(
        "contact.consent",
        actor=actor,
        target_type="contact",
        target_id=contact.id,
        details={
            "purposes": values["purposes"],
            "method": values["method"],
            "given_on": values["given_on"].isoformat(),
            "consent_ids": [record.id for record in records],
            "version": contact.version,
        },
    )
    return records


def record_consent(contact: Contact, data: ConsentInput, *, actor: User) -> list[ConsentRecord]:
    if contact.is_erased:
        raise ContactErased(contact)
    if contact.is_deleted:
        raise ContactGone(contact)
    return add_consents(contact, validate_consent(data), actor=actor)


def get_consent(contact: Contact, consent_id: int) -> ConsentRecord:
    record = db.session.get(ConsentRecord, consent_id)
    if record is None or record.contact_id != contact.id:
        raise NotFound(_l("This consent record does not exist."))
    return record


def withdraw_consent(
    record: ConsentRecord, *, withdrawn_on: date | str | None, note: str = "", actor: User | None
) -> None:
    """From ``withdrawn_on`` the purpose is no longer covered; the record itself stays.

    ``actor`` is None when the person withdrew it themselves (through a profile-update link)."""
    contact = record.contact
    if contact.is_erased:
        raise ContactErased(contact)
    if contact.is_deleted:
        raise ContactGone(contact)
    if record.withdrawn_on is not None:
        raise Conflict(_l("This consent was already withdrawn."))
    errors: dict[str, list] = {}
    day = validation.parse_date(withdrawn_on, "withdrawn_on", errors, required=True)
    note = validation.text(note, "evidence", errors)
    if "evidence" in errors:
        errors["withdrawal_note"] = errors.pop("evidence")
    if day is not None and day < record.given_on:
        errors.setdefault("withdrawn_on", []).append(
            _l("Consent cannot be withdrawn before the day it was given.")
        )
    if errors:
        raise ValidationFailed(errors)
    record.withdrawn_on = day
    record.withdrawal_note = note
    record.withdrawal_recorded_by_id = actor.id if actor is not None else None
    details: dict[str, Any] = {
        "consent_id": record.id,
        "purpose": record.purpose,
        "withdrawn_on": day.isoformat(),
    }
    if record.purpose == "store_process" and contact.legal_basis == LegalBasis.CONSENT:
        contact.legal_basis = None
        contact.updated_at = utcnow()
        details["changes"] = {"legal_basis": [LegalBasis.CONSENT.value, None]}
    db.session.flush()
    details["version"] = contact.version
    audit.record(
        "contact.consent_withdrawn",
        actor=actor,
        target_type="contact",
        target_id=contact.id,
        details=details,
    )
