"""The numbers on the officers' dashboard. Only live records count (not the trash, not
records merged into another)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, distinct, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from diaspora.engagements.services import in_year
from diaspora.extensions import db
from diaspora.models import (
    Contact,
    ContactEmail,
    ContactExpertise,
    ContactPhone,
    Engagement,
    EngagementParticipant,
    ExpertiseField,
)

LIST_LIMIT = 20
QUALITY_PAGE_SIZE = 50
TOP_COUNTRIES = 10
NEXT_STEP_DAYS = 30
VERIFY_EVERY_YEARS = 2


def _live():
    return and_(Contact.deleted_at.is_(None), Contact.merged_into_id.is_(None))


@dataclass
class Totals:
    contacts: int
    countries: int
    active_this_year: int  # took part in an engagement this calendar year
    new_this_year: int  # registered this calendar year


def _year_start(today: date, zone: str) -> datetime:
    return datetime.combine(date(today.year, 1, 1), time(0), ZoneInfo(zone))


def totals(today: date, zone: str) -> Totals:
    contacts = db.session.scalar(select(func.count(Contact.id)).where(_live())) or 0
    countries = db.session.scalar(select(func.count(distinct(Contact.country))).where(_live()))
    active = db.session.scalar(
        select(func.count(distinct(EngagementParticipant.contact_id)))
        .join(Engagement, Engagement.id == EngagementParticipant.engagement_id)
        .join(Contact, Contact.id == EngagementParticipant.contact_id)
        .where(_live(), Engagement.deleted_at.is_(None), in_year(today.year))
    )
    new = db.session.scalar(
        select(func.count(Contact.id)).where(
            _live(), Contact.created_at >= _year_start(today, zone)
        )
    )
    return Totals(contacts, countries or 0, active or 0, new or 0)


def contacts_by_country(limit: int = TOP_COUNTRIES) -> tuple[list[tuple[str, int]], int]:
    """The countries with the most contacts, and how many contacts live elsewhere."""
    rows = db.session.execute(
        select(Contact.country, func.count(Contact.id).label("n"))
        .where(_live())
        .group_by(Contact.country)
        .order_by(func.count(Contact.id).desc(), Contact.country)
    ).all()
    top = [(country, count) for country, count in rows[:limit]]
    return top, sum(count for _country, count in rows[limit:])


def contacts_by_field() -> list[tuple[ExpertiseField, int]]:
    """Distinct contacts per top-level field (a subfield counts for its field)."""
    parent = aliased(ExpertiseField)
    top_id = func.coalesce(parent.id, ExpertiseField.id)
    rows = db.session.execute(
        select(top_id.label("top"), func.count(distinct(ContactExpertise.contact_id)))
        .join(ExpertiseField, ExpertiseField.id == ContactExpertise.field_id)
        .outerjoin(parent, parent.id == ExpertiseField.parent_id)
        .join(Contact, Contact.id == ContactExpertise.contact_id)
        .where(_live())
        .group_by(top_id)
    ).all()
    counts = dict(rows)
    groups = db.session.scalars(
        select(ExpertiseField)
        .where(ExpertiseField.id.in_(counts))
        .order_by(ExpertiseField.position, ExpertiseField.code)
    )
    return sorted(((group, counts[group.id]) for group in groups), key=lambda item: -item[1])


def next_steps(today: date, days: int = NEXT_STEP_DAYS) -> list[Engagement]:
    """Open next steps due within ``days`` (overdue ones first, as they come by date)."""
    return list(
        db.session.scalars(
            select(Engagement)
            .where(
                Engagement.deleted_at.is_(None),
                Engagement.next_step != "",
                Engagement.next_step_done.is_(False),
                Engagement.next_step_due <= today + timedelta(days=days),
            )
            .options(selectinload(Engagement.next_step_owner))
            .order_by(Engagement.next_step_due, Engagement.id)
            .limit(100)
        )
    )


@dataclass
class QualityList:
    key: str
    total: int
    contacts: list[Contact] = field(default_factory=list)


def _quality(key: str, condition) -> QualityList:
    total = db.session.scalar(select(func.count(Contact.id)).where(_live(), condition)) or 0
    rows = list(
        db.session.scalars(
            select(Contact)
            .where(_live(), condition)
            .order_by(Contact.updated_at, Contact.id)
            .limit(LIST_LIMIT)
        )
    )
    return QualityList(key, total, rows)


def _years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def _duplicate_ids() -> set[int]:
    """Live records sharing a folded name and country, an email address or a phone number."""
    ids: set[int] = set()
    same_name = (
        select(Contact.name_folded, Contact.country)
        .where(_live())
        .group_by(Contact.name_folded, Contact.country)
        .having(func.count(Contact.id) > 1)
        .subquery()
    )
    ids.update(
        db.session.scalars(
            select(Contact.id)
            .join(
                same_name,
                and_(
                    same_name.c.name_folded == Contact.name_folded,
                    same_name.c.country == Contact.country,
                ),
            )
            .where(_live())
        )
    )
    for table, column in ((ContactEmail, ContactEmail.email), (ContactPhone, ContactPhone.e164)):
        shared = (
            select(column)
            .join(Contact, Contact.id == table.contact_id)
            .where(_live())
            .group_by(column)
            .having(func.count(distinct(table.contact_id)) > 1)
        )
        ids.update(
            db.session.scalars(
                select(table.contact_id)
                .join(Contact, Contact.id == table.contact_id)
                .where(_live(), column.in_(shared))
            )
        )
    return ids


def possible_duplicates(limit: int = LIST_LIMIT) -> QualityList:
    """The first few possible duplicates, and how many there are."""
    ids = _duplicate_ids()
    rows = list(
        db.session.scalars(
            select(Contact)
            .where(Contact.id.in_(sorted(ids)[:1000]))
            .order_by(Contact.name_folded, Contact.id)
            .limit(limit)
        )
    )
    return QualityList("duplicates", len(ids), rows)


def _conditions(today: date, zone: str) -> dict:
    cutoff = _years_before(today, VERIFY_EVERY_YEARS)
    cutoff_instant = datetime.combine(cutoff, time(0), ZoneInfo(zone))
    no_details = and_(
        ~Contact.emails.any(),
        ~Contact.phones.any(),
        Contact.address == "",
    )
    not_verified = or_(
        Contact.verified_on < cutoff,
        and_(Contact.verified_on.is_(None), Contact.created_at < cutoff_instant),
    )
    return {
        "no_legal_basis": Contact.legal_basis.is_(None),
        "no_contact_details": no_details,
        "not_verified": not_verified,
    }


QUALITY_KEYS = ("no_legal_basis", "no_contact_details", "not_verified", "duplicates")


def data_quality(today: date, zone: str) -> list[QualityList]:
    conditions = _conditions(today, zone)
    return [_quality(key, condition) for key, condition in conditions.items()] + [
        possible_duplicates()
    ]


def quality_page(key: str, today: date, zone: str, page: int, per_page: int = 0):
    """One page of a data-quality list in full, so that every record on it can be reached."""
    if key == "duplicates":
        query = (
            select(Contact)
            .where(Contact.id.in_(sorted(_duplicate_ids())))
            .order_by(Contact.name_folded, Contact.id)
        )
    else:
        query = (
            select(Contact)
            .where(_live(), _conditions(today, zone)[key])
            .order_by(Contact.updated_at, Contact.id)
        )
    size = per_page or QUALITY_PAGE_SIZE
    return db.paginate(query, page=max(page, 1), per_page=size, error_out=False)
