"""Organizations abroad: everyone with access to contacts browses them, officers edit them."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from diaspora.auth.permissions import Permission, requires
from diaspora.contacts import organizations as services
from diaspora.contacts.forms import OrganizationForm
from diaspora.countries import country_choices
from diaspora.errors import DomainError
from diaspora.extensions import db
from diaspora.forms import apply_errors, choices
from diaspora.i18n import current_language

bp = Blueprint("organizations", __name__, url_prefix="/organizations")


@bp.route("/")
@requires(Permission.VIEW_CONTACTS)
def index():
    return render_template("contacts/organizations.html", rows=services.list_organizations())


@bp.route("/<int:organization_id>")
@requires(Permission.VIEW_CONTACTS)
def show(organization_id: int):
    row = services.get_organization(organization_id)
    return render_template("contacts/organization.html", row=row, members=services.members(row))


@bp.route("/<int:organization_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_CONTACTS)
def edit(organization_id: int):
    row = services.get_organization(organization_id)
    form = OrganizationForm(obj=row)
    form.country.choices = choices([("", "—"), *country_choices(current_language())])
    if not form.is_submitted():
        form.country.data = row.country or ""
    if form.validate_on_submit():
        data = services.OrganizationData(
            name=form.name.data or "",
            kind=form.kind.data or "",
            country=form.country.data or "",
            city=form.city.data or "",
            website=form.website.data or "",
        )
        try:
            services.update_organization(row, data, actor=current_user._get_current_object())
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(_("Organization saved."), "success")
            return redirect(url_for(".show", organization_id=row.id))
    return render_template("contacts/organization_form.html", row=row, form=form)
