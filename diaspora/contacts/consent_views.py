"""Consent records of a contact: officers record consent per purpose and its withdrawal."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from diaspora.auth.permissions import Permission, requires
from diaspora.contacts import consent as consent_services
from diaspora.contacts import services
from diaspora.contacts.forms import ConsentForm, WithdrawConsentForm
from diaspora.downloads import download
from diaspora.errors import DomainError, ValidationFailed
from diaspora.extensions import db
from diaspora.forms import apply_errors
from diaspora.privacy import consent_print

bp = Blueprint("consents", __name__, url_prefix="/contacts")


@bp.route("/<int:contact_id>/consents/new", methods=["GET", "POST"])
@requires(Permission.EDIT_CONTACTS)
def new(contact_id: int):
    contact = services.get_contact(contact_id)
    form = ConsentForm()
    if form.validate_on_submit():
        try:
            consent_services.record_consent(
                contact, form.to_input(), actor=current_user._get_current_object()
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(_("Consent recorded."), "success")
            return redirect(url_for("contacts.profile", contact_id=contact.id, _anchor="consent"))
    return render_template("contacts/consent_form.html", contact=contact, form=form)


@bp.route("/<int:contact_id>/consents/<int:consent_id>/withdraw", methods=["POST"])
@requires(Permission.EDIT_CONTACTS)
def withdraw(contact_id: int, consent_id: int):
    contact = services.get_contact(contact_id)
    record = consent_services.get_consent(contact, consent_id)
    form = WithdrawConsentForm()
    if form.validate_on_submit():
        try:
            consent_services.withdraw_consent(
                record,
                withdrawn_on=form.withdrawn_on.data,
                note=form.withdrawal_note.data or "",
                actor=current_user._get_current_object(),
            )
        except DomainError as error:
            db.session.rollback()
            messages = (
                error.errors.values() if isinstance(error, ValidationFailed) else [[error.message]]
            )
            for group in messages:
                for message in group:
                    flash(str(message), "error")
        else:
            db.session.commit()
            flash(_("Consent withdrawal recorded."), "success")
    return redirect(url_for("contacts.profile", contact_id=contact.id, _anchor="consent"))


def _sheet(contact_id: int, consent_id: int):
    """The printed consent record; showing its evidence is a view of personal details."""
    contact = services.get_contact(contact_id, include_deleted=True)
    record = consent_services.get_consent(contact, consent_id)
    reader = current_user._get_current_object()
    services.record_personal_access(contact, actor=reader, context="consent_print")
    db.session.commit()
    return consent_print.consent_sheet(record, reader=reader)


@bp.route("/<int:contact_id>/consents/<int:consent_id>/print")
@requires(Permission.VIEW_PERSONAL)
def print_page(contact_id: int, consent_id: int):
    return consent_print.render_html(_sheet(contact_id, consent_id), page=True)


@bp.route("/<int:contact_id>/consents/<int:consent_id>/print.pdf")
@requires(Permission.VIEW_PERSONAL)
def print_pdf(contact_id: int, consent_id: int):
    sheet = _sheet(contact_id, consent_id)
    name = _("consent-record-%(id)d.pdf", id=sheet.record.id)
    return download(consent_print.render_pdf(sheet), name, "application/pdf")
