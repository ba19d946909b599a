"""Language selection and locale-aware formatting for templates."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date as babel_format_date
from flask import current_app, has_request_context, request, session
from flask_babel import format_datetime, format_decimal, get_locale
from flask_login import current_user

from diaspora.countries import country_name
from diaspora.privacy.erased_names import finalize as localise_erased_names
from diaspora.privacy.erased_names import shown_name

# Vietnamese officials write 26/11/2026; English readers get an unambiguous 26 Nov 2026.
DATE_PATTERNS = {"vi": "dd/MM/yyyy", "en": "d MMM yyyy"}
DATETIME_PATTERNS = {"vi": "dd/MM/yyyy HH:mm", "en": "d MMM yyyy, HH:mm"}


def select_locale() -> str:
    """The user's preference, then the header switcher (kept in the session), then the browser."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and background work: the configured default
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.path.startswith("/api/"):  # API clients say what they want in Accept-Language
        return request.accept_languages.best_match(languages) or "vi"
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def current_language() -> str:
    return str(get_locale() or "vi")


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    language = current_language()
    return babel_format_date(value, DATE_PATTERNS.get(language, "medium"), locale=language)


def format_timestamp(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_datetime(value, DATETIME_PATTERNS.get(current_language(), "medium"))


def format_number(value: float | int | None) -> str:
    return "" if value is None else format_decimal(value)


def register_template_helpers(app) -> None:
    # An erased record's stored name, wherever a template prints it, in the reader's language.
    app.jinja_env.finalize = localise_erased_names
    app.add_template_filter(shown_name, "shown_name")  # for names inside a sentence
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_timestamp, "datetime")
    app.add_template_filter(format_number, "number")
    app.add_template_filter(lambda code: country_name(code, current_language()), "country")
    app.add_template_global(current_language)
