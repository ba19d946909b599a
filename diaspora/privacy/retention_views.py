"""The retention review page: records to re-confirm or remove, and the purge of rejected
public submissions (administrators)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from diaspora.auth.permissions import Permission, requires
from diaspora.contacts import services as contacts
from diaspora.contacts.errors import StaleVersion
from diaspora.core.paging import page_number
from diaspora.errors import DomainError, ValidationFailed
from diaspora.extensions import db
from diaspora.forms import ConfirmForm
from diaspora.privacy import retention
from diaspora.privacy.request_forms import StepForm
from diaspora.privacy.request_validation import local_today

bp = Blueprint("retention", __name__, url_prefix="/privacy/retention")


@bp.route("/")
@requires(Permission.EDIT_CONTACTS)
def index():
    settings = current_app.config
    years = settings["RETENTION_REVIEW_YEARS"]
    days = settings["REJECTED_SUBMISSION_DAYS"]
    today = local_today()
    page = retention.contacts_to_review(
        today,
        years,
        settings["BABEL_DEFAULT_TIMEZONE"],
        page=page_number(),
        per_page=settings["PER_PAGE"],
    )
    return render_template(
        "privacy/retention.html",
        page=page,
        years=years,
        cutoff=retention.years_before(today, years),
        days=days,
        rejected=retention.rejected_to_purge(days),
        confirm_form=StepForm(formdata=None),
        purge_form=ConfirmForm(formdata=None),
    )


@bp.route("/<int:contact_id>/confirm", methods=["POST"])
@requires(Permission.EDIT_CONTACTS)
def confirm(contact_id: int):
    contact = contacts.get_contact(contact_id)
    form = StepForm()
    back = url_for(".index", page=page_number())
    if not form.validate_on_submit():
        flash(_("The form's security token is missing or has expired. Try again."), "error")
        return redirect(back)
    try:
        retention.confirm_contact(
            contact,
            actor=current_user._get_current_object(),
            expected_version=form.expected_version(),
            on=local_today(),
        )
    except StaleVersion:
        db.session.rollback()
        flash(_("The record changed since the list was opened. Check it and try again."), "error")
        return redirect(back)
    except ValidationFailed:
        db.session.rollback()
        flash(
            _(
                "%(name)s's record has values to correct first; open it, correct them and set "
                "the verification date there.",
                name=contact.full_name,
            ),
            "error",
        )
        return redirect(url_for("contacts.edit", contact_id=contact_id))
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(back)
    db.session.commit()
    flash(_("%(name)s's record is confirmed as of today.", name=contact.full_name), "success")
    return redirect(back)


@bp.route("/purge-submissions", methods=["POST"])
@requires(Permission.PURGE_CONTACTS)
def purge_submissions():
    form = ConfirmForm()
    if form.validate_on_submit():
        count = retention.purge_rejected_submissions(
            actor=current_user._get_current_object(),
            days=current_app.config["REJECTED_SUBMISSION_DAYS"],
        )
        db.session.commit()
        flash(
            ngettext(
                "%(num)d rejected submission removed.",
                "%(num)d rejected submissions removed.",
                count,
            ),
            "success",
        )
    return redirect(url_for(".index"))
