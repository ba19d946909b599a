"""Requests from data subjects: a copy of their data, correction, deletion, restriction, objection.

One row per request, with the date it was received and the deadlines computed then (so that a
later change of the holiday list or of a department setting never moves a deadline already
told to the person). The requester is a contact of the registry, or, for someone not found in
it, a name and a way to reach them.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint as Check
from sqlalchemy import Date, ForeignKey, Integer, String, Text, case
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diaspora.models.base import Base, UTCDateTime, utcnow
from diaspora.models.choices import values_in
from diaspora.models.contact import Contact
from diaspora.models.submission import Submission
from diaspora.models.user import User


class RequestKind(StrEnum):
    ACCESS = "access"  # a copy of the data held
    CORRECTION = "correction"
    DELETION = "deletion"
    RESTRICTION = "restriction"  # restrict the processing
    OBJECTION = "objection"  # object to a processing


class RequestStatus(StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"  # the person has had the reply (within 2 working days)
    EXTENDED = "extended"  # the deadline was extended once, with a reason told to the person
    COMPLETED = "completed"
    REFUSED = "refused"


OPEN_STATUSES = (RequestStatus.RECEIVED, RequestStatus.ACKNOWLEDGED, RequestStatus.EXTENDED)


class RequestChannel(StrEnum):
    UPDATE_LINK = "update_link"  # sent through a personal profile-update link (automatic)
    EMAIL = "email"
    LETTER = "letter"
    PHONE = "phone"
    IN_PERSON = "in_person"
    OTHER = "other"


class SubjectRequest(Base):
    __tablename__ = "subject_requests"
    __table_args__ = (
        Check(values_in("kind", RequestKind), name="kind"),
        Check(values_in("status", RequestStatus), name="status"),
        Check(values_in("channel", RequestChannel), name="channel"),
        Check("reply_due <= due_on", name="reply_before_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    status: Mapped[str] = mapped_column(
        String(16), default=RequestStatus.RECEIVED.value, index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    received_on: Mapped[date] = mapped_column(Date, index=True)
    # The requester: a record of the registry (ON DELETE SET NULL: purging or erasing the
    # record leaves the request as proof that it was handled, without the person) ...
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    # ... or someone not found in it.
    requester_name: Mapped[str] = mapped_column(String(200), default="")
    requester_reach: Mapped[str] = mapped_column(String(300), default="")  # email, phone, address
    description: Mapped[str] = mapped_column(Text, default="")
    # Deadlines: the reply (working days) and the final answer (calendar days, extended once).
    reply_due: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    extended_on: Mapped[date | None] = mapped_column(Date)
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    closed_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(Text, default="")  # what was done, or why refused
    # Sent through an update link: the submission in the review queue that carries it out.
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The key of the form that registered it: a double post registers one request.
    entry_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    contact: Mapped[Contact | None] = relationship()
    submission: Mapped[Submission | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @hybrid_property
    def next_due(self) -> date | None:
        """The deadline that matters now: the reply until it is given, then the answer."""
        if not self.is_open:
            return None
        return self.reply_due if self.acknowledged_on is None else self.due_on

    @next_due.inplace.expression
    @classmethod
    def _next_due_expression(cls):
        return case(
            (cls.status.not_in([s.value for s in OPEN_STATUSES]), None),
            (cls.acknowledged_on.is_(None), cls.reply_due),
            else_=cls.due_on,
        )

    def overdue(self, today: date) -> bool:
        due = self.next_due
        return due is not None and due < today

    @property
    def replied_late(self) -> bool:
        return self.acknowledged_on is not None and self.acknowledged_on > self.reply_due

    @property
    def closed_late(self) -> bool:
        return self.closed_on is not None and self.closed_on > self.due_on

    def __repr__(self) -> str:
        return f"<SubjectRequest {self.id} {self.kind} {self.status}>"
