"""The reporting period: twelve months ending on the day before the configured start day.

With the default start "11-16", the report for 2026 covers 16 November 2025 to 15 November
2026 and is due on 15 November 2026. With "01-01" it covers the calendar year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from diaspora.errors import ValidationFailed

MIN_YEAR, MAX_YEAR = 1990, 2200


class PeriodSettingError(ValueError):
    """REPORT_PERIOD_START is not a day of the year written MM-DD."""


@dataclass(frozen=True)
class Period:
    year: int
    start: date
    end: date  # inclusive; also the day the report is due

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def parse_start(setting: str) -> tuple[int, int]:
    parts = str(setting or "").strip().split("-")
    if len(parts) == 2 and all(part.isdecimal() for part in parts):
        month, day = int(parts[0]), int(parts[1])
        try:
            date(2001, month, day)  # not a leap year: 02-29 is refused
        except ValueError:
            pass
        else:
            return month, day
    raise PeriodSettingError(
        f"REPORT_PERIOD_START must be a day written MM-DD such as 11-16, not {setting!r}"
    )


def period_for(year: int, setting: str) -> Period:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed.single(
            "year",
            _l("Choose a year from %(first)d to %(last)d.", first=MIN_YEAR, last=MAX_YEAR),
        )
    month, day = parse_start(setting)
    if (month, day) == (1, 1):
        return Period(year, date(year, 1, 1), date(year, 12, 31))
    return Period(year, date(year - 1, month, day), date(year, month, day) - timedelta(days=1))


def current_period(today: date, setting: str) -> Period:
    """The period that contains ``today``: the report being prepared now."""
    period = period_for(today.year, setting)
    if today > period.end:
        return period_for(today.year + 1, setting)
    return period
