"""Validating a whole contact record: every field at once, one error with all messages.

The single-field checks live in ``validation``; this module adds the ones that read reference
data (categories, expertise fields) and returns the cleaned values as ``ContactValues``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from diaspora.contacts import validation as check
from diaspora.contacts.data import WILLINGNESS_FLAGS, ContactData, ExpertiseEntry
from diaspora.errors import ValidationFailed
from diaspora.extensions import db
from diaspora.models import (
    Category,
    Contact,
    ContactStatus,
    ExpertiseField,
    ExpertiseLevel,
    Gender,
    LegalBasis,
    Source,
)
from diaspora.text import clean

Errors = check.Errors
MAX_ITEMS = check.MAX_ITEMS
MAX_YEARS = 80
add = check.add


def _as_int(value: int | str | None) -> int | None:
    if isinstance(value, int):
        return value
    raw = clean(value or "")
    return int(raw) if raw.isdecimal() and len(raw) <= 9 else None


def categories(values: list, current: Contact | None, errors: Errors) -> list[Category]:
    kept = {row.id for row in current.categories} if current else set()
    result: list[Category] = []
    for raw in values:
        number = _as_int(raw)
        if number is not None:
            row = db.session.get(Category, number)
        else:
            row = db.session.scalar(db.select(Category).where(Category.code == clean(str(raw))))
        if row is None or (not row.active and row.id not in kept):
            add(errors, "categories", _l("Choose categories from the list."))
        elif row not in result:
            result.append(row)
    return result


def _expertise_field(value: int | str | None) -> ExpertiseField | None:
    number = _as_int(value)
    if number is not None:
        return db.session.get(ExpertiseField, number)
    code = clean(str(value or ""))
    return db.session.scalar(db.select(ExpertiseField).where(ExpertiseField.code == code))


def expertise(entries: list[ExpertiseEntry], current: Contact | None, errors: Errors) -> list:
    """(field, level, years) triples; rows left entirely empty are ignored."""
    kept = {row.field_id for row in current.expertise} if current else set()
    result: list[tuple[ExpertiseField, str | None, int | None]] = []
    for entry in entries:
        raw_field, raw_level = entry.field, clean(entry.level or "")
        raw_years = clean(str(entry.years)) if entry.years is not None else ""
        if raw_field in (None, "", 0) and not raw_level and not raw_years:
            continue
        row = _expertise_field(raw_field)
        if row is None or (not row.active and row.id not in kept):
            add(errors, "expertise", _l("Choose an expertise field from the list for each row."))
            continue
        if any(row is chosen for chosen, _level, _years in result):
            add(errors, "expertise", _l("Each expertise field can be listed only once."))
            continue
        level = raw_level or None
        if level is not None and level not in {item.value for item in ExpertiseLevel}:
            add(errors, "expertise", _l("Choose the level: basic, experienced or expert."))
            continue
        years = None
        if raw_years:
            years = int(raw_years) if raw_years.isdecimal() and len(raw_years) <= 3 else -1
            if not 0 <= years <= MAX_YEARS:
                add(
                    errors,
                    "expertise",
                    _l("Years of experience must be a whole number from 0 to %(n)d.", n=MAX_YEARS),
                )
                continue
        result.append((row, level, years))
    if len(result) > MAX_ITEMS * 2:
        add(errors, "expertise", _l("At most %(n)d entries.", n=MAX_ITEMS * 2))
    return result


def memberships(entries, errors: Errors) -> list[tuple[str, str]]:
    result: list[tuple[str, str]] = []
    for entry in entries:
        name = check.text(entry.organization, "organization", errors)
        role = check.text(entry.role, "role", errors)
        if not name and not role:
            continue
        if not name:
            add(errors, "memberships", _l("Enter the organization's name for each role."))
            continue
        if any(name.casefold() == other.casefold() for other, _role in result):
            continue
        result.append((name, role))
    for key in ("organization", "role"):
        if key in errors:
            errors.setdefault("memberships", []).extend(errors.pop(key))
    if len(result) > MAX_ITEMS:
        add(errors, "memberships", _l("At most %(n)d entries.", n=MAX_ITEMS))
    return result


@dataclass
class ContactValues:
    """Validated, cleaned values: ``scalars`` are columns; the rest become child rows."""

    scalars: dict
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    expertise: list[tuple] = field(default_factory=list)
    memberships: list[tuple[str, str]] = field(default_factory=list)


def validate_contact(
    data: ContactData, *, current: Contact | None = None, store_consent: bool = False
) -> ContactValues:
    """Every field at once. ``store_consent``: consent to storing the data exists or is being
    recorded, so "consent" can be the legal basis."""
    errors: Errors = {}
    s: dict = {}
    s["full_name"] = check.person_name(data.full_name, "full_name", errors, required=True)
    s["foreign_name"] = check.person_name(data.foreign_name, "foreign_name", errors, required=False)
    s["former_names"] = check.person_name(data.former_names, "former_names", errors, required=False)
    s["gender"] = check.choice(
        data.gender,
        "gender",
        list(Gender),
        errors,
        _l("Choose female, male or other, or leave it empty."),
        optional=True,
    )
    s["birth_year"] = check.birth_year(data.birth_year, errors)
    for key in (
        "origin_commune",
        "origin_district_old",
        "city",
        "address",
        "occupation",
        "title",
        "employer",
        "notes",
        "source_note",
    ):
        s[key] = check.text(getattr(data, key), key, errors)
    s["country"] = check.country(data.country, errors)
    s["website"] = check.website(data.website, errors)
    s["preferred_language"] = check.choice(
        data.preferred_language or "vi",
        "preferred_language",
        ("vi", "en"),
        errors,
        _l("Choose Vietnamese or English."),
    )
    for flag in WILLINGNESS_FLAGS:
        s[flag] = bool(getattr(data, flag))
    s["source"] = check.choice(
        data.source or Source.MANUAL.value,
        "source",
        list(Source),
        errors,
        _l("Choose where the record comes from."),
    )
    s["verified_on"] = check.parse_date(data.verified_on, "verified_on", errors)
    s["status"] = check.choice(
        data.status or ContactStatus.ACTIVE.value,
        "status",
        list(ContactStatus),
        errors,
        _l("Choose active, inactive or deceased."),
    )
    s["legal_basis"] = check.choice(
        data.legal_basis,
        "legal_basis",
        list(LegalBasis),
        errors,
        _l("Choose consent, state function, or none yet."),
        optional=True,
    )
    s["legal_basis_note"] = check.text(data.legal_basis_note, "legal_basis_note", errors)
    if s["legal_basis"] == LegalBasis.CONSENT and not store_consent:
        add(
            errors,
            "legal_basis",
            _l(
                "Consent can be the legal basis only once the person's "
                "consent to storing their data is recorded."
            ),
        )
    if s["legal_basis"] == LegalBasis.STATE_FUNCTION and not s["legal_basis_note"]:
        add(
            errors,
            "legal_basis_note",
            _l("Explain which function of the department requires keeping this record."),
        )
    values = ContactValues(
        scalars=s,
        emails=check.emails(data.emails, errors),
        phones=check.phones(data.phones, s["country"], errors),
        languages=check.languages(data.languages, errors),
        categories=categories(data.categories, current, errors),
        expertise=expertise(data.expertise, current, errors),
        memberships=memberships(data.memberships, errors),
    )
    if errors:
        raise ValidationFailed(errors)
    return values
