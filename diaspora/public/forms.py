"""Forms of the public pages and of the review queue. They parse; the services validate."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)

from diaspora.contacts.data import (
    WILLINGNESS_FLAGS,
    ContactData,
    ExpertiseEntry,
    MembershipEntry,
)
from diaspora.contacts.forms import ExpertiseRowForm, MembershipRowForm, MultiCheckboxField
from diaspora.contacts.labels import CORRESPONDENCE, FIELD_LABELS, GENDERS
from diaspora.contacts.languages import language_choices
from diaspora.contacts.validation import display_phone
from diaspora.countries import country_choices
from diaspora.forms import choices, version_number
from diaspora.models import ConsentPurpose
from diaspora.public import payload as P

BLANK_EXPERTISE_ROWS = 3
BLANK_MEMBERSHIP_ROWS = 2
CONSENT_FIELDS = {purpose.value: f"consent_{purpose.value}" for purpose in ConsentPurpose}


def _lines(text: str | None) -> list[str]:
    return [
        part for line in (text or "").splitlines() for part in line.replace(";", ",").split(",")
    ]


class PublicProfileForm(FlaskForm):
    """What a person tells about themselves: the public fields, and a consent per purpose."""

    full_name = StringField(
        FIELD_LABELS["full_name"],
        description=_l("As you write it in Vietnamese, e.g. Nguyễn Thị Hồng Nhung."),
    )
    foreign_name = StringField(
        FIELD_LABELS["foreign_name"], description=_l("The name you use abroad, e.g. Helen Nguyen.")
    )
    former_names = StringField(
        FIELD_LABELS["former_names"], description=_l("Separate several names with semicolons.")
    )
    gender = SelectField(
        FIELD_LABELS["gender"],
        choices=choices([("", "—"), *GENDERS.items()]),
        validate_choice=False,
    )
    birth_year = StringField(FIELD_LABELS["birth_year"], render_kw={"inputmode": "numeric"})
    origin_commune = StringField(FIELD_LABELS["origin_commune"])
    origin_district_old = StringField(
        FIELD_LABELS["origin_district_old"],
        description=_l(
            "Districts were abolished on 1 July 2025; write the old name if you know it."
        ),
    )
    country = SelectField(FIELD_LABELS["country"], validate_choice=False)
    city = StringField(FIELD_LABELS["city"])
    emails = TextAreaField(
        FIELD_LABELS["emails"], description=_l("One address a line."), render_kw={"rows": 2}
    )
    phones = TextAreaField(
        FIELD_LABELS["phones"],
        description=_l("One number a line, with the country code, e.g. +49 30 1234567."),
        render_kw={"rows": 2},
    )
    address = TextAreaField(FIELD_LABELS["address"], render_kw={"rows": 3})
    website = StringField(FIELD_LABELS["website"], render_kw={"inputmode": "url"})
    languages = MultiCheckboxField(FIELD_LABELS["languages"], validate_choice=False)
    occupation = StringField(FIELD_LABELS["occupation"])
    title = StringField(FIELD_LABELS["title"])
    employer = StringField(FIELD_LABELS["employer"])
    preferred_language = SelectField(
        FIELD_LABELS["preferred_language"],
        choices=choices(CORRESPONDENCE.items()),
        validate_choice=False,
    )
    willing_advise = BooleanField(FIELD_LABELS["willing_advise"])
    willing_invest = BooleanField(FIELD_LABELS["willing_invest"])
    willing_host_delegation = BooleanField(FIELD_LABELS["willing_host_delegation"])
    willing_promote_products = BooleanField(FIELD_LABELS["willing_promote_products"])
    willing_teach = BooleanField(FIELD_LABELS["willing_teach"])
    expertise = FieldList(FormField(ExpertiseRowForm), min_entries=BLANK_EXPERTISE_ROWS)
    memberships = FieldList(FormField(MembershipRowForm), min_entries=BLANK_MEMBERSHIP_ROWS)
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
        self.country.choices = choices([("", "—"), *country_choices(language)])
        self.languages.choices = choices(language_choices(language))
        field_choices = [SelectChoice("", "—")]
        for group in groups:
            label = f"{group.code} {group.name(language)}"
            field_choices.append(SelectChoice(str(group.id), label, optgroup=label))
            field_choices += [
                SelectChoice(str(child.id), f"{child.code} {child.name(language)}", optgroup=label)
                for child in group.children
                if child.active
            ]
        for row in self.expertise:
            row.form.field.choices = field_choices

    def pad_rows(self) -> None:
        """Empty rows to add expertise and organizations without JavaScript."""
        for rows, blank in (
            (self.expertise, BLANK_EXPERTISE_ROWS),
            (self.memberships, BLANK_MEMBERSHIP_ROWS),
        ):
            filled = sum(1 for row in rows if any(v for v in row.data.values()))
            while len(rows) < filled + blank:
                rows.append_entry()

    def load(self, values: dict[str, Any], field_ids: dict[str, int], purposes: list[str]) -> None:
        """Fill from a record's public values (the update-link page); ``field_ids``: code → id."""
        for key in P.SCALARS:
            value = values.get(key)
            if key == "birth_year":
                value = str(value or "")
            elif key == "gender":
                value = value or ""
            getattr(self, key).data = value
        self.emails.data = "\n".join(values.get("emails") or [])
        self.phones.data = "\n".join(display_phone(n) for n in values.get("phones") or [])
        self.languages.data = list(values.get("languages") or [])
        while len(self.expertise):
            self.expertise.pop_entry()
        for item in values.get("expertise") or []:
            self.expertise.append_entry(
                {
                    "field": str(field_ids.get(item["field"], "")),
                    "level": item.get("level") or "",
                    "years": "" if item.get("years") is None else str(item["years"]),
                }
            )
        while len(self.memberships):
            self.memberships.pop_entry()
        for item in values.get("memberships") or []:
            self.memberships.append_entry(
                {"organization": item["organization"], "role": item.get("role") or ""}
            )
        for purpose, name in CONSENT_FIELDS.items():
            getattr(self, name).data = purpose in purposes

    def to_data(self) -> ContactData:
        return ContactData(
            full_name=self.full_name.data or "",
            foreign_name=self.foreign_name.data or "",
            former_names=self.former_names.data or "",
            gender=self.gender.data or None,
            birth_year=self.birth_year.data or None,
            origin_commune=self.origin_commune.data or "",
            origin_district_old=self.origin_district_old.data or "",
            country=self.country.data or "",
            city=self.city.data or "",
            emails=_lines(self.emails.data),
            phones=(self.phones.data or "").splitlines(),
            address=self.address.data or "",
            website=self.website.data or "",
            languages=list(self.languages.data or []),
            occupation=self.occupation.data or "",
            title=self.title.data or "",
            employer=self.employer.data or "",
            preferred_language=self.preferred_language.data or "vi",
            **{flag: bool(getattr(self, flag).data) for flag in WILLINGNESS_FLAGS},
            expertise=[
                ExpertiseEntry(row.field.data, row.level.data, row.years.data)
                for row in (entry.form for entry in self.expertise)
            ],
            memberships=[
                MembershipEntry(row.organization.data or "", row.role.data or "")
                for row in (entry.form for entry in self.memberships)
            ],
        )

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
