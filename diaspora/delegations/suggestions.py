"""Suggested contacts for a visit: people living in the destination, city first, then the rest
of the country, ranked by

1. living in one of the visit's cities,
2. how many of the expertise fields sought they have (a top-level field counts its subfields),
3. willingness to host or meet a delegation,
4. how recently they were engaged (never engaged comes last),

then by Vietnamese name order. Plain SQL, the same on SQLite and PostgreSQL. Records in the
trash, merged records, inactive or deceased people and those already on the list are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import selectinload

from diaspora.extensions import db
from diaspora.models import (
    Contact,
    ContactExpertise,
    ContactStatus,
    DelegationContact,
    DelegationVisit,
    Engagement,
    EngagementParticipant,
    ExpertiseField,
)
from diaspora.text import tokens

LIMIT = 50
NEVER = date(1900, 1, 1)


@dataclass
class Suggestion:
    contact: Contact
    in_city: bool
    matching_fields: list[ExpertiseField] = field(default_factory=list)
    willing_host: bool = False
    last_engaged: date | None = None


@dataclass
class Suggestions:
    items: list[Suggestion]
    in_country: int  # live, active contacts living in the destination country
    in_cities: int
    on_list: int  # of those, already on the list


def _folded_cities(visit: DelegationVisit) -> list[str]:
    return [" ".join(tokens(city)) for city in visit.city_list if tokens(city)]


def sought_field_ids(visit: DelegationVisit) -> list[int]:
    """The fields sought and, for a top-level field, its subfields."""
    ids = {row.id for row in visit.fields}
    parents = [row.id for row in visit.fields if row.parent_id is None]
    if parents:
        ids |= set(
            db.session.scalars(
                select(ExpertiseField.id).where(ExpertiseField.parent_id.in_(parents))
            )
        )
    return sorted(ids)


def last_engaged_column(today: date):
    return (
        select(func.max(Engagement.start_date))
        .join(EngagementParticipant, EngagementParticipant.engagement_id == Engagement.id)
        .where(
            EngagementParticipant.contact_id == Contact.id,
            Engagement.deleted_at.is_(None),
            Engagement.start_date <= today,
        )
        .correlate(Contact)
        .scalar_subquery()
    )


def suggest(visit: DelegationVisit, *, today: date, limit: int = LIMIT) -> Suggestions:
    cities = _folded_cities(visit)
    field_ids = sought_field_ids(visit)
    in_city = Contact.city_folded.in_(cities) if cities else literal(False)
    matches = (
        select(func.count(ContactExpertise.id))
        .where(ContactExpertise.contact_id == Contact.id, ContactExpertise.field_id.in_(field_ids))
        .correlate(Contact)
        .scalar_subquery()
        if field_ids
        else literal(0)
    )
    last = last_engaged_column(today)
    on_list = select(DelegationContact.contact_id).where(DelegationContact.visit_id == visit.id)
    base = and_(
        Contact.country == visit.country,
        Contact.deleted_at.is_(None),
        Contact.merged_into_id.is_(None),
        Contact.erased_at.is_(None),
        Contact.status == ContactStatus.ACTIVE,
    )
    counts = db.session.execute(
        select(
            func.count(Contact.id),
            func.coalesce(func.sum(case((in_city, 1), else_=0)), 0),
            func.coalesce(func.sum(case((Contact.id.in_(on_list), 1), else_=0)), 0),
        ).where(base)
    ).one()
    city_rank = case((in_city, 1), else_=0)
    rows = db.session.execute(
        select(Contact.id, city_rank, matches, last)
        .where(base, Contact.id.not_in(on_list))
        .order_by(
            city_rank.desc(),
            matches.desc(),
            Contact.willing_host_delegation.desc(),
            func.coalesce(last, NEVER).desc(),
            Contact.name_sort,
            Contact.id,
        )
        .limit(limit)
    ).all()
    contacts = {
        row.id: row
        for row in db.session.scalars(
            select(Contact)
            .where(Contact.id.in_([row[0] for row in rows]))
            .options(selectinload(Contact.expertise).selectinload(ContactExpertise.field))
        )
    }
    wanted = set(field_ids)
    items = []
    for contact_id, city_hit, _count, last_date in rows:
        contact = contacts[contact_id]
        items.append(
            Suggestion(
                contact=contact,
                in_city=bool(city_hit),
                matching_fields=[row.field for row in contact.expertise if row.field_id in wanted],
                willing_host=contact.willing_host_delegation,
                last_engaged=last_date,
            )
        )
    return Suggestions(
        items=items,
        in_country=counts[0] or 0,
        in_cities=int(counts[1] or 0),
        on_list=int(counts[2] or 0),
    )
