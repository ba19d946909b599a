"""Forms of the public pages and of the review queue. They parse; the services validate."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, StringField, TextAreaField

from diaspora.contacts.data import ContactData
from diaspora.contacts.labels import FIELD_LABELS
from diaspora.contacts.profile_fields import profile_fields
from diaspora.forms import choices, version_number
from diaspora.models import ConsentPurpose
from diaspora.public import payload as P

CONSENT_FIELDS = {purpose.value: f"consent_{purpose.value}" for purpose in ConsentPurpose}
PERSON_HINTS = {
    "full_name": _l("As you write it in Vietnamese, e.g. Nguyễn Thị Hồng Nhung."),
    "foreign_name": _l("The name you use abroad, e.g. Helen Nguyen."),
    "origin_district_old": _l(
        "Districts were abolished on 1 July 2025; write the old name if you know it."
    ),
    "phones": _l("One number a line, with the country code, e.g. +49 30 1234567."),
}


class PublicProfileForm(profile_fields(PERSON_HINTS), FlaskForm):
    """What a person tells about themselves: the public fields, and a consent per purpose."""

    # One box per purpose, never ticked in advance: agreeing to one is not agreeing to another.
    consent_store_process = BooleanField(
        _l(
            "I agree that the Department of Foreign Affairs of Hải Phòng stores and processes "
            "the data in this form, as the notice above explains."
        )
    )
    consent_outreach = BooleanField(
        _l("I agree to be contacted with invitations, greetings and news of the city's programmes.")
    )
    consent_sharing = BooleanField(
        _l(
            "I agree that my name, field and city may be shared with other city departments "
            "and with delegations visiting my country."
        )
    )

    def set_choices(self, language: str, groups: list) -> None:
        self.set_profile_choices(language, groups, active_only=True)

    def load(self, values: dict[str, Any], field_ids: dict[str, int], purposes: list[str]) -> None:
        """Fill from a record's public values (the update-link page); ``field_ids``: code → id."""
        for key in P.SCALARS:
            value = values.get(key)
            if key == "birth_year":
                value = str(value or "")
            elif key == "gender":
                value = value or ""
            getattr(self, key).data = value
        self.load_profile_lists(
            emails=values.get("emails") or [],
            phones=values.get("phones") or [],
            languages=values.get("languages") or [],
            expertise=(
                {
                    "field": str(field_ids.get(item["field"], "")),
                    "level": item.get("level") or "",
                    "years": "" if item.get("years") is None else str(item["years"]),
                }
                for item in values.get("expertise") or []
            ),
            memberships=(
                {"organization": item["organization"], "role": item.get("role") or ""}
                for item in values.get("memberships") or []
            ),
        )
        for purpose, name in CONSENT_FIELDS.items():
            getattr(self, name).data = purpose in purposes

    def to_data(self) -> ContactData:
        return ContactData(**self.profile_data())

    def chosen_purposes(self) -> list[str]:
        return [purpose for purpose, name in CONSENT_FIELDS.items() if getattr(self, name).data]


class RegistrationForm(PublicProfileForm):
    # Makes a double-clicked form one submission.
    entry_key = HiddenField()
    # A trap for robots: hidden from people (and from the keyboard), filled in by scripts.
    contact_url = StringField(_l("Leave this field empty"))


class UpdateForm(PublicProfileForm):
    # The values the page showed, signed: only what the person changes is proposed.
    seen = HiddenField()
    copy_requested = BooleanField(
        _l("Also send me a copy of all the data the Department holds about me.")
    )


class RequestForm(FlaskForm):
    """The link page's other requests: a copy of the data, or deletion."""

    request = HiddenField()
    confirm_erasure = BooleanField(
        _l("I understand that the Department will remove my profile and stop contacting me.")
    )


# --- review queue ---


class DecisionForm(FlaskForm):
    """Every decision carries the version of the submission the officer saw."""

    version = HiddenField()
    acknowledged = HiddenField()
    note = TextAreaField(_l("Note (optional)"), render_kw={"rows": 2})

    def expected_version(self) -> int:
        return version_number(self.version)

    def acknowledged_ids(self) -> list[int]:
        return [int(p) for p in (self.acknowledged.data or "").split(",") if p.strip().isdecimal()]


class RejectForm(DecisionForm):
    reason = TextAreaField(
        _l("Reason for rejecting"),
        description=_l("Kept with the submission; the person may ask for it."),
        render_kw={"rows": 2},
    )


class LinkForm(FlaskForm):
    days = StringField(_l("Valid for (days)"), render_kw={"inputmode": "numeric"})


def apply_form_class(fields: list[str], collections: tuple[str, ...]):
    """A form with a choice per differing field: keep the record's value, take the submitted one
    or, for lists, keep both."""

    class ApplyForm(DecisionForm):
        contact_version = HiddenField()

        def contact_expected_version(self) -> int:
            value = (self.contact_version.data or "").strip()
            return int(value) if value.isdecimal() else 0

    for name in fields:
        options = [
            (P.CURRENT, _l("Keep the record's value")),
            (P.SUBMITTED, _l("Take the sent value")),
        ]
        if name in collections:
            options.append((P.BOTH, _l("Keep both")))
        setattr(
            ApplyForm,
            f"choice_{name}",
            RadioField(
                FIELD_LABELS.get(name, name), choices=choices(options), validate_choice=False
            ),
        )
    return ApplyForm
