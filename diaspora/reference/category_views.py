"""Contact categories: administrators add, rename, deactivate and delete them."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from diaspora.auth.permissions import Permission, requires
from diaspora.forms import ConfirmForm
from diaspora.posting import confirmed_step, save_form
from diaspora.reference import categories as services
from diaspora.reference.forms import CategoryForm

bp = Blueprint("categories", __name__, url_prefix="/categories")


def _data(form: CategoryForm) -> services.CategoryData:
    return services.CategoryData(
        code=form.code.data or "", name_vi=form.name_vi.data or "", name_en=form.name_en.data or ""
    )


@bp.route("/")
@requires(Permission.MANAGE_CATEGORIES)
def index():
    rows = services.list_categories(include_inactive=True)
    return render_template(
        "reference/categories.html",
        rows=[(row, services.category_usage(row)) for row in rows],
        confirm_form=ConfirmForm(),
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_CATEGORIES)
def new():
    form = CategoryForm()
    answer = save_form(
        form,
        lambda: services.add_category(_data(form), actor=current_user._get_current_object()),
        done=lambda row: _("Category %(code)s added.", code=row.code),
        next_url=url_for(".index"),
    )
    return answer or render_template("reference/category_form.html", form=form, row=None)


@bp.route("/<int:category_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_CATEGORIES)
def edit(category_id: int):
    row = services.get_category(category_id)
    form = CategoryForm(obj=row)
    answer = save_form(
        form,
        lambda: services.update_category(
            row, _data(form), actor=current_user._get_current_object()
        ),
        done=lambda _changes: _("Category %(code)s saved.", code=row.code),
        next_url=url_for(".index"),
    )
    return answer or render_template("reference/category_form.html", form=form, row=row)


@bp.route("/<int:category_id>/active", methods=["POST"])
@requires(Permission.MANAGE_CATEGORIES)
def toggle(category_id: int):
    row = services.get_category(category_id)
    return confirmed_step(
        ConfirmForm(),
        lambda: services.set_category_active(
            row, not row.active, actor=current_user._get_current_object()
        ),
        done=lambda: (
            _("Category %(code)s activated.", code=row.code)
            if row.active
            else _("Category %(code)s deactivated.", code=row.code)
        ),
        next_url=url_for(".index"),
    )


@bp.route("/<int:category_id>/delete", methods=["POST"])
@requires(Permission.MANAGE_CATEGORIES)
def delete(category_id: int):
    row = services.get_category(category_id)
    return confirmed_step(
        ConfirmForm(),
        lambda: services.delete_category(row, actor=current_user._get_current_object()),
        done=_("Category %(code)s deleted.", code=row.code),
        next_url=url_for(".index"),
    )
