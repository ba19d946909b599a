"""Validation pieces shared by the features' whole-record checks: the per-field error map and
reading a date typed in a form or sent by the API. Range checks stay with each feature (a
birth date, an engagement and a visit allow different years)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from diaspora.text import clean

Errors = dict[str, list]


def add(errors: Errors, name: str, message) -> None:
    """One more message for the field ``name`` (``""`` for the form as a whole)."""
    errors.setdefault(name, []).append(message)


def read_date(value, name: str, errors: Errors, *, required: bool = True) -> date | None:
    """A date as given, or ISO text (YYYY-MM-DD) read as one. None when empty (with "Enter the
    date." if ``required``) or malformed (with how to write it)."""
    if isinstance(value, date):
        return value
    raw = clean(value if isinstance(value, str) else (str(value) if value else ""))
    if not raw:
        if required:
            add(errors, name, _l("Enter the date."))
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        add(errors, name, _l("Enter a date as YYYY-MM-DD, for example 2026-01-31."))
        return None
