"""The change history of a contact, read from the audit trail."""

from __future__ import annotations

from diaspora.audit.history import Change, HistoryEntry, change_pairs, entry, target_events
from diaspora.contacts.services import CHANGE_ACTIONS, PERSONAL_FIELDS
from diaspora.models import AuditEvent, Contact

__all__ = ["ERASED", "HIDDEN", "Change", "HistoryEntry", "contact_history", "history_entry"]

HIDDEN = object()  # marks a value the reader may not see
# What erasure leaves in the audit trail in place of the person's values.
ERASED = "[erased]"


def _changes(details: dict, *, personal: bool) -> list[Change]:
    result = []
    for key, old, new in change_pairs(details):
        if key in PERSONAL_FIELDS and not personal:
            old, new = (HIDDEN if old not in (None, "", []) else old), HIDDEN
        result.append(Change(key, old, new))
    return result


def contact_history(contact: Contact, *, personal: bool, limit: int = 200) -> list[HistoryEntry]:
    """Newest first. Without ``personal``, values of personal fields are hidden."""
    actions = (*CHANGE_ACTIONS, "contact.merged_into")
    events = target_events("contact", contact.id, actions, limit=limit)
    return [history_entry(event, personal=personal) for event in events]


def history_entry(event: AuditEvent, *, personal: bool) -> HistoryEntry:
    details = dict(event.details or {})
    summary = {
        key: details[key]
        for key in (
            "absorbed_id",
            "survivor_id",
            "purposes",
            "purpose",
            "method",
            "given_on",
            "withdrawn_on",
            "not_duplicates",
        )
        if key in details
    }
    if "absorbed" in details:
        summary["absorbed_name"] = details["absorbed"].get("full_name", "")
    return entry(event, _changes(details, personal=personal), summary)
