"""Helpers shared by the contact tests."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from diaspora.auth import services as auth_services
from diaspora.contacts.data import ContactData
from diaspora.extensions import db
from diaspora.models import User

PASSWORD = "correct horse battery staple 42"


def new_user(role: str = "officer", name: str | None = None) -> User:
    user = auth_services.create_user(
        auth_services.UserData(
            email=f"{role}-{uuid.uuid4().hex[:6]}@haiphong.gov.vn",
            name=name or f"Test {role}",
            role=role,
        ),
        PASSWORD,
        actor=None,
    )
    db.session.flush()
    return user


def data(**overrides) -> ContactData:
    values = {"full_name": "Nguyễn Thị Hồng Nhung", "country": "DE", "city": "Berlin"}
    values.update(overrides)
    return ContactData(**values)


def table_counts() -> dict[str, int]:
    """Rows per table: "nothing in the database changes" compares two of these."""
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def database_state() -> dict:
    """Row counts and the contacts' rows themselves."""
    state = table_counts()
    state["contacts.rows"] = [
        tuple(row)
        for row in db.session.execute(db.text("SELECT * FROM contacts ORDER BY id")).all()
    ]
    return state
