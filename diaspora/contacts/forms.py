"""Forms of the contact registry. They parse what was posted; the services validate it.

Fields that the services check (years, dates, codes, choices) are plain strings here, so a
bad value gets the service's clear message in the reader's language, the same message the
API and imports give.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
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
    ConsentInput,
    ContactData,
    ExpertiseEntry,
    MembershipEntry,
)
from diaspora.contacts.labels import (
    CORRESPONDENCE,
    FIELD_LABELS,
    GENDERS,
    LEGAL_BASES,
    LEVELS,
    METHODS,
    ORGANIZATION_KINDS,
    PURPOSES,
    SOURCES,
    STATUSES,
)
from diaspora.contacts.languages import language_choices
from diaspora.contacts.validation import display_phone
from diaspora.countries import country_choices
from diaspora.forms import MultiCheckboxField, choices, version_number
from diaspora.models import Contact

BLANK_EXPERTISE_ROWS = 3
BLANK_MEMBERSHIP_ROWS = 2


def _lines(text: str | None) -> list[str]:
    """One value a line (commas and semicolons also separate)."""
    return [
        part for line in (text or "").splitlines() for part in line.replace(";", ",").split(",")
    ]


def _ids(text: str | None) -> list[int]:
    return [int(part) for part in (text or "").split(",") if part.strip().isdecimal()]


class ExpertiseRowForm(Form):
    field = SelectField(_l("Field"), validate_choice=False)
    level = SelectField(
        _l("Level"), choices=choices([("", "—"), *LEVELS.items()]), validate_choice=False
    )
    years = StringField(_l("Years of experience"), render_kw={"inputmode": "numeric"})


class MembershipRowForm(Form):
    organization = StringField(_l("Organization"), render_kw={"list": "organization-names"})
    role = StringField(_l("Role"))


class ContactForm(FlaskForm):
    # Bookkeeping: the version the form was opened on, a key that makes a double post harmless,
    # duplicates the officer has seen, and which duplicate-panel button was pressed.
    version = HiddenField()
    entry_key = HiddenField()
    acknowledged = HiddenField()
    decision = HiddenField()

    full_name = StringField(
        FIELD_LABELS["full_name"],
        description=_l("As the person writes it in Vietnamese, e.g. Nguyễn Thị Hồng Nhung."),
    )
    foreign_name = StringField(
        FIELD_LABELS["foreign_name"], description=_l("The name used abroad, e.g. Helen Nguyen.")
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
        description=_l("Districts were abolished on 1 July 2025; keep the old name as text."),
    )
    country = SelectField(FIELD_LABELS["country"], validate_choice=False)
    city = StringField(FIELD_LABELS["city"])
    emails = TextAreaField(
        FIELD_LABELS["emails"], description=_l("One address a line."), render_kw={"rows": 2}
    )
    phones = TextAreaField(
        FIELD_LABELS["phones"],
        description=_l(
            "One number a line; numbers without + are read as numbers of the country of residence."
        ),
        render_kw={"rows": 2},
    )
    address = TextAreaField(FIELD_LABELS["address"], render_kw={"rows": 3})
    website = StringField(FIELD_LABELS["website"], render_kw={"inputmode": "url"})
    languages = MultiCheckboxField(FIELD_LABELS["languages"], validate_choice=False)
    occupation = StringField(FIELD_LABELS["occupation"])
    title = StringField(FIELD_LABELS["title"])
    employer = StringField(FIELD_LABELS["employer"])
    categories = MultiCheckboxField(FIELD_LABELS["categories"], validate_choice=False)
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
    status = SelectField(
        FIELD_LABELS["status"], choices=choices(STATUSES.items()), validate_choice=False
    )
    source = SelectField(
        FIELD_LABELS["source"], choices=choices(SOURCES.items()), validate_choice=False
    )
    source_note = StringField(
        FIELD_LABELS["source_note"], description=_l("E.g. the event or the embassy's letter.")
    )
    verified_on = StringField(FIELD_LABELS["verified_on"], render_kw={"type": "date"})
    legal_basis = SelectField(
        FIELD_LABELS["legal_basis"],
        choices=choices([("", _l("None yet (pending)")), *LEGAL_BASES.items()]),
        validate_choice=False,
    )
    legal_basis_note = TextAreaField(
        FIELD_LABELS["legal_basis_note"],
        description=_l("Required when the basis is the department's function."),
        render_kw={"rows": 2},
    )
    notes = TextAreaField(FIELD_LABELS["notes"], render_kw={"rows": 3})
    # Consent given when the person is registered (new records only). Never pre-ticked.
    consent_purposes = MultiCheckboxField(
        _l("The person has agreed to"), choices=choices(PURPOSES.items()), validate_choice=False
    )
    consent_method = SelectField(
        _l("How consent was given"),
        choices=choices([("", "—"), *METHODS.items()]),
        validate_choice=False,
    )
    consent_given_on = StringField(_l("Consent given on"), render_kw={"type": "date"})
    consent_evidence = TextAreaField(
        _l("Evidence"),
        description=_l("E.g. signed form no. 12, filed in folder 2026; or the email's date."),
        render_kw={"rows": 2},
    )

    def set_choices(self, language: str, fields: list, categories: list) -> None:
        self.country.choices = choices([("", "—"), *country_choices(language)])
        self.languages.choices = choices(language_choices(language))
        self.categories.choices = choices((str(row.id), row.name(language)) for row in categories)
        field_choices = [SelectChoice("", "—")]
        for group in fields:
            label = f"{group.code} {group.name(language)}"
            field_choices.append(SelectChoice(str(group.id), label, optgroup=label))
            field_choices += [
                SelectChoice(str(child.id), f"{child.code} {child.name(language)}", optgroup=label)
                for child in group.children
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

    def load(self, contact: Contact) -> None:
        """Fill the form from a record (GET of the edit page)."""
        for name in (
            "full_name",
            "foreign_name",
            "former_names",
            "origin_commune",
            "origin_district_old",
            "country",
            "city",
            "address",
            "website",
            "occupation",
            "title",
            "employer",
            "preferred_language",
            "notes",
            "source",
            "source_note",
            "status",
            "legal_basis_note",
            *WILLINGNESS_FLAGS,
        ):
            getattr(self, name).data = getattr(contact, name)
        self.gender.data = contact.gender or ""
        self.legal_basis.data = contact.legal_basis or ""
        self.birth_year.data = str(contact.birth_year or "")
        self.verified_on.data = contact.verified_on.isoformat() if contact.verified_on else ""
        self.emails.data = "\n".join(contact.email_addresses)
        self.phones.data = "\n".join(display_phone(number) for number in contact.phone_numbers)
        self.languages.data = contact.language_codes
        self.categories.data = [str(row.id) for row in contact.categories]
        self.version.data = str(contact.version)
        while len(self.expertise):
            self.expertise.pop_entry()
        for row in contact.expertise:
            self.expertise.append_entry(
                {"field": str(row.field_id), "level": row.level or "", "years": row.years or ""}
            )
        while len(self.memberships):
            self.memberships.pop_entry()
        for row in contact.memberships:
            self.memberships.append_entry({"organization": row.organization.name, "role": row.role})

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
            categories=list(self.categories.data or []),
            preferred_language=self.preferred_language.data or "vi",
            **{flag: bool(getattr(self, flag).data) for flag in WILLINGNESS_FLAGS},
            notes=self.notes.data or "",
            source=self.source.data or "manual",
            source_note=self.source_note.data or "",
            verified_on=self.verified_on.data or None,
            status=self.status.data or "active",
            legal_basis=self.legal_basis.data or None,
            legal_basis_note=self.legal_basis_note.data or "",
            expertise=[
                ExpertiseEntry(row.field.data, row.level.data, row.years.data)
                for row in (entry.form for entry in self.expertise)
            ],
            memberships=[
                MembershipEntry(row.organization.data or "", row.role.data or "")
                for row in (entry.form for entry in self.memberships)
            ],
        )

    def consent_input(self) -> ConsentInput:
        return ConsentInput(
            purposes=list(self.consent_purposes.data or []),
            method=self.consent_method.data or "",
            given_on=self.consent_given_on.data or None,
            evidence=self.consent_evidence.data or "",
        )

    def acknowledged_ids(self) -> list[int]:
        return _ids(self.acknowledged.data)

    def expected_version(self) -> int:
        return version_number(self.version)


class ConsentForm(FlaskForm):
    purposes = MultiCheckboxField(
        _l("The person has agreed to"), choices=choices(PURPOSES.items()), validate_choice=False
    )
    method = SelectField(
        _l("How consent was given"),
        choices=choices([("", "—"), *METHODS.items()]),
        validate_choice=False,
    )
    given_on = StringField(_l("Consent given on"), render_kw={"type": "date"})
    evidence = TextAreaField(
        _l("Evidence"),
        description=_l("E.g. signed form no. 12, filed in folder 2026; or the email's date."),
        render_kw={"rows": 3},
    )
    notice_version = StringField(
        _l("Version of the privacy notice shown"), description=_l("Optional, e.g. 2026-01.")
    )

    def to_input(self) -> ConsentInput:
        return ConsentInput(
            purposes=list(self.purposes.data or []),
            method=self.method.data or "",
            given_on=self.given_on.data or None,
            evidence=self.evidence.data or "",
            notice_version=self.notice_version.data or "",
        )


class WithdrawConsentForm(FlaskForm):
    withdrawn_on = StringField(_l("Withdrawn on"), render_kw={"type": "date"})
    withdrawal_note = StringField(_l("Note"))


class ConfirmForm(FlaskForm):
    """A POST button protected by the CSRF token."""

    version = HiddenField()


class MergeStartForm(FlaskForm):
    """Pick the record to merge into the one on screen, by its number."""

    other = StringField(_l("Number of the other record"), render_kw={"inputmode": "numeric"})


class OrganizationForm(FlaskForm):
    name = StringField(_l("Name"))
    kind = SelectField(
        _l("Kind"), choices=choices(ORGANIZATION_KINDS.items()), validate_choice=False
    )
    country = SelectField(_l("Country"), validate_choice=False)
    city = StringField(_l("City"))
    website = StringField(_l("Website"), render_kw={"inputmode": "url"})


def merge_form_class(fields: list[str], labels: dict):
    """A form with one survivor/absorbed choice per differing field."""

    class MergeForm(FlaskForm):
        survivor_version = HiddenField()
        absorbed_version = HiddenField()

    for name in fields:
        setattr(
            MergeForm,
            f"choice_{name}",
            RadioField(
                labels.get(name, name),
                choices=choices(
                    [("survivor", _l("Keep this value")), ("absorbed", _l("Take this value"))]
                ),
                validate_choice=False,
            ),
        )
    return MergeForm
