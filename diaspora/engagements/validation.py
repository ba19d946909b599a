"""Validating an engagement: every field at once, one ``ValidationFailed`` with all messages.

The form, the API and the CLI hand the same ``EngagementData``; messages are lazy strings in
the reader's language, keyed by the field they belong to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from diaspora.countries import is_country
from diaspora.engagements.data import EngagementData
from diaspora.errors import ValidationFailed
from diaspora.extensions import db
from diaspora.models import (
    Contact,
    Engagement,
    EngagementType,
    ParticipantRole,
    PlanTask,
    Role,
    User,
    utcnow,
)
from diaspora.plan.services import checked_plan_tasks
from diaspora.text import clean, clean_lines, strip_controls, word_key
from diaspora.validation import Errors, add, read_date

LIMITS = {
    "title": 300,
    "city": 120,
    "description": 10000,
    "outcome": 5000,
    "next_step": 500,
    "note": 500,
    "organization": 300,
}
MULTILINE = frozenset({"description", "outcome"})
EARLIEST = date(1945, 1, 1)
# Engagements are what happened; a date far ahead is a typing mistake (a planned event may be
# recorded up to a year ahead).
MAX_DAYS_AHEAD = 366
MAX_PARTICIPANTS = 2000
MAX_ORGANIZATIONS = 20
MAX_ID = 2**31 - 1


def today() -> date:
    return utcnow().date()


@dataclass
class EngagementValues:
    """Clean values, ready to apply."""

    scalars: dict
    participants: list[tuple[Contact, str, str]] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    plan_tasks: list[PlanTask] = field(default_factory=list)
    owner: User | None = None


def text(value, name: str, errors: Errors, *, key: str | None = None) -> str:
    raw = value if isinstance(value, str) or value is None else str(value)
    cleaned = clean_lines(raw) if name in MULTILINE else strip_controls(clean(raw))
    limit = LIMITS.get(name)
    if limit and len(cleaned) > limit:
        add(
            errors,
            key or name,
            _l("At most %(n)d characters; this has %(count)d.", n=limit, count=len(cleaned)),
        )
    return cleaned


def as_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= MAX_ID else None
    raw = clean(str(value) if value is not None else "")
    if raw.startswith("#"):
        raw = raw[1:]
    if raw.isdecimal() and len(raw) <= 10 and 0 < int(raw) <= MAX_ID:
        return int(raw)
    return None


def parse_date(value, name: str, errors: Errors, *, required: bool = False) -> date | None:
    parsed = read_date(value, name, errors, required=required)
    if parsed is None:
        return None
    if parsed < EARLIEST:
        add(errors, name, _l("The date is too far in the past."))
        return None
    if parsed > today() + timedelta(days=MAX_DAYS_AHEAD):
        add(errors, name, _l("The date is more than a year ahead; check the year."))
        return None
    return parsed


def _type(value, errors: Errors) -> str | None:
    code = clean(value if isinstance(value, str) else "")
    if code not in {member.value for member in EngagementType}:
        add(errors, "type", _l("Choose the type of engagement from the list."))
        return None
    return code


def _country(value, errors: Errors) -> str | None:
    code = clean(value if isinstance(value, str) else "").upper()
    if not code:
        return None
    if not is_country(code):
        add(
            errors,
            "country",
            _l("“%(code)s” is not a country code; choose a country from the list.", code=code[:10]),
        )
        return None
    return code


def _participants(data: EngagementData, current: Engagement | None, errors: Errors):
    """Live contacts, each once, with their role and note. Contacts already linked stay valid
    even if their record went to the trash since (they are kept, not re-validated)."""
    kept = {row.contact_id for row in current.participants} if current else set()
    wanted: dict[int, tuple[str, str]] = {}
    unknown: list[str] = []
    for entry in data.participants:
        raw = entry.contact_id
        if raw in (None, "") or (isinstance(raw, str) and not raw.strip()):
            continue
        number = as_int(raw)
        if number is None:
            unknown.append(str(raw)[:20])
            continue
        role = clean(entry.role or "") or ParticipantRole.PARTICIPANT.value
        if role not in {member.value for member in ParticipantRole}:
            add(errors, "participants", _l("Choose each contact's role from the list."))
            role = ParticipantRole.PARTICIPANT.value
        note = text(entry.note, "note", errors, key="participants")
        wanted.setdefault(number, (role, note))
    if len(wanted) > MAX_PARTICIPANTS:
        add(errors, "participants", _l("At most %(n)d contacts.", n=MAX_PARTICIPANTS))
        return []
    contacts = {}
    ids = list(wanted)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        contacts.update(
            (row.id, row)
            for row in db.session.scalars(db.select(Contact).where(Contact.id.in_(chunk)))
        )
    result = []
    seen: set[int] = set()
    for number, (role, note) in wanted.items():
        contact = _survivor(contacts.get(number))
        if contact is None or (contact.deleted_at is not None and contact.id not in kept):
            unknown.append(str(number))
            continue
        if contact.id not in seen:
            seen.add(contact.id)
            result.append((contact, role, note))
    if unknown:
        add(
            errors,
            "participants",
            _l(
                "No contact with record number %(ids)s: it does not exist or is in the trash.",
                ids=", ".join(unknown[:10]),
            ),
        )
    elif not result:
        add(
            errors,
            "participants",
            _l("Add at least one contact: an engagement is always with someone."),
        )
    return result


def _survivor(contact: Contact | None) -> Contact | None:
    """A record merged into another one stands for the one it was merged into."""
    hops = 0
    while contact is not None and contact.merged_into is not None and hops < 20:
        contact = contact.merged_into
        hops += 1
    return contact


def _organizations(names: list, errors: Errors) -> list[str]:
    result: list[str] = []
    keys: set[str] = set()
    for raw in names:
        name = text(raw, "organization", errors, key="organizations")
        if name and word_key(name) and word_key(name) not in keys:
            keys.add(word_key(name))
            result.append(name)
    if len(result) > MAX_ORGANIZATIONS:
        add(errors, "organizations", _l("At most %(n)d entries.", n=MAX_ORGANIZATIONS))
    return result


def _owner(value, errors: Errors) -> User | None:
    if value in (None, ""):
        return None
    number = as_int(value)
    user = db.session.get(User, number) if number is not None else None
    if user is None or not user.active or user.role not in (Role.OFFICER, Role.ADMIN):
        add(errors, "next_step_owner_id", _l("Choose the owner from the list of officers."))
        return None
    return user


def validate_engagement(data: EngagementData, *, current: Engagement | None = None):
    errors: Errors = {}
    title = text(data.title, "title", errors)
    if not title:
        add(errors, "title", _l("Enter a title, e.g. Tết gathering in Tokyo."))
    start = parse_date(data.start_date, "start_date", errors, required=True)
    end = parse_date(data.end_date, "end_date", errors)
    if start and end and end < start:
        add(errors, "end_date", _l("The end date cannot be before the start date."))
    if start and end == start:
        end = None
    next_step = text(data.next_step, "next_step", errors)
    due = parse_date(data.next_step_due, "next_step_due", errors)
    if next_step and due is None and "next_step_due" not in errors:
        add(errors, "next_step_due", _l("Give the next step a due date."))
    if due is not None and not next_step:
        add(errors, "next_step", _l("Describe the next step, or clear its due date."))
    owner = _owner(data.next_step_owner_id, errors)
    scalars = {
        "type": _type(data.type, errors),
        "title": title,
        "start_date": start,
        "end_date": end,
        "country": _country(data.country, errors),
        "city": text(data.city, "city", errors),
        "description": text(data.description, "description", errors),
        "outcome": text(data.outcome, "outcome", errors),
        "next_step": next_step,
        "next_step_due": due if next_step else None,
        "next_step_done": bool(data.next_step_done) and bool(next_step),
    }
    values = EngagementValues(
        scalars=scalars,
        participants=_participants(data, current, errors),
        organizations=_organizations(list(data.organizations or []), errors),
        plan_tasks=checked_plan_tasks(list(data.plan_tasks or []), errors),
        owner=owner,
    )
    if errors:
        raise ValidationFailed(errors)
    return values
