"""Helpers shared by the engagement tests."""

from __future__ import annotations

from datetime import date

from diaspora.contacts import services as contact_services
from diaspora.engagements import services
from diaspora.engagements.data import EngagementData, ParticipantEntry
from diaspora.models import Contact, Engagement, User
from tests.contact_helpers import data as contact_data


def person(
    officer: User, name: str, country: str = "JP", city: str = "Tokyo", acknowledged=(), **extra
) -> Contact:
    return contact_services.create_contact(
        contact_data(full_name=name, country=country, city=city, **extra),
        actor=officer,
        acknowledged=acknowledged,
    )


def engagement_data(contacts, **overrides) -> EngagementData:
    values = {
        "type": "meeting",
        "title": "Gặp mặt kiều bào Hải Phòng tại Tokyo",
        "start_date": date(2026, 2, 14),
        "country": "JP",
        "city": "Tokyo",
        "participants": [ParticipantEntry(contact.id) for contact in contacts],
        "plan_tasks": ["II.4"],
    }
    values.update(overrides)
    return EngagementData(**values)


def record(officer: User, contacts, **overrides) -> Engagement:
    return services.create_engagement(engagement_data(contacts, **overrides), actor=officer)
