"""The fields of a person's profile, defined once for the officers' contact form and for the
public registration and update-link forms.

Both forms ask the same questions with the same labels and parse the answers the same way; only
some hints differ (an officer writes about someone else, a person about themselves), so each
form builds its base class from :func:`profile_fields` with its own hints. What only one of
them has (the officers' categories, provenance, legal basis and notes; the public consent boxes)
stays in that form.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)

from diaspora.contacts.data import WILLINGNESS_FLAGS, ExpertiseEntry, MembershipEntry
from diaspora.contacts.labels import CORRESPONDENCE, FIELD_LABELS, GENDERS, LEVELS
from diaspora.contacts.languages import language_choices
from diaspora.contacts.validation import display_phone
from diaspora.countries import country_choices
from diaspora.forms import MultiCheckboxField, choices

BLANK_EXPERTISE_ROWS = 3
BLANK_MEMBERSHIP_ROWS = 2
# The fields whose hint depends on who fills the form in.
HINTED = ("full_name", "foreign_name", "origin_district_old", "phones")


def lines(text: str | None) -> list[str]:
    """One value a line (commas and semicolons also separate)."""
    return [
        part for line in (text or "").splitlines() for part in line.replace(";", ",").split(",")
    ]


class ExpertiseRowForm(Form):
    field = SelectField(_l("Field"), validate_choice=False)
    level = SelectField(
        _l("Level"), choices=choices([("", "—"), *LEVELS.items()]), validate_choice=False
    )
    years = StringField(_l("Years of experience"), render_kw={"inputmode": "numeric"})


class MembershipRowForm(Form):
    organization = StringField(_l("Organization"), render_kw={"list": "organization-names"})
    role = StringField(_l("Role"))


def _refill(rows: FieldList, entries: Iterable[dict[str, Any]]) -> None:
    while len(rows):
        rows.pop_entry()
    for entry in entries:
        rows.append_entry(entry)


def profile_fields(hints: Mapping[str, Any]) -> type:
    """A mixin with the profile's fields and their parsing; ``hints`` gives the description of
    each field named in :data:`HINTED`. Put it before ``FlaskForm`` in the bases."""
    missing = set(HINTED) - set(hints)
    if missing:
        raise ValueError(f"hints missing for {sorted(missing)}")

    class ProfileFields:
        full_name = StringField(FIELD_LABELS["full_name"], description=hints["full_name"])
        foreign_name = StringField(FIELD_LABELS["foreign_name"], description=hints["foreign_name"])
        former_names = StringField(
            FIELD_LABELS["former_names"],
            description=_l("Separate several names with semicolons."),
        )
        gender = SelectField(
            FIELD_LABELS["gender"],
            choices=choices([("", "—"), *GENDERS.items()]),
            validate_choice=False,
        )
        birth_year = StringField(FIELD_LABELS["birth_year"], render_kw={"inputmode": "numeric"})
        origin_commune = StringField(FIELD_LABELS["origin_commune"])
        origin_district_old = StringField(
            FIELD_LABELS["origin_district_old"], description=hints["origin_district_old"]
        )
        country = SelectField(FIELD_LABELS["country"], validate_choice=False)
        city = StringField(FIELD_LABELS["city"])
        emails = TextAreaField(
            FIELD_LABELS["emails"], description=_l("One address a line."), render_kw={"rows": 2}
        )
        phones = TextAreaField(
            FIELD_LABELS["phones"], description=hints["phones"], render_kw={"rows": 2}
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

        def set_profile_choices(
            self, language: str, groups: list, *, active_only: bool = False
        ) -> None:
            """Countries, languages and expertise fields in ``language``; ``active_only``
            leaves out the retired subfields."""
            self.country.choices = choices([("", "—"), *country_choices(language)])
            self.languages.choices = choices(language_choices(language))
            field_choices = [SelectChoice("", "—")]
            for group in groups:
                label = f"{group.code} {group.name(language)}"
                field_choices.append(SelectChoice(str(group.id), label, optgroup=label))
                field_choices += [
                    SelectChoice(
                        str(child.id), f"{child.code} {child.name(language)}", optgroup=label
                    )
                    for child in group.children
                    if child.active or not active_only
                ]
            for row in self.expertise:
                row.form.field.choices = field_choices

        def pad_rows(self) -> None:
            """Blank rows to add expertise and organizations without JavaScript."""
            for rows, blank in (
                (self.expertise, BLANK_EXPERTISE_ROWS),
                (self.memberships, BLANK_MEMBERSHIP_ROWS),
            ):
                filled = sum(1 for row in rows if any(v for v in row.data.values()))
                while len(rows) < filled + blank:
                    rows.append_entry()

        def load_profile_lists(
            self,
            *,
            emails: Iterable[str],
            phones: Iterable[str],
            languages: Iterable[str],
            expertise: Iterable[dict[str, Any]],
            memberships: Iterable[dict[str, Any]],
        ) -> None:
            """Fill the fields that hold several values; the rows replace any blank ones."""
            self.emails.data = "\n".join(emails)
            self.phones.data = "\n".join(display_phone(number) for number in phones)
            self.languages.data = list(languages)
            _refill(self.expertise, expertise)
            _refill(self.memberships, memberships)

        def profile_data(self) -> dict[str, Any]:
            """The profile's answers as keyword arguments of ``ContactData``."""
            return {
                "full_name": self.full_name.data or "",
                "foreign_name": self.foreign_name.data or "",
                "former_names": self.former_names.data or "",
                "gender": self.gender.data or None,
                "birth_year": self.birth_year.data or None,
                "origin_commune": self.origin_commune.data or "",
                "origin_district_old": self.origin_district_old.data or "",
                "country": self.country.data or "",
                "city": self.city.data or "",
                "emails": lines(self.emails.data),
                "phones": (self.phones.data or "").splitlines(),
                "address": self.address.data or "",
                "website": self.website.data or "",
                "languages": list(self.languages.data or []),
                "occupation": self.occupation.data or "",
                "title": self.title.data or "",
                "employer": self.employer.data or "",
                "preferred_language": self.preferred_language.data or "vi",
                **{flag: bool(getattr(self, flag).data) for flag in WILLINGNESS_FLAGS},
                "expertise": [
                    ExpertiseEntry(row.field.data, row.level.data, row.years.data)
                    for row in (entry.form for entry in self.expertise)
                ],
                "memberships": [
                    MembershipEntry(row.organization.data or "", row.role.data or "")
                    for row in (entry.form for entry in self.memberships)
                ],
            }

    return ProfileFields
