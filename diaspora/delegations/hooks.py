"""How delegation visits plug into the rest of the registry, registered when the blueprint is
imported:

- contact merges move the absorbed record's places on visit lists to the survivor
  (``MERGE_STEPS``);
- a plan task's page lists the visits linked to it (``LINKED_WORK_SOURCES``).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from diaspora.auth.permissions import Permission
from diaspora.contacts.merge import MERGE_STEPS
from diaspora.delegations.services import for_plan_task
from diaspora.models import Contact, DelegationContact
from diaspora.plan.activities import LINKED_WORK_SOURCES, LinkedWork
from diaspora.records import add_hooks, linked_work, move_list_places


def move_visit_contacts(survivor: Contact, absorbed: Contact) -> None:
    """The absorbed record's places on visit lists become the survivor's; where both were on
    the same list, the survivor's place stays, marked met if either was."""
    move_list_places(
        DelegationContact,
        "visit_id",
        survivor,
        absorbed,
        siblings=lambda row: row.visit.contacts,
        action="delegation.contact_merged",
        target_type="delegation",
        combine=_keep_met,
    )


def _keep_met(kept: DelegationContact, other: DelegationContact) -> None:
    kept.met = kept.met or other.met


def linked_visits(task_code: str, user) -> list[LinkedWork]:
    return linked_work(
        user,
        Permission.VIEW_DELEGATIONS,
        lambda: for_plan_task(task_code),
        kind_label=_l("Delegation visit"),
        endpoint="delegations.show",
        id_arg="visit_id",
        describe=lambda visit: {
            "title": visit.title,
            "status_label": (
                _l("Meetings recorded") if visit.engagement_id else _l("Being prepared")
            ),
            "when": visit.start_date,
        },
    )


def register() -> None:
    add_hooks((MERGE_STEPS, move_visit_contacts), (LINKED_WORK_SOURCES, linked_visits))


register()
