"""How delegation visits plug into the rest of the registry, registered when the blueprint is
imported:

- contact merges move the absorbed record's places on visit lists to the survivor
  (``MERGE_STEPS``);
- a plan task's page lists the visits linked to it (``LINKED_WORK_SOURCES``).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from diaspora.audit import services as audit
from diaspora.auth.permissions import Permission, can
from diaspora.contacts.merge import MERGE_STEPS
from diaspora.delegations.services import for_plan_task
from diaspora.extensions import db
from diaspora.models import Contact, DelegationContact
from diaspora.plan.activities import LINKED_WORK_SOURCES, LinkedWork
from diaspora.records import add_hooks


def move_visit_contacts(survivor: Contact, absorbed: Contact) -> None:
    rows = list(
        db.session.scalars(
            select(DelegationContact).where(DelegationContact.contact_id == absorbed.id)
        )
    )
    if not rows:
        return
    mine = {
        row.visit_id: row
        for row in db.session.scalars(
            select(DelegationContact).where(DelegationContact.contact_id == survivor.id)
        )
    }
    for row in rows:
        kept = mine.get(row.visit_id)
        if kept is not None:
            kept.met = kept.met or row.met
            row.visit.contacts.remove(row)
            db.session.delete(row)
        else:
            row.contact = survivor
        audit.record(
            "delegation.contact_merged",
            actor=None,
            target_type="delegation",
            target_id=row.visit_id,
            details={"survivor_id": survivor.id, "absorbed_id": absorbed.id},
        )


def linked_visits(task_code: str, user) -> list[LinkedWork]:
    if not can(user, Permission.VIEW_DELEGATIONS):
        return []
    return [
        LinkedWork(
            kind_label=_l("Delegation visit"),
            title=visit.title,
            status_label=(_l("Meetings recorded") if visit.engagement_id else _l("Being prepared")),
            when=visit.start_date,
            endpoint="delegations.show",
            url_args={"visit_id": visit.id},
        )
        for visit in for_plan_task(task_code)
    ]


def register() -> None:
    add_hooks((MERGE_STEPS, move_visit_contacts), (LINKED_WORK_SOURCES, linked_visits))


register()
