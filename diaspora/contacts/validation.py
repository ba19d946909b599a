"""Checks shared by every way a contact enters the registry (form, API, import).

Each check returns the clean value or adds a message, in the reader's language, to ``errors``
under the field's name; ``validate_contact`` raises one ``ValidationFailed`` with them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import LazyString, get_locale, gettext
from flask_babel import lazy_gettext as _l

from diaspora.contacts.data import WILLINGNESS_FLAGS, ContactData, ExpertiseEntry
from diaspora.contacts.languages import canonical_order, is_language
from diaspora.countries import country_name, is_country
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
    utcnow,
)
from diaspora.models.contact import MIN_BIRTH_YEAR
from diaspora.text import clean, clean_lines, strip_controls

LIMITS = {
    "full_name": 200,
    "foreign_name": 200,
    "former_names": 500,
    "origin_commune": 120,
    "origin_district_old": 120,
    "city": 120,
    "address": 1000,
    "website": 500,
    "occupation": 200,
    "title": 200,
    "employer": 200,
    "notes": 5000,
    "source_note": 300,
    "legal_basis_note": 2000,
    "organization": 300,
    "role": 120,
    "evidence": 2000,
    "notice_version": 32,
}
MULTILINE = frozenset({"address", "notes", "legal_basis_note", "evidence"})
MAX_ITEMS = 10  # emails, phones, expertise rows, memberships
MAX_YEARS = 80
NAME_FIELDS = ("full_name", "foreign_name", "former_names")
FORBIDDEN_IN_NAMES = frozenset('<>{}[]\\|@#$%^*=+_~`"')

Errors = dict[str, list]


def _add(errors: Errors, name: str, message) -> None:
    errors.setdefault(name, []).append(message)


def this_year() -> int:
    return utcnow().year


def today() -> date:
    return utcnow().date()


def text(value: str | None, name: str, errors: Errors) -> str:
    """Cleaned text (NFC, no control characters) within the field's length limit."""
    cleaned = clean_lines(value) if name in MULTILINE else strip_controls(clean(value))
    limit = LIMITS.get(name)
    if limit and len(cleaned) > limit:
        _add(
            errors,
            name,
            _l("At most %(n)d characters; this has %(count)d.", n=limit, count=len(cleaned)),
        )
    return cleaned


def person_name(value: str | None, name: str, errors: Errors, *, required: bool) -> str:
    cleaned = text(value, name, errors)
    if not cleaned:
        if required:
            _add(errors, name, _l("Enter the person's full name, family name first."))
        return cleaned
    if any(ch in FORBIDDEN_IN_NAMES for ch in cleaned):
        _add(errors, name, _l("A name cannot contain characters such as < > { } @ # or =."))
    elif not any(ch.isalpha() for ch in cleaned):
        _add(errors, name, _l("A name must contain letters."))
    return cleaned


def choice(value: str | None, name: str, allowed, errors: Errors, message, *, optional=False):
    value = clean(value or "")
    if not value and optional:
        return None
    if value not in {str(item) for item in allowed}:
        _add(errors, name, message)
        return None
    return value


def country(value: str | None, errors: Errors, name: str = "country") -> str | None:
    code = clean(value or "").upper()
    if not code:
        _add(errors, name, _l("Choose the country of residence."))
        return None
    if not is_country(code):
        _add(
            errors,
            name,
            _l("“%(code)s” is not a country code; choose a country from the list.", code=code[:10]),
        )
        return None
    return code


def birth_year(value: int | str | None, errors: Errors) -> int | None:
    raw = clean(str(value)) if value is not None else ""
    if not raw:
        return None
    year = int(raw) if raw.isdigit() and len(raw) <= 4 else None
    if year is None or not MIN_BIRTH_YEAR <= year <= this_year():
        _add(
            errors,
            "birth_year",
            _l(
                "Enter a year between %(first)d and %(last)d, or leave it empty.",
                first=MIN_BIRTH_YEAR,
                last=this_year(),
            ),
        )
        return None
    return year


def parse_date(value: date | str | None, name: str, errors: Errors, *, required=False):
    if isinstance(value, date):
        parsed = value
    else:
        raw = clean(value or "")
        if not raw:
            if required:
                _add(errors, name, _l("Enter the date."))
            return None
        try:
            parsed = date.fromisoformat(raw)
        except ValueError:
            _add(errors, name, _l("Enter a date as YYYY-MM-DD, for example 2026-01-31."))
            return None
    if parsed > today():
        _add(errors, name, _l("The date cannot be in the future."))
        return None
    if parsed.year < MIN_BIRTH_YEAR:
        _add(errors, name, _l("The date is too far in the past."))
        return None
    return parsed


def emails(values: list[str], errors: Errors) -> list[str]:
    """Syntax only, never the network; lower-cased, without repeats."""
    result: list[str] = []
    for raw in values:
        raw = strip_controls(clean(raw))
        if not raw:
            continue
        try:
            address = validate_email(raw, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            _add(
                errors,
                "emails",
                _l(
                    "“%(value)s” is not a valid email address; write it as "
                    "name@example.org, without spaces.",
                    value=raw[:80],
                ),
            )
            continue
        if address not in result:
            result.append(address)
    if len(result) > MAX_ITEMS:
        _add(errors, "emails", _l("At most %(n)d entries.", n=MAX_ITEMS))
    return result


def _phone_message(raw: str, region: str | None) -> LazyString:
    def render() -> str:
        if region is None:
            return gettext(
                "“%(value)s” is not a valid phone number. Write it with the country "
                "code, starting with +.",
                value=raw,
            )
        return gettext(
            "“%(value)s” is not a valid phone number in %(country)s. Check the digits, or write "
            "it with the country code, starting with +.",
            value=raw,
            country=country_name(region, str(get_locale() or "vi")),
        )

    return LazyString(render)


def phones(values: list[str], region: str | None, errors: Errors) -> list[str]:
    """Parsed with the country of residence as the default region; stored as E.164."""
    result: list[str] = []
    for raw in values:
        raw = strip_controls(clean(raw))
        if not raw:
            continue
        try:
            number = phonenumbers.parse(raw, region)
            valid = phonenumbers.is_valid_number(number)
        except phonenumbers.NumberParseException:
            valid = False
        if not valid:
            _add(errors, "phones", _phone_message(raw[:40], region))
            continue
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if e164 not in result:
            result.append(e164)
    if len(result) > MAX_ITEMS:
        _add(errors, "phones", _l("At most %(n)d entries.", n=MAX_ITEMS))
    return result


def display_phone(e164: str) -> str:
    """International format for people: +81 90-1234-5678."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def website(value: str | None, errors: Errors, name: str = "website") -> str:
    url = text(value, name, errors)
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in url:
        _add(errors, name, _l("Enter a web address starting with http:// or https://."))
    return url


def languages(values: list[str], errors: Errors) -> list[str]:
    result: list[str] = []
    for raw in values:
        code = clean(raw).lower()
        if not code:
            continue
        if not is_language(code):
            _add(
                errors, "languages", _l("“%(code)s” is not a language in the list.", code=code[:10])
            )
        elif code not in result:
            result.append(code)
    return canonical_order(result)


def _as_int(value: int | str | None) -> int | None:
    if isinstance(value, int):
        return value
    raw = clean(value or "")
    return int(raw) if raw.isdigit() and len(raw) <= 9 else None


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
            _add(errors, "categories", _l("Choose categories from the list."))
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
            _add(errors, "expertise", _l("Choose an expertise field from the list for each row."))
            continue
        if any(row is chosen for chosen, _level, _years in result):
            _add(errors, "expertise", _l("Each expertise field can be listed only once."))
            continue
        level = raw_level or None
        if level is not None and level not in {item.value for item in ExpertiseLevel}:
            _add(errors, "expertise", _l("Choose the level: basic, experienced or expert."))
            continue
        years = None
        if raw_years:
            years = int(raw_years) if raw_years.isdigit() and len(raw_years) <= 3 else -1
            if not 0 <= years <= MAX_YEARS:
                _add(
                    errors,
                    "expertise",
                    _l("Years of experience must be a whole number from 0 to %(n)d.", n=MAX_YEARS),
                )
                continue
        result.append((row, level, years))
    if len(result) > MAX_ITEMS * 2:
        _add(errors, "expertise", _l("At most %(n)d entries.", n=MAX_ITEMS * 2))
    return result


def memberships(entries, errors: Errors) -> list[tuple[str, str]]:
    result: list[tuple[str, str]] = []
    for entry in entries:
        name = text(entry.organization, "organization", errors)
        role = text(entry.role, "role", errors)
        if not name and not role:
            continue
        if not name:
            _add(errors, "memberships", _l("Enter the organization's name for each role."))
            continue
        if any(name.casefold() == other.casefold() for other, _role in result):
            continue
        result.append((name, role))
    for key in ("organization", "role"):
        if key in errors:
            errors.setdefault("memberships", []).extend(errors.pop(key))
    if len(result) > MAX_ITEMS:
        _add(errors, "memberships", _l("At most %(n)d entries.", n=MAX_ITEMS))
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
    s["full_name"] = person_name(data.full_name, "full_name", errors, required=True)
    s["foreign_name"] = person_name(data.foreign_name, "foreign_name", errors, required=False)
    s["former_names"] = person_name(data.former_names, "former_names", errors, required=False)
    s["gender"] = choice(
        data.gender,
        "gender",
        list(Gender),
        errors,
        _l("Choose female, male or other, or leave it empty."),
        optional=True,
    )
    s["birth_year"] = birth_year(data.birth_year, errors)
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
        s[key] = text(getattr(data, key), key, errors)
    s["country"] = country(data.country, errors)
    s["website"] = website(data.website, errors)
    s["preferred_language"] = choice(
        data.preferred_language or "vi",
        "preferred_language",
        ("vi", "en"),
        errors,
        _l("Choose Vietnamese or English."),
    )
    for flag in WILLINGNESS_FLAGS:
        s[flag] = bool(getattr(data, flag))
    s["source"] = choice(
        data.source or Source.MANUAL.value,
        "source",
        list(Source),
        errors,
        _l("Choose where the record comes from."),
    )
    s["verified_on"] = parse_date(data.verified_on, "verified_on", errors)
    s["status"] = choice(
        data.status or ContactStatus.ACTIVE.value,
        "status",
        list(ContactStatus),
        errors,
        _l("Choose active, inactive or deceased."),
    )
    s["legal_basis"] = choice(
        data.legal_basis,
        "legal_basis",
        list(LegalBasis),
        errors,
        _l("Choose consent, state function, or none yet."),
        optional=True,
    )
    s["legal_basis_note"] = text(data.legal_basis_note, "legal_basis_note", errors)
    if s["legal_basis"] == LegalBasis.CONSENT and not store_consent:
        _add(
            errors,
            "legal_basis",
            _l(
                "Consent can be the legal basis only once the person's "
                "consent to storing their data is recorded."
            ),
        )
    if s["legal_basis"] == LegalBasis.STATE_FUNCTION and not s["legal_basis_note"]:
        _add(
            errors,
            "legal_basis_note",
            _l("Explain which function of the department requires keeping this record."),
        )
    values = ContactValues(
        scalars=s,
        emails=emails(data.emails, errors),
        phones=phones(data.phones, s["country"], errors),
        languages=languages(data.languages, errors),
        categories=categories(data.categories, current, errors),
        expertise=expertise(data.expertise, current, errors),
        memberships=memberships(data.memberships, errors),
    )
    if errors:
        raise ValidationFailed(errors)
    return values
