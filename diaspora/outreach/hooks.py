"""How outreach plugs into the rest of the registry, registered when the blueprint is imported:

- contact merges move the absorbed record's places on outreach lists to the survivor
  (``MERGE_STEPS``);
- a plan task's page lists the outreach linked to it (``LINKED_WORK_SOURCES``).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from diaspora.auth.permissions import Permission
from diaspora.contacts.merge import MERGE_STEPS
from diaspora.models import Contact, OutreachRecipient
from diaspora.outreach.labels import STATUSES
from diaspora.outreach.services import for_plan_task
from diaspora.plan.activities import LINKED_WORK_SOURCES, LinkedWork
from diaspora.records import add_hooks, linked_work, move_list_places


def move_recipients(survivor: Contact, absorbed: Contact) -> None:
    """The absorbed record's places on outreach lists become the survivor's; where both were on
    the same list, the survivor's place stays."""
    move_list_places(
        OutreachRecipient,
        "outreach_id",
        survivor,
        absorbed,
        siblings=lambda row: row.outreach.recipients,
        action="outreach.contact_merged",
        target_type="outreach",
    )


def linked_outreach(task_code: str, user) -> list[LinkedWork]:
    return linked_work(
        user,
        Permission.VIEW_OUTREACH,
        lambda: for_plan_task(task_code),
        kind_label=_l("Outreach"),
        endpoint="outreach.show",
        id_arg="outreach_id",
        describe=lambda row: {
            "title": row.display_title,
            "status_label": STATUSES.get(row.status, row.status),
            "when": row.sent_on or row.created_at.date(),
        },
    )


def register() -> None:
    add_hooks((MERGE_STEPS, move_recipients), (LINKED_WORK_SOURCES, linked_outreach))


register()
