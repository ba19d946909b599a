"""Forms of engagements. They parse what was posted; the services validate it.

The engagement form carries its own contact finder: "Find" re-renders the same form with the
matching contacts, "Add" puts the chosen ones in the participant rows, and nothing typed so far
is lost on the way (no JavaScript needed). Only "Save" reaches the service.
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
    SelectField,
    StringField,
    TextAreaField,
)

from diaspora.countries import country_choices
from diaspora.engagements.data import EngagementData, ParticipantEntry
from diaspora.engagements.labels import FIELD_LABELS, ROLES, TYPES
from diaspora.engagements.validation import as_int
from diaspora.forms import MultiCheckboxField, choices, plan_task_choices, version_number
from diaspora.models import Engagement

MAX_ROWS = 2000
# Buttons of the engagement form: what the post asks for.
SAVE = "save"


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ParticipantRowForm(Form):
    contact_id = HiddenField()
    role = SelectField(_l("Role"), choices=choices(ROLES.items()), validate_choice=False)
    note = StringField(_l("Note about this person"))
    remove = BooleanField(_l("Remove"))


class EngagementForm(FlaskForm):
    version = HiddenField()
    entry_key = HiddenField()
    step = HiddenField()

    type = SelectField(FIELD_LABELS["type"], validate_choice=False)
    title = StringField(
        FIELD_LABELS["title"],
        description=_l("E.g. Tết gathering of the Hải Phòng community in Tokyo."),
    )
    start_date = StringField(FIELD_LABELS["start_date"], render_kw={"type": "date"})
    end_date = StringField(
        FIELD_LABELS["end_date"],
        description=_l("Only for an activity over several days."),
        render_kw={"type": "date"},
    )
    country = SelectField(_l("Country where it took place"), validate_choice=False)
    city = StringField(_l("City or place"))
    description = TextAreaField(FIELD_LABELS["description"], render_kw={"rows": 4})
    outcome = TextAreaField(FIELD_LABELS["outcome"], render_kw={"rows": 3})
    next_step = StringField(
        FIELD_LABELS["next_step"], description=_l("What the department will do next, if anything.")
    )
    next_step_due = StringField(FIELD_LABELS["next_step_due"], render_kw={"type": "date"})
    next_step_owner_id = SelectField(
        FIELD_LABELS["next_step_owner"],
        description=_l("Whoever records the engagement, if nobody is chosen."),
        validate_choice=False,
    )
    next_step_done = BooleanField(FIELD_LABELS["next_step_done"])
    participants = FieldList(FormField(ParticipantRowForm), max_entries=MAX_ROWS)
    organizations = TextAreaField(
        FIELD_LABELS["organizations"],
        description=_l(
            "One a line, e.g. an association of Vietnamese abroad; new names are added."
        ),
        render_kw={"rows": 2, "list": "organization-names"},
    )
    plan_tasks = MultiCheckboxField(FIELD_LABELS["plan_tasks"], validate_choice=False)

    # The contact finder.
    find_text = StringField(_l("Name"))
    find_country = SelectField(_l("Country of residence"), validate_choice=False)
    find_organization = SelectField(_l("Member of"), validate_choice=False)
    found = MultiCheckboxField(_l("Contacts found"), validate_choice=False)
    found_ids = HiddenField()
    add_role = SelectField(
        _l("Role of the contacts added"), choices=choices(ROLES.items()), validate_choice=False
    )
    add_numbers = StringField(
        _l("Add by record number"), description=_l("Several numbers separated by commas.")
    )

    def set_choices(self, language: str, *, tasks, owners, organizations) -> None:
        countries = [("", "—"), *country_choices(language)]
        self.type.choices = choices([("", "—"), *TYPES.items()])
        self.country.choices = choices(countries)
        self.find_country.choices = choices(countries)
        self.find_organization.choices = choices(
            [("", "—"), *((str(row.id), row.name) for row in organizations)]
        )
        self.next_step_owner_id.choices = choices(
            [("", "—"), *((str(user.id), user.name) for user in owners)]
        )
        self.plan_tasks.choices = plan_task_choices(tasks, language)

    def load(self, engagement: Engagement) -> None:
        """Fill the form from an engagement (GET of the edit page)."""
        for name in ("type", "title", "country", "city", "description", "outcome", "next_step"):
            getattr(self, name).data = getattr(engagement, name) or ""
        for name in ("start_date", "end_date", "next_step_due"):
            value = getattr(engagement, name)
            getattr(self, name).data = value.isoformat() if value else ""
        self.next_step_owner_id.data = str(engagement.next_step_owner_id or "")
        self.next_step_done.data = engagement.next_step_done
        self.organizations.data = "\n".join(row.name for row in engagement.organizations)
        self.plan_tasks.data = engagement.plan_task_codes
        self.version.data = str(engagement.version)
        while len(self.participants):
            self.participants.pop_entry()
        for row in engagement.live_participants:
            self.add_participant(row.contact_id, row.role, row.note)

    def participant_ids(self) -> list[int]:
        """The rows' contact ids that can be ids at all (a tampered row is left out)."""
        ids = (as_int(entry.form.contact_id.data) for entry in self.participants)
        return [contact_id for contact_id in ids if contact_id is not None]

    def add_participant(self, contact_id: int, role: str = "participant", note: str = "") -> bool:
        if contact_id in self.participant_ids() or len(self.participants) >= MAX_ROWS:
            return False
        self.participants.append_entry({"contact_id": str(contact_id), "role": role, "note": note})
        return True

    def to_data(self) -> EngagementData:
        return EngagementData(
            type=self.type.data or "",
            title=self.title.data or "",
            start_date=self.start_date.data or None,
            end_date=self.end_date.data or None,
            country=self.country.data or "",
            city=self.city.data or "",
            description=self.description.data or "",
            outcome=self.outcome.data or "",
            next_step=self.next_step.data or "",
            next_step_due=self.next_step_due.data or None,
            next_step_owner_id=self.next_step_owner_id.data or None,
            next_step_done=bool(self.next_step_done.data),
            participants=[
                ParticipantEntry(
                    row.contact_id.data, row.role.data or "participant", row.note.data or ""
                )
                for row in (entry.form for entry in self.participants)
                if not row.remove.data
            ],
            organizations=_lines(self.organizations.data),
            plan_tasks=list(self.plan_tasks.data or []),
        )

    def expected_version(self) -> int:
        return version_number(self.version)


class EngagementFilterForm(Form):
    """The list's filters, read from the query string."""

    q = StringField(_l("Title contains"))
    type = SelectField(FIELD_LABELS["type"], validate_choice=False)
    year = StringField(_l("Year"), render_kw={"inputmode": "numeric"})
    task = SelectField(_l("Plan task"), validate_choice=False)
    country = SelectField(_l("Country where it took place"), validate_choice=False)

    def set_choices(self, language: str, tasks) -> None:
        self.type.choices = choices([("", _l("All types")), *TYPES.items()])
        self.task.choices = choices(
            [("", _l("All tasks")), *((task.code, task.code) for task in tasks)]
        )
        self.country.choices = choices([("", _l("All countries")), *country_choices(language)])

    def year_value(self) -> int | None:
        raw = (self.year.data or "").strip()
        return int(raw) if raw.isdecimal() and 1900 <= int(raw) <= 9999 else None
