"""Labels of outreach fields and coded values, in both languages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

OCCASIONS = {
    "tet": _l("Tết (Lunar New Year)"),
    "liberation_day": _l("Liberation of Hải Phòng (13 May)"),
    "national_day": _l("National Day (2 September)"),
    "flamboyant_festival": _l("Red Flamboyant Festival"),
    "other": _l("Other occasion"),
}
CHANNELS = {
    "letter": _l("Official letter"),
    "email": _l("Email"),
    "social_media": _l("Social media"),
    "video": _l("Video"),
    "publication": _l("Publication"),
}
STATUSES = {
    "draft": _l("Draft"),
    "approved": _l("Approved"),
    "sent": _l("Sent out"),
}
DELIVERY = {
    "pending": _l("Not sent yet"),
    "sent": _l("Sent out"),
    "failed": _l("Not delivered"),
    "left_out": _l("Left out"),
}
LANGUAGES = {"vi": _l("Vietnamese"), "en": _l("English")}
SINGLE_LANGUAGE = {
    "": _l("Both languages (Vietnamese and English)"),
    "vi": _l("Vietnamese only"),
    "en": _l("English only"),
}
# Why a contact is left out of an outreach.
REASONS = {
    "no_consent": _l("no consent to outreach recorded"),
    "withdrawn": _l("consent to outreach withdrawn"),
    "deceased": _l("deceased"),
    "removed": _l("record in the trash or merged"),
    "already": _l("already on the list"),
}
FIELD_LABELS = {
    "title_vi": _l("Title in Vietnamese"),
    "title_en": _l("Title in English"),
    "body_vi": _l("Text in Vietnamese"),
    "body_en": _l("Text in English"),
    "single_language": _l("Languages"),
    "occasion": _l("Occasion"),
    "channel": _l("Channel"),
    "document_number": _l("Document number"),
    "signatory": _l("Signatory"),
    "plan_tasks": _l("Plan tasks served"),
    "status": _l("Status"),
    "recipients": _l("Recipients"),
}
ACTIONS = {
    "outreach.create": _l("Created"),
    "outreach.update": _l("Edited"),
    "outreach.approve": _l("Approved"),
    "outreach.reopen": _l("Returned to draft"),
    "outreach.send": _l("Marked as sent"),
    "outreach.recipients_add": _l("Recipients added"),
    "outreach.recipients_remove": _l("Recipients removed"),
    "outreach.delivery": _l("Delivery status changed"),
    "outreach.export": _l("Letters downloaded"),
    "outreach.delete": _l("Deleted"),
}
