"""The expertise taxonomy: everyone browses it, administrators add, rename and deactivate."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from diaspora.auth.permissions import Permission, requires
from diaspora.forms import ConfirmForm, choices
from diaspora.i18n import current_language
from diaspora.posting import confirmed_step, save_form
from diaspora.reference import services
from diaspora.reference.forms import FieldForm

bp = Blueprint("reference", __name__, url_prefix="/fields")


@bp.route("/")
@requires(Permission.VIEW_REFERENCE)
def fields():
    manage = current_user.is_admin
    return render_template(
        "reference/fields.html",
        groups=services.taxonomy(include_inactive=manage),
        manage=manage,
        confirm_form=ConfirmForm(),
    )


def _parent_choices() -> list:
    language = current_language()
    return choices(
        [(0, _("— none: a top-level field —"))]
        + [
            (group.id, f"{group.code} {group.name(language)}")
            for group in services.taxonomy(include_inactive=True)
        ]
    )


def _data(form: FieldForm) -> services.FieldData:
    return services.FieldData(
        code=form.code.data or "",
        name_vi=form.name_vi.data or "",
        name_en=form.name_en.data or "",
        parent_id=form.parent_id.data or None,
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_REFERENCE)
def new_field():
    form = FieldForm()
    form.parent_id.choices = _parent_choices()
    answer = save_form(
        form,
        lambda: services.add_field(_data(form), actor=current_user._get_current_object()),
        done=lambda row: _("Field %(code)s added.", code=row.code),
        next_url=url_for("reference.fields"),
    )
    return answer or render_template("reference/field_form.html", form=form, row=None)


@bp.route("/<int:field_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_REFERENCE)
def edit_field(field_id: int):
    row = services.get_field(field_id)
    form = FieldForm(obj=row)
    form.parent_id.choices = _parent_choices()
    if not form.is_submitted():
        form.parent_id.data = row.parent_id or 0
    answer = save_form(
        form,
        lambda: services.update_field(row, _data(form), actor=current_user._get_current_object()),
        done=lambda _changes: _("Field %(code)s saved.", code=row.code),
        next_url=url_for("reference.fields"),
    )
    return answer or render_template("reference/field_form.html", form=form, row=row)


@bp.route("/<int:field_id>/active", methods=["POST"])
@requires(Permission.MANAGE_REFERENCE)
def toggle_field(field_id: int):
    row = services.get_field(field_id)
    return confirmed_step(
        ConfirmForm(),
        lambda: services.set_field_active(
            row, not row.active, actor=current_user._get_current_object()
        ),
        done=lambda: (
            _("Field %(code)s activated.", code=row.code)
            if row.active
            else _("Field %(code)s deactivated.", code=row.code)
        ),
        next_url=url_for("reference.fields"),
    )


@bp.route("/<int:field_id>/delete", methods=["POST"])
@requires(Permission.MANAGE_REFERENCE)
def delete_field(field_id: int):
    row = services.get_field(field_id)
    return confirmed_step(
        ConfirmForm(),
        lambda: services.delete_field(row, actor=current_user._get_current_object()),
        done=_("Field %(code)s deleted.", code=row.code),
        next_url=url_for("reference.fields"),
    )
