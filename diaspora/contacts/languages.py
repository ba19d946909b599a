"""A short list of ISO 639-1 languages that overseas compatriots speak, named by Babel (CLDR)."""

from __future__ import annotations

from functools import cache

from babel import Locale

from diaspora.text import sort_key

LANGUAGE_CODES: tuple[str, ...] = (
    "vi", "en", "fr", "de", "ru", "zh", "ja", "ko", "es", "pt", "it", "nl", "pl", "cs", "sk",
    "hu", "ro", "bg", "uk", "be", "sr", "hr", "lt", "lv", "et", "sv", "nb", "da", "fi", "el",
    "tr", "ar", "he", "hi", "th", "lo", "km", "my", "id", "ms", "tl", "mn", "kk",
)  # fmt: skip
_RANK = {code: rank for rank, code in enumerate(LANGUAGE_CODES)}


def _base(locale: str) -> str:
    return "en" if str(locale).lower().startswith("en") else "vi"


def is_language(code: str | None) -> bool:
    return bool(code) and code.lower() in LANGUAGE_CODES


def canonical_order(codes) -> list[str]:
    """Languages in the list's order (Vietnamese, English, …), so that order never counts."""
    return sorted(
        set(codes), key=lambda code: (code not in LANGUAGE_CODES, _RANK.get(code, 0), code)
    )


def language_name(code: str, locale: str = "vi") -> str:
    """The language's name in the interface language; an unknown code is returned as it is."""
    return Locale.parse(_base(locale)).languages.get(code, code)


@cache
def language_choices(locale: str = "vi") -> tuple[tuple[str, str], ...]:
    """(code, name) pairs: Vietnamese and English first, then the others by name."""
    names = [(code, language_name(code, locale)) for code in LANGUAGE_CODES]
    head, tail = names[:2], names[2:]
    return tuple(head + sorted(tail, key=lambda item: sort_key(item[1])))
