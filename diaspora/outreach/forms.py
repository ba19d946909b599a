"""Forms of outreach pages. They parse what was posted; the services validate it.

The editor is a plain two-column form: Vietnamese on one side, English on the other, with a
"Preview" button that shows both versions personalised, without saving (no JavaScript needed).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, HiddenField, SelectField, StringField, TextAreaField

from diaspora.countries import country_choices
from diaspora.forms import MultiCheckboxField, choices, ids_in, plan_task_choices, version_number
from diaspora.models import Outreach
from diaspora.outreach.data import OutreachData
from diaspora.outreach.labels import CHANNELS, DELIVERY, FIELD_LABELS, OCCASIONS, SINGLE_LANGUAGE

PREVIEW, SAVE = "preview", "save"
ADD_SEARCH, REMOVE, DELIVERY_STEP = "add_search", "remove", "delivery"


class OutreachForm(FlaskForm):
    version = HiddenField()
    entry_key = HiddenField()
    step = HiddenField()

    title_vi = StringField(FIELD_LABELS["title_vi"], render_kw={"lang": "vi"})
    body_vi = TextAreaField(
        FIELD_LABELS["body_vi"],
        description=_l("Plain text; blank lines separate paragraphs."),
        render_kw={"rows": 16, "lang": "vi"},
    )
    title_en = StringField(FIELD_LABELS["title_en"], render_kw={"lang": "en"})
    body_en = TextAreaField(
        FIELD_LABELS["body_en"],
        description=_l("Plain text; blank lines separate paragraphs."),
        render_kw={"rows": 16, "lang": "en"},
    )
    single_language = SelectField(
        FIELD_LABELS["single_language"],
        choices=choices(SINGLE_LANGUAGE.items()),
        description=_l(
            "Both versions are needed before approval, unless the outreach is in one language."
        ),
        validate_choice=False,
    )
    occasion = SelectField(
        FIELD_LABELS["occasion"], choices=choices(OCCASIONS.items()), validate_choice=False
    )
    channel = SelectField(
        FIELD_LABELS["channel"], choices=choices(CHANNELS.items()), validate_choice=False
    )
    document_number = StringField(
        FIELD_LABELS["document_number"],
        description=_l("For an official letter, e.g. 125/SNgV-LS."),
    )
    signatory = StringField(
        FIELD_LABELS["signatory"],
        description=_l("For an official letter: title and name of who signs it."),
    )
    plan_tasks = MultiCheckboxField(FIELD_LABELS["plan_tasks"], validate_choice=False)

    def set_choices(self, language: str, tasks) -> None:
        self.plan_tasks.choices = plan_task_choices(tasks, language)

    def load(self, outreach: Outreach) -> None:
        for name in (
            "title_vi",
            "title_en",
            "body_vi",
            "body_en",
            "occasion",
            "channel",
            "document_number",
            "signatory",
        ):
            getattr(self, name).data = getattr(outreach, name) or ""
        self.single_language.data = outreach.single_language or ""
        self.plan_tasks.data = outreach.plan_task_codes
        self.version.data = str(outreach.version)

    def to_data(self) -> OutreachData:
        return OutreachData(
            title_vi=self.title_vi.data or "",
            title_en=self.title_en.data or "",
            body_vi=self.body_vi.data or "",
            body_en=self.body_en.data or "",
            single_language=self.single_language.data or "",
            occasion=self.occasion.data or "",
            channel=self.channel.data or "",
            document_number=self.document_number.data or "",
            signatory=self.signatory.data or "",
            plan_tasks=list(self.plan_tasks.data or []),
        )

    def expected_version(self) -> int:
        return version_number(self.version)


class RecipientsForm(FlaskForm):
    """The recipients page: a saved search, the contact finder, and the list itself."""

    step = HiddenField()
    search = StringField(
        _l("Saved search"),
        description=_l(
            "Run the search on “Find experts”, then copy the page's address here "
            "(or its query string, e.g. country=JP&field=TOUR)."
        ),
    )
    find_text = StringField(_l("Name"))
    find_country = SelectField(_l("Country of residence"), validate_choice=False)
    found = MultiCheckboxField(_l("Contacts found"), validate_choice=False)
    found_ids = HiddenField()
    add_numbers = StringField(
        _l("Add by record number"), description=_l("Several numbers separated by commas.")
    )
    selected = MultiCheckboxField(_l("Recipients"), validate_choice=False)
    delivery = SelectField(
        _l("Delivery of the ticked letters"),
        choices=choices((key, DELIVERY[key]) for key in ("sent", "failed")),
        validate_choice=False,
    )

    def set_choices(self, language: str) -> None:
        self.find_country.choices = choices([("", "—"), *country_choices(language)])

    def selected_ids(self) -> list[int]:
        return ids_in(",".join(self.selected.data or []))


class VersionForm(FlaskForm):
    """Approve, return to draft, mark as sent, delete: a button bound to the version read."""

    version = HiddenField()

    def expected_version(self) -> int:
        return version_number(self.version)


class OutreachFilterForm(Form):
    """The list's filter, read from the query string."""

    status = SelectField(FIELD_LABELS["status"], validate_choice=False)
