"""Optional TOTP two-factor sign-in (RFC 6238, via pyotp) with one-time recovery codes.

Services in the usual shape: validate, mutate, flush, audit; never commit, never read the
request. Codes are checked against ``diaspora.clock`` so tests can move time. A code is accepted
in the 30-second step before, at or after now, and never twice (``totp_last_step``). Recovery
codes have 50 random bits each; only their SHA-256 is stored (a slow hash buys nothing against
random codes, and the second-factor throttle limits guessing).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

import pyotp
import segno
from flask_babel import lazy_gettext as _l

from config import two_factor_required_roles
from diaspora import clock
from diaspora.audit import services as audit
from diaspora.auth.passwords import verify_password
from diaspora.auth.throttle import LoginThrottle
from diaspora.errors import Conflict, PermissionDenied, TooManyAttempts, ValidationFailed
from diaspora.extensions import db
from diaspora.models import RecoveryCode, User, utcnow

ISSUER = "Hải Phòng diaspora registry"
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper
_BASE32 = re.compile(r"^[A-Z2-7]{32}$")
_SEPARATORS = re.compile(r"[\s-]+")


def required_for(user: User, settings) -> bool:
    return user.role in two_factor_required_roles(settings)


def enrolment_required(user: User, settings) -> bool:
    """The role must use a second factor and the user has not set one up yet."""
    return required_for(user, settings) and not user.two_factor_enabled


# --- enrolment -----------------------------------------------------------------------------


def start_enrolment(user: User) -> str:
    """A new secret for the user's app, pending until confirmed with a code."""
    if user.two_factor_enabled:
        raise Conflict(_l("Two-factor sign-in is already on for this account."))
    user.totp_pending_secret = pyotp.random_base32()
    db.session.flush()
    return user.totp_pending_secret


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code_data_uri(uri: str) -> str:
    """The otpauth URI as a QR code: an SVG data URI, drawn on the server (no script)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def _matching_step(secret: str, code: str) -> int | None:
    """The 30-second step (now ±1) whose code this is, or None."""
    totp = pyotp.TOTP(secret)
    now = clock.now()
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _normalize(code: str | None) -> str:
    return _SEPARATORS.sub("", code or "").upper()


def _hash(code: str) -> str:
    return hashlib.sha256(_normalize(code).encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    user.recovery_codes.clear()
    db.session.flush()
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        code = f"{raw[:5]}-{raw[5:]}"
        codes.append(code)
        user.recovery_codes.append(RecoveryCode(code_hash=_hash(code)))
    return codes


def confirm_enrolment(user: User, code: str) -> list[str]:
    """Turn the second factor on once a code from the pending secret matches.

    Returns the recovery codes in clear, to be shown once; only their hashes are kept.
    """
    if user.two_factor_enabled:
        raise Conflict(_l("Two-factor sign-in is already on for this account."))
    secret = user.totp_pending_secret
    if not secret or not _BASE32.match(secret):
        raise ValidationFailed.single(
            "code", _l("Start the set-up again: no secret is waiting for confirmation.")
        )
    code = _normalize(code)
    step = _matching_step(secret, code) if code.isdecimal() and len(code) == 6 else None
    if step is None:
        raise ValidationFailed.single(
            "code", _l("This code does not match. Check the time on your phone and try again.")
        )
    user.totp_secret = secret
    user.totp_pending_secret = None
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    codes = _new_recovery_codes(user)
    db.session.flush()
    audit.record("user.2fa_enabled", actor=user, target_type="user", target_id=user.id)
    return codes


def regenerate_recovery_codes(user: User, code: str) -> list[str]:
    """New recovery codes (the old ones stop working), after a fresh code from the app."""
    if not user.two_factor_enabled:
        raise Conflict(_l("Two-factor sign-in is off for this account."))
    code = _normalize(code)
    step = _matching_step(user.totp_secret, code) if code.isdecimal() and len(code) == 6 else None
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        raise ValidationFailed.single("code", _l("This code does not match."))
    user.totp_last_step = step
    codes = _new_recovery_codes(user)
    db.session.flush()
    audit.record("user.2fa_recovery_codes", actor=user, target_type="user", target_id=user.id)
    return codes


def _clear(user: User) -> None:
    user.totp_secret = None
    user.totp_pending_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    user.recovery_codes.clear()


def disable(user: User, password: str, *, settings, address: str, throttle: LoginThrottle) -> None:
    """The user turns the second factor off, with their password; not where a role needs it.

    Wrong passwords count against the sign-in throttle, so a stolen session cannot be used to
    guess the password here.
    """
    if not user.two_factor_enabled:
        raise Conflict(_l("Two-factor sign-in is off for this account."))
    if required_for(user, settings):
        raise PermissionDenied(
            _l("Your role must use two-factor sign-in; it cannot be turned off.")
        )
    wait = throttle.retry_after(user.email, address)
    if wait:
        raise TooManyAttempts(
            _l(
                "Too many failed sign-in attempts. Try again in %(minutes)d minute(s).",
                minutes=max(1, (wait + 59) // 60),
            )
        )
    if not verify_password(user.password_hash, password or ""):
        throttle.failed(user.email, address)
        raise ValidationFailed.single("password", _l("The password is wrong."))
    _clear(user)
    db.session.flush()
    audit.record("user.2fa_disabled", actor=user, target_type="user", target_id=user.id)


def reset(user: User, *, actor: User) -> None:
    """An administrator removes a user's second factor (lost phone); their sessions end."""
    if not user.two_factor_enabled and not user.totp_pending_secret:
        raise Conflict(_l("Two-factor sign-in is off for this account."))
    _clear(user)
    user.session_epoch += 1
    db.session.flush()
    audit.record("user.2fa_reset", actor=actor, target_type="user", target_id=user.id)


# --- sign-in -------------------------------------------------------------------------------


def verify(user: User, code: str, *, address: str, throttle: LoginThrottle) -> str:
    """Check the second factor at sign-in: returns "totp" or "recovery code".

    Wrong codes are throttled per account and per address, and audited.
    """
    account = f"user:{user.id}"
    wait = throttle.retry_after(account, address)
    if wait:
        minutes = max(1, (wait + 59) // 60)
        raise TooManyAttempts(
            _l("Too many wrong codes. Try again in %(minutes)d minute(s).", minutes=minutes)
        )
    normalized = _normalize(code)
    method = None
    if user.two_factor_enabled and normalized.isdecimal() and len(normalized) == 6:
        step = _matching_step(user.totp_secret, normalized)
        if step is not None and (user.totp_last_step is None or step > user.totp_last_step):
            user.totp_last_step = step
            method = "totp"
    elif user.two_factor_enabled and len(normalized) == 10:
        wanted = _hash(normalized)
        for recovery in user.recovery_codes:
            if recovery.used_at is None and hmac.compare_digest(recovery.code_hash, wanted):
                recovery.used_at = utcnow()
                method = "recovery code"
                break
    if method is None:
        throttle.failed(account, address)
        audit.record(
            "login.2fa_failed",
            actor=user,
            target_type="user",
            target_id=user.id,
            details={"reason": "wrong code"},
        )
        raise ValidationFailed.single("code", _l("This code is wrong or was already used."))
    throttle.succeeded(account)
    db.session.flush()
    return method


def remaining_recovery_codes(user: User) -> int:
    return sum(1 for code in user.recovery_codes if code.used_at is None)
