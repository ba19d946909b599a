"""After the visit: "record meetings" creates one delegation-meeting engagement with the contacts
actually met, in one step, through the engagement services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from diaspora.audit import services as audit
from diaspora.clock import local_today
from diaspora.engagements import services as engagement_services
from diaspora.engagements.data import EngagementData, ParticipantEntry
from diaspora.errors import Conflict, ValidationFailed
from diaspora.extensions import db
from diaspora.models import DelegationVisit, Engagement, EngagementType, User
from diaspora.text import clean_lines

OUTCOME_LIMIT = 5000


def record_meetings(
    visit: DelegationVisit, row_ids: list[int], outcome: str, *, actor: User
) -> Engagement:
    """``row_ids``: the list's rows (DelegationContact ids) of the people met."""
    if visit.engagement_id is not None:
        raise Conflict(
            _l(
                "The meetings of this visit are already recorded; edit that engagement to "
                "change them."
            )
        )
    if visit.start_date > local_today():
        raise ValidationFailed.single(
            "met",
            _l("The visit has not started yet: record its meetings once they have taken place."),
        )
    wanted = set(row_ids)
    met = [row for row in visit.live_contacts if row.id in wanted]
    if not met:
        raise ValidationFailed.single("met", _l("Tick the contacts the delegation actually met."))
    outcome = clean_lines(outcome if isinstance(outcome, str) else "")
    if len(outcome) > OUTCOME_LIMIT:
        raise ValidationFailed.single(
            "outcome",
            _l(
                "At most %(n)d characters; this has %(count)d.", n=OUTCOME_LIMIT, count=len(outcome)
            ),
        )
    end = min(visit.end_date, local_today())
    engagement = engagement_services.create_engagement(
        EngagementData(
            type=EngagementType.DELEGATION_MEETING.value,
            title=visit.title,
            start_date=visit.start_date,
            end_date=end if end > visit.start_date else None,
            country=visit.country,
            city=(visit.city_list or [""])[0],
            description=visit.purpose[:10000],
            outcome=outcome,
            participants=[ParticipantEntry(row.contact_id) for row in met],
            plan_tasks=visit.plan_task_codes,
        ),
        actor=actor,
        entry_key=f"delegation-{visit.id}-meetings",
    )
    for row in visit.contacts:
        row.met = row in met
    visit.engagement = engagement
    db.session.flush()
    audit.record(
        "delegation.meetings",
        actor=actor,
        target_type="delegation",
        target_id=visit.id,
        details={"engagement_id": engagement.id, "met": [row.contact_id for row in met]},
    )
    return engagement
