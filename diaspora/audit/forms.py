from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class AuditFilterFields:
    actor = SelectField(_l("Who"), coerce=int, validate_choice=False)
    action = SelectField(_l("Action"), validate_choice=False)
    target_type = SelectField(_l("Record type"), validate_choice=False)
    target_id = IntegerField(
        _l("Record number"),
        validators=[Optional(), NumberRange(min=1, message=_l("Enter a positive record number."))],
    )
    date_from = DateField(
        _l("From"), validators=[Optional()], render_kw={"placeholder": "YYYY-MM-DD"}
    )
    date_to = DateField(_l("To"), validators=[Optional()], render_kw={"placeholder": "YYYY-MM-DD"})
    page = HiddenField()


class AuditFilterForm(AuditFilterFields, FlaskForm):
    """Filters in the query string of a GET: no CSRF token, nothing changes."""

    class Meta:
        csrf = False


class AuditExportForm(AuditFilterFields, FlaskForm):
    """The same filters, posted with a purpose and a CSRF token: an export is an action."""

    purpose = StringField(
        _l("Purpose of the export"),
        validators=[
            DataRequired(_l("Say why you are exporting the audit trail.")),
            Length(max=500, message=_l("Keep the purpose under %(n)d characters.", n=500)),
        ],
        description=_l("Recorded in the audit trail with the filters."),
    )
