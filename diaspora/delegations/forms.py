"""Forms of the delegation pages. They parse what was posted; the services validate it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    Form,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)

from diaspora.countries import country_choices
from diaspora.delegations.data import VisitData
from diaspora.delegations.labels import FIELD_LABELS, FORMATS
from diaspora.forms import MultiCheckboxField, choices, ids_in, plan_task_choices, version_number
from diaspora.models import DelegationVisit
from diaspora.transfer.forms import HEADER_LANGUAGES


class VisitForm(FlaskForm):
    version = HiddenField()
    entry_key = HiddenField()

    title = StringField(
        FIELD_LABELS["title"],
        description=_l("E.g. Delegation of Hải Phòng to Japan, Red Flamboyant promotion 2026."),
    )
    country = SelectField(FIELD_LABELS["country"], validate_choice=False)
    cities = StringField(
        FIELD_LABELS["cities"],
        description=_l("In the order of the visit, separated by semicolons: Tokyo; Osaka."),
    )
    start_date = StringField(FIELD_LABELS["start_date"], render_kw={"type": "date"})
    end_date = StringField(FIELD_LABELS["end_date"], render_kw={"type": "date"})
    purpose = TextAreaField(FIELD_LABELS["purpose"], render_kw={"rows": 4})
    leader = StringField(FIELD_LABELS["leader"])
    members = TextAreaField(
        FIELD_LABELS["members"],
        description=_l("One a line: name, title and agency."),
        render_kw={"rows": 4},
    )
    fields = SelectMultipleField(
        FIELD_LABELS["fields"],
        description=_l(
            "Contacts with these fields are suggested first; a field includes its subfields. "
            "Hold Ctrl (or ⌘) to choose several."
        ),
        validate_choice=False,
        render_kw={"size": 10},
    )
    plan_tasks = MultiCheckboxField(FIELD_LABELS["plan_tasks"], validate_choice=False)

    def set_choices(self, language: str, *, tasks, taxonomy) -> None:
        self.country.choices = choices([("", "—"), *country_choices(language)])
        options = []
        for group in taxonomy:
            options.append((group.code, f"{group.code}. {group.name(language)}"))
            options += [
                (child.code, f"— {child.code}. {child.name(language)}")
                for child in group.children
                if child.active
            ]
        self.fields.choices = choices(options)
        self.plan_tasks.choices = plan_task_choices(tasks, language)

    def load(self, visit: DelegationVisit) -> None:
        for name in ("title", "country", "cities", "purpose", "leader", "members"):
            getattr(self, name).data = getattr(visit, name) or ""
        self.start_date.data = visit.start_date.isoformat()
        self.end_date.data = visit.end_date.isoformat()
        self.fields.data = visit.field_codes
        self.plan_tasks.data = visit.plan_task_codes
        self.version.data = str(visit.version)

    def to_data(self) -> VisitData:
        return VisitData(
            title=self.title.data or "",
            country=self.country.data or "",
            cities=self.cities.data or "",
            start_date=self.start_date.data or None,
            end_date=self.end_date.data or None,
            purpose=self.purpose.data or "",
            leader=self.leader.data or "",
            members=self.members.data or "",
            fields=list(self.fields.data or []),
            plan_tasks=list(self.plan_tasks.data or []),
        )

    def expected_version(self) -> int:
        return version_number(self.version)


class ContactsForm(FlaskForm):
    """The list of contacts to meet: suggestions, the finder, removing and ordering."""

    step = HiddenField()
    suggested = MultiCheckboxField(_l("Suggested contacts"), validate_choice=False)
    find_text = StringField(_l("Name"))
    found = MultiCheckboxField(_l("Contacts found"), validate_choice=False)
    add_numbers = StringField(
        _l("Add by record number"), description=_l("Several numbers separated by commas.")
    )
    selected = MultiCheckboxField(_l("Contacts to meet"), validate_choice=False)

    def selected_ids(self) -> list[int]:
        return ids_in(",".join(self.selected.data or []))


class PackForm(FlaskForm):
    purpose = StringField(
        FIELD_LABELS["purpose_of_pack"],
        description=_l("Recorded in the audit trail, e.g. meetings of the delegation in Tokyo."),
    )
    format = SelectField(_l("Format"), choices=choices(FORMATS.items()), validate_choice=False)
    language = SelectField(
        _l("Language of the values"),
        description=_l("Country and expertise names; the column headers are in both languages."),
        choices=choices(HEADER_LANGUAGES.items()),
        validate_choice=False,
    )


class MeetingsForm(FlaskForm):
    met = MultiCheckboxField(_l("Contacts the delegation met"), validate_choice=False)
    outcome = TextAreaField(
        _l("Outcome of the meetings"),
        description=_l("What was agreed, and what happens next."),
        render_kw={"rows": 4},
    )

    def met_ids(self) -> list[int]:
        return ids_in(",".join(self.met.data or []))


class VisitFilterForm(Form):
    when = SelectField(_l("Visits"), validate_choice=False)
