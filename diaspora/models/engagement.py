"""Engagements: something that happened with one or more contacts, tied to the plan's tasks.

One engagement is one activity (a meeting, a festival, a greeting letter): the report counts it
once. Each contact involved has a participation row with a role, so an event with dozens of
attendees is one engagement that appears on every attendee's timeline.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint as Check
from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diaspora.models.base import Base, UTCDateTime, utcnow
from diaspora.models.choices import values_in
from diaspora.models.contact import Contact
from diaspora.models.organization import Organization
from diaspora.models.reference import PlanTask
from diaspora.models.user import User


class EngagementType(StrEnum):
    MEETING = "meeting"
    EVENT_ATTENDANCE = "event_attendance"
    DELEGATION_MEETING = "delegation_meeting"
    GREETING_LETTER = "greeting_letter"
    CONSULTATION = "consultation"
    INVESTMENT = "investment"
    DONATION = "donation"
    DISTRIBUTION_DEAL = "distribution_deal"
    MEDIA_APPEARANCE = "media_appearance"
    OTHER = "other"


class ParticipantRole(StrEnum):
    PARTICIPANT = "participant"
    HOST = "host"
    SPEAKER = "speaker"
    ORGANIZER = "organizer"
    SPONSOR = "sponsor"
    RECIPIENT = "recipient"


engagement_plan_tasks = Table(
    "engagement_plan_tasks",
    Base.metadata,
    Column("engagement_id", ForeignKey("engagements.id", ondelete="CASCADE"), primary_key=True),
    Column("plan_task_id", ForeignKey("plan_tasks.id"), primary_key=True, index=True),
)

engagement_organizations = Table(
    "engagement_organizations",
    Base.metadata,
    Column("engagement_id", ForeignKey("engagements.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "organization_id",
        ForeignKey("organizations.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Engagement(Base):
    """``version`` guards against silent overwrites, as for contacts."""

    __tablename__ = "engagements"
    __table_args__ = (
        Check(values_in("type", EngagementType), name="type"),
        Check("end_date IS NULL OR end_date >= start_date", name="date_order"),
        Check("next_step = '' OR next_step_due IS NOT NULL", name="next_step_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(300))
    # fold(title) as " word word ", for the list's title filter (prefix matching).
    title_folded: Mapped[str] = mapped_column(String(400), default="")
    start_date: Mapped[date] = mapped_column(Date, index=True)
    end_date: Mapped[date | None] = mapped_column(Date)
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    city: Mapped[str] = mapped_column(String(120), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str] = mapped_column(String(500), default="")
    next_step_due: Mapped[date | None] = mapped_column(Date, index=True)
    next_step_owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    next_step_done: Mapped[bool] = mapped_column(default=False)
    # Idempotency key of the form or API request that created it: posted twice, saved once.
    entry_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __mapper_args__ = {"version_id_col": version}

    participants: Mapped[list[EngagementParticipant]] = relationship(
        back_populates="engagement",
        cascade="all, delete-orphan",
        order_by="EngagementParticipant.id",
    )
    plan_tasks: Mapped[list[PlanTask]] = relationship(
        secondary=engagement_plan_tasks, order_by=PlanTask.position
    )
    organizations: Mapped[list[Organization]] = relationship(
        secondary=engagement_organizations, order_by=Organization.name_folded
    )
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    next_step_owner: Mapped[User | None] = relationship(foreign_keys=[next_step_owner_id])
    deleted_by: Mapped[User | None] = relationship(foreign_keys=[deleted_by_id])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def last_date(self) -> date:
        return self.end_date or self.start_date

    @property
    def live_participants(self) -> list[EngagementParticipant]:
        """Participants whose record is not in the trash (those stay linked, unseen)."""
        return [row for row in self.participants if row.contact.deleted_at is None]

    @property
    def plan_task_codes(self) -> list[str]:
        return [task.code for task in self.plan_tasks]

    def __repr__(self) -> str:
        return f"<Engagement {self.id} v{self.version}>"


class EngagementParticipant(Base):
    """A contact's part in an engagement: their role, and a note about them in particular."""

    __tablename__ = "engagement_participants"
    __table_args__ = (
        UniqueConstraint(
            "engagement_id", "contact_id", name="uq_engagement_participants_engagement_contact"
        ),
        Check(values_in("role", ParticipantRole), name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16), default=ParticipantRole.PARTICIPANT.value)
    note: Mapped[str] = mapped_column(String(500), default="")

    engagement: Mapped[Engagement] = relationship(back_populates="participants")
    contact: Mapped[Contact] = relationship()
