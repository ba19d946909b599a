"""Contact categories: administrators add, rename, deactivate and delete them."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _

from diaspora.auth.permissions import Permission, requires
from diaspora.forms import ConfirmForm
from diaspora.reference import categories as services
from diaspora.reference.forms import CategoryForm
from diaspora.reference.row_pages import RowPages

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


PAGES = RowPages(
    add=services.add_category,
    update=services.update_category,
    set_active=services.set_category_active,
    delete=services.delete_category,
    data=_data,
    template="reference/category_form.html",
    list_endpoint="categories.index",
    added=lambda code: _("Category %(code)s added.", code=code),
    saved=lambda code: _("Category %(code)s saved.", code=code),
    activated=lambda code: _("Category %(code)s activated.", code=code),
    deactivated=lambda code: _("Category %(code)s deactivated.", code=code),
    deleted=lambda code: _("Category %(code)s deleted.", code=code),
)


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_CATEGORIES)
def new():
    return PAGES.new_page(CategoryForm())


@bp.route("/<int:category_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_CATEGORIES)
def edit(category_id: int):
    row = services.get_category(category_id)
    return PAGES.edit_page(CategoryForm(obj=row), row)


@bp.route("/<int:category_id>/active", methods=["POST"])
@requires(Permission.MANAGE_CATEGORIES)
def toggle(category_id: int):
    return PAGES.toggle(services.get_category(category_id))


@bp.route("/<int:category_id>/delete", methods=["POST"])
@requires(Permission.MANAGE_CATEGORIES)
def delete(category_id: int):
    return PAGES.remove(services.get_category(category_id))
