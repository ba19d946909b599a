"""Turning stored values into text for pages: labels, country and language names, phones.

Used by the views (and, as filters, by templates); no queries happen here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _

from diaspora.audit.history import HistoryRow
from diaspora.contacts.history import ERASED, HIDDEN, HistoryEntry
from diaspora.contacts.labels import ACTIONS, CODED_VALUES, FIELD_LABELS, LEVELS, PURPOSES
from diaspora.contacts.languages import language_name
from diaspora.contacts.validation import display_phone
from diaspora.countries import country_name
from diaspora.i18n import format_date
from diaspora.reference.categories import list_categories
from diaspora.reference.services import taxonomy


@dataclass
class Lookups:
    """Names of coded references, in the reader's language."""

    language: str
    categories: dict[str, str]  # code -> name
    fields: dict[str, str]  # code -> "code name"


def lookups_for(language: str) -> Lookups:
    """The names of every field of expertise and category, inactive ones included (old
    records and history still name them), for the pages and prints that show coded values."""
    fields = {
        row.code: f"{row.code} {row.name(language)}"
        for group in taxonomy(include_inactive=True)
        for row in (group, *group.children)
    }
    categories = {row.code: row.name(language) for row in list_categories(include_inactive=True)}
    return Lookups(language=language, categories=categories, fields=fields)


def format_value(name: str, value: Any, lookups: Lookups) -> str:
    if value is HIDDEN:
        return _("(hidden)")
    if value == ERASED:
        return _("(erased)")
    if value in (None, "", []):
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, date):
        return format_date(value)
    if name == "verified_on" and isinstance(value, str):
        return format_date(date.fromisoformat(value))
    if name in CODED_VALUES:
        return str(CODED_VALUES[name].get(value, value))
    if name == "country":
        return country_name(value, lookups.language)
    if name == "languages":
        return ", ".join(language_name(code, lookups.language) for code in value)
    if name == "phones":
        return ", ".join(display_phone(number) for number in value)
    if name == "categories":
        return ", ".join(lookups.categories.get(code, code) for code in value)
    if name == "expertise":
        return "; ".join(_expertise(item, lookups) for item in value)
    if name == "memberships":
        return "; ".join(
            f"{item['organization']} ({item['role']})" if item.get("role") else item["organization"]
            for item in value
        )
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _expertise(item: dict, lookups: Lookups) -> str:
    text = lookups.fields.get(item.get("field"), item.get("field", ""))
    extras = []
    if item.get("level"):
        extras.append(str(LEVELS.get(item["level"], item["level"])))
    if item.get("years") is not None:
        extras.append(_("%(n)d years", n=item["years"]))
    return f"{text} ({', '.join(extras)})" if extras else text


def history_rows(entries: list[HistoryEntry], lookups: Lookups) -> list[HistoryRow]:
    rows = []
    for entry in entries:
        rows.append(
            HistoryRow(
                occurred_at=entry.occurred_at,
                actor=entry.actor or _("(system)"),
                action=str(ACTIONS.get(entry.action, entry.action)),
                summary=_summary(entry.details),
                changes=[
                    (
                        str(FIELD_LABELS.get(change.field, change.field)),
                        format_value(change.field, change.old, lookups),
                        format_value(change.field, change.new, lookups),
                    )
                    for change in sorted(entry.changes, key=_form_order)
                ],
            )
        )
    return rows


_ORDER = {name: position for position, name in enumerate(FIELD_LABELS)}


def _form_order(change) -> int:
    return _ORDER.get(change.field, len(_ORDER))


def _summary(details: dict) -> str:
    parts = []
    if "absorbed_id" in details:
        parts.append(
            _(
                "Record no. %(id)s (%(name)s) was merged into this one.",
                id=details["absorbed_id"],
                name=details.get("absorbed_name", ""),
            )
        )
    if "survivor_id" in details:
        parts.append(_("Merged into record no. %(id)s.", id=details["survivor_id"]))
    purposes = details.get("purposes") or ([details["purpose"]] if "purpose" in details else [])
    if purposes:
        parts.append(", ".join(str(PURPOSES.get(p, p)) for p in purposes))
    if details.get("not_duplicates"):
        parts.append(
            _(
                "Confirmed as a different person from record(s) no. %(ids)s.",
                ids=", ".join(str(i) for i in details["not_duplicates"]),
            )
        )
    return " ".join(parts)
