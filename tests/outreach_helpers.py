"""Helpers shared by the outreach and delegation tests: the services' fixtures (``ctx``,
``officer``), the records they start from, the database state a refusal must leave as it was,
and reading a delegation pack."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from diaspora.contacts import services as contact_services
from diaspora.contacts.consent import record_consent
from diaspora.contacts.data import ConsentInput
from diaspora.delegations import services as visit_services
from diaspora.delegations.data import VisitData
from diaspora.errors import DomainError, ValidationFailed
from diaspora.extensions import db
from diaspora.models import Contact, User
from diaspora.outreach import services as outreach_services
from diaspora.outreach.data import OutreachData
from tests.contact_helpers import data as contact_data
from tests.contact_helpers import database_state, new_user

BODY_VI = (
    "Kính gửi {{ salutation }} {{ name }},\n\n"
    "Nhân dịp Tết Nguyên đán, Sở Ngoại vụ Hải Phòng gửi tới {{ salutation }} và gia đình tại "
    "{{ city }}, {{ country }} lời chúc mừng năm mới."
)
BODY_EN = (
    "Dear {{ salutation }} {{ name }},\n\n"
    "On the occasion of Tết, the Department of Foreign Affairs of Hải Phòng sends you and your "
    "family in {{ city }}, {{ country }} its best wishes for the new year."
)


def service_fixtures() -> tuple:
    """The fixtures of the service tests, as ``ctx, officer = service_fixtures()`` declares them
    in a test module: ``ctx``, services inside a request in English (messages are checked in
    English), rolled back at the end; ``officer``, an officer account, committed."""

    @pytest.fixture(name="ctx")
    def ctx(app) -> Iterator[None]:
        with app.app_context(), app.test_request_context(headers={"Accept-Language": "en"}):
            yield
            db.session.rollback()

    @pytest.fixture(name="officer")
    def officer(ctx) -> User:
        user = new_user("officer", name="Officer Lan")
        db.session.commit()
        return user

    return ctx, officer


def settled() -> dict:
    """Commit what the test prepared, then take the state a refusal must leave unchanged."""
    db.session.commit()
    return state()


def messages(error: ValidationFailed) -> str:
    """All the messages of a refusal, one string."""
    return " ".join(str(message) for values in error.errors.values() for message in values)


def refused(call: Callable[[], object], error: type[DomainError] = ValidationFailed) -> DomainError:
    """Run ``call``, which must raise ``error`` and change nothing (once rolled back, as a view
    would); the error raised."""
    before = settled()
    with pytest.raises(error) as caught:
        call()
    db.session.rollback()
    assert state() == before
    return caught.value


def person(
    officer: User,
    name: str,
    *,
    country: str = "JP",
    city: str = "Tokyo",
    consents: tuple[str, ...] = ("outreach",),
    **extra,
) -> Contact:
    """A contact, with the consents given (by email, on 1 January 2026)."""
    contact = contact_services.create_contact(
        contact_data(full_name=name, country=country, city=city, **extra),
        actor=officer,
        acknowledged=db.session.scalars(select(Contact.id)).all(),
    )
    if consents:
        record_consent(
            contact,
            ConsentInput(
                purposes=list(consents),
                method="email",
                given_on=date(2026, 1, 1),
                evidence="Email of 1 January 2026",
            ),
            actor=officer,
        )
    return contact


def outreach_data(**overrides) -> OutreachData:
    values = {
        "title_vi": "Thư chúc Tết Bính Ngọ 2026",
        "title_en": "Tết greetings 2026",
        "body_vi": BODY_VI,
        "body_en": BODY_EN,
        "occasion": "tet",
        "channel": "letter",
        "document_number": "125/SNgV-LS",
        "signatory": "Giám đốc Sở Ngoại vụ",
        "plan_tasks": ["II.4"],
    }
    values.update(overrides)
    return OutreachData(**values)


def write(officer: User, **overrides):
    return outreach_services.create_outreach(outreach_data(**overrides), actor=officer)


def visit_data(**overrides) -> VisitData:
    values = {
        "title": "Đoàn công tác thành phố thăm Nhật Bản",
        "country": "JP",
        "cities": "Tokyo; Osaka",
        "start_date": date(2026, 5, 10),
        "end_date": date(2026, 5, 15),
        "purpose": "Xúc tiến du lịch và Lễ hội Hoa Phượng Đỏ",
        "leader": "Phó Chủ tịch UBND thành phố",
        "members": "Giám đốc Sở Ngoại vụ\nGiám đốc Sở Du lịch",
        "plan_tasks": ["II.4"],
    }
    values.update(overrides)
    return VisitData(**values)


def prepare(officer: User, **overrides):
    return visit_services.create_visit(visit_data(**overrides), actor=officer)


def state() -> dict:
    """Row counts and the rows of the tables these features write."""
    result = database_state()
    for table in ("outreach", "outreach_recipients", "delegation_visits", "delegation_contacts"):
        result[f"{table}.rows"] = [
            tuple(row) for row in db.session.execute(db.text(f"SELECT * FROM {table} ORDER BY id"))
        ]
    result["engagements"] = db.session.scalar(
        select(func.count()).select_from(db.metadata.tables["engagements"])
    )
    return result


@dataclass
class PackSheet:
    """A delegation pack's workbook as read back: the lines above the table, the two header
    rows, and one dict per contact keyed by the English header."""

    titles: list[str]
    header_vi: list[str]
    header_en: list[str]
    rows: list[dict]


def read_pack(content: bytes) -> PackSheet:
    sheet = load_workbook(io.BytesIO(content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    english = next(index for index, row in enumerate(values) if row[0] == "No.")
    return PackSheet(
        titles=[row[0] for row in values[: english - 2] if row[0]],
        header_vi=values[english - 1],
        header_en=values[english],
        rows=[dict(zip(values[english], row, strict=True)) for row in values[english + 1 :]],
    )
