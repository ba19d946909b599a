"""Labels of delegation fields, in both languages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

FIELD_LABELS = {
    "title": _l("Name of the visit"),
    "country": _l("Destination country"),
    "cities": _l("Cities"),
    "start_date": _l("First day"),
    "end_date": _l("Last day"),
    "purpose": _l("Purpose"),
    "leader": _l("Head of the delegation"),
    "members": _l("Members"),
    "fields": _l("Expertise sought"),
    "plan_tasks": _l("Plan tasks served"),
    "contacts": _l("Contacts to meet"),
    "purpose_of_pack": _l("Purpose of this pack"),
}
ACTIONS = {
    "delegation.create": _l("Created"),
    "delegation.update": _l("Edited"),
    "delegation.contacts_add": _l("Contacts added"),
    "delegation.contacts_remove": _l("Contacts removed"),
    "delegation.contacts_order": _l("Order changed"),
    "delegation.pack": _l("Delegation pack prepared"),
    "delegation.meetings": _l("Meetings recorded"),
    "delegation.delete": _l("Deleted"),
    "delegation.contact_merged": _l("Contact records merged"),
}
FORMATS = {
    "xlsx": _l("Spreadsheet (XLSX)"),
    "pdf": _l("Printable list (PDF)"),
    "vcf": _l("Contact cards for phones (vCard)"),
}
