"""Forms of the privacy actions on one person: a copy of their data, and erasure."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length

from diaspora.privacy.erasure import MAX_REASON


class SubjectCopyForm(FlaskForm):
    """One button per format; the format travels in a hidden field."""

    format = HiddenField(validators=[AnyOf(["json", "pdf"])])


class ErasureForm(FlaskForm):
    confirmation = StringField(
        _l("Type the person's full name to confirm"),
        validators=[DataRequired(_l("Type the person's full name to confirm."))],
        description=_l("Accents and capital letters may be left out."),
    )
    reason = TextAreaField(
        _l("Reason for the erasure"),
        validators=[
            DataRequired(_l("Give the reason: the person's request and its reference.")),
            Length(max=MAX_REASON, message=_l("At most %(max)d characters.")),
        ],
        description=_l("For example: request for deletion received by email on 2 March, ref. 12."),
    )
