"""Forms of the import and export pages. They parse; the services validate."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, StringField

from diaspora.contacts.forms import MultiCheckboxField
from diaspora.forms import choices

FORMAT_LABELS = {
    "xlsx": _l("Excel (XLSX)"),
    "csv": _l("CSV (UTF-8, opens in Excel)"),
    "vcf": _l("vCard (address books, phones)"),
    "pdf": _l("PDF list (to print)"),
}
HEADER_LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}


class ExportForm(FlaskForm):
    format = RadioField(
        _l("Format"), choices=choices(FORMAT_LABELS.items()), default="xlsx", validate_choice=False
    )
    columns = MultiCheckboxField(_l("Columns"), validate_choice=False)
    language = SelectField(
        _l("Language of the headers"),
        choices=choices(HEADER_LANGUAGES.items()),
        validate_choice=False,
    )
    purpose = StringField(
        _l("Purpose of this list"),
        description=_l(
            "Required and kept in the audit trail, e.g. “Delegation visit to Japan, May 2026”."
        ),
    )
    visit = SelectField(
        _l("Or: for a delegation visit"),
        description=_l(
            "The visit is kept in the audit trail; it is the purpose if none is written."
        ),
        choices=[],
        validate_choice=False,
    )


class UploadForm(FlaskForm):
    file = FileField(_l("Spreadsheet file"))
    sheet = StringField(
        _l("Sheet (Excel files)"),
        description=_l("The sheet's name; leave empty for the first sheet."),
    )


class MappingForm(FlaskForm):
    """One select per column of the file (added at run time) and an optional name to save."""

    mapping_name = StringField(
        _l("Save this mapping as"),
        description=_l("Optional: a name to reuse for the next file with the same columns."),
    )


class DecisionsForm(FlaskForm):
    """The default action for rows that match an existing contact (per-row selects are added)."""

    default_action = SelectField(_l("For every matching row"), validate_choice=False)


class CommitForm(FlaskForm):
    skip_errors = BooleanField(_l("Leave out the rows in error and import the others"))
    confirm_again = BooleanField(_l("Yes, import this file again"))


def mapping_form_class(count: int):
    class Form(MappingForm):
        pass

    for index in range(count):
        setattr(Form, f"column_{index}", SelectField(validate_choice=False))
    return Form


def decisions_form_class(row_ids: list[int]):
    class Form(DecisionsForm):
        pass

    for row_id in row_ids:
        setattr(Form, f"row_{row_id}", SelectField(validate_choice=False))
    return Form
