"""ISO 3166-1 alpha-2 countries with names from Babel's CLDR data, per locale."""

from __future__ import annotations

from functools import cache

from babel import Locale

from diaspora.text import sort_key

# CLDR territory codes that are not ISO 3166-1 alpha-2 countries.
_NOT_COUNTRIES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}
)


@cache
def _names(locale: str) -> dict[str, str]:
    territories = Locale.parse(locale).territories
    return {
        code: name
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    }


def codes() -> frozenset[str]:
    return frozenset(_names("en"))


def is_country(code: str | None) -> bool:
    return bool(code) and code.upper() in codes()


def country_name(code: str | None, locale: str = "vi") -> str:
    """The country's name in the locale; an unknown code is returned as it is."""
    if not code:
        return ""
    return _names(_base(locale)).get(code.upper(), code)


@cache
def country_choices(locale: str = "vi") -> tuple[tuple[str, str], ...]:
    """(code, name) pairs ordered by name in that language, ignoring diacritics."""
    names = _names(_base(locale))
    return tuple(sorted(names.items(), key=lambda item: sort_key(item[1])))


def _base(locale: str) -> str:
    return "en" if str(locale).lower().startswith("en") else "vi"
