"""The trash: officers restore deleted contacts; administrators purge them for good."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from diaspora.auth.permissions import Permission, requires
from diaspora.contacts import trash
from diaspora.contacts.forms import ConfirmForm
from diaspora.core.paging import page_number
from diaspora.errors import DomainError
from diaspora.extensions import db
from diaspora.privacy.erased_names import shown_name

bp = Blueprint("trash", __name__, url_prefix="/contacts/trash")


@bp.route("/")
@requires(Permission.TRASH_CONTACTS)
def index():
    return render_template(
        "contacts/trash.html",
        page=trash.trash_page(page_number(), current_app.config["PER_PAGE"]),
        form=ConfirmForm(formdata=None),
    )


@bp.route("/<int:contact_id>/restore", methods=["POST"])
@requires(Permission.TRASH_CONTACTS)
def restore(contact_id: int):
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            contact = trash.get_trashed(contact_id)
            trash.restore_contact(contact, actor=current_user._get_current_object())
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return redirect(url_for(".index"))
        db.session.commit()
        flash(_("%(name)s was restored.", name=shown_name(contact.full_name)), "success")
        return redirect(url_for("contacts.profile", contact_id=contact.id))
    return redirect(url_for(".index"))


@bp.route("/<int:contact_id>/purge", methods=["GET", "POST"])
@requires(Permission.PURGE_CONTACTS)
def purge(contact_id: int):
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            contact = trash.get_trashed(contact_id)
            trash.purge_contact(contact, actor=current_user._get_current_object())
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return redirect(url_for(".index"))
        db.session.commit()
        flash(_("The record was removed for good."), "success")
        return redirect(url_for(".index"))
    return render_template("contacts/purge.html", contact=trash.get_trashed(contact_id), form=form)
