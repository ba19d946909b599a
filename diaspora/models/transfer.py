"""Spreadsheet imports: a batch per uploaded file, its rows as parsed and analysed, and the
column mappings officers save for files of the same shape.

The uploaded file itself is not kept: its checksum identifies it (a second upload of the same
file is noticed), and its cells live in ``import_rows`` until the batch is removed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diaspora.models.base import Base, UTCDateTime, utcnow
from diaspora.models.user import User

BATCH_STATUSES = ("analysing", "preview", "committed", "undone", "cancelled")
ROW_STATUSES = ("new", "match", "error")
ROW_ACTIONS = ("create", "fill", "overwrite", "skip")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class ImportMapping(Base):
    """A named column mapping: which contact field each header of a file goes to."""

    __tablename__ = "import_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # Folded headers joined by "|": files with the same headers get the mapping proposed.
    signature: Mapped[str] = mapped_column(String(64), index=True)
    headers: Mapped[list] = mapped_column(JSON, default=list)
    targets: Mapped[list] = mapped_column(JSON, default=list)  # one target (or "") per column
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class ImportBatch(Base):
    __tablename__ = "import_batches"
    __table_args__ = (CheckConstraint(_in("status", BATCH_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # As the officer's computer named it: shown, never used as a path.
    file_name: Mapped[str] = mapped_column(String(255))
    checksum: Mapped[str] = mapped_column(String(64), index=True)  # SHA-256 of the bytes
    kind: Mapped[str] = mapped_column(String(8))  # csv, xlsx
    sheet: Mapped[str] = mapped_column(String(120), default="")
    encoding: Mapped[str] = mapped_column(String(32), default="")
    status: Mapped[str] = mapped_column(String(16), default="analysing")
    headers: Mapped[list] = mapped_column(JSON, default=list)
    targets: Mapped[list] = mapped_column(JSON, default=list)
    mapping_name: Mapped[str] = mapped_column(String(120), default="")
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    analysed_count: Mapped[int] = mapped_column(Integer, default=0)
    mapped: Mapped[bool] = mapped_column(default=False)  # the officer confirmed the mapping
    default_action: Mapped[str] = mapped_column(String(16), default="fill")
    counts: Mapped[dict] = mapped_column(JSON, default=dict)  # new, match, error, created, …
    notices: Mapped[list] = mapped_column(JSON, default=list)  # e.g. legacy encoding converted
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    committed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    committed_by: Mapped[User | None] = relationship(foreign_keys=[committed_by_id])
    undone_by: Mapped[User | None] = relationship(foreign_keys=[undone_by_id])
    rows: Mapped[list[ImportRow]] = relationship(
        back_populates="batch",
        cascade="all, delete-orphan",
        order_by="ImportRow.position",
        lazy="raise_on_sql",
    )


class ImportRow(Base):
    __tablename__ = "import_rows"
    __table_args__ = (
        CheckConstraint(_in("status", ROW_STATUSES), name="status"),
        CheckConstraint(_in("action", ROW_ACTIONS), name="action"),
        Index("ix_import_rows_batch_id_position", "batch_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # 0-based among the data rows
    line: Mapped[int] = mapped_column(Integer)  # row number in the spreadsheet, header = 1
    cells: Mapped[list] = mapped_column(JSON, default=list)
    # Keys that identify the person (email, phone, name in a country): later rows with the
    # same key are the same person twice in one file.
    keys: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str | None] = mapped_column(String(16))  # None until analysed
    # {column index (as text) or "": [messages]}: messages per cell, in the analyst's language.
    errors: Mapped[dict] = mapped_column(JSON, default=dict)
    match_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    match_version: Mapped[int | None] = mapped_column(Integer)
    match_reasons: Mapped[list] = mapped_column(JSON, default=list)
    other_matches: Mapped[list] = mapped_column(JSON, default=list)
    action: Mapped[str | None] = mapped_column(String(16))
    # After the commit: the record created or updated, its version then, and what it was
    # before (for undo).
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    result: Mapped[str | None] = mapped_column(String(16))  # created, updated, unchanged
    version_after: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict | None] = mapped_column(JSON)

    batch: Mapped[ImportBatch] = relationship(back_populates="rows")
