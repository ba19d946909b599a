"""Recording and editing engagements, reading them, and the list.

Services validate, mutate, flush and audit; they never commit and never read the request.
Editing is guarded by the engagement's version, as for contacts: a save based on an older
version is refused with ``EngagementChanged`` unless it would change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from diaspora.audit import services as audit
from diaspora.audit.history import events_after_version
from diaspora.contacts.organizations import find_or_create_organization, find_organization
from diaspora.engagements.data import EngagementData
from diaspora.engagements.errors import EngagementAlreadySaved, EngagementChanged, EngagementGone
from diaspora.engagements.validation import MAX_ID, EngagementValues, validate_engagement
from diaspora.errors import NotFound
from diaspora.extensions import db
from diaspora.models import (
    AuditEvent,
    Contact,
    Engagement,
    EngagementParticipant,
    PlanTask,
    Role,
    User,
    utcnow,
)
from diaspora.records import audit_saved, created, flush_versioned, saved_earlier, set_plan_tasks
from diaspora.text import tokens, word_prefix_text

CHANGE_ACTIONS = (
    "engagement.create",
    "engagement.update",
    "engagement.delete",
    "engagement.restore",
    "engagement.contact_merged",
)
SCALAR_FIELDS = (
    "type",
    "title",
    "start_date",
    "end_date",
    "country",
    "city",
    "description",
    "outcome",
    "next_step",
    "next_step_due",
    "next_step_done",
)


# --- snapshots, for diffs and the change history ---


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _participant_state(contact: Contact, role: str, note: str) -> dict:
    return {"contact": contact.id, "name": contact.full_name, "role": role, "note": note}


def snapshot(engagement: Engagement) -> dict[str, Any]:
    state = {key: _json(getattr(engagement, key)) for key in SCALAR_FIELDS}
    state["next_step_owner"] = (
        engagement.next_step_owner.name if engagement.next_step_owner else None
    )
    state["participants"] = sorted(
        (_participant_state(row.contact, row.role, row.note) for row in engagement.participants),
        key=lambda item: item["contact"],
    )
    state["organizations"] = sorted(
        (row.name for row in engagement.organizations), key=str.casefold
    )
    state["plan_tasks"] = [task.code for task in engagement.plan_tasks]
    return state


def _values_snapshot(values: EngagementValues, kept: list[EngagementParticipant]) -> dict:
    state = {key: _json(values.scalars[key]) for key in SCALAR_FIELDS}
    state["next_step_owner"] = values.owner.name if values.owner else None
    participants = [_participant_state(c, role, note) for c, role, note in values.participants]
    participants += [_participant_state(row.contact, row.role, row.note) for row in kept]
    state["participants"] = sorted(participants, key=lambda item: item["contact"])
    names: list[str] = []
    for name in values.organizations:
        existing = find_organization(name, values.scalars["country"])
        if (existing.name if existing else name) not in names:
            names.append(existing.name if existing else name)
    state["organizations"] = sorted(names, key=str.casefold)
    state["plan_tasks"] = [task.code for task in values.plan_tasks]
    return state


# --- applying values ---


def _kept_rows(engagement: Engagement | None, values: EngagementValues) -> list:
    """Participants whose record is in the trash: not on the form, so kept as they are."""
    if engagement is None:
        return []
    submitted = {contact.id for contact, _role, _note in values.participants}
    return [
        row
        for row in engagement.participants
        if row.contact.deleted_at is not None and row.contact_id not in submitted
    ]


def _apply(engagement: Engagement, values: EngagementValues, *, actor: User) -> None:
    with db.session.no_autoflush:
        for key, value in values.scalars.items():
            if getattr(engagement, key) != value:
                setattr(engagement, key, value)
        owner = values.owner
        if owner is None and values.scalars["next_step"]:
            owner = engagement.next_step_owner or actor
        if not values.scalars["next_step"]:
            owner = None
        if engagement.next_step_owner is not owner:
            engagement.next_step_owner = owner
        engagement.title_folded = word_prefix_text(engagement.title)[:400]
        kept = _kept_rows(engagement, values)
        current = {row.contact_id: row for row in engagement.participants}
        rows = []
        for contact, role, note in values.participants:
            row = current.get(contact.id) or EngagementParticipant(contact=contact)
            if row.role != role:
                row.role = role
            if row.note != note:
                row.note = note
            rows.append(row)
        rows += kept
        if rows != list(engagement.participants):
            engagement.participants = rows
        set_plan_tasks(engagement, values.plan_tasks)
    organizations = []
    for name in values.organizations:
        row = find_or_create_organization(name, country=values.scalars["country"], actor=actor)
        if row not in organizations:
            organizations.append(row)
    if {row.id for row in engagement.organizations} != {row.id for row in organizations}:
        engagement.organizations = organizations


def _flush_versioned(engagement: Engagement, since_version: int) -> None:
    flush_versioned(lambda: EngagementChanged(engagement, since_version, []))


# --- create and update ---


def create_engagement(
    data: EngagementData, *, actor: User, entry_key: str | None = None
) -> Engagement:
    """Record an engagement with one or more contacts."""
    earlier = saved_earlier(Engagement, entry_key)
    if earlier is not None:
        raise EngagementAlreadySaved(earlier)
    values = validate_engagement(data)
    engagement = Engagement(
        recorded_by_id=actor.id,
        entry_key=entry_key or None,
        type=values.scalars["type"],
        title=values.scalars["title"],
        start_date=values.scalars["start_date"],
    )
    db.session.add(engagement)
    _apply(engagement, values, actor=actor)
    db.session.flush()
    audit_saved(
        "engagement.create",
        engagement,
        created(snapshot(engagement)),
        actor=actor,
        target_type="engagement",
    )
    return engagement


def update_engagement(
    engagement: Engagement, data: EngagementData, *, expected_version: int, actor: User
) -> dict[str, list]:
    """Save an edit made on ``expected_version``; returns the field diff ({} when unchanged)."""
    if engagement.is_deleted:
        raise EngagementGone(engagement)
    values = validate_engagement(data, current=engagement)
    before = snapshot(engagement)
    changes = audit.diff(before, _values_snapshot(values, _kept_rows(engagement, values)))
    if not changes:
        return {}
    if expected_version != engagement.version:
        raise EngagementChanged(
            engagement, expected_version, changes_since(engagement, expected_version)
        )
    engagement.updated_at = utcnow()
    _apply(engagement, values, actor=actor)
    _flush_versioned(engagement, expected_version)
    changes = audit.diff(before, snapshot(engagement))
    audit_saved("engagement.update", engagement, changes, actor=actor, target_type="engagement")
    return changes


def changes_since(engagement: Engagement, version: int) -> list[AuditEvent]:
    """Audit events that produced the versions after ``version``, oldest first."""
    return events_after_version("engagement", engagement.id, CHANGE_ACTIONS, version)


# --- reading ---


def get_engagement(engagement_id: int, *, include_deleted: bool = False) -> Engagement:
    engagement = db.session.get(Engagement, engagement_id)
    if engagement is None or (engagement.is_deleted and not include_deleted):
        raise NotFound(_l("This engagement does not exist, or has been removed."))
    return engagement


def owner_choices() -> list[User]:
    """Active officers and administrators, who may own a next step."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.active.is_(True), User.role.in_((Role.OFFICER, Role.ADMIN)))
            .order_by(User.name, User.id)
        )
    )


def live_contacts(ids: list[int]) -> list[Contact]:
    """Contacts by id, in the order given, leaving out unknown and deleted records."""
    ids = [i for i in ids if 0 < i <= MAX_ID]  # from a query string: any size
    if not ids:
        return []
    rows = db.session.scalars(
        select(Contact).where(Contact.id.in_(ids[:2000]), Contact.deleted_at.is_(None))
    )
    by_id = {row.id: row for row in rows}
    return [by_id[i] for i in ids if i in by_id]


@dataclass
class EngagementQuery:
    text: str = ""
    type: str = ""
    year: int | None = None
    task: str = ""
    country: str = ""
    contact_id: int | None = None
    page: int = 1
    per_page: int = 50


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def in_year(year: int):
    """Engagements that took place, at least in part, during the calendar year."""
    first, last = year_bounds(year)
    return and_(
        Engagement.start_date <= last,
        func.coalesce(Engagement.end_date, Engagement.start_date) >= first,
    )


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def engagement_statement(query: EngagementQuery):
    statement = select(Engagement).where(Engagement.deleted_at.is_(None))
    for word in tokens(query.text)[:8]:
        statement = statement.where(
            Engagement.title_folded.like(f"% {_escape_like(word)}%", escape="\\")
        )
    if query.type:
        statement = statement.where(Engagement.type == query.type)
    if query.year:
        statement = statement.where(in_year(query.year))
    if query.task:
        statement = statement.where(Engagement.plan_tasks.any(PlanTask.code == query.task))
    if query.country:
        statement = statement.where(Engagement.country == query.country.upper())
    if query.contact_id:
        statement = statement.where(
            Engagement.participants.any(EngagementParticipant.contact_id == query.contact_id)
        )
    return statement.order_by(Engagement.start_date.desc(), Engagement.id.desc())


def list_engagements(query: EngagementQuery):
    """Live engagements, newest first, filtered, paged."""
    statement = engagement_statement(query).options(
        selectinload(Engagement.participants).selectinload(EngagementParticipant.contact),
        selectinload(Engagement.plan_tasks),
    )
    return db.paginate(
        statement, page=max(1, query.page), per_page=query.per_page, error_out=False, count=True
    )
