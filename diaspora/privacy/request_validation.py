"""Checking what an officer registers as a request from a data subject.

Every check adds a message, in the reader's language, under the form field's name; one
``ValidationFailed`` carries them all. Dates are Hải Phòng's, from the application's clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l

from diaspora.clock import local_today
from diaspora.contacts.services import survivor_of
from diaspora.contacts.validation import add
from diaspora.errors import ValidationFailed
from diaspora.extensions import db
from diaspora.models import Contact, RequestChannel, RequestKind
from diaspora.text import clean, clean_lines, strip_controls
from diaspora.validation import Errors, read_date

LIMITS = {
    "requester_name": 200,
    "requester_reach": 300,
    "description": 5000,
    "outcome": 2000,
    "reason": 2000,
}
# A request received longer ago than this is most likely a typing mistake in the year.
OLDEST_DAYS = 366
# Channels an officer may choose; ``update_link`` is set only by the link's own service.
OFFICER_CHANNELS = tuple(c.value for c in RequestChannel if c != RequestChannel.UPDATE_LINK)


@dataclass
class RequestInput:
    """What an officer registers, as typed (the form and the tests fill it)."""

    kind: str | None = None
    received_on: date | str | None = None
    channel: str | None = None
    contact_id: int | str | None = None
    requester_name: str | None = ""
    requester_reach: str | None = ""
    description: str | None = ""


def text_value(value: str | None, name: str, errors: Errors, *, multiline: bool = False) -> str:
    cleaned = clean_lines(value) if multiline else strip_controls(clean(value))
    if len(cleaned) > LIMITS[name]:
        add(
            errors,
            name,
            _l("At most %(n)d characters; this has %(count)d.", n=LIMITS[name], count=len(cleaned)),
        )
    return cleaned


def date_value(
    value: date | str | None, name: str, errors: Errors, *, earliest: date, too_early=None
) -> date | None:
    parsed = read_date(value, name, errors, required=True)
    if parsed is None:
        return None
    if parsed > local_today():
        add(errors, name, _l("The date cannot be in the future."))
        return None
    if parsed < earliest:
        add(errors, name, too_early or _l("The date is too far in the past; check the year."))
        return None
    return parsed


def _contact(value: int | str | None, errors: Errors) -> Contact | None:
    raw = str(value if value is not None else "").strip().lstrip("#")
    if not raw:
        return None
    contact = None
    if raw.isdecimal() and len(raw) <= 9:
        contact = db.session.get(Contact, int(raw))
    if contact is None:
        add(errors, "contact_id", _l("There is no record with this number."))
        return None
    return survivor_of(contact)


def validate_request(data: RequestInput) -> dict[str, Any]:
    errors: Errors = {}
    kind = data.kind if data.kind in {k.value for k in RequestKind} else None
    if kind is None:
        add(errors, "kind", _l("Choose what the person asks for."))
    channel = data.channel if data.channel in OFFICER_CHANNELS else None
    if channel is None:
        add(errors, "channel", _l("Choose how the request arrived."))
    earliest = local_today() - timedelta(days=OLDEST_DAYS)
    received_on = date_value(data.received_on, "received_on", errors, earliest=earliest)
    contact = _contact(data.contact_id, errors)
    name = text_value(data.requester_name, "requester_name", errors)
    reach = text_value(data.requester_reach, "requester_reach", errors)
    description = text_value(data.description, "description", errors, multiline=True)
    if contact is None and "contact_id" not in errors:
        if not name:
            add(
                errors,
                "requester_name",
                _l("Give the record number of the person, or their name if they are not found."),
            )
        if not reach:
            add(errors, "requester_reach", _l("Say how to reach the person with the answer."))
    if contact is not None:
        name, reach = "", ""  # the record says who they are and how to reach them
    if not description:
        add(errors, "description", _l("Describe the request, as the person made it."))
    if errors:
        raise ValidationFailed(errors)
    return {
        "kind": kind,
        "channel": channel,
        "received_on": received_on,
        "contact": contact,
        "requester_name": name,
        "requester_reach": reach,
        "description": description,
    }
