"""Single-field checks shared by every way a contact enters the registry (form, API, import).

Each check returns the clean value or adds a message, in the reader's language, to ``errors``
under the field's name; ``validate_contact`` raises one ``ValidationFailed`` with them all.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import LazyString, get_locale, gettext
from flask_babel import lazy_gettext as _l

from diaspora.contacts.languages import canonical_order, is_language
from diaspora.countries import country_name, is_country
from diaspora.models import utcnow
from diaspora.models.contact import MIN_BIRTH_YEAR
from diaspora.text import clean, clean_lines, strip_controls
from diaspora.validation import Errors, add, read_date

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
FORBIDDEN_IN_NAMES = frozenset('<>{}[]\\|@#$%^*=+_~`"')


def this_year() -> int:
    return utcnow().year


def today() -> date:
    return utcnow().date()


def text(value: str | None, name: str, errors: Errors) -> str:
    """Cleaned text (NFC, no control characters) within the field's length limit."""
    cleaned = clean_lines(value) if name in MULTILINE else strip_controls(clean(value))
    limit = LIMITS.get(name)
    if limit and len(cleaned) > limit:
        add(
            errors,
            name,
            _l("At most %(n)d characters; this has %(count)d.", n=limit, count=len(cleaned)),
        )
    return cleaned


def person_name(value: str | None, name: str, errors: Errors, *, required: bool) -> str:
    cleaned = text(value, name, errors)
    if not cleaned:
        if required:
            add(errors, name, _l("Enter the person's full name, family name first."))
        return cleaned
    if any(ch in FORBIDDEN_IN_NAMES for ch in cleaned):
        add(errors, name, _l("A name cannot contain characters such as < > { } @ # or =."))
    elif not any(ch.isalpha() for ch in cleaned):
        add(errors, name, _l("A name must contain letters."))
    return cleaned


def choice(value: str | None, name: str, allowed, errors: Errors, message, *, optional=False):
    value = clean(value or "")
    if not value and optional:
        return None
    if value not in {str(item) for item in allowed}:
        add(errors, name, message)
        return None
    return value


def country(value: str | None, errors: Errors, name: str = "country") -> str | None:
    code = clean(value or "").upper()
    if not code:
        add(errors, name, _l("Choose the country of residence."))
        return None
    if not is_country(code):
        add(
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
    year = int(raw) if raw.isdecimal() and len(raw) <= 4 else None
    if year is None or not MIN_BIRTH_YEAR <= year <= this_year():
        add(
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
    parsed = read_date(value, name, errors, required=required)
    if parsed is None:
        return None
    if parsed > today():
        add(errors, name, _l("The date cannot be in the future."))
        return None
    if parsed.year < MIN_BIRTH_YEAR:
        add(errors, name, _l("The date is too far in the past."))
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
            add(
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
        add(errors, "emails", _l("At most %(n)d entries.", n=MAX_ITEMS))
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
            add(errors, "phones", _phone_message(raw[:40], region))
            continue
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if e164 not in result:
            result.append(e164)
    if len(result) > MAX_ITEMS:
        add(errors, "phones", _l("At most %(n)d entries.", n=MAX_ITEMS))
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
        add(errors, name, _l("Enter a web address starting with http:// or https://."))
    return url


def languages(values: list[str], errors: Errors) -> list[str]:
    result: list[str] = []
    for raw in values:
        code = clean(raw).lower()
        if not code:
            continue
        if not is_language(code):
            add(
                errors, "languages", _l("“%(code)s” is not a language in the list.", code=code[:10])
            )
        elif code not in result:
            result.append(code)
    return canonical_order(result)
