"""Forms of the register of requests from data subjects. They parse; the services validate."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, HiddenField, SelectField, StringField, TextAreaField

from diaspora.forms import choices
from diaspora.privacy.labels import CHANNELS, KINDS, STATUSES
from diaspora.privacy.request_validation import OFFICER_CHANNELS, RequestInput


class RequestForm(FlaskForm):
    entry_key = HiddenField()
    kind = SelectField(_l("The person asks for"), validate_choice=False)
    received_on = StringField(
        _l("Received on"),
        description=_l("The deadlines run from this day."),
        render_kw={"type": "date"},
    )
    channel = SelectField(_l("Received by"), validate_choice=False)
    contact_id = StringField(
        _l("Record number of the person"),
        description=_l("Leave empty if the person is not in the registry, and fill in below."),
        render_kw={"inputmode": "numeric"},
    )
    requester_name = StringField(_l("Name of the person (not in the registry)"))
    requester_reach = StringField(
        _l("How to reach them"), description=_l("Email address, phone number or postal address.")
    )
    description = TextAreaField(
        _l("The request"),
        description=_l("What the person asks, in their words; no sensitive data."),
        render_kw={"rows": 4},
    )

    def set_choices(self) -> None:
        self.kind.choices = choices([("", _l("Choose…")), *KINDS.items()])
        self.channel.choices = choices(
            [("", _l("Choose…")), *((key, CHANNELS[key]) for key in OFFICER_CHANNELS)]
        )

    def to_input(self) -> RequestInput:
        return RequestInput(
            kind=self.kind.data,
            received_on=self.received_on.data,
            channel=self.channel.data,
            contact_id=self.contact_id.data,
            requester_name=self.requester_name.data,
            requester_reach=self.requester_reach.data,
            description=self.description.data,
        )


class StepForm(FlaskForm):
    """Every step carries the version of the request the officer saw."""

    version = HiddenField()

    def expected_version(self) -> int:
        value = (self.version.data or "").strip()
        return int(value) if value.isdecimal() and len(value) < 10 else 0


class AcknowledgeForm(StepForm):
    on = StringField(_l("Replied on"), render_kw={"type": "date"})


class ExtendForm(StepForm):
    reason = TextAreaField(
        _l("Reason for the extension"),
        description=_l("Tell the person this reason together with the new deadline."),
        render_kw={"rows": 2},
    )


class CompleteForm(StepForm):
    on = StringField(_l("Completed on"), render_kw={"type": "date"})
    outcome = TextAreaField(
        _l("What was done"),
        description=_l("E.g. copy sent by email; record corrected; processing stopped."),
        render_kw={"rows": 2},
    )


class RefuseForm(StepForm):
    on = StringField(_l("Refused on"), render_kw={"type": "date"})
    reason = TextAreaField(
        _l("Reason for refusing"),
        description=_l("The legal ground; the person is told it."),
        render_kw={"rows": 2},
    )


class RequestFilterForm(Form):
    """The list's filters, read from the query string."""

    status = SelectField(_l("Status"), validate_choice=False)
    kind = SelectField(_l("Kind"), validate_choice=False)
    due = SelectField(_l("Deadline"), validate_choice=False)

    def set_choices(self) -> None:
        self.status.choices = choices([("open", _l("Open")), ("all", _l("All")), *STATUSES.items()])
        self.kind.choices = choices([("", _l("All kinds")), *KINDS.items()])
        self.due.choices = choices(
            [("", _l("Any")), ("due", _l("Due within 7 days")), ("overdue", _l("Overdue"))]
        )
