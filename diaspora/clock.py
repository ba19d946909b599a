"""The one place the application reads the time for security decisions.

Session timeouts and two-factor codes ask ``now()``; tests replace it to move time forward
without sleeping (``monkeypatch.setattr(diaspora.clock, "now", ...)``).
"""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)


def timestamp() -> int:
    """Whole seconds since the epoch, as kept in the session cookie."""
    return int(now().timestamp())
