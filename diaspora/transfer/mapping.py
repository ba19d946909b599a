"""From one spreadsheet row to contact fields, with a message per cell nobody can read.

``row_to_data`` turns one row into the same ``ContactData`` the form and the API hand to the
contact services, which then validate it exactly as they validate the form. Which column holds
which field is decided in ``headers``; what a cell's value means, in ``cells``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from diaspora.contacts.data import ConsentInput, ContactData, ExpertiseEntry, MembershipEntry
from diaspora.transfer.cells import (
    GENDERS,
    METHODS,
    STATUSES,
    Reference,
    recognise_bool,
    recognise_country,
    recognise_date,
    recognise_year,
    split_emails,
    split_list,
    split_phones,
    word_key,
)
from diaspora.transfer.headers import CONSENT_TARGETS, propose

# ``propose`` is not used here; it stays importable from this module, where the tests and the
# import benchmark have always found it.
__all__ = ["Reference", "RowValues", "columns_for", "propose", "recognise_country", "row_to_data"]


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
