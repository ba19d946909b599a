"""What a cell means: countries, yes/no, genders, statuses, dates and lists of values, read
the way officers write them in Vietnamese or English, and the reference rows (fields of
expertise, categories, languages) recognised by code or by name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from diaspora.contacts.languages import LANGUAGE_CODES, language_name
from diaspora.countries import _names as country_names
from diaspora.countries import codes as country_codes
from diaspora.text import word_key as _word_key

# Cell values repeat (countries, yes/no, fields): their folded keys are computed once.
word_key = lru_cache(maxsize=65536)(_word_key)

COUNTRY_ALIASES = {
    "nhat": "JP", "nhat ban": "JP", "japan": "JP", "my": "US", "hoa ky": "US", "usa": "US",
    "us": "US", "united states of america": "US", "america": "US", "han quoc": "KR",
    "han": "KR", "korea": "KR", "south korea": "KR", "dai han": "KR", "duc": "DE",
    "cong hoa lien bang duc": "DE", "chlb duc": "DE", "chlb nga": "RU",
    "phap": "FR", "anh": "GB", "uk": "GB", "england": "GB",
    "great britain": "GB", "vuong quoc anh": "GB", "uc": "AU", "nga": "RU", "lien bang nga": "RU",
    "trung quoc": "CN", "dai loan": "TW", "taiwan": "TW", "sec": "CZ", "cong hoa sec": "CZ",
    "czech republic": "CZ", "ba lan": "PL", "thai lan": "TH", "lao": "LA", "campuchia": "KH",
    "cam pu chia": "KH", "singapo": "SG", "xingapo": "SG", "ma lai xi a": "MY", "malaixia": "MY",
    "ha lan": "NL", "holland": "NL", "bi": "BE", "thuy si": "CH", "thuy sy": "CH",
    "thuy dien": "SE", "na uy": "NO", "dan mach": "DK", "phan lan": "FI", "y": "IT",
    "tay ban nha": "ES", "hungary": "HU", "hung": "HU", "ukraina": "UA", "ucraina": "UA",
    "slovakia": "SK", "niu di lan": "NZ", "new zealand": "NZ", "ca na da": "CA", "canada": "CA",
    "hong kong": "HK", "hong cong": "HK", "viet nam": "VN", "vietnam": "VN",
    "uae": "AE", "emirates": "AE", "an do": "IN", "philippin": "PH", "indonexia": "ID",
}  # fmt: skip


def _country_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for locale in ("en", "vi"):
        for code, name in country_names(locale).items():
            index.setdefault(word_key(name), code)
    index.update({alias: code for alias, code in COUNTRY_ALIASES.items()})
    return index


_COUNTRIES: dict[str, str] = {}


@lru_cache(maxsize=4096)
def recognise_country(value: str) -> str | None:
    """``Nhật Bản``, ``Nhật``, ``Japan``, ``JP`` → ``JP``; None when nobody knows it."""
    if not _COUNTRIES:
        _COUNTRIES.update(_country_index())
    raw = value.strip()
    if len(raw) == 2 and raw.isalpha() and raw.upper() in country_codes():
        return raw.upper()
    return _COUNTRIES.get(word_key(raw))


YES = {"co", "x", "yes", "y", "1", "true", "dong y", "da dong y", "v", "ok", "agree", "agreed"}
NO = {"khong", "no", "n", "0", "false", "chua", "khong dong y", "-"}


def recognise_bool(value: str) -> bool | None:
    key = word_key(value)
    if not key and value.strip() in ("✓", "✔", "☑"):
        return True
    if key in YES or value.strip() in ("✓", "✔", "☑"):
        return True
    if key in NO or not key:
        return False
    return None


GENDERS = {
    "nam": "male", "male": "male", "m": "male", "trai": "male", "nu": "female",
    "female": "female", "f": "female", "gai": "female", "khac": "other", "other": "other",
}  # fmt: skip
STATUSES = {
    "active": "active", "dang hoat dong": "active", "hoat dong": "active",
    "inactive": "inactive", "ngung": "inactive", "ngung hoat dong": "inactive",
    "deceased": "deceased", "da mat": "deceased", "qua doi": "deceased", "da qua doi": "deceased",
}  # fmt: skip
METHODS = {
    "form": "form", "phieu": "form", "phieu dang ky": "form", "mau dang ky": "form",
    "paper": "paper", "giay": "paper", "van ban": "paper", "ban giay": "paper",
    "email": "email", "thu dien tu": "email", "in person": "in_person", "truc tiep": "in_person",
}  # fmt: skip
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})"),  # ISO, also Excel dates read as text
    re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$"),  # 31/01/2026 (day first)
)


def recognise_date(value: str) -> date | None:
    raw = value.strip()
    match = _DATE_PATTERNS[0].match(raw)
    try:
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
        match = _DATE_PATTERNS[1].match(raw)
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None
    return None


def recognise_year(value: str) -> str:
    """A year, from ``1985``, ``1985.0`` or a date of birth; otherwise the text as it is."""
    raw = value.strip()
    if re.fullmatch(r"\d{4}(\.0+)?", raw):
        return raw[:4]
    day = recognise_date(raw)
    if day is not None:
        return str(day.year)
    return raw


def split_list(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n,/|]+", value) if part.strip()]


def split_emails(value: str) -> list[str]:
    return [part for part in re.split(r"[;\s,|]+", value) if part]


def split_phones(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n,/|]+", value) if part.strip()]


@dataclass
class Reference:
    """Names of reference rows, folded, for recognising cells: code or name in vi/en."""

    fields: dict[str, str]  # folded name or code -> code
    categories: dict[str, str]
    languages: dict[str, str]

    @classmethod
    def load(cls, fields: Iterable, categories: Iterable) -> Reference:
        def index(rows) -> dict[str, str]:
            result: dict[str, str] = {}
            for row in rows:
                result[row.code.lower()] = row.code
                for name in (row.name_vi, row.name_en):
                    result.setdefault(word_key(name), row.code)
            return result

        languages: dict[str, str] = {}
        for code in LANGUAGE_CODES:
            languages[code] = code
            for locale in ("vi", "en"):
                name = word_key(language_name(code, locale))
                languages.setdefault(name, code)
                if name.startswith("tieng "):
                    languages.setdefault(name[6:], code)
        return cls(index(fields), index(categories), languages)
