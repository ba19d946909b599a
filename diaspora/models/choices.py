"""Closed lists of values used by contacts, stored as short English codes.

Their labels, in both languages, live with the feature that shows them (``contacts.labels``).
"""

from __future__ import annotations

from enum import StrEnum


def values_in(column: str, enum: type[StrEnum]) -> str:
    """SQL for a CHECK constraint: ``column IN ('a', 'b')``."""
    return f"{column} IN ({', '.join(repr(member.value) for member in enum)})"


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class ContactStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    DECEASED = "deceased"


class Source(StrEnum):
    MANUAL = "manual"
    IMPORT = "import"
    SELF_REGISTRATION = "self_registration"
    EVENT_SHEET = "event_sheet"
    EMBASSY_LIST = "embassy_list"


class LegalBasis(StrEnum):
    CONSENT = "consent"
    STATE_FUNCTION = "state_function"


class ExpertiseLevel(StrEnum):
    BASIC = "basic"
    EXPERIENCED = "experienced"
    EXPERT = "expert"


class ConsentPurpose(StrEnum):
    STORE_PROCESS = "store_process"
    OUTREACH = "outreach"
    SHARING = "sharing"


class ConsentMethod(StrEnum):
    FORM = "form"
    PAPER = "paper"
    EMAIL = "email"
    IN_PERSON = "in_person"


class OrganizationKind(StrEnum):
    ASSOCIATION = "association"
    BUSINESS = "business"
    UNIVERSITY = "university"
    GOVERNMENT = "government"
    OTHER = "other"


CORRESPONDENCE_LANGUAGES = ("vi", "en")
