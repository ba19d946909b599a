from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class TokenForm(FlaskForm):
    name = StringField(
        _l("Token name"),
        validators=[
            DataRequired(_l("Give the token a name, such as the tool using it.")),
            Length(max=100),
        ],
        description=_l("What the token is for, e.g. “Culture department spreadsheet”."),
    )
