"""From spreadsheet columns to contact fields: headers recognised in Vietnamese and English,
and cell values (countries, fields of expertise, yes/no, dates) read the way officers write them.

``row_to_data`` turns one row into the same ``ContactData`` the form and the API hand to the
contact services, which then validate it exactly as they validate the form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from flask_babel import lazy_gettext as _l

from diaspora.contacts.data import ConsentInput, ContactData, ExpertiseEntry, MembershipEntry
from diaspora.contacts.labels import FIELD_LABELS
from diaspora.contacts.languages import LANGUAGE_CODES, language_name
from diaspora.countries import _names as country_names
from diaspora.countries import codes as country_codes
from diaspora.text import word_key as _word_key

# Cell values repeat (countries, yes/no, fields): their folded keys are computed once.
word_key = lru_cache(maxsize=65536)(_word_key)

# Target -> label, in the order the mapping page lists them.
TARGETS = {
    "full_name": FIELD_LABELS["full_name"],
    "foreign_name": FIELD_LABELS["foreign_name"],
    "former_names": FIELD_LABELS["former_names"],
    "gender": FIELD_LABELS["gender"],
    "birth_year": FIELD_LABELS["birth_year"],
    "origin_commune": FIELD_LABELS["origin_commune"],
    "origin_district_old": FIELD_LABELS["origin_district_old"],
    "country": FIELD_LABELS["country"],
    "city": FIELD_LABELS["city"],
    "email": _l("Email address"),
    "phone": _l("Phone number"),
    "address": FIELD_LABELS["address"],
    "website": FIELD_LABELS["website"],
    "languages": FIELD_LABELS["languages"],
    "occupation": FIELD_LABELS["occupation"],
    "title": FIELD_LABELS["title"],
    "employer": FIELD_LABELS["employer"],
    "organization": _l("Organization (membership)"),
    "role": _l("Role in the organization"),
    "expertise": FIELD_LABELS["expertise"],
    "categories": FIELD_LABELS["categories"],
    "preferred_language": FIELD_LABELS["preferred_language"],
    "willing_advise": FIELD_LABELS["willing_advise"],
    "willing_invest": FIELD_LABELS["willing_invest"],
    "willing_host_delegation": FIELD_LABELS["willing_host_delegation"],
    "willing_promote_products": FIELD_LABELS["willing_promote_products"],
    "willing_teach": FIELD_LABELS["willing_teach"],
    "notes": FIELD_LABELS["notes"],
    "status": FIELD_LABELS["status"],
    "consent_store": _l("Consent: store and process (yes/no)"),
    "consent_outreach": _l("Consent: outreach (yes/no)"),
    "consent_sharing": _l("Consent: sharing (yes/no)"),
    "consent_date": _l("Consent given on"),
    "consent_method": _l("How consent was given"),
    "consent_evidence": _l("Consent evidence"),
}
REPEATABLE = frozenset({"email", "phone", "expertise", "languages", "notes", "categories"})
CONSENT_TARGETS = ("consent_store", "consent_outreach", "consent_sharing")

# Folded header words -> target. Exact matches first; then the longest alias contained.
HEADER_ALIASES = {
    "full_name": [
        "ho va ten", "ho ten", "full name", "name", "ten", "ho va ten day du", "ten day du",
        "ho ten kieu bao", "ho va ten kieu bao", "vietnamese name", "ten tieng viet",
    ],
    "foreign_name": [
        "ten nuoc ngoai", "ten khac", "ten tieng anh", "foreign name", "english name",
        "adopted name", "other name", "ten goi o nuoc ngoai",
    ],
    "former_names": ["ten cu", "ten truoc day", "former name", "former names"],
    "gender": ["gioi tinh", "gender", "sex", "gioi"],
    "birth_year": [
        "nam sinh", "year of birth", "birth year", "ngay sinh", "date of birth", "born", "dob",
        "ngay thang nam sinh",
    ],
    "origin_commune": [
        "que quan", "xa phuong", "xa phuong que quan", "home town", "hometown", "origin",
        "que", "nguyen quan", "quê quán",
    ],
    "origin_district_old": ["huyen", "quan huyen", "huyen cu", "district", "old district"],
    "country": [
        "quoc gia", "nuoc", "country", "nuoc cu tru", "quoc gia cu tru", "country of residence",
        "nuoc so tai", "noi cu tru quoc gia", "nation",
    ],
    "city": ["thanh pho", "city", "tinh thanh pho", "thanh pho cu tru", "town"],
    "email": ["email", "e mail", "thu dien tu", "dia chi email", "mail", "email address"],
    "phone": [
        "dien thoai", "sdt", "so dien thoai", "phone", "tel", "telephone", "mobile", "di dong",
        "dt", "so dt", "phone number", "zalo",
    ],
    "address": ["dia chi", "address", "postal address", "dia chi lien he", "dia chi lien lac"],
    "website": ["website", "trang web", "web", "url"],
    "languages": ["ngon ngu", "languages", "language", "ngoai ngu"],
    "occupation": ["nghe nghiep", "occupation", "profession", "job", "nghe"],
    "title": ["chuc vu", "chuc danh", "title", "position", "hoc ham hoc vi"],
    "employer": [
        "don vi cong tac", "noi lam viec", "co quan", "employer", "company", "cong ty",
        "co quan cong tac", "workplace",
    ],
    "organization": ["to chuc", "hoi", "hoi doan", "organization", "association", "to chuc hoi"],
    "role": ["vai tro", "role", "chuc vu trong hoi", "vai tro trong to chuc"],
    "expertise": [
        "linh vuc", "chuyen mon", "linh vuc chuyen mon", "expertise", "field", "fields",
        "field of expertise", "chuyen nganh", "nganh",
    ],
    "categories": ["nhom", "phan loai", "category", "categories", "doi tuong"],
    "preferred_language": [
        "ngon ngu thu tu", "ngon ngu lien lac", "preferred language", "correspondence language",
    ],
    "willing_advise": ["san sang tu van", "tu van", "willing to advise", "advise"],
    "willing_invest": ["san sang dau tu", "dau tu", "willing to invest", "invest"],
    "willing_host_delegation": ["don doan", "willing to host a delegation", "host delegation"],
    "willing_promote_products": ["quang ba san pham", "promote products"],
    "willing_teach": ["giang day", "willing to teach", "teach"],
    "notes": ["ghi chu", "notes", "note", "remarks", "nhan xet"],
    "status": ["trang thai", "status", "tinh trang"],
    "consent_store": [
        "dong y", "consent", "dong y luu tru", "dong y luu tru du lieu", "consent to store",
        "dong y xu ly du lieu",
    ],
    "consent_outreach": ["dong y lien he", "consent to outreach", "consent outreach"],
    "consent_sharing": ["dong y chia se", "consent to sharing", "consent sharing"],
    "consent_date": ["ngay dong y", "consent date", "consent given on", "date of consent"],
    "consent_method": ["hinh thuc dong y", "consent method", "how consent was given"],
    "consent_evidence": ["bang chung dong y", "consent evidence", "evidence"],
}  # fmt: skip
_ALIAS_TO_TARGET = {
    word_key(alias): target for target, aliases in HEADER_ALIASES.items() for alias in aliases
}


def signature(headers: Iterable[str]) -> str:
    """A short key of the file's shape: files with the same headers share it."""
    import hashlib

    joined = "|".join(word_key(header) for header in headers)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:64]


def propose(headers: list[str]) -> list[str]:
    """A target (or "") per column; a single-valued field is proposed for one column only."""
    proposal: list[str] = []
    taken: set[str] = set()
    for header in headers:
        key = word_key(header)
        target = _ALIAS_TO_TARGET.get(key, "")
        if not target and key:
            best = ""
            for alias, candidate in _ALIAS_TO_TARGET.items():
                if len(alias) > len(best) and len(alias) >= 4 and f" {alias} " in f" {key} ":
                    best, target = alias, candidate
        if target and target in taken and target not in REPEATABLE:
            target = ""
        if target:
            taken.add(target)
        proposal.append(target)
    return proposal


# --- values ---

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


@dataclass
class RowValues:
    data: ContactData
    consent: ConsentInput | None
    errors: dict[int, list] = field(default_factory=dict)  # column index -> messages
    columns: dict[str, list[int]] = field(default_factory=dict)  # target -> column indexes


def _note(errors: dict[int, list], column: int, message) -> None:
    errors.setdefault(column, []).append(message)


def row_to_data(
    cells: list[str], targets: list[str], reference: Reference, *, source_note: str
) -> RowValues:
    """One row as ``ContactData`` (+ consent), with messages for cells nobody can read."""
    data = ContactData(source="import", source_note=source_note[:300], legal_basis=None)
    errors: dict[int, list] = {}
    columns: dict[str, list[int]] = {}
    consent_purposes: list[str] = []
    consent = {"date": "", "method": "", "evidence": ""}
    organization = role = ""
    notes: list[str] = []
    for index, target in enumerate(targets):
        if not target or index >= len(cells):
            continue
        value = cells[index].strip()
        columns.setdefault(target, []).append(index)
        if not value:
            continue
        if target == "country":
            code = recognise_country(value)
            if code is None:
                _note(
                    errors,
                    index,
                    _l(
                        "“%(value)s” is not a country we know. Write its name in Vietnamese or "
                        "English, or its two-letter code (JP, US, DE…).",
                        value=value[:60],
                    ),
                )
            data.country = code or ""
        elif target == "email":
            data.emails += split_emails(value)
        elif target == "phone":
            data.phones += split_phones(value)
        elif target == "languages":
            for part in split_list(value):
                code = reference.languages.get(word_key(part)) or reference.languages.get(
                    part.lower()
                )
                if code is None:
                    _note(
                        errors,
                        index,
                        _l("“%(value)s” is not a language in the list.", value=part[:40]),
                    )
                else:
                    data.languages.append(code)
        elif target == "expertise":
            for part in split_list(value) if not re.fullmatch(r"[\d.]+", value) else [value]:
                code = reference.fields.get(part.lower()) or reference.fields.get(word_key(part))
                if code is None:
                    _note(
                        errors,
                        index,
                        _l(
                            "“%(value)s” is not a field of expertise in the taxonomy; use the "
                            "field's name in Vietnamese or English, or its code.",
                            value=part[:60],
                        ),
                    )
                elif all(entry.field != code for entry in data.expertise):
                    data.expertise.append(ExpertiseEntry(field=code))
        elif target == "categories":
            for part in split_list(value):
                code = reference.categories.get(part.lower()) or reference.categories.get(
                    word_key(part)
                )
                if code is None:
                    _note(
                        errors,
                        index,
                        _l("“%(value)s” is not a category in the list.", value=part[:60]),
                    )
                else:
                    data.categories.append(code)
        elif target == "gender":
            gender = GENDERS.get(word_key(value))
            if gender is None:
                _note(
                    errors, index, _l("Write the gender as nam/nữ, male/female, or leave it empty.")
                )
            data.gender = gender
        elif target == "birth_year":
            data.birth_year = recognise_year(value)
        elif target == "status":
            status = STATUSES.get(word_key(value))
            if status is None:
                _note(errors, index, _l("Write the status as active, inactive or deceased."))
            data.status = status or "active"
        elif target == "preferred_language":
            data.preferred_language = (
                reference.languages.get(word_key(value)) or value.strip().lower()
            )
        elif target.startswith("willing_") or target in CONSENT_TARGETS:
            flag = recognise_bool(value)
            if flag is None:
                _note(errors, index, _l("Write yes or no (có / không, x or empty)."))
            elif target.startswith("willing_"):
                setattr(data, target, flag)
            elif flag:
                consent_purposes.append(
                    {"consent_store": "store_process", "consent_outreach": "outreach"}.get(
                        target, "sharing"
                    )
                )
        elif target == "consent_date":
            day = recognise_date(value)
            if day is None:
                _note(errors, index, _l("Write the date as 31/01/2026 or 2026-01-31."))
            consent["date"] = day.isoformat() if day else ""
        elif target == "consent_method":
            consent["method"] = METHODS.get(word_key(value), "")
            if not consent["method"]:
                _note(
                    errors,
                    index,
                    _l("Write how consent was given: form, paper, email or in person."),
                )
        elif target == "consent_evidence":
            consent["evidence"] = value
        elif target == "organization":
            organization = value
        elif target == "role":
            role = value
        elif target == "notes":
            notes.append(value)
        elif hasattr(data, target):
            setattr(data, target, value)
    if organization or role:
        data.memberships.append(MembershipEntry(organization=organization, role=role))
    if notes:
        data.notes = "\n".join(notes)
    consent_input = None
    if consent_purposes:
        consent_input = ConsentInput(
            purposes=consent_purposes,
            method=consent["method"] or "paper",
            given_on=consent["date"] or None,
            evidence=consent["evidence"] or source_note[:300],
        )
        if "store_process" in consent_purposes:
            data.legal_basis = "consent"
    return RowValues(data, consent_input, errors, columns)


# Fields of ContactData errors -> the import targets whose columns show them.
ERROR_TARGETS = {
    "emails": ("email",),
    "phones": ("phone",),
    "memberships": ("organization", "role"),
    "consent_purposes": CONSENT_TARGETS,
    "consent_given_on": ("consent_date",),
    "consent_method": ("consent_method",),
    "consent_evidence": ("consent_evidence",),
    "legal_basis": ("consent_store",),
}


def columns_for(field_name: str, columns: dict[str, list[int]]) -> list[int]:
    targets = ERROR_TARGETS.get(field_name, (field_name,))
    return [index for target in targets for index in columns.get(target, [])]
