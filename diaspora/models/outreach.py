"""Outreach: a bilingual communication (a Tết greeting, an invitation, a call for experts) and
its recipients, each with the language version they get and its delivery status.

Workflow: draft → approved (by an administrator or a user given the approver right) → sent.
Marking it sent records one "greeting letter" engagement with every recipient, so it appears in
their history and in the yearly report.
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
from diaspora.models.engagement import Engagement
from diaspora.models.reference import PlanTask
from diaspora.models.user import User


class Occasion(StrEnum):
    TET = "tet"
    LIBERATION_DAY = "liberation_day"  # Liberation of Hải Phòng, 13 May
    NATIONAL_DAY = "national_day"  # 2 September
    FLAMBOYANT_FESTIVAL = "flamboyant_festival"  # Red Flamboyant Festival
    OTHER = "other"


class Channel(StrEnum):
    LETTER = "letter"  # an official letter: document number and signatory
    EMAIL = "email"
    SOCIAL_MEDIA = "social_media"
    VIDEO = "video"
    PUBLICATION = "publication"


class OutreachStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    SENT = "sent"


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # on the list, not sent yet
    SENT = "sent"
    FAILED = "failed"  # returned, bounced: noted by an officer after sending
    LEFT_OUT = "left_out"  # consent withdrawn (or record removed) before sending


outreach_plan_tasks = Table(
    "outreach_plan_tasks",
    Base.metadata,
    Column("outreach_id", ForeignKey("outreach.id", ondelete="CASCADE"), primary_key=True),
    Column("plan_task_id", ForeignKey("plan_tasks.id"), primary_key=True, index=True),
)


class Outreach(Base):
    """``single_language`` is NULL for a bilingual record, else the one language ("vi", "en")
    it is written in. ``version`` guards against silent overwrites, as for contacts."""

    __tablename__ = "outreach"
    __table_args__ = (
        Check(values_in("occasion", Occasion), name="occasion"),
        Check(values_in("channel", Channel), name="channel"),
        Check(values_in("status", OutreachStatus), name="status"),
        Check("single_language IN ('vi', 'en')", name="single_language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title_vi: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    body_vi: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    single_language: Mapped[str | None] = mapped_column(String(2))
    occasion: Mapped[str] = mapped_column(String(24), default=Occasion.OTHER.value)
    channel: Mapped[str] = mapped_column(String(16), default=Channel.LETTER.value)
    document_number: Mapped[str] = mapped_column(String(60), default="")
    signatory: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default=OutreachStatus.DRAFT.value, index=True)
    # The saved search (a search page's query string) the recipients were last taken from.
    recipient_search: Mapped[str] = mapped_column(Text, default="")
    entry_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sent_on: Mapped[date | None] = mapped_column(Date)
    # The greeting-letter engagement recorded when it was marked as sent.
    engagement_id: Mapped[int | None] = mapped_column(
        ForeignKey("engagements.id", ondelete="SET NULL"), index=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __mapper_args__ = {"version_id_col": version}

    recipients: Mapped[list[OutreachRecipient]] = relationship(
        back_populates="outreach",
        cascade="all, delete-orphan",
        order_by="OutreachRecipient.id",
    )
    plan_tasks: Mapped[list[PlanTask]] = relationship(
        secondary=outreach_plan_tasks, order_by=PlanTask.position
    )
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    sent_by: Mapped[User | None] = relationship(foreign_keys=[sent_by_id])
    engagement: Mapped[Engagement | None] = relationship()

    @property
    def languages(self) -> tuple[str, ...]:
        return (self.single_language,) if self.single_language else ("vi", "en")

    def title(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_vi

    def body(self, language: str) -> str:
        return self.body_en if language == "en" else self.body_vi

    @property
    def display_title(self) -> str:
        """The title to show in lists: Vietnamese, else English, else a number."""
        return self.title_vi or self.title_en or f"#{self.id}"

    @property
    def plan_task_codes(self) -> list[str]:
        return [task.code for task in self.plan_tasks]

    def __repr__(self) -> str:
        return f"<Outreach {self.id} {self.status}>"


class OutreachRecipient(Base):
    """A contact on an outreach's list: the language version they get, and whether it went."""

    __tablename__ = "outreach_recipients"
    __table_args__ = (
        UniqueConstraint(
            "outreach_id", "contact_id", name="uq_outreach_recipients_outreach_contact"
        ),
        Check("language IN ('vi', 'en')", name="language"),
        Check(values_in("delivery_status", DeliveryStatus), name="delivery_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    outreach_id: Mapped[int] = mapped_column(ForeignKey("outreach.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(2), default="vi")
    delivery_status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING.value)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    outreach: Mapped[Outreach] = relationship(back_populates="recipients")
    contact: Mapped[Contact] = relationship()
