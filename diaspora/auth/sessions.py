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

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from diaspora import clock
from diaspora.auth import two_factor
from diaspora.auth.permissions import PUBLIC, access_of
from diaspora.extensions import db
from diaspora.models import User

PENDING = "_second_factor"
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


# --- between the password and the second factor --------------------------------------------


def await_second_factor(user: User, next_url: str | None) -> None:
    """The password was right; the session is not signed in until the code is too."""
    kept = {key: session[key] for key in KEPT_KEYS if key in session}
    session.clear()
    session.update(kept)
    session[PENDING] = {
        "user": user.id,
        "epoch": user.session_epoch,
        "at": clock.timestamp(),
        "next": next_url or "",
    }


def pending_second_factor() -> tuple[User, str] | None:
    """The user who passed the password step, while that step is recent and still valid."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    age = clock.timestamp() - int(pending.get("at", 0))
    if not 0 <= age <= current_app.config["TWO_FACTOR_PENDING_SECONDS"]:
        session.pop(PENDING, None)
        return None
    user = db.session.get(User, int(pending.get("user", 0)))
    if (
        user is None
        or not user.active
        or user.session_epoch != pending.get("epoch")
        or not user.two_factor_enabled
    ):
        session.pop(PENDING, None)
        return None
    return user, str(pending.get("next") or "")


# --- mandatory enrolment -------------------------------------------------------------------

# What a user who must enrol can still reach: the enrolment pages, sign-out, and public pages.
ENROLMENT_ENDPOINTS = frozenset(
    {
        "auth.two_factor",
        "auth.two_factor_start",
        "auth.two_factor_setup",
        "auth.logout",
        "core.set_language",
        "static",
    }
)


def require_two_factor_enrolment():
    """before_request hook: a role that must use a second factor gets nothing else until then."""
    if request.endpoint is None or "_user_id" not in session:
        return None  # anonymous, or authenticated by an API token rather than a session
    if not current_user.is_authenticated:
        return None
    if request.endpoint in ENROLMENT_ENDPOINTS:
        return None
    view = current_app.view_functions.get(request.endpoint)
    if view is not None and access_of(view) == PUBLIC:
        return None
    if not two_factor.enrolment_required(current_user, current_app.config):
        return None
    flash(_("Your role must use two-factor sign-in. Set it up to continue."), "info")
    return redirect(url_for("auth.two_factor"))
