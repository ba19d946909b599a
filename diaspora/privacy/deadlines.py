"""Deadlines of requests from data subjects: pure date arithmetic, no Flask.

- The reply is due within ``REPLY_WORKING_DAYS`` working days, counted from the day after the
  request was received: Monday to Friday, minus the public holidays listed in the
  ``PRIVACY_HOLIDAYS`` setting (none unless configured).
- The answer is due within a number of calendar days of receipt: access 10 (extendable once by
  10), deletion 20 (extendable once by 20), the others a department setting. A deadline that
  falls on a weekend or a holiday is not moved later.
- A reply can never be due after the answer: where holidays push it past, it is due with it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from diaspora.models import RequestKind
from diaspora.privacy import notice

MAX_SETTING_DAYS = 90


@dataclass(frozen=True)
class Period:
    """Calendar days to answer, and the one extension allowed."""

    days: int
    extension_days: int


def add_working_days(start: date, days: int, holidays: Collection[date] = ()) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself does not count)."""
    current = start
    left = days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            left -= 1
    return current


def periods(settings: Mapping) -> dict[str, Period]:
    """The answer period of each kind of request, from the law and the department settings."""
    other = Period(
        int(settings.get("PRIVACY_REQUEST_OTHER_DAYS", 10)),
        int(settings.get("PRIVACY_REQUEST_OTHER_EXTENSION_DAYS", 10)),
    )
    return {
        RequestKind.ACCESS.value: Period(notice.ACCESS_DAYS, notice.ACCESS_EXTENSION_DAYS),
        RequestKind.DELETION.value: Period(notice.ERASURE_DAYS, notice.ERASURE_EXTENSION_DAYS),
        RequestKind.CORRECTION.value: other,
        RequestKind.RESTRICTION.value: other,
        RequestKind.OBJECTION.value: other,
    }


def parse_holidays(setting: str | Collection[str] | None) -> frozenset[date]:
    """``PRIVACY_HOLIDAYS``: ISO dates separated by commas or spaces. Raises ValueError."""
    if not setting:
        return frozenset()
    parts = setting.replace(",", " ").split() if isinstance(setting, str) else list(setting)
    result = set()
    for part in parts:
        try:
            result.add(date.fromisoformat(str(part).strip()))
        except ValueError:
            raise ValueError(
                f"PRIVACY_HOLIDAYS: '{part}' is not a date; use YYYY-MM-DD, comma-separated"
            ) from None
    return frozenset(result)


def check_settings(settings: Mapping) -> None:
    """Refuse to start with a holiday list or a period that cannot be right."""
    parse_holidays(settings.get("PRIVACY_HOLIDAYS"))
    for name in ("PRIVACY_REQUEST_OTHER_DAYS", "PRIVACY_REQUEST_OTHER_EXTENSION_DAYS"):
        value = settings.get(name, 10)
        if not isinstance(value, int) or not 1 <= value <= MAX_SETTING_DAYS:
            raise ValueError(f"{name} must be a whole number of days from 1 to {MAX_SETTING_DAYS}")
    for name in ("RETENTION_REVIEW_YEARS", "REJECTED_SUBMISSION_DAYS"):
        value = settings.get(name, 1)
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a whole number, at least 1")


@dataclass(frozen=True)
class Deadlines:
    reply_due: date
    due_on: date


def deadlines(kind: str, received_on: date, settings: Mapping) -> Deadlines:
    period = periods(settings)[kind]
    due_on = received_on + timedelta(days=period.days)
    holidays = parse_holidays(settings.get("PRIVACY_HOLIDAYS"))
    reply_due = add_working_days(received_on, notice.REPLY_WORKING_DAYS, holidays)
    return Deadlines(reply_due=min(reply_due, due_on), due_on=due_on)


def extended(kind: str, due_on: date, settings: Mapping) -> date:
    return due_on + timedelta(days=periods(settings)[kind].extension_days)
