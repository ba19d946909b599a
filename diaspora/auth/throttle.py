"""Throttling of failed logins, per account and per client address.

Only failures count. The storage is the one Flask-Limiter uses (``RATELIMIT_STORAGE_URI``):
in memory for one process, Redis when several processes serve the app.
"""

from __future__ import annotations

import math
import time

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from diaspora.text import fold


class LoginThrottle:
    """Failures of one step of signing in; ``namespace`` keeps the password and code apart."""

    def __init__(
        self, storage_uri: str, per_account: str, per_address: str, namespace: str = "login"
    ) -> None:
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))
        self._per_account = parse(per_account)
        self._per_address = parse(per_address)
        self._namespace = namespace

    def _keys(self, email: str, address: str) -> list[tuple]:
        return [
            (self._per_account, f"{self._namespace}-account", fold(email)),
            (self._per_address, f"{self._namespace}-address", address or "unknown"),
        ]

    def retry_after(self, email: str, address: str) -> int:
        """Seconds to wait before another attempt is allowed; 0 when allowed now."""
        wait = 0
        for limit, *ids in self._keys(email, address):
            if not self._limiter.test(limit, *ids):
                stats = self._limiter.get_window_stats(limit, *ids)
                wait = max(wait, math.ceil(stats.reset_time - time.time()), 1)
        return wait

    def failed(self, email: str, address: str) -> None:
        for limit, *ids in self._keys(email, address):
            self._limiter.hit(limit, *ids)

    def succeeded(self, email: str) -> None:
        limit, *ids = self._keys(email, "")[0]
        self._limiter.clear(limit, *ids)


def install_throttles(app) -> None:
    """Fresh throttles for the password step and the second-factor step of signing in."""
    config = app.config
    app.extensions["diaspora.login_throttle"] = LoginThrottle(
        config["RATELIMIT_STORAGE_URI"],
        config["LOGIN_FAILURES_PER_ACCOUNT"],
        config["LOGIN_FAILURES_PER_ADDRESS"],
    )
    app.extensions["diaspora.two_factor_throttle"] = LoginThrottle(
        config["RATELIMIT_STORAGE_URI"],
        config["TWO_FACTOR_FAILURES_PER_ACCOUNT"],
        config["LOGIN_FAILURES_PER_ADDRESS"],
        namespace="second-factor",
    )
