"""Activities linked to the plan's tasks, gathered from every feature that records them.

Engagements register a source in ``ACTIVITY_SOURCES`` when they are imported. The plan-task
pages, the API and the yearly report read activities only through ``find_activities``, so a new
kind of activity shows up in all of them without changing them.

Outreach and delegation visits are *work* linked to a task, listed on its page through
``LINKED_WORK_SOURCES``; they are not activities of their own, because what they achieve is
recorded as engagements (a sent outreach's greeting letters, a visit's delegation meetings),
linked to the same tasks. Counting them as activities too would count each letter twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Reached:
    """A contact reached by an activity (live records only)."""

    contact_id: int
    name: str
    country: str


@dataclass
class Activity:
    kind: str  # "engagement"; later "outreach", "delegation_visit"
    id: int
    start: date
    end: date | None
    title: str
    type: str  # the activity's type within its kind, e.g. "meeting"
    type_label: Any  # its label, a lazy string in the reader's language
    country: str | None  # where it took place
    city: str
    task_codes: tuple[str, ...]
    reached: list[Reached] = field(default_factory=list)
    endpoint: str = ""  # page of the activity: url_for(endpoint, **url_args)
    url_args: dict = field(default_factory=dict)

    @property
    def contact_ids(self) -> set[int]:
        return {row.contact_id for row in self.reached}

    @property
    def countries(self) -> set[str]:
        return {row.country for row in self.reached if row.country}

    @property
    def sort_key(self) -> tuple:
        return (self.start, self.end or self.start, self.kind, self.id)


@dataclass(frozen=True)
class ActivityFilter:
    """Which activities: linked to any of ``task_codes`` (None: linked or not), from ``start``
    to ``end`` inclusive (by start date)."""

    task_codes: tuple[str, ...] | None = None
    start: date | None = None
    end: date | None = None


@dataclass
class LinkedWork:
    """An outreach or a delegation visit linked to a task, as its page lists it."""

    kind_label: Any  # lazy string: "Outreach", "Delegation visit"
    title: str
    status_label: Any
    when: date | None
    endpoint: str
    url_args: dict = field(default_factory=dict)


# Callables (task code, user) -> list[LinkedWork] that user may see, one per feature.
LINKED_WORK_SOURCES: list[Callable[[str, Any], list[LinkedWork]]] = []


def linked_work(task_code: str, user) -> list[LinkedWork]:
    """Outreach and delegation visits linked to the task, newest first."""
    found: list[LinkedWork] = []
    for source in LINKED_WORK_SOURCES:
        found.extend(source(task_code, user))
    return sorted(found, key=lambda item: item.when or date.min, reverse=True)


# Callables (ActivityFilter) -> list[Activity], one per feature that records activities.
ACTIVITY_SOURCES: list[Callable[[ActivityFilter], list[Activity]]] = []


def find_activities(selection: ActivityFilter) -> list[Activity]:
    """Every matching activity of every kind, oldest first."""
    found: list[Activity] = []
    for source in ACTIVITY_SOURCES:
        found.extend(source(selection))
    return sorted(found, key=lambda activity: activity.sort_key)


@dataclass
class Summary:
    activities: int
    contacts: int  # distinct contacts reached
    by_year: list[tuple[int, int]]  # (year, activities), newest year first
    by_country: list[tuple[str, int]]  # (country of contacts reached, activities), most first
    countries: list[str]


def summarize(activities: Iterable[Activity]) -> Summary:
    """Counts per year (of the start date) and per country of residence of the contacts
    reached: an activity with contacts from three countries counts once for each."""
    items = list(activities)
    years = Counter(activity.start.year for activity in items)
    countries: Counter[str] = Counter()
    contacts: set[int] = set()
    for activity in items:
        countries.update(activity.countries)
        contacts |= activity.contact_ids
    return Summary(
        activities=len(items),
        contacts=len(contacts),
        by_year=sorted(years.items(), reverse=True),
        by_country=sorted(countries.items(), key=lambda item: (-item[1], item[0])),
        countries=sorted(countries),
    )
