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
from diaspora.models.delegation import (
    DelegationContact,
    DelegationVisit,
    delegation_fields,
    delegation_plan_tasks,
)
from diaspora.models.engagement import (
    Engagement,
    EngagementParticipant,
    EngagementType,
    ParticipantRole,
    engagement_organizations,
    engagement_plan_tasks,
)
from diaspora.models.organization import Membership, Organization
from diaspora.models.outreach import (
    Channel,
    DeliveryStatus,
    Occasion,
    Outreach,
    OutreachRecipient,
    OutreachStatus,
    outreach_plan_tasks,
)
from diaspora.models.reference import Agency, ExpertiseField, PlanTask, PlanTaskAgency
from diaspora.models.subject_request import (
    RequestChannel,
    RequestKind,
    RequestStatus,
    SubjectRequest,
)
from diaspora.models.submission import (
    Submission,
    SubmissionKind,
    SubmissionStatus,
    UpdateLink,
)
from diaspora.models.transfer import ImportBatch, ImportMapping, ImportRow
from diaspora.models.user import RecoveryCode, Role, User

__all__ = [
    "Agency",
    "ApiToken",
    "AuditEvent",
    "AuditTrailIsAppendOnly",
    "Base",
    "Category",
    "Channel",
    "ConsentMethod",
    "ConsentPurpose",
    "ConsentRecord",
    "Contact",
    "ContactEmail",
    "ContactExpertise",
    "ContactLanguage",
    "ContactPhone",
    "ContactStatus",
    "DelegationContact",
    "DelegationVisit",
    "DeliveryStatus",
    "Engagement",
    "EngagementParticipant",
    "EngagementType",
    "ExpertiseField",
    "ExpertiseLevel",
    "Gender",
    "ImportBatch",
    "ImportMapping",
    "ImportRow",
    "LegalBasis",
    "Membership",
    "Occasion",
    "Organization",
    "OrganizationKind",
    "Outreach",
    "OutreachRecipient",
    "OutreachStatus",
    "ParticipantRole",
    "PlanTask",
    "PlanTaskAgency",
    "RecoveryCode",
    "RequestChannel",
    "RequestKind",
    "RequestStatus",
    "Role",
    "Source",
    "SubjectRequest",
    "Submission",
    "SubmissionKind",
    "SubmissionStatus",
    "UTCDateTime",
    "UpdateLink",
    "User",
    "audit_purge_allowed",
    "contact_categories",
    "delegation_fields",
    "delegation_plan_tasks",
    "engagement_organizations",
    "engagement_plan_tasks",
    "outreach_plan_tasks",
    "utcnow",
]
