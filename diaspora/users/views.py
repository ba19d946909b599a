"""Administrators manage accounts: create, edit, deactivate, set a new password."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, url_for
from flask_babel import gettext as _

from diaspora.auth import services, two_factor
from diaspora.auth.forms import ActionForm, NewUserForm, SetPasswordForm, UserForm
from diaspora.auth.permissions import Permission, requires
from diaspora.core.paging import page_number
from diaspora.errors import NotFound
from diaspora.extensions import db
from diaspora.forms import choices
from diaspora.i18n import current_language
from diaspora.models import User
from diaspora.plan.services import list_agencies
from diaspora.saving import confirmed_step, current_actor, save_form

bp = Blueprint("users", __name__, url_prefix="/admin/users")


def _agency_choices() -> list:
    language = current_language()
    return choices([(0, _("— none —"))] + [(a.id, a.name(language)) for a in list_agencies()])


def _data(form: UserForm) -> services.UserData:
    return services.UserData(
        email=form.email.data or "",
        name=form.name.data or "",
        role=form.role.data or "",
        locale=form.locale.data or "",
        agency_id=form.agency_id.data or None,
        can_approve_outreach=bool(form.can_approve_outreach.data),
    )


def _get(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("This account does not exist."))
    return user


@bp.route("/")
@requires(Permission.MANAGE_USERS)
def index():
    return render_template(
        "users/index.html",
        page=services.users_page(page_number(), current_app.config["PER_PAGE"]),
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def new():
    form = NewUserForm()
    form.agency_id.choices = _agency_choices()

    def create() -> User:
        user = services.create_user(_data(form), form.password.data, actor=current_actor())
        if not form.active.data:
            user.active = False
        return user

    answer = save_form(
        form,
        create,
        done=lambda user: _("Account created for %(name)s.", name=user.name),
        next_url=url_for("users.index"),
    )
    return answer or render_template("users/form.html", form=form, user=None)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def edit(user_id: int):
    user = _get(user_id)
    form = UserForm(obj=user)
    form.agency_id.choices = _agency_choices()
    if not form.is_submitted():
        form.agency_id.data = user.agency_id or 0
    answer = save_form(
        form,
        lambda: services.update_user(
            user, _data(form), active=form.active.data, actor=current_actor()
        ),
        done=lambda _changes: _("Account of %(name)s saved.", name=user.name),
        next_url=url_for("users.index"),
    )
    return answer or render_template(
        "users/form.html", form=form, user=user, reset_form=ActionForm()
    )


@bp.route("/<int:user_id>/password", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def set_password(user_id: int):
    user = _get(user_id)
    form = SetPasswordForm()
    answer = save_form(
        form,
        lambda: services.set_password(user, form.password.data, actor=current_actor()),
        done=lambda _result: _(
            "New password set for %(name)s; their sessions have ended.", name=user.name
        ),
        next_url=url_for("users.index"),
        category="message",
    )
    return answer or render_template("users/password.html", form=form, user=user)


@bp.route("/<int:user_id>/two-factor/reset", methods=["POST"])
@requires(Permission.MANAGE_USERS)
def reset_two_factor(user_id: int):
    user = _get(user_id)
    return confirmed_step(
        ActionForm(),
        lambda: two_factor.reset(user, actor=current_actor()),
        done=lambda: _(
            "Two-factor sign-in removed for %(name)s; their sessions have ended.", name=user.name
        ),
        next_url=url_for("users.edit", user_id=user.id),
    )
