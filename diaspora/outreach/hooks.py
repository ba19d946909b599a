"""How outreach plugs into the rest of the registry, registered when the blueprint is imported:

- contact merges move the absorbed record's places on outreach lists to the survivor
  (``MERGE_STEPS``);
- a plan task's page lists the outreach linked to it (``LINKED_WORK_SOURCES``).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from diaspora.audit import services as audit
from diaspora.auth.permissions import Permission, can
from diaspora.contacts.merge import MERGE_STEPS
from diaspora.extensions import db
from diaspora.models import Contact, OutreachRecipient
from diaspora.outreach.labels import STATUSES
from diaspora.outreach.services import for_plan_task
from diaspora.plan.activities import LINKED_WORK_SOURCES, LinkedWork
from diaspora.records import add_hooks


def move_recipients(survivor: Contact, absorbed: Contact) -> None:
    """The absorbed record's places on outreach lists become the survivor's; where both were on
    the same list, the survivor's place stays."""
    rows = list(
        db.session.scalars(
            select(OutreachRecipient).where(OutreachRecipient.contact_id == absorbed.id)
        )
    )
    if not rows:
        return
    mine = set(
        db.session.scalars(
            select(OutreachRecipient.outreach_id).where(OutreachRecipient.contact_id == survivor.id)
        )
    )
    for row in rows:
        if row.outreach_id in mine:
            row.outreach.recipients.remove(row)
            db.session.delete(row)
        else:
            row.contact = survivor
        audit.record(
            "outreach.contact_merged",
            actor=None,
            target_type="outreach",
            target_id=row.outreach_id,
            details={"survivor_id": survivor.id, "absorbed_id": absorbed.id},
        )


def linked_outreach(task_code: str, user) -> list[LinkedWork]:
    if not can(user, Permission.VIEW_OUTREACH):
        return []
    return [
        LinkedWork(
            kind_label=_l("Outreach"),
            title=row.display_title,
            status_label=STATUSES.get(row.status, row.status),
            when=row.sent_on or row.created_at.date(),
            endpoint="outreach.show",
            url_args={"outreach_id": row.id},
        )
        for row in for_plan_task(task_code)
    ]


def register() -> None:
    add_hooks((MERGE_STEPS, move_recipients), (LINKED_WORK_SOURCES, linked_outreach))


register()
