"""The name an erased record carries, and that name in the reader's language.

Erasure replaces the person's name by ``Erased contact #N``: stored once, in English, without
any personal data, so that it never has to change with the reader. Pages show it in the reader's
language: :func:`finalize` is the templates' ``finalize`` hook, through which every printed
value passes, so a list, a profile, an engagement's participants, a delegation's list or a print
say "Hồ sơ đã xóa #12" to a Vietnamese reader without each template having to know. Code that
writes names outside templates (history summaries, files) calls :func:`shown_name`.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _

PREFIX = "Erased contact #"
_STORED = re.compile(re.escape(PREFIX) + r"([1-9][0-9]{0,9})")


def erased_label(contact_id: int) -> str:
    """The name stored on an erased record (the same text whatever the language)."""
    return f"{PREFIX}{contact_id}"


def erased_number(value: Any) -> int | None:
    """The record number when ``value`` is exactly an erased record's stored name."""
    if type(value) is not str or not value.startswith(PREFIX):  # Markup is left alone
        return None
    match = _STORED.fullmatch(value)
    return int(match.group(1)) if match else None


def shown_name(value: str) -> str:
    """A name as the reader sees it: an erased record's in their language, others as stored."""
    number = erased_number(value)
    if number is None:
        return value
    return _("Erased contact #%(number)d", number=number)


def finalize(value: Any) -> Any:
    """Jinja's ``finalize``: applied to each ``{{ … }}`` value before it is escaped."""
    return shown_name(value) if type(value) is str else value
