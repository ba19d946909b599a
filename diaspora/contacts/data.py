"""What a caller hands to the contact services: plain data, the same from a form, the API or
an import. Values are raw (strings as typed); the services clean and validate them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from diaspora.models.contact import WILLINGNESS_COLUMNS

WILLINGNESS_FLAGS = WILLINGNESS_COLUMNS


@dataclass
class ExpertiseEntry:
    field: int | str | None = None  # an expertise field id or code
    level: str | None = None
    years: int | str | None = None


@dataclass
class MembershipEntry:
    organization: str = ""  # an organization's name; a new name creates the organization
    role: str = ""


@dataclass
class ContactData:
    full_name: str = ""
    country: str = ""
    foreign_name: str = ""
    former_names: str = ""
    gender: str | None = None
    birth_year: int | str | None = None
    origin_commune: str = ""
    origin_district_old: str = ""
    city: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    address: str = ""
    website: str = ""
    languages: list[str] = field(default_factory=list)
    occupation: str = ""
    title: str = ""
    employer: str = ""
    categories: list[int | str] = field(default_factory=list)  # ids or codes
    preferred_language: str = "vi"
    willing_advise: bool = False
    willing_invest: bool = False
    willing_host_delegation: bool = False
    willing_promote_products: bool = False
    willing_teach: bool = False
    notes: str = ""
    source: str = "manual"
    source_note: str = ""
    verified_on: date | str | None = None
    status: str = "active"
    legal_basis: str | None = None
    legal_basis_note: str = ""
    expertise: list[ExpertiseEntry] = field(default_factory=list)
    memberships: list[MembershipEntry] = field(default_factory=list)


@dataclass
class ConsentInput:
    """Consent given for one or more purposes at once; one record is kept per purpose."""

    purposes: list[str] = field(default_factory=list)
    method: str = ""
    given_on: date | str | None = None
    evidence: str = ""
    notice_version: str = ""


def data_from_contact(contact) -> ContactData:
    """A contact's current values as ContactData: what an edit or a partial update starts from."""
    return ContactData(
        full_name=contact.full_name,
        country=contact.country,
        foreign_name=contact.foreign_name,
        former_names=contact.former_names,
        gender=contact.gender,
        birth_year=contact.birth_year,
        origin_commune=contact.origin_commune,
        origin_district_old=contact.origin_district_old,
        city=contact.city,
        emails=list(contact.email_addresses),
        phones=list(contact.phone_numbers),
        address=contact.address,
        website=contact.website,
        languages=list(contact.language_codes),
        occupation=contact.occupation,
        title=contact.title,
        employer=contact.employer,
        categories=[category.code for category in contact.categories],
        preferred_language=contact.preferred_language,
        willing_advise=contact.willing_advise,
        willing_invest=contact.willing_invest,
        willing_host_delegation=contact.willing_host_delegation,
        willing_promote_products=contact.willing_promote_products,
        willing_teach=contact.willing_teach,
        notes=contact.notes,
        source=contact.source,
        source_note=contact.source_note,
        verified_on=contact.verified_on,
        status=contact.status,
        legal_basis=contact.legal_basis,
        legal_basis_note=contact.legal_basis_note,
        expertise=[
            ExpertiseEntry(field=row.field.code, level=row.level, years=row.years)
            for row in contact.expertise
        ],
        memberships=[
            MembershipEntry(organization=row.organization.name, role=row.role)
            for row in contact.memberships
        ],
    )
