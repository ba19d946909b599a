"""Labels of the contact fields and of their coded values, in both languages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

FIELD_LABELS = {
    "full_name": _l("Full name (family name first)"),
    "foreign_name": _l("Adopted or foreign name"),
    "former_names": _l("Former names"),
    "gender": _l("Gender"),
    "birth_year": _l("Year of birth"),
    "origin_commune": _l("Home commune or ward in Hải Phòng"),
    "origin_district_old": _l("District before July 2025"),
    "country": _l("Country of residence"),
    "city": _l("City"),
    "emails": _l("Email addresses"),
    "phones": _l("Phone numbers"),
    "address": _l("Postal address"),
    "website": _l("Website"),
    "languages": _l("Languages"),
    "occupation": _l("Occupation"),
    "title": _l("Title or position"),
    "employer": _l("Employer"),
    "categories": _l("Categories"),
    "preferred_language": _l("Language for correspondence"),
    "willing_advise": _l("Willing to advise"),
    "willing_invest": _l("Willing to invest"),
    "willing_host_delegation": _l("Willing to host a delegation"),
    "willing_promote_products": _l("Willing to promote Hải Phòng products"),
    "willing_teach": _l("Willing to teach"),
    "notes": _l("Internal notes"),
    "source": _l("Source"),
    "source_note": _l("Source details"),
    "verified_on": _l("Last verified on"),
    "status": _l("Status"),
    "legal_basis": _l("Legal basis"),
    "legal_basis_note": _l("Justification"),
    "expertise": _l("Expertise"),
    "memberships": _l("Organizations"),
}

GENDERS = {"female": _l("Female"), "male": _l("Male"), "other": _l("Other")}
STATUSES = {"active": _l("Active"), "inactive": _l("Inactive"), "deceased": _l("Deceased")}
SOURCES = {
    "manual": _l("Entered by hand"),
    "import": _l("Import"),
    "self_registration": _l("Self-registration"),
    "event_sheet": _l("Event sign-in sheet"),
    "embassy_list": _l("Embassy list"),
}
LEGAL_BASES = {
    "consent": _l("Consent of the person"),
    "state_function": _l("Function of the department (state agency)"),
}
LEVELS = {"basic": _l("Basic"), "experienced": _l("Experienced"), "expert": _l("Expert")}
PURPOSES = {
    "store_process": _l("Store and process the profile"),
    "outreach": _l("Contact for outreach"),
    "sharing": _l("Share with delegations and partner departments"),
}
METHODS = {
    "form": _l("Registration form"),
    "paper": _l("Signed paper"),
    "email": _l("Email"),
    "in_person": _l("In person"),
}
ORGANIZATION_KINDS = {
    "association": _l("Association"),
    "business": _l("Business"),
    "university": _l("University or research institute"),
    "government": _l("Government body"),
    "other": _l("Other"),
}
CORRESPONDENCE = {"vi": "Tiếng Việt", "en": "English"}
ACTIONS = {
    "contact.create": _l("Created"),
    "contact.update": _l("Edited"),
    "contact.delete": _l("Moved to the trash"),
    "contact.restore": _l("Restored from the trash"),
    "contact.merge": _l("Merged with another record"),
    "contact.merged_into": _l("Merged into another record"),
    "contact.consent": _l("Consent recorded"),
    "contact.consent_withdrawn": _l("Consent withdrawn"),
}
REASONS = {
    "email": _l("same email address"),
    "phone": _l("same phone number"),
    "same_name": _l("same name in the same country"),
    "similar_name": _l("similar name in the same country"),
    "same_city": _l("same city"),
    "same_birth_year": _l("same year of birth"),
}
CODED_VALUES = {
    "gender": GENDERS,
    "status": STATUSES,
    "source": SOURCES,
    "legal_basis": LEGAL_BASES,
    "preferred_language": CORRESPONDENCE,
    "purpose": PURPOSES,
    "method": METHODS,
    "level": LEVELS,
}
