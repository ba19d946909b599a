"""Delegation visits: prepare and edit them, choose and order the contacts to meet.

Services validate, mutate, flush and audit; they never commit and never read the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from diaspora.audit import services as audit
from diaspora.audit.history import target_events
from diaspora.clock import local_today
from diaspora.delegations.data import VisitData
from diaspora.delegations.validation import VisitValues, validate_visit
from diaspora.errors import Conflict, NotFound, ValidationFailed
from diaspora.extensions import db
from diaspora.models import (
    AuditEvent,
    Contact,
    ContactStatus,
    DelegationContact,
    DelegationVisit,
    User,
)
from diaspora.plan.services import linked_to_task
from diaspora.records import (
    PageQuery,
    RecordConflict,
    audit_list_change,
    audit_saved,
    created,
    delete_audited,
    get_record,
    listed_with_count,
    page_of,
    refuse_second_save,
    save_versioned,
    set_plan_tasks,
    take_off,
)

SCALAR_FIELDS = (
    "title",
    "country",
    "cities",
    "start_date",
    "end_date",
    "purpose",
    "leader",
    "members",
)
MAX_CONTACTS = 500


class VisitChanged(RecordConflict):
    text = _l(
        "Someone else changed this visit after you opened it. Nothing has been saved: "
        "read the current version, then try again."
    )


class VisitAlreadySaved(RecordConflict):
    text = _l("This form was already saved; no second visit was created.")


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def snapshot(visit: DelegationVisit) -> dict[str, Any]:
    state = {key: _json(getattr(visit, key)) for key in SCALAR_FIELDS}
    state["fields"] = visit.field_codes
    state["plan_tasks"] = visit.plan_task_codes
    return state


def _values_snapshot(values: VisitValues) -> dict[str, Any]:
    state = {key: _json(value) for key, value in values.scalars.items()}
    state["fields"] = [row.code for row in values.fields]
    state["plan_tasks"] = [task.code for task in values.plan_tasks]
    return state


def _apply(visit: DelegationVisit, values: VisitValues) -> None:
    for key, value in values.scalars.items():
        if getattr(visit, key) != value:
            setattr(visit, key, value)
    if [row.id for row in visit.fields] != [row.id for row in values.fields]:
        visit.fields = list(values.fields)
    set_plan_tasks(visit, values.plan_tasks)


def create_visit(data: VisitData, *, actor: User, entry_key: str | None = None) -> DelegationVisit:
    refuse_second_save(DelegationVisit, entry_key, VisitAlreadySaved)
    values = validate_visit(data, today=local_today())
    visit = DelegationVisit(
        created_by_id=actor.id,
        entry_key=entry_key or None,
        title=values.scalars["title"],
        country=values.scalars["country"],
        start_date=values.scalars["start_date"],
        end_date=values.scalars["end_date"],
    )
    db.session.add(visit)
    _apply(visit, values)
    db.session.flush()
    audit_saved(
        "delegation.create", visit, created(snapshot(visit)), actor=actor, target_type="delegation"
    )
    return visit


def update_visit(
    visit: DelegationVisit, data: VisitData, *, expected_version: int, actor: User
) -> dict[str, list]:
    values = validate_visit(data, today=local_today())
    changes = save_versioned(
        visit,
        snapshot(visit),
        _values_snapshot(values),
        expected_version=expected_version,
        changed=VisitChanged,
        apply=lambda: _apply(visit, values),
    )
    if changes:
        audit_saved("delegation.update", visit, changes, actor=actor, target_type="delegation")
    return changes


def get_visit(visit_id: int) -> DelegationVisit:
    return get_record(
        DelegationVisit, visit_id, _l("This delegation visit does not exist, or has been deleted.")
    )


@dataclass
class VisitQuery(PageQuery):
    upcoming: bool | None = None  # True: not over yet; False: over


def list_visits(query: VisitQuery, *, today: date):
    statement = listed_with_count(DelegationVisit, DelegationContact.visit_id, "contacts")
    if query.upcoming is True:
        statement = statement.where(DelegationVisit.end_date >= today)
    elif query.upcoming is False:
        statement = statement.where(DelegationVisit.end_date < today)
    statement = statement.order_by(DelegationVisit.start_date.desc(), DelegationVisit.id.desc())
    return page_of(statement, page=query.page, per_page=query.per_page)


def for_plan_task(code: str) -> list[DelegationVisit]:
    return linked_to_task(
        DelegationVisit, code, DelegationVisit.start_date.desc(), DelegationVisit.id.desc()
    )


def history(visit: DelegationVisit, *, limit: int = 200) -> list[AuditEvent]:
    return target_events("delegation", visit.id, limit=limit)


def delete_visit(visit: DelegationVisit, *, actor: User) -> None:
    if visit.engagement_id is not None:
        raise Conflict(
            _l("The meetings of this visit are recorded: it is part of the history now.")
        )
    delete_audited(
        visit, "delegation.delete", actor=actor, target_type="delegation", title=visit.title
    )


# --- the contacts to meet ---


@dataclass
class AddResult:
    added: int = 0
    already: int = 0
    unknown: list[int] | None = None


def add_contacts(visit: DelegationVisit, contact_ids: list[int], *, actor: User) -> AddResult:
    """Add contacts at the end of the list, in the order given. Unknown numbers, records in the
    trash and deceased people are refused with their numbers; nothing is added then."""
    ids = list(dict.fromkeys(contact_ids))
    rows = {
        row.id: row
        for row in db.session.scalars(
            select(Contact).where(
                Contact.id.in_(ids[:MAX_CONTACTS]),
                Contact.deleted_at.is_(None),
                Contact.merged_into_id.is_(None),
                Contact.status != ContactStatus.DECEASED,
            )
        )
    }
    unknown = [i for i in ids if i not in rows]
    if unknown:
        raise ValidationFailed.single(
            "add_numbers",
            _l(
                "No contact with record number %(ids)s can be added: it does not exist, is in "
                "the trash, or the person has died.",
                ids=", ".join(str(i) for i in unknown[:10]),
            ),
        )
    present = {row.contact_id for row in visit.contacts}
    new = [rows[i] for i in ids if i not in present]
    if len(present) + len(new) > MAX_CONTACTS:
        raise ValidationFailed.single(
            "add_numbers", _l("At most %(n)d contacts per visit.", n=MAX_CONTACTS)
        )
    position = max((row.position for row in visit.contacts), default=0)
    for contact in new:
        position += 1
        visit.contacts.append(DelegationContact(contact=contact, position=position))
    audit_list_change(
        new,
        "delegation.contacts_add",
        visit,
        actor=actor,
        target_type="delegation",
        details={"added": [contact.id for contact in new]},
    )
    return AddResult(added=len(new), already=len(ids) - len(new))


def remove_contacts(visit: DelegationVisit, row_ids: list[int], *, actor: User) -> int:
    rows = take_off(visit.contacts, row_ids)
    _renumber(visit)
    audit_list_change(
        rows,
        "delegation.contacts_remove",
        visit,
        actor=actor,
        target_type="delegation",
        details={"removed": [row.contact_id for row in rows]},
    )
    return len(rows)


def _renumber(visit: DelegationVisit) -> None:
    ordered = sorted(visit.contacts, key=lambda row: (row.position, row.id or 0))
    for number, row in enumerate(ordered, start=1):
        if row.position != number:
            row.position = number


def move_contact(visit: DelegationVisit, row_id: int, direction: str, *, actor: User) -> bool:
    """Move one contact up or down the list; False when it is already at that end."""
    ordered = sorted(visit.contacts, key=lambda row: (row.position, row.id))
    index = next((i for i, row in enumerate(ordered) if row.id == row_id), None)
    if index is None:
        raise NotFound(_l("This contact is no longer on the list."))
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(ordered):
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for number, row in enumerate(ordered, start=1):
        row.position = number
    db.session.flush()
    audit.record(
        "delegation.contacts_order",
        actor=actor,
        target_type="delegation",
        target_id=visit.id,
        details={"order": [row.contact_id for row in ordered]},
    )
    return True
