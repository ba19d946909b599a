"""Form helpers shared by every feature."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.fields.choices import SelectChoice

from diaspora.errors import DomainError, ValidationFailed


class ConfirmForm(FlaskForm):
    """A POST button protected by the CSRF token, with an optional local page to return to."""

    next = HiddenField()


def apply_errors(form: FlaskForm, error: DomainError) -> None:
    """Put a service's errors back on the form: per field where it has one, else on the form."""
    errors = error.errors if isinstance(error, ValidationFailed) else {error.field: [error.message]}
    for name, messages in errors.items():
        field = getattr(form, name, None) if name else None
        target = field.errors if field is not None else form.form_errors
        if isinstance(target, tuple):
            target = list(target)
            if field is not None:
                field.errors = target
        target.extend(str(message) for message in messages)


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms 3.3 select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def safe_next(target: str | None) -> str | None:
    """Only local paths are followed after login: no scheme, no host, no ``//`` or ``\\``."""
    if not target:
        return None
    target = target.strip()
    if not target.startswith("/") or target.startswith(("//", "/\\")) or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
