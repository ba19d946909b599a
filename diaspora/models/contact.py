"""Contacts: overseas compatriots, their contact details, expertise, languages and consents.

Text is stored in Unicode NFC exactly as typed; the ``*_folded`` columns hold the folded forms
from ``diaspora.text`` that matching, duplicate checks and the name filter use. They are
derived data, refreshed by the contact services on every change.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint as Check
from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diaspora.models.base import Base, UTCDateTime, utcnow
from diaspora.models.category import Category
from diaspora.models.choices import (
    ConsentMethod,
    ConsentPurpose,
    ContactStatus,
    ExpertiseLevel,
    Gender,
    LegalBasis,
    Source,
    values_in,
)
from diaspora.models.reference import ExpertiseField
from diaspora.models.user import User

if TYPE_CHECKING:
    from diaspora.models.organization import Membership

MIN_BIRTH_YEAR = 1900
WILLINGNESS_COLUMNS = (
    "willing_advise",
    "willing_invest",
    "willing_host_delegation",
    "willing_promote_products",
    "willing_teach",
)

contact_categories = Table(
    "contact_categories",
    Base.metadata,
    Column("contact_id", ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("categories.id"), primary_key=True, index=True),
)


class Contact(Base):
    """One person abroad. ``version`` guards against silent overwrites (optimistic locking)."""

    __tablename__ = "contacts"
    __table_args__ = (
        Check(values_in("gender", Gender), name="gender"),
        Check(values_in("status", ContactStatus), name="status"),
        Check(values_in("source", Source), name="source"),
        Check(values_in("legal_basis", LegalBasis), name="legal_basis"),
        Check("preferred_language IN ('vi', 'en')", name="preferred_language"),
        Check(f"birth_year >= {MIN_BIRTH_YEAR}", name="birth_year"),
        Index("ix_contacts_country_name_folded", "country", "name_folded"),
        # The origin filter reads the distinct places of origin on each search that uses it.
        Index("ix_contacts_origin", "origin_commune", "origin_district_old"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Identity. The Vietnamese name is written family name first, as typed.
    full_name: Mapped[str] = mapped_column(String(200))
    foreign_name: Mapped[str] = mapped_column(String(200), default="")
    former_names: Mapped[str] = mapped_column(String(500), default="")
    gender: Mapped[str | None] = mapped_column(String(16))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    # Origin in Hải Phòng: the commune or ward, and the district as it was before 1 July 2025.
    origin_commune: Mapped[str] = mapped_column(String(120), default="")
    origin_district_old: Mapped[str] = mapped_column(String(120), default="")
    # Residence abroad: ISO 3166-1 alpha-2 and city.
    country: Mapped[str] = mapped_column(String(2))
    city: Mapped[str] = mapped_column(String(120), default="")
    # Personal contact details (officers and administrators only).
    address: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(500), default="")
    # Work.
    occupation: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    employer: Mapped[str] = mapped_column(String(200), default="")
    preferred_language: Mapped[str] = mapped_column(String(2), default="vi")
    # Willingness to help the city.
    willing_advise: Mapped[bool] = mapped_column(default=False)
    willing_invest: Mapped[bool] = mapped_column(default=False)
    willing_host_delegation: Mapped[bool] = mapped_column(default=False)
    willing_promote_products: Mapped[bool] = mapped_column(default=False)
    willing_teach: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")  # internal, officers only
    # Provenance.
    source: Mapped[str] = mapped_column(String(24), default=Source.MANUAL.value)
    source_note: Mapped[str] = mapped_column(String(300), default="")
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    verified_on: Mapped[date | None] = mapped_column(Date)
    verified_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default=ContactStatus.ACTIVE.value)
    # Sample data made by `flask --app diaspora demo seed`: never a real person.
    fictional: Mapped[bool] = mapped_column(default=False)
    # Legal basis: consent, or the department's state function (with a justification);
    # NULL means "pending".
    legal_basis: Mapped[str | None] = mapped_column(String(16))
    legal_basis_note: Mapped[str] = mapped_column(Text, default="")
    # Derived, folded text (see diaspora.text.fold): exact name matches, the list's name
    # filter (" word word " for prefix matching) and the city for duplicate checks.
    name_folded: Mapped[str] = mapped_column(String(200))
    names_folded: Mapped[str] = mapped_column(Text, default="")
    city_folded: Mapped[str] = mapped_column(String(120), default="")
    # Vietnamese alphabetical order (diaspora.collation): given name, family name, middle names.
    name_sort: Mapped[str] = mapped_column(String(400), default="", index=True)
    # Idempotency key of the form (or API request) that created the record: a form posted
    # twice creates one contact.
    entry_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # Soft delete (the trash); a merged record is also deleted and points to its survivor.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    # Erasure (diaspora.privacy.erasure): the personal data is gone for good; the anonymous
    # record stays so that counts in reports stay right, and can never be edited again.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __mapper_args__ = {"version_id_col": version}

    emails: Mapped[list[ContactEmail]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="ContactEmail.position"
    )
    phones: Mapped[list[ContactPhone]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="ContactPhone.position"
    )
    languages: Mapped[list[ContactLanguage]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="ContactLanguage.position"
    )
    categories: Mapped[list[Category]] = relationship(
        secondary=contact_categories, order_by=Category.position
    )
    expertise: Mapped[list[ContactExpertise]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="ContactExpertise.id"
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="Membership.id"
    )
    consents: Mapped[list[ConsentRecord]] = relationship(
        back_populates="contact",
        cascade="all, delete-orphan",
        order_by="(ConsentRecord.given_on, ConsentRecord.id)",
    )
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    deleted_by: Mapped[User | None] = relationship(foreign_keys=[deleted_by_id])
    merged_into: Mapped[Contact | None] = relationship(remote_side=[id])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None

    @property
    def legal_basis_pending(self) -> bool:
        return self.legal_basis is None

    @property
    def email_addresses(self) -> list[str]:
        return [row.email for row in self.emails]

    @property
    def phone_numbers(self) -> list[str]:
        return [row.e164 for row in self.phones]

    @property
    def language_codes(self) -> list[str]:
        return [row.code for row in self.languages]

    @property
    def willing_flags(self) -> list[str]:
        """Names of the willingness flags that are set, e.g. ``willing_invest``."""
        return [flag for flag in WILLINGNESS_COLUMNS if getattr(self, flag)]

    @property
    def other_names(self) -> list[str]:
        names = [self.foreign_name] if self.foreign_name else []
        return names + [name.strip() for name in self.former_names.split(";") if name.strip()]

    def active_consent(self, purpose: str) -> ConsentRecord | None:
        for record in self.consents:
            if record.purpose == purpose and record.withdrawn_on is None:
                return record
        return None

    def __repr__(self) -> str:
        return f"<Contact {self.id} v{self.version}>"


class ContactEmail(Base):
    __tablename__ = "contact_emails"
    __table_args__ = (
        UniqueConstraint("contact_id", "email", name="uq_contact_emails_contact_email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    # Normalised and lower-cased, indexed for duplicate checks.
    email: Mapped[str] = mapped_column(String(254), index=True)
    position: Mapped[int] = mapped_column(default=0)

    contact: Mapped[Contact] = relationship(back_populates="emails")


class ContactPhone(Base):
    __tablename__ = "contact_phones"
    __table_args__ = (
        UniqueConstraint("contact_id", "e164", name="uq_contact_phones_contact_e164"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    e164: Mapped[str] = mapped_column(String(20), index=True)  # +818012345678
    position: Mapped[int] = mapped_column(default=0)

    contact: Mapped[Contact] = relationship(back_populates="phones")


class ContactLanguage(Base):
    __tablename__ = "contact_languages"
    __table_args__ = (
        UniqueConstraint("contact_id", "code", name="uq_contact_languages_contact_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(2), index=True)  # ISO 639-1
    position: Mapped[int] = mapped_column(default=0)

    contact: Mapped[Contact] = relationship(back_populates="languages")


class ContactExpertise(Base):
    __tablename__ = "contact_expertise"
    __table_args__ = (
        UniqueConstraint("contact_id", "field_id", name="uq_contact_expertise_contact_field"),
        Check(values_in("level", ExpertiseLevel), name="level"),
        Check("years >= 0 AND years <= 80", name="years"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    field_id: Mapped[int] = mapped_column(ForeignKey("expertise_fields.id"), index=True)
    level: Mapped[str | None] = mapped_column(String(16))
    years: Mapped[int | None] = mapped_column(Integer)

    contact: Mapped[Contact] = relationship(back_populates="expertise")
    field: Mapped[ExpertiseField] = relationship()


class ConsentRecord(Base):
    """Consent for one purpose: how and when it was given, its evidence, and its withdrawal."""

    __tablename__ = "consent_records"
    __table_args__ = (
        Check(values_in("purpose", ConsentPurpose), name="purpose"),
        Check(values_in("method", ConsentMethod), name="method"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(16))
    evidence: Mapped[str] = mapped_column(Text, default="")
    notice_version: Mapped[str] = mapped_column(String(32), default="")
    given_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdrawal_note: Mapped[str] = mapped_column(Text, default="")
    withdrawal_recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    contact: Mapped[Contact] = relationship(back_populates="consents")
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    withdrawal_recorded_by: Mapped[User | None] = relationship(
        foreign_keys=[withdrawal_recorded_by_id]
    )

    @property
    def active(self) -> bool:
        return self.withdrawn_on is None
