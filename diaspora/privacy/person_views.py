"""Privacy actions on one person: everything held about them, and erasure. Thin views."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from diaspora.auth.permissions import Permission, requires
from diaspora.contacts import services
from diaspora.contacts.present import format_value, lookups_for
from diaspora.downloads import download
from diaspora.errors import DomainError
from diaspora.extensions import db
from diaspora.forms import apply_errors
from diaspora.i18n import current_language
from diaspora.privacy import erasure, subject_copy
from diaspora.privacy.person_forms import ErasureForm, SubjectCopyForm

bp = Blueprint("person_data", __name__, url_prefix="/contacts")


def _actor():
    return current_user._get_current_object()


@bp.route("/<int:contact_id>/copy", methods=["POST"])
@requires(Permission.VIEW_PERSONAL)
def copy(contact_id: int):
    """Everything about the person as JSON or PDF; making it is recorded in the audit trail."""
    contact = services.get_contact(contact_id, include_deleted=True)
    if contact.is_merged:
        contact = services.survivor_of(contact)
    form = SubjectCopyForm()
    if not form.validate_on_submit():
        abort(400)
    fmt = form.format.data
    data = subject_copy.produce(contact, fmt, actor=_actor())
    if fmt == "json":
        body = subject_copy.render_json(data)
    else:
        lookups = lookups_for(current_language())
        body = subject_copy.render_pdf(
            data, format_value=lambda name, value: format_value(name, value, lookups)
        )
    db.session.commit()
    day = data["generated_at"][:10]
    name = _("personal-data-%(id)d-%(day)s.%(ext)s", id=contact.id, day=day, ext=fmt)
    return download(body, name, subject_copy.FORMATS[fmt])


@bp.route("/<int:contact_id>/erase", methods=["GET", "POST"])
@requires(Permission.PURGE_CONTACTS)
def erase(contact_id: int):
    contact = services.get_contact(contact_id, include_deleted=True)
    if contact.is_erased:
        flash(_("This record has already been erased."), "info")
        return redirect(url_for("contacts.profile", contact_id=contact.id))
    form = ErasureForm()
    if form.validate_on_submit():
        try:
            erasure.erase_contact(
                contact,
                confirmation=form.confirmation.data,
                reason=form.reason.data,
                actor=_actor(),
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            erasure.reclaim_space()
            message = _("Record no. %(id)d was erased. Its personal data cannot be recovered.")
            flash(message % {"id": contact_id}, "success")
            return redirect(url_for("contacts.profile", contact_id=contact_id))
    return render_template("privacy/erase.html", contact=contact, form=form)
