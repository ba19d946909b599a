"""Building the yearly implementation report from the plan's activities.

For each plan task: the activities of the period (date, title, place, contacts reached), their
number, the distinct contacts reached and their countries; then totals, which count an activity
linked to several tasks once, and the contacts newly registered in the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from diaspora.extensions import db
from diaspora.models import Contact, PlanTask, utcnow
from diaspora.plan.activities import Activity, ActivityFilter, find_activities
from diaspora.reports.period import Period, period_for


@dataclass
class TaskSection:
    task: PlanTask | None  # None: activities not linked to any task
    activities: list[Activity] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.activities)

    @property
    def contacts(self) -> int:
        return len(set().union(*(activity.contact_ids for activity in self.activities)))

    @property
    def countries(self) -> list[str]:
        return sorted(set().union(*(activity.countries for activity in self.activities)))


@dataclass
class AnnualReport:
    period: Period
    generated_at: datetime
    tasks: list[TaskSection]  # every plan task, in the plan's order
    unlinked: TaskSection
    activities: list[Activity]  # every activity of the period, once
    new_contacts: int

    @property
    def is_empty(self) -> bool:
        return not self.activities

    @property
    def sections_with_activities(self) -> list[TaskSection]:
        sections = [section for section in self.tasks if section.activities]
        return [*sections, self.unlinked] if self.unlinked.activities else sections

    @property
    def total_contacts(self) -> int:
        return len(set().union(*(activity.contact_ids for activity in self.activities)))

    @property
    def countries(self) -> list[str]:
        return sorted(set().union(*(activity.countries for activity in self.activities)))


def _utc_bounds(period: Period, zone: str) -> tuple[datetime, datetime]:
    """The period's local days as UTC instants: [start 00:00, day after end 00:00)."""
    tz = ZoneInfo(zone)
    start = datetime.combine(period.start, time(0), tz)
    end = datetime.combine(period.end + timedelta(days=1), time(0), tz)
    return start, end


def new_contacts_in(period: Period, zone: str) -> int:
    start, end = _utc_bounds(period, zone)
    return (
        db.session.scalar(
            select(func.count(Contact.id)).where(
                Contact.created_at >= start,
                Contact.created_at < end,
                Contact.deleted_at.is_(None),
                Contact.merged_into_id.is_(None),
            )
        )
        or 0
    )


def build_annual_report(year: int, *, period_start: str, zone: str) -> AnnualReport:
    period = period_for(year, period_start)
    activities = find_activities(ActivityFilter(start=period.start, end=period.end))
    tasks = list(db.session.scalars(select(PlanTask).order_by(PlanTask.position)))
    sections = {task.code: TaskSection(task) for task in tasks}
    unlinked = TaskSection(None)
    for activity in activities:
        linked = [sections[code] for code in activity.task_codes if code in sections]
        for section in linked or [unlinked]:
            section.activities.append(activity)
    return AnnualReport(
        period=period,
        generated_at=utcnow(),
        tasks=[sections[task.code] for task in tasks],
        unlinked=unlinked,
        activities=activities,
        new_contacts=new_contacts_in(period, zone),
    )
