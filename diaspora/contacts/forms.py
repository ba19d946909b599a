"""Forms of the contact registry. They parse what was posted; the services validate it.

Fields that the services check (years, dates, codes, choices) are plain strings here, so a
bad value gets the service's clear message in the reader's language, the same message the
API and imports give.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField

from diaspora.contacts.data import WILLINGNESS_FLAGS, ConsentInput, ContactData
from diaspora.contacts.labels import (
    FIELD_LABELS,
    LEGAL_BASES,
    METHODS,
    ORGANIZATION_KINDS,
    PURPOSES,
    SOURCES,
    STATUSES,
)
from diaspora.contacts.profile_fields import profile_fields
from diaspora.forms import MultiCheckboxField, choices, version_number
from diaspora.models import Contact

OFFICER_HINTS = {
    "full_name": _l("As the person writes it in Vietnamese, e.g. Nguyễn Thị Hồng Nhung."),
    "foreign_name": _l("The name used abroad, e.g. Helen Nguyen."),
    "origin_district_old": _l(
        "Districts were abolished on 1 July 2025; keep the old name as text."
    ),
    "phones": _l(
        "One number a line; numbers without + are read as numbers of the country of residence."
    ),
}


def _ids(text: str | None) -> list[int]:
    return [int(part) for part in (text or "").split(",") if part.strip().isdecimal()]


class ContactForm(profile_fields(OFFICER_HINTS), FlaskForm):
    # Bookkeeping: the version the form was opened on, a key that makes a double post harmless,
    # duplicates the officer has seen, and which duplicate-panel button was pressed.
    version = HiddenField()
    entry_key = HiddenField()
    acknowledged = HiddenField()
    decision = HiddenField()

    # The profile's fields come from profile_fields(); the officers' own follow.
    categories = MultiCheckboxField(FIELD_LABELS["categories"], validate_choice=False)
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
        self.set_profile_choices(language, fields)
        self.categories.choices = choices((str(row.id), row.name(language)) for row in categories)

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
        self.categories.data = [str(row.id) for row in contact.categories]
        self.version.data = str(contact.version)
        self.load_profile_lists(
            emails=contact.email_addresses,
            phones=contact.phone_numbers,
            languages=contact.language_codes,
            expertise=(
                {"field": str(row.field_id), "level": row.level or "", "years": row.years or ""}
                for row in contact.expertise
            ),
            memberships=(
                {"organization": row.organization.name, "role": row.role}
                for row in contact.memberships
            ),
        )

    def to_data(self) -> ContactData:
        return ContactData(
            **self.profile_data(),
            categories=list(self.categories.data or []),
            notes=self.notes.data or "",
            source=self.source.data or "manual",
            source_note=self.source_note.data or "",
            verified_on=self.verified_on.data or None,
            status=self.status.data or "active",
            legal_basis=self.legal_basis.data or None,
            legal_basis_note=self.legal_basis_note.data or "",
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
