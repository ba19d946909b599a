from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from diaspora.auth.passwords import MAX_LENGTH
from diaspora.forms import choices


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    next = HiddenField()


class NewPasswordMixin:
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Enter a password.")),
            Length(max=MAX_LENGTH, message=_l("The password is too long.")),
        ],
        description=_l("12 to 128 characters; a common password is refused."),
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[EqualTo("password", message=_l("The two passwords do not match."))],
    )


class AccountFieldsMixin:
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter an email address."))])
    name = StringField(
        _l("Full name"),
        validators=[DataRequired(_l("Enter the person's name.")), Length(max=200)],
    )


class SetupForm(AccountFieldsMixin, NewPasswordMixin, FlaskForm):
    pass


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )


class SetPasswordForm(NewPasswordMixin, FlaskForm):
    pass


class UserForm(AccountFieldsMixin, FlaskForm):
    agency_id = SelectField(_l("Agency"), coerce=int, validate_choice=False)
    role = SelectField(
        _l("Role"),
        choices=choices(
            [
                ("viewer", _l("Viewer (other departments)")),
                ("officer", _l("Officer (Department of Foreign Affairs)")),
                ("admin", _l("Administrator")),
            ]
        ),
    )
    locale = SelectField(
        _l("Interface language"), choices=choices([("vi", "Tiếng Việt"), ("en", "English")])
    )
    active = BooleanField(_l("Active"), default=True)
    can_approve_outreach = BooleanField(
        _l("May approve outreach"),
        description=_l(
            "The approver right, for officers: approve letters and messages before they are "
            "sent. Administrators always may."
        ),
    )


class NewUserForm(UserForm, NewPasswordMixin):
    pass


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Enter the code.")), Length(max=32)],
        description=_l("The 6-digit code from your authenticator app, or a recovery code."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True},
    )


class ConfirmCodeForm(FlaskForm):
    code = StringField(
        _l("Code from the app"),
        validators=[DataRequired(_l("Enter the code.")), Length(max=32)],
        description=_l("The 6 digits your authenticator app shows now."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class PasswordConfirmForm(FlaskForm):
    password = PasswordField(
        _l("Your password"), validators=[DataRequired(_l("Enter your password."))]
    )


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
