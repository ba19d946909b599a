"""Every model, re-exported so that Alembic and ``db.create_all`` see the whole schema."""

from diaspora.models.audit import AuditEvent, AuditTrailIsAppendOnly, audit_purge_allowed
from diaspora.models.base import Base, UTCDateTime, utcnow
from diaspora.models.reference import Agency, ExpertiseField, PlanTask, PlanTaskAgency
from diaspora.models.user import RecoveryCode, Role, User

__all__ = [
    "Agency",
    "AuditEvent",
    "AuditTrailIsAppendOnly",
    "Base",
    "ExpertiseField",
    "PlanTask",
    "PlanTaskAgency",
    "RecoveryCode",
    "Role",
    "UTCDateTime",
    "User",
    "audit_purge_allowed",
    "utcnow",
]
