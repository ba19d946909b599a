"""Officers issue and withdraw personal profile-update links."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from diaspora import clock
from diaspora.auth.permissions import Permission, requires
from diaspora.contacts import services as contacts
from diaspora.errors import DomainError, ValidationFailed
from diaspora.extensions import db
from diaspora.forms import ConfirmForm, apply_errors
from diaspora.public import links
from diaspora.public.forms import LinkForm
from diaspora.public.labels import LINK_STATES

bp = Blueprint("update_links", __name__)


def public_url(secret: str) -> str:
    """The link's address on the public site (``PUBLIC_BASE_URL``), else on this one."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if base:
        return base + url_for("public.update", token=secret)
    return url_for("public.update", token=secret, _external=True)


def _days(form: LinkForm) -> int:
    raw = (form.days.data or "").strip()
    if not raw.isdecimal() or len(raw) > 4:
        raise ValidationFailed.single("days", _("Enter a whole number of days."))
    return int(raw)


@bp.route("/contacts/<int:contact_id>/update-links", methods=["GET", "POST"])
@requires(Permission.REVIEW_SUBMISSIONS)
def index(contact_id: int):
    contact = contacts.get_contact(contact_id)
    form = LinkForm()
    url = None
    if not form.is_submitted():
        form.days.data = str(current_app.config["UPDATE_LINK_DAYS"])
    elif form.validate_on_submit():
        try:
            issued = links.issue_link(
                contact, actor=current_user._get_current_object(), days=_days(form)
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            url = public_url(issued.secret)
    now = clock.now()
    return render_template(
        "update_links/index.html",
        contact=contact,
        form=form,
        url=url,
        links=[(link, link.state(now)) for link in links.links_of(contact)],
        states=LINK_STATES,
        confirm_form=ConfirmForm(),
    )


@bp.route("/update-links/<int:link_id>/revoke", methods=["POST"])
@requires(Permission.REVIEW_SUBMISSIONS)
def revoke(link_id: int):
    link = links.get_link(link_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            links.revoke_link(link, actor=current_user._get_current_object())
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("The link has been withdrawn; it no longer opens the profile."), "success")
    return redirect(url_for(".index", contact_id=link.contact_id))
