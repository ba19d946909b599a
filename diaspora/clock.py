"""The one place the application reads the time for security decisions.

Session timeouts and two-factor codes ask ``now()``; tests replace it to move time forward
without sleeping (``monkeypatch.setattr(diaspora.clock, "now", ...)``). ``local_today()`` is
the date in Hải Phòng (the configured time zone), for dates that officers see.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def now() -> datetime:
    return datetime.now(UTC)


def timestamp() -> int:
    """Whole seconds since the epoch, as kept in the session cookie."""
    return int(now().timestamp())


def local_today() -> date:
    """Today in the configured time zone (Hải Phòng), not in UTC."""
    return now().astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()
