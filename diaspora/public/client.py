"""The client's address, kept only as a keyed hash, and the limit on submissions per address.

The hash is evidence ("this consent came from that connection") and the key of the rate limit;
the address itself is never stored. HMAC with the application's secret key makes the hash
useless to anyone who reads the database without the key (IPv4 addresses are too few to hide
behind a plain hash).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time

from limits import parse_many

from diaspora.extensions import limiter


def client_hash(address: str | None, secret: str) -> str:
    message = f"diaspora-client:{address or 'unknown'}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class SubmissionThrottle:
    """Every submission (accepted or not) counts against the address's limits."""

    NAMESPACE = "public-submission"

    def __init__(self, limits: str) -> None:
        self._limits = parse_many(limits)

    def retry_after(self, key: str) -> int:
        """Seconds until another submission is allowed; 0 when it is allowed now."""
        strategy = limiter.limiter
        wait = 0
        for limit in self._limits:
            if not strategy.test(limit, self.NAMESPACE, key):
                stats = strategy.get_window_stats(limit, self.NAMESPACE, key)
                wait = max(wait, math.ceil(stats.reset_time - time.time()), 1)
        return wait

    def hit(self, key: str) -> None:
        for limit in self._limits:
            limiter.limiter.hit(limit, self.NAMESPACE, key)
