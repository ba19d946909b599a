"""Turning stored engagement values into text for pages: labels, names, dates. No queries."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from diaspora.audit.history import HistoryRow
from diaspora.contacts.history import ERASED
from diaspora.countries import country_name
from diaspora.engagements.history import HistoryEntry
from diaspora.engagements.labels import ACTIONS, FIELD_LABELS, ROLES, TYPES
from diaspora.i18n import current_language, format_date
from diaspora.privacy.erased_names import shown_name


def format_value(name: str, value: Any) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, date):
        return format_date(value)
    if name in ("start_date", "end_date", "next_step_due") and isinstance(value, str):
        try:
            return format_date(date.fromisoformat(value))
        except ValueError:
            return value
    if name == "type":
        return str(TYPES.get(value, value))
    if name == "role":
        return str(ROLES.get(value, value))
    if name == "country":
        return country_name(value, current_language())
    if name == "participants":
        return "; ".join(_participant(item) for item in value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _participant(item: dict) -> str:
    name = _stored_text(item.get("name", ""))
    text = f"{name} (#{item.get('contact')}, {ROLES.get(item.get('role'), '')})"
    if item.get("note"):
        text += f": {_stored_text(item['note'])}"
    return text


def _stored_text(value: str) -> str:
    """Erasure leaves ``[erased]`` in older events and its stored name on the record: both
    in the reader's language."""
    return _("(erased)") if value == ERASED else shown_name(value)


def date_range(start: date | None, end: date | None) -> str:
    if start is None:
        return ""
    if end is None or end == start:
        return format_date(start)
    return f"{format_date(start)} – {format_date(end)}"


def history_rows(entries: list[HistoryEntry]) -> list[HistoryRow]:
    rows = []
    for entry in entries:
        summary = ""
        if "survivor_id" in entry.details:
            summary = _(
                "Contact record no. %(old)s was merged into record no. %(new)s.",
                old=entry.details.get("absorbed_id"),
                new=entry.details["survivor_id"],
            )
        rows.append(
            HistoryRow(
                occurred_at=entry.occurred_at,
                actor=entry.actor or _("(system)"),
                action=str(ACTIONS.get(entry.action, entry.action)),
                summary=summary,
                changes=[
                    (
                        str(FIELD_LABELS.get(change.field, change.field)),
                        format_value(change.field, change.old),
                        format_value(change.field, change.new),
                    )
                    for change in entry.changes
                ],
            )
        )
    return rows
