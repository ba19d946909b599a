"""Accounts: creation, authentication, password changes and session revocation.

Services validate, mutate, flush and audit; they never commit and never read the request.
"""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from diaspora.audit import services as audit
from diaspora.auth.passwords import check_policy, hash_password, verify_password
from diaspora.auth.throttle import LoginThrottle
from diaspora.errors import NotFound, TooManyAttempts, ValidationFailed
from diaspora.extensions import db
from diaspora.models import Agency, Role, User, utcnow
from diaspora.text import clean

LOCALES = ("vi", "en")


@dataclass
class UserData:
    email: str
    name: str
    role: str = Role.VIEWER.value
    locale: str = "vi"
    agency_id: int | None = None
    can_approve_outreach: bool = False


def normalize_email(email: str, *, field: str = "email") -> str:
    """Syntax check without any network lookup; stored lower-cased."""
    try:
        result = validate_email(clean(email), check_deliverability=False)
    except EmailNotValidError:
        raise ValidationFailed.single(
            field, _l("Enter a valid email address, such as name@example.org.")
        ) from None
    return result.normalized.lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == clean(email).lower()))


def setup_needed() -> bool:
    """True until the first account exists: only then is the setup page reachable."""
    return db.session.scalar(db.select(func.count(User.id))) == 0


def _validate(data: UserData, *, user: User | None = None) -> dict:
    errors: dict[str, list[str]] = {}
    values: dict = {}
    try:
        values["email"] = normalize_email(data.email)
        existing = find_by_email(values["email"])
        if existing is not None and existing is not user:
            errors["email"] = [_l("An account with this email address already exists.")]
    except ValidationFailed as exc:
        errors.update(exc.errors)
    name = clean(data.name)
    if not name:
        errors["name"] = [_l("Enter the person's name.")]
    elif len(name) > 200:
        errors["name"] = [_l("The name must have at most %(n)d characters.", n=200)]
    values["name"] = name
    if data.role not in {role.value for role in Role}:
        errors["role"] = [_l("Choose one of the roles: administrator, officer or viewer.")]
    values["role"] = data.role
    if data.locale not in LOCALES:
        errors["locale"] = [_l("Choose Vietnamese or English.")]
    values["locale"] = data.locale
    if data.agency_id is not None and db.session.get(Agency, data.agency_id) is None:
        errors["agency_id"] = [_l("Choose an agency from the list.")]
    values["agency_id"] = data.agency_id
    approver = bool(data.can_approve_outreach)
    if approver and data.role == Role.VIEWER.value:
        errors["can_approve_outreach"] = [
            _l("Only officers and administrators can be given the approver right.")
        ]
    # Administrators approve anyway: the right is stored for officers only.
    values["can_approve_outreach"] = approver and data.role == Role.OFFICER.value
    if errors:
        raise ValidationFailed(errors)
    return values


def create_user(data: UserData, password: str, *, actor: User | None) -> User:
    errors: dict[str, list[str]] = {}
    try:
        values = _validate(data)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    try:
        check_policy(password)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    user = User(**values, password_hash=hash_password(password), active=True)
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.create",
        actor=actor or user,
        target_type="user",
        target_id=user.id,
        details={"role": user.role, "email": user.email},
    )
    return user


def create_first_admin(data: UserData, password: str) -> User:
    if not setup_needed():
        raise NotFound(_l("The registry is already set up."))
    data.role = Role.ADMIN.value
    return create_user(data, password, actor=None)


def update_user(user: User, data: UserData, *, active: bool, actor: User) -> dict:
    """Change an account; deactivation ends its sessions. Returns the field diff."""
    values = _validate(data, user=user)
    if user.id == actor.id and (not active or values["role"] != Role.ADMIN.value):
        raise ValidationFailed.single(
            "role", _l("You cannot remove your own administrator rights or deactivate yourself.")
        )
    before = {key: getattr(user, key) for key in (*values, "active")}
    for key, value in values.items():
        setattr(user, key, value)
    user.active = active
    after = {key: getattr(user, key) for key in before}
    changes = audit.diff(before, after)
    if "active" in changes and not active:
        user.session_epoch += 1
    if changes:
        db.session.flush()
        action = (
            "user.permissions"
            if {"role", "active", "can_approve_outreach"} & set(changes)
            else "user.update"
        )
        audit.record(action, actor=actor, target_type="user", target_id=user.id, details=changes)
    return changes


def set_password(user: User, password: str, *, actor: User) -> None:
    """A new password ends every session of that user, including the current one."""
    check_policy(password)
    user.password_hash = hash_password(password)
    user.session_epoch += 1
    db.session.flush()
    audit.record("user.password", actor=actor, target_type="user", target_id=user.id)


def change_own_password(user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise ValidationFailed.single("current_password", _l("The current password is wrong."))
    set_password(user, new, actor=user)


def authenticate(email: str, password: str, *, address: str, throttle: LoginThrottle) -> User:
    """Check the password, throttling failures per account and per client address.

    Success is not yet a sign-in: the view asks for the second factor when the account has one,
    then calls ``complete_login``.
    """
    wait = throttle.retry_after(email, address)
    if wait:
        minutes = max(1, (wait + 59) // 60)
        raise TooManyAttempts(
            _l(
                "Too many failed sign-in attempts. Try again in %(minutes)d minute(s).",
                minutes=minutes,
            )
        )
    user = find_by_email(email) if email else None
    if user is None or not verify_password(user.password_hash, password):
        throttle.failed(email, address)
        audit.record(
            "login.failed",
            actor=user,
            target_type="user" if user else None,
            target_id=user.id if user else None,
            details={"reason": "bad credentials"},
        )
        raise ValidationFailed.single("password", _l("Wrong email address or password."))
    if not user.active:
        throttle.failed(email, address)
        audit.record(
            "login.failed",
            actor=user,
            target_type="user",
            target_id=user.id,
            details={"reason": "inactive"},
        )
        raise ValidationFailed.single(
            "email", _l("This account has been deactivated. Ask an administrator.")
        )
    throttle.succeeded(email)
    return user


def complete_login(user: User, *, method: str = "password") -> None:
    """The last step of signing in (after the second factor, when there is one)."""
    user.last_login_at = utcnow()
    audit.record(
        "login", actor=user, target_type="user", target_id=user.id, details={"method": method}
    )
    db.session.flush()


def end_sessions(user: User) -> None:
    """Logout: the session epoch moves on, so a captured cookie no longer authenticates."""
    user.session_epoch += 1
    audit.record("logout", actor=user, target_type="user", target_id=user.id)
    db.session.flush()


def load_session_user(session_id: str) -> User | None:
    user_id, _, epoch = session_id.partition(":")
    if not user_id.isdecimal() or not epoch.isdecimal():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_epoch != int(epoch):
        return None
    return user


def set_locale(user: User, locale: str) -> None:
    if locale not in LOCALES:
        raise ValidationFailed.single("lang", _l("Unknown language."))
    user.locale = locale
    db.session.flush()


def list_users() -> list[User]:
    return list(db.session.scalars(db.select(User).order_by(User.name, User.id)))


def users_page(page: int, per_page: int):
    """One page of the accounts, by name: the admin page pages like every list."""
    query = db.select(User).order_by(User.name, User.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
