"""Creating, resolving and revoking personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from diaspora.audit import services as audit
from diaspora.errors import NotFound, PermissionDenied, ValidationFailed
from diaspora.extensions import db
from diaspora.models import ApiToken, User, utcnow
from diaspora.text import clean

# A visible marker at the start of every token, not a secret.
TOKEN_PREFIX = "dsp_"  # noqa: S105  # nosec B105


@dataclass
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue_token(user: User, name: str, *, actor: User) -> IssuedToken:
    label = clean(name)
    if not label:
        raise ValidationFailed.single(
            "name", _l("Give the token a name, such as the tool using it.")
        )
    if len(label) > 100:
        raise ValidationFailed.single("name", _l("At most %(n)d characters.", n=100))
    if not user.active:
        raise ValidationFailed.single("name", _l("This account has been deactivated."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=label, token_hash=_digest(secret), prefix=secret[:12])
    db.session.add(token)
    db.session.flush()
    audit.record(
        "token.create",
        actor=actor,
        target_type="user",
        target_id=user.id,
        details={"token_id": token.id, "name": label},
    )
    return IssuedToken(token=token, secret=secret)


def resolve_token(secret: str) -> User | None:
    """The active owner of an active token, or None."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(db.select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    if token is None or not token.active or not token.user.active:
        return None
    return token.user


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            db.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
        )
    )


def all_tokens() -> list[ApiToken]:
    return list(db.session.scalars(db.select(ApiToken).order_by(ApiToken.id.desc())))


def revoke_token(token_id: int, *, actor: User) -> ApiToken:
    """Owners revoke their own tokens; administrators revoke anyone's."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(_l("This token does not exist."))
    if token.user_id != actor.id and not actor.is_admin:
        raise PermissionDenied(_l("You can only revoke your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        token.revoked_by_id = actor.id
        db.session.flush()
        audit.record(
            "token.revoke",
            actor=actor,
            target_type="user",
            target_id=token.user_id,
            details={"token_id": token.id, "name": token.name},
        )
    return token
