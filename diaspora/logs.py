"""Application logs never carry personal data.

The code logs identifiers, never names, email addresses or phone numbers, and SQL errors hide
their bound values (``hide_parameters`` in ``SQLALCHEMY_ENGINE_OPTIONS``). As a second line, a
filter on the loggers the application and its servers write to masks anything that looks like
an email address or a phone number — in the message, its arguments and any traceback — before a
handler formats it. Request lines with a query string (``/login?email=…``) are the usual leak.
"""

from __future__ import annotations

import logging
import re

from flask import Flask

# Also URL-encoded, as in a logged query string (``%40`` for ``@``, ``%2B`` for ``+``).
EMAIL = re.compile(r"[\w.%+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
# 8 to 15 digits, optionally with a leading + and spaces, dots, dashes or brackets between them.
PHONE = re.compile(
    r"(?<![\w%])(?:\+|%2B)?\(?\d(?:(?:[\s().-]|%20){0,2}\d){7,14}(?![\w])", re.IGNORECASE
)
# Dates and times look like numbers too; they are no personal data and help read logs.
_DATE_OR_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}|^\d{2}:\d{2}")
EMAIL_MASK = "[email]"
PHONE_MASK = "[phone]"
LOGGERS = (
    "werkzeug",
    "gunicorn.access",
    "gunicorn.error",
    "sqlalchemy.engine.Engine",
    "flask_limiter",
)


def _phone(match: re.Match) -> str:
    text = match.group(0)
    return text if _DATE_OR_TIME.match(text) else PHONE_MASK


# PostgreSQL explains constraint violations with the values: "DETAIL:  Key (email)=(…) exists".
SERVER_DETAIL = re.compile(r"^DETAIL:.*$", re.MULTILINE)
DETAIL_MASK = "DETAIL: [hidden: may hold personal data]"


def redact(text: str) -> str:
    text = SERVER_DETAIL.sub(DETAIL_MASK, text)
    return PHONE.sub(_phone, EMAIL.sub(EMAIL_MASK, text))


class RedactPersonalData(logging.Filter):
    """Rewrites a record in place, so every handler downstream sees the masked text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: let logging report it as usual
            return True
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def _add(target: logging.Filterer) -> None:
    if not any(isinstance(f, RedactPersonalData) for f in target.filters):
        target.addFilter(RedactPersonalData())


def install_log_redaction(app: Flask) -> None:
    """On the named loggers (records logged there) and on the handlers already configured
    (records propagated from any module's logger, e.g. ``logging.getLogger(__name__)``)."""
    loggers = (app.logger, *(logging.getLogger(name) for name in LOGGERS))
    for logger in loggers:
        _add(logger)
    for logger in (logging.getLogger(), *loggers):
        for handler in logger.handlers:
            _add(handler)
