from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length


class FieldForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Enter a code.")), Length(max=16)],
        description=_l("For example S.13 or 2.12. Letters, digits, dots and dashes."),
    )
    name_vi = StringField(
        _l("Name in Vietnamese"),
        validators=[DataRequired(_l("Enter the name in both languages.")), Length(max=200)],
    )
    name_en = StringField(
        _l("Name in English"),
        validators=[DataRequired(_l("Enter the name in both languages.")), Length(max=200)],
    )
    parent_id = SelectField(_l("Parent field"), coerce=int, validate_choice=False)


class CategoryForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Enter a code."))],
        description=_l("A short identifier in English, e.g. entrepreneur."),
    )
    name_vi = StringField(
        _l("Name in Vietnamese"),
        validators=[DataRequired(_l("Enter the name in both languages."))],
    )
    name_en = StringField(
        _l("Name in English"),
        validators=[DataRequired(_l("Enter the name in both languages."))],
    )
