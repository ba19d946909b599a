"""Delegation visits abroad and the list of contacts prepared for each.

After the visit, "record meetings" creates one delegation-meeting engagement with the contacts
actually met (``DelegationContact.met``) and links it here.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint as Check
from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diaspora.models.base import Base, UTCDateTime, utcnow
from diaspora.models.contact import Contact
from diaspora.models.engagement import Engagement
from diaspora.models.reference import ExpertiseField, PlanTask
from diaspora.models.user import User

delegation_plan_tasks = Table(
    "delegation_plan_tasks",
    Base.metadata,
    Column("visit_id", ForeignKey("delegation_visits.id", ondelete="CASCADE"), primary_key=True),
    Column("plan_task_id", ForeignKey("plan_tasks.id"), primary_key=True, index=True),
)

# The expertise the delegation looks for: it ranks the suggested contacts.
delegation_fields = Table(
    "delegation_fields",
    Base.metadata,
    Column("visit_id", ForeignKey("delegation_visits.id", ondelete="CASCADE"), primary_key=True),
    Column("field_id", ForeignKey("expertise_fields.id"), primary_key=True, index=True),
)


class DelegationVisit(Base):
    """``cities`` holds the destination cities in the order of the visit, "; "-separated."""

    __tablename__ = "delegation_visits"
    __table_args__ = (Check("end_date >= start_date", name="date_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    country: Mapped[str] = mapped_column(String(2), index=True)
    cities: Mapped[str] = mapped_column(String(500), default="")
    start_date: Mapped[date] = mapped_column(Date, index=True)
    end_date: Mapped[date] = mapped_column(Date)
    purpose: Mapped[str] = mapped_column(Text, default="")
    leader: Mapped[str] = mapped_column(String(200), default="")
    members: Mapped[str] = mapped_column(Text, default="")  # one a line
    entry_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The delegation-meeting engagement recorded after the visit.
    engagement_id: Mapped[int | None] = mapped_column(
        ForeignKey("engagements.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __mapper_args__ = {"version_id_col": version}

    contacts: Mapped[list[DelegationContact]] = relationship(
        back_populates="visit",
        cascade="all, delete-orphan",
        order_by="(DelegationContact.position, DelegationContact.id)",
    )
    plan_tasks: Mapped[list[PlanTask]] = relationship(
        secondary=delegation_plan_tasks, order_by=PlanTask.position
    )
    fields: Mapped[list[ExpertiseField]] = relationship(
        secondary=delegation_fields, order_by=ExpertiseField.position
    )
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    engagement: Mapped[Engagement | None] = relationship()

    @property
    def city_list(self) -> list[str]:
        return [city.strip() for city in self.cities.split(";") if city.strip()]

    @property
    def member_list(self) -> list[str]:
        return [line.strip() for line in self.members.splitlines() if line.strip()]

    @property
    def plan_task_codes(self) -> list[str]:
        return [task.code for task in self.plan_tasks]

    @property
    def field_codes(self) -> list[str]:
        return [row.code for row in self.fields]

    @property
    def live_contacts(self) -> list[DelegationContact]:
        """Rows whose record is not in the trash (those stay linked, unseen)."""
        return [row for row in self.contacts if row.contact.deleted_at is None]

    def __repr__(self) -> str:
        return f"<DelegationVisit {self.id} v{self.version}>"


class DelegationContact(Base):
    """A contact on a visit's list, in the officer's order; ``met`` once meetings are recorded."""

    __tablename__ = "delegation_contacts"
    __table_args__ = (
        UniqueConstraint("visit_id", "contact_id", name="uq_delegation_contacts_visit_contact"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("delegation_visits.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    met: Mapped[bool] = mapped_column(default=False)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    visit: Mapped[DelegationVisit] = relationship(back_populates="contacts")
    contact: Mapped[Contact] = relationship()
