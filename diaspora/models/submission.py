"""What compatriots send through the public pages, waiting for an officer's review.

A ``Submission`` is not a contact: it lives in its own table until an officer approves it (a new
contact), applies it to an existing record (a merge, or a profile update), or rejects it. Search,
exports and the API read contacts only, so nothing submitted is ever seen there before review.

An ``UpdateLink`` is the personal, single-use, expiring address an officer gives one person so
that they can review their profile, update it and their consents, ask for a copy of their data
or ask to be deleted. Only the SHA-256 of its secret is stored.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy import CheckConstraint as Check
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diaspora.models.base import Base, UTCDateTime, utcnow
from diaspora.models.choices import values_in
from diaspora.models.contact import Contact
from diaspora.models.user import User


class SubmissionKind(StrEnum):
    REGISTRATION = "registration"  # the public registration form
    UPDATE = "update"  # changes to a profile, through an update link
    COPY = "copy"  # a request for a copy of the data held, through an update link
    ERASURE = "erasure"  # a request to be deleted, through an update link


class SubmissionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"  # a new contact; an update applied; a request carried out
    MERGED = "merged"  # a registration applied to an existing contact
    REJECTED = "rejected"


class UpdateLink(Base):
    __tablename__ = "update_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    # SHA-256 of the secret in the address: 256-bit random, so a fast hash suffices.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    contact: Mapped[Contact] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    def state(self, now: datetime | None = None) -> str:
        """``active``, ``used``, ``revoked`` or ``expired``."""
        if self.used_at is not None:
            return "used"
        if self.revoked_at is not None:
            return "revoked"
        if (now or utcnow()) >= self.expires_at:
            return "expired"
        return "active"


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (
        Check(values_in("kind", SubmissionKind), name="kind"),
        Check(values_in("status", SubmissionStatus), name="status"),
        Check("language IN ('vi', 'en')", name="language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the person is told on the confirmation page, e.g. HP-7K3Q-9XWD.
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    status: Mapped[str] = mapped_column(
        String(16), default=SubmissionStatus.PENDING.value, index=True
    )
    # The interface language the person used.
    language: Mapped[str] = mapped_column(String(2), default="vi")
    # The validated values, in the contact snapshot's shape (``contacts.snapshots``).
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    # Updates: the values the person was shown, so that only what they changed is proposed.
    base: Mapped[dict | None] = mapped_column(JSON)
    # Consent purposes ticked; for updates, also the ones unticked (withdrawn at once).
    purposes: Mapped[list] = mapped_column(JSON, default=list)
    withdrawn: Mapped[list] = mapped_column(JSON, default=list)
    # Evidence of the consent: the notice shown, when, and a keyed hash of the client address.
    notice_version: Mapped[str] = mapped_column(String(32), default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    client_hash: Mapped[str] = mapped_column(String(64), default="")
    # The contact it created or was applied to; for updates and requests, the person's record.
    # Purging that record (erasure) removes what the person sent with it.
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    link_id: Mapped[int | None] = mapped_column(
        ForeignKey("update_links.id", ondelete="SET NULL"), index=True
    )
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Text, default="")  # why it was rejected, or a note
    # The key of the form that sent it: a form posted twice makes one submission.
    entry_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Two officers deciding at the same moment: the second one's flush fails.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    contact: Mapped[Contact | None] = relationship()
    link: Mapped[UpdateLink | None] = relationship()
    reviewed_by: Mapped[User | None] = relationship()

    @property
    def pending(self) -> bool:
        return self.status == SubmissionStatus.PENDING

    @property
    def display_name(self) -> str:
        return str((self.payload or {}).get("full_name") or "")

    def __repr__(self) -> str:
        return f"<Submission {self.reference} {self.kind} {self.status}>"
