"""The expertise taxonomy: everyone browses it, administrators add, rename and deactivate."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user

from diaspora.auth.permissions import Permission, requires
from diaspora.forms import ConfirmForm, choices
from diaspora.i18n import current_language
from diaspora.reference import services
from diaspora.reference.forms import FieldForm
from diaspora.reference.row_pages import RowPages

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


PAGES = RowPages(
    add=services.add_field,
    update=services.update_field,
    set_active=services.set_field_active,
    delete=services.delete_field,
    data=_data,
    template="reference/field_form.html",
    list_endpoint="reference.fields",
    added=lambda code: _("Field %(code)s added.", code=code),
    saved=lambda code: _("Field %(code)s saved.", code=code),
    activated=lambda code: _("Field %(code)s activated.", code=code),
    deactivated=lambda code: _("Field %(code)s deactivated.", code=code),
    deleted=lambda code: _("Field %(code)s deleted.", code=code),
)


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_REFERENCE)
def new_field():
    form = FieldForm()
    form.parent_id.choices = _parent_choices()
    return PAGES.new_page(form)


@bp.route("/<int:field_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_REFERENCE)
def edit_field(field_id: int):
    row = services.get_field(field_id)
    form = FieldForm(obj=row)
    form.parent_id.choices = _parent_choices()
    if not form.is_submitted():
        form.parent_id.data = row.parent_id or 0
    return PAGES.edit_page(form, row)


@bp.route("/<int:field_id>/active", methods=["POST"])
@requires(Permission.MANAGE_REFERENCE)
def toggle_field(field_id: int):
    return PAGES.toggle(services.get_field(field_id))


@bp.route("/<int:field_id>/delete", methods=["POST"])
@requires(Permission.MANAGE_REFERENCE)
def delete_field(field_id: int):
    return PAGES.remove(services.get_field(field_id))
