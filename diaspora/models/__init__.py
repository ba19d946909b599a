"""Every model, re-exported so that Alembic and ``db.create_all`` see the whole schema."""

from diaspora.models.api_token import ApiToken
from diaspora.models.audit import AuditEvent, AuditTrailIsAppendOnly, audit_purge_allowed
from diaspora.models.base import Base, UTCDateTime, utcnow
from diaspora.models.category import Category
from diaspora.models.choices import (
    ConsentMethod,
    ConsentPurpose,
    ContactStatus,
    ExpertiseLevel,
    Gender,
    LegalBasis,
    OrganizationKind,
    Source,
)
from diaspora.models.contact import (
    ConsentRecord,
    Contact,
    ContactEmail,
    ContactExpertise,
    ContactLanguage,
    ContactPhone,
    contact_categories,
)
from diaspora.models.organization import Membership, Organization
from diaspora.models.reference import Agency, ExpertiseField, PlanTask, PlanTaskAgency
from diaspora.models.transfer import ImportBatch, ImportMapping, ImportRow
from diaspora.models.user import RecoveryCode, Role, User

__all__ = [
    "Agency",
    "ApiToken",
    "AuditEvent",
    "AuditTrailIsAppendOnly",
    "Base",
    "Category",
    "ConsentMethod",
    "ConsentPurpose",
    "ConsentRecord",
    "Contact",
    "ContactEmail",
    "ContactExpertise",
    "ContactLanguage",
    "ContactPhone",
    "ContactStatus",
    "ExpertiseField",
    "ExpertiseLevel",
    "Gender",
    "ImportBatch",
    "ImportMapping",
    "ImportRow",
    "LegalBasis",
    "Membership",
    "Organization",
    "OrganizationKind",
    "PlanTask",
    "PlanTaskAgency",
    "RecoveryCode",
    "Role",
    "Source",
    "UTCDateTime",
    "User",
    "audit_purge_allowed",
    "contact_categories",
    "utcnow",
]
