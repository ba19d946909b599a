"""A contact's engagements for the profile: the timeline, the last one, upcoming next steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from diaspora.engagements.services import in_year
from diaspora.extensions import db
from diaspora.models import Engagement, EngagementParticipant, utcnow

TIMELINE_LIMIT = 200


@dataclass
class TimelineEntry:
    engagement: Engagement
    role: str
    note: str


@dataclass
class Timeline:
    contact_id: int
    entries: list[TimelineEntry]
    total: int  # engagements of the contact, before the filters
    matching: int  # after the filters
    last_date: date | None
    upcoming: list[Engagement] = field(default_factory=list)  # next steps not done, by due date
    years: list[int] = field(default_factory=list)  # years that have engagements, newest first
    types: list[str] = field(default_factory=list)  # types that occur
    type_filter: str = ""
    year_filter: int | None = None
    today: date | None = None

    @property
    def truncated(self) -> bool:
        return self.matching > len(self.entries)


def _mine(contact_id: int):
    return (
        select(Engagement, EngagementParticipant)
        .join(EngagementParticipant, EngagementParticipant.engagement_id == Engagement.id)
        .where(EngagementParticipant.contact_id == contact_id, Engagement.deleted_at.is_(None))
    )


def contact_timeline(
    contact_id: int, *, type: str = "", year: int | None = None, limit: int = TIMELINE_LIMIT
) -> Timeline:
    """Newest first; filtered by type and calendar year."""
    today = utcnow().date()
    base = _mine(contact_id).subquery()
    total = db.session.scalar(select(func.count()).select_from(base)) or 0
    last_date = db.session.scalar(
        select(func.max(Engagement.start_date))
        .join(EngagementParticipant, EngagementParticipant.engagement_id == Engagement.id)
        .where(
            EngagementParticipant.contact_id == contact_id,
            Engagement.deleted_at.is_(None),
            Engagement.start_date <= today,
        )
    )
    starts = db.session.execute(
        select(Engagement.start_date, Engagement.end_date, Engagement.type)
        .join(EngagementParticipant, EngagementParticipant.engagement_id == Engagement.id)
        .where(EngagementParticipant.contact_id == contact_id, Engagement.deleted_at.is_(None))
    ).all()
    years: set[int] = set()
    for start, end, _type in starts:
        years.update(range(start.year, (end or start).year + 1))
    types = sorted({row[2] for row in starts})
    statement = _mine(contact_id)
    if type:
        statement = statement.where(Engagement.type == type)
    if year:
        statement = statement.where(in_year(year))
    matching = (
        db.session.scalar(select(func.count()).select_from(statement.subquery()))
        if (type or year)
        else total
    )
    rows = db.session.execute(
        statement.options(selectinload(Engagement.plan_tasks))
        .order_by(Engagement.start_date.desc(), Engagement.id.desc())
        .limit(limit)
    ).all()
    upcoming = list(
        db.session.scalars(
            select(Engagement)
            .join(EngagementParticipant, EngagementParticipant.engagement_id == Engagement.id)
            .where(
                EngagementParticipant.contact_id == contact_id,
                Engagement.deleted_at.is_(None),
                Engagement.next_step != "",
                Engagement.next_step_done.is_(False),
            )
            .order_by(Engagement.next_step_due, Engagement.id)
            .limit(20)
        )
    )
    return Timeline(
        contact_id=contact_id,
        entries=[TimelineEntry(engagement, row.role, row.note) for engagement, row in rows],
        total=total,
        matching=matching or 0,
        last_date=last_date,
        upcoming=upcoming,
        years=sorted(years, reverse=True),
        types=types,
        type_filter=type,
        year_filter=year,
        today=today,
    )
