"""Accounts of the people who use the registry."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diaspora.models.base import Base, UTCDateTime, utcnow
from diaspora.models.reference import Agency


class Role(StrEnum):
    ADMIN = "admin"
    OFFICER = "officer"
    VIEWER = "viewer"


class User(UserMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'officer', 'viewer')", name="role"),
        CheckConstraint("locale IN ('vi', 'en')", name="locale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so uniqueness is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=Role.VIEWER.value)
    locale: Mapped[str] = mapped_column(String(8), default="vi")
    active: Mapped[bool] = mapped_column(default=True)
    # The approver right: may approve outreach (administrators always may).
    can_approve_outreach: Mapped[bool] = mapped_column(default=False, server_default=false())
    password_hash: Mapped[str] = mapped_column(String(256))
    # Bumped on logout, deactivation and password change: every session cookie issued before
    # carries the old value and stops working.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Optional TOTP second factor (RFC 6238). The pending secret is shown during enrolment and
    # becomes ``totp_secret`` once the user has proved, with a code, that their app holds it.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_pending_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The last accepted 30-second step: a code is never accepted twice.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    agency: Mapped[Agency | None] = relationship()
    recovery_codes: Mapped[list[RecoveryCode]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="RecoveryCode.id"
    )

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_secret is not None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def may_approve_outreach(self) -> bool:
        """Administrators, and officers given the approver right."""
        return self.active and (
            self.role == Role.ADMIN or (self.role == Role.OFFICER and self.can_approve_outreach)
        )

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class RecoveryCode(Base):
    """A one-time code that replaces the authenticator app once; only its SHA-256 is kept."""

    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_hash", name="user_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="recovery_codes")
