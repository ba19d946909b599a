"""Which column is which: spreadsheet headers recognised in Vietnamese and English.

The mapping page proposes a contact field per column from these synonyms; the officer confirms
or corrects it. A file's header signature lets a saved mapping be offered again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

from diaspora.contacts.labels import FIELD_LABELS
from diaspora.text import word_key

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
