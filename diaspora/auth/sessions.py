"""Signed-in sessions: how they start, and the server-side idle timeout and absolute lifetime.

The session cookie is signed, so the two timestamps it carries cannot be forged: ``_login_at``
(when the password — and the second factor, if any — was accepted) and ``_seen_at`` (the last
request). Before every request, a session idle for longer than ``SESSION_IDLE_TIMEOUT`` or older
than ``PERMANENT_SESSION_LIFETIME`` is ended, whatever the cookie's own expiry says. Replaying an
older copy of the cookie only makes it look more idle. This module is web glue (it reads the
session); the account logic stays in ``diaspora.auth.services``.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, session
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from diaspora import clock
from diaspora.models import User

LOGIN_AT = "_login_at"
SEEN_AT = "_seen_at"
# Kept across sign-in; everything else in the session is dropped when a session starts.
KEPT_KEYS = ("lang",)
# Clock skew tolerated between application processes, in seconds.
SKEW = 60


def seconds(value: timedelta | int | float) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def start(user: User) -> None:
    """Sign the user in: a fresh session with both timestamps set to now."""
    kept = {key: session[key] for key in KEPT_KEYS if key in session}
    session.clear()
    session.update(kept)
    login_user(user)
    session.permanent = True  # the cookie expires too, at PERMANENT_SESSION_LIFETIME
    now = clock.timestamp()
    session[LOGIN_AT] = now
    session[SEEN_AT] = now


def end() -> None:
    logout_user()
    for key in (LOGIN_AT, SEEN_AT):
        session.pop(key, None)


def expired(now: int) -> bool:
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        return True  # a session from before these checks, or a tampered one
    if login_at > now + SKEW or seen_at > now + SKEW:
        return True
    config = current_app.config
    lifetime = seconds(config["PERMANENT_SESSION_LIFETIME"])
    idle = seconds(config["SESSION_IDLE_TIMEOUT"])
    return now - login_at > lifetime or now - seen_at > idle


def check_session() -> None:
    """before_request hook, ahead of the permission check: end sessions past either limit."""
    if "_user_id" not in session:
        return
    now = clock.timestamp()
    if expired(now):
        end()
        flash(_("Your session has expired. Sign in again."), "info")
        return
    if session.get(SEEN_AT) != now:
        session[SEEN_AT] = now
