"""Contact categories: a bilingual list that administrators manage (seeded with defaults)."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from diaspora.models.base import Base
from diaspora.models.reference import Bilingual


class Category(Bilingual, Base):
    """Intellectual or scientist, entrepreneur, artist, student, association leader, …"""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    seeded: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<Category {self.code}>"
