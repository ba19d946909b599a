"""Labels of the register's kinds, statuses and channels, in both languages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

KINDS = {
    "access": _l("Access (a copy of the data)"),
    "correction": _l("Correction"),
    "deletion": _l("Deletion"),
    "restriction": _l("Restriction of processing"),
    "objection": _l("Objection to processing"),
}
STATUSES = {
    "received": _l("Received"),
    "acknowledged": _l("Replied to"),
    "extended": _l("Extended"),
    "completed": _l("Completed"),
    "refused": _l("Refused"),
}
CHANNELS = {
    "update_link": _l("Profile-update link"),
    "email": _l("Email"),
    "letter": _l("Letter"),
    "phone": _l("Phone"),
    "in_person": _l("In person"),
    "other": _l("Other"),
}
