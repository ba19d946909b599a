"""Every model, re-exported so that Alembic and ``db.create_all`` see the whole schema."""

from diaspora.models.api_token import ApiToken
from diaspora.models.audit import AuditEvent
from diaspora.models.base import Base, UTCDateTime, utcnow
from diaspora.models.reference import Agency, ExpertiseField, PlanTask, PlanTaskAgency
from diaspora.models.user import Role, User

__all__ = [
    "Agency",
    "ApiToken",
    "AuditEvent",
    "Base",
    "ExpertiseField",
    "PlanTask",
    "PlanTaskAgency",
    "Role",
    "UTCDateTime",
    "User",
    "utcnow",
]
