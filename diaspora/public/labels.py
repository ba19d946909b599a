"""Labels of the submissions' kinds and statuses, in both languages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

KINDS = {
    "registration": _l("Registration"),
    "update": _l("Profile update"),
    "copy": _l("Request for a copy of the data"),
    "erasure": _l("Request for deletion"),
}
STATUSES = {
    "pending": _l("Waiting for review"),
    "approved": _l("Approved"),
    "merged": _l("Merged into a record"),
    "rejected": _l("Rejected"),
}
LINK_STATES = {
    "active": _l("Active"),
    "used": _l("Used"),
    "expired": _l("Expired"),
    "revoked": _l("Withdrawn"),
}
