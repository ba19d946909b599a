"""Labels of engagement fields and coded values, in both languages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

TYPES = {
    "meeting": _l("Meeting"),
    "event_attendance": _l("Event attendance"),
    "delegation_meeting": _l("Delegation meeting"),
    "greeting_letter": _l("Greeting letter"),
    "consultation": _l("Consultation or advice"),
    "investment": _l("Investment"),
    "donation": _l("Donation or sponsorship"),
    "distribution_deal": _l("Product-distribution deal"),
    "media_appearance": _l("Media appearance"),
    "other": _l("Other"),
}
ROLES = {
    "participant": _l("Participant"),
    "host": _l("Host"),
    "speaker": _l("Speaker"),
    "organizer": _l("Organizer"),
    "sponsor": _l("Sponsor"),
    "recipient": _l("Recipient"),
}
FIELD_LABELS = {
    "type": _l("Type"),
    "title": _l("Title"),
    "start_date": _l("Date"),
    "end_date": _l("End date"),
    "country": _l("Country"),
    "city": _l("City"),
    "description": _l("Description"),
    "outcome": _l("Outcome"),
    "next_step": _l("Next step"),
    "next_step_due": _l("Next step due on"),
    "next_step_owner": _l("Next step owner"),
    "next_step_done": _l("Next step done"),
    "participants": _l("Contacts involved"),
    "organizations": _l("Organizations"),
    "plan_tasks": _l("Plan tasks served"),
}
ACTIONS = {
    "engagement.create": _l("Recorded"),
    "engagement.update": _l("Edited"),
    "engagement.delete": _l("Moved to the trash"),
    "engagement.restore": _l("Restored from the trash"),
    "engagement.contact_merged": _l("Contact records merged"),
}
