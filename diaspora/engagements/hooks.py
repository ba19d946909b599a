"""How engagements plug into the rest of the registry, registered when this module is imported
(the engagements blueprint imports it, so every app has them):

- contact merges move the absorbed record's engagements to the survivor (``MERGE_STEPS``);
- the search filters "not engaged for more than N years" and "engaged in year Y"
  (``EXTRA_FILTERS``);
- engagements are activities of the plan's tasks (``ACTIVITY_SOURCES``), for the plan-task
  pages, the API and the yearly report.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import exists, false, func, select
from sqlalchemy.orm import selectinload

from diaspora.collation import name_sort_key
from diaspora.contacts.merge import MERGE_STEPS
from diaspora.engagements.labels import TYPES
from diaspora.engagements.services import in_year
from diaspora.extensions import db
from diaspora.models import Contact, Engagement, EngagementParticipant, PlanTask, utcnow
from diaspora.plan.activities import ACTIVITY_SOURCES, Activity, ActivityFilter, Reached
from diaspora.records import add_hooks, move_list_places
from diaspora.search.filters import EXTRA_FILTERS
from diaspora.search.query import SearchQuery

MIN_YEAR, MAX_YEAR = 1900, 9999


# --- merges ---


def move_engagements(survivor: Contact, absorbed: Contact) -> None:
    """The absorbed record's participations become the survivor's. Where both took part in the
    same engagement the survivor's row stays, completed with the other's role and note."""
    move_list_places(
        EngagementParticipant,
        "engagement_id",
        survivor,
        absorbed,
        siblings=lambda row: row.engagement.participants,
        action="engagement.contact_merged",
        target_type="engagement",
        combine=_complete_participation,
    )


def _complete_participation(kept: EngagementParticipant, other: EngagementParticipant) -> None:
    """The survivor's row takes the other's role where its own says no more than
    "participant", and the other's note after its own (within the column's 500 characters)."""
    if kept.role == "participant" and other.role != "participant":
        kept.role = other.role
    if other.note and other.note not in kept.note:
        kept.note = "; ".join(part for part in (kept.note, other.note) if part)[:500]


# --- search filters ---


def _years_ago(years: int) -> date:
    today = utcnow().date()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _engaged(*conditions):
    return exists(
        select(EngagementParticipant.id)
        .join(Engagement, Engagement.id == EngagementParticipant.engagement_id)
        .where(
            EngagementParticipant.contact_id == Contact.id,
            Engagement.deleted_at.is_(None),
            *conditions,
        )
    )


def search_conditions(query: SearchQuery) -> list:
    """``engaged_year``: took part in an engagement during that calendar year.
    ``not_engaged_years``: no engagement in the last N years, or never engaged."""
    result = []
    if query.engaged_year is not None:
        year = query.engaged_year
        result.append(_engaged(in_year(year)) if MIN_YEAR <= year <= MAX_YEAR else false())
    if query.not_engaged_years is not None and query.not_engaged_years > 0:
        years = min(query.not_engaged_years, 100)
        cutoff = _years_ago(years)
        last = func.coalesce(Engagement.end_date, Engagement.start_date)
        result.append(~_engaged(last >= cutoff))
    return result


# --- activities of the plan ---


def engagement_activities(selection: ActivityFilter) -> list[Activity]:
    statement = select(Engagement).where(Engagement.deleted_at.is_(None))
    if selection.start is not None:
        statement = statement.where(Engagement.start_date >= selection.start)
    if selection.end is not None:
        statement = statement.where(Engagement.start_date <= selection.end)
    if selection.task_codes is not None:
        statement = statement.where(
            Engagement.plan_tasks.any(PlanTask.code.in_(selection.task_codes))
        )
    statement = statement.options(
        selectinload(Engagement.plan_tasks),
        selectinload(Engagement.participants).selectinload(EngagementParticipant.contact),
    )
    result = []
    for engagement in db.session.scalars(statement):
        result.append(
            Activity(
                kind="engagement",
                id=engagement.id,
                start=engagement.start_date,
                end=engagement.end_date,
                title=engagement.title,
                type=engagement.type,
                type_label=TYPES.get(engagement.type, engagement.type),
                country=engagement.country,
                city=engagement.city,
                task_codes=tuple(engagement.plan_task_codes),
                reached=sorted(
                    (
                        Reached(row.contact_id, row.contact.full_name, row.contact.country)
                        for row in engagement.live_participants
                    ),
                    key=lambda item: (name_sort_key(item.name), item.contact_id),
                ),
                endpoint="engagements.show",
                url_args={"engagement_id": engagement.id},
            )
        )
    return result


def register() -> None:
    add_hooks(
        (MERGE_STEPS, move_engagements),
        (EXTRA_FILTERS, search_conditions),
        (ACTIVITY_SOURCES, engagement_activities),
    )


register()
