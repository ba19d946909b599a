"""Reference data seeded from the plan: agencies, plan tasks and the expertise taxonomy."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diaspora.models.base import Base, UTCDateTime, utcnow


class Bilingual:
    """Mixin for rows named in Vietnamese and English: ``name(locale)`` picks one."""

    name_vi: Mapped[str]
    name_en: Mapped[str]

    def name(self, locale: str) -> str:
        return self.name_en if str(locale).startswith("en") else self.name_vi


class Agency(Bilingual, Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name_vi: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))


class PlanTask(Base):
    __tablename__ = "plan_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    section: Mapped[str] = mapped_column(String(8))
    position: Mapped[int]
    title_vi: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text)
    description_vi: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text)
    coordination_note_vi: Mapped[str] = mapped_column(Text, default="")
    coordination_note_en: Mapped[str] = mapped_column(Text, default="")

    agency_links: Mapped[list[PlanTaskAgency]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="PlanTaskAgency.id"
    )

    def title(self, locale: str) -> str:
        return self.title_en if str(locale).startswith("en") else self.title_vi

    def description(self, locale: str) -> str:
        return self.description_en if str(locale).startswith("en") else self.description_vi

    def coordination_note(self, locale: str) -> str:
        return (
            self.coordination_note_en if str(locale).startswith("en") else self.coordination_note_vi
        )

    @property
    def lead_agencies(self) -> list[Agency]:
        return [link.agency for link in self.agency_links if link.role == "lead"]

    @property
    def coordinating_agencies(self) -> list[Agency]:
        return [link.agency for link in self.agency_links if link.role == "coordinating"]


class PlanTaskAgency(Base):
    __tablename__ = "plan_task_agencies"
    __table_args__ = (
        UniqueConstraint("task_id", "agency_id", "role", name="task_agency_role"),
        CheckConstraint("role IN ('lead', 'coordinating')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("plan_tasks.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))

    task: Mapped[PlanTask] = relationship(back_populates="agency_links")
    agency: Mapped[Agency] = relationship()


class ExpertiseField(Bilingual, Base):
    """A node of the two-level taxonomy: FORD 2015 fields and the plan's practical sectors."""

    __tablename__ = "expertise_fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("expertise_fields.id"), index=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    # Seeded rows keep their code; admins' renames are preserved when the seed runs again.
    seeded: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    parent: Mapped[ExpertiseField | None] = relationship(
        remote_side="ExpertiseField.id", back_populates="children"
    )
    children: Mapped[list[ExpertiseField]] = relationship(
        back_populates="parent", order_by="ExpertiseField.position"
    )
