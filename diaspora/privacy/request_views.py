"""The register of requests from data subjects: list, register, show, and the workflow steps.

Views parse a form, call one service, commit once and redirect; a service's messages go back on
the form (the page is shown again with them), a conflict is flashed.
"""

from __future__ import annotations

import secrets

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from diaspora.auth.permissions import Permission, requires
from diaspora.core.paging import page_number
from diaspora.errors import DomainError, ValidationFailed
from diaspora.extensions import db
from diaspora.forms import apply_errors
from diaspora.privacy import request_list, subject_requests
from diaspora.privacy.labels import CHANNELS, KINDS, STATUSES
from diaspora.privacy.request_forms import (
    AcknowledgeForm,
    CompleteForm,
    ExtendForm,
    RefuseForm,
    RequestFilterForm,
    RequestForm,
)
from diaspora.privacy.request_validation import local_today

bp = Blueprint("privacy_requests", __name__, url_prefix="/privacy/requests")
subject_requests.register_hooks()

STEPS = {
    "acknowledge": AcknowledgeForm,
    "extend": ExtendForm,
    "complete": CompleteForm,
    "refuse": RefuseForm,
}


def _actor():
    return current_user._get_current_object()


def _labels() -> dict:
    return {"kinds": KINDS, "statuses": STATUSES, "channels": CHANNELS}


@bp.route("/")
@requires(Permission.REVIEW_SUBMISSIONS)
def index():
    filters = RequestFilterForm(request.args)
    filters.set_choices()
    contact = request.args.get("contact", "")
    query = request_list.RequestQuery(
        status=filters.status.data
        if filters.status.data in request_list.STATUS_FILTERS
        else "open",
        kind=filters.kind.data or "",
        due=filters.due.data if filters.due.data in request_list.DUE_FILTERS else "",
        contact_id=int(contact) if contact.isdecimal() and len(contact) <= 9 else None,
        page=page_number(),
        per_page=current_app.config["PER_PAGE"],
    )
    if not filters.status.data:
        filters.status.data = query.status
    today = local_today()
    page = request_list.list_requests(query, today)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "privacy/requests/list.html",
        page=page,
        filters=filters,
        query=query,
        page_args=args,
        today=today,
        counts=request_list.due_counts(today),
        due_soon_days=request_list.DUE_SOON_DAYS,
        **_labels(),
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.REVIEW_SUBMISSIONS)
def new():
    form = RequestForm()
    form.set_choices()
    if not form.is_submitted():
        form.entry_key.data = secrets.token_urlsafe(24)
        form.received_on.data = local_today().isoformat()
        contact = request.args.get("contact", "")
        if contact.isdecimal() and len(contact) <= 9:
            form.contact_id.data = contact
    elif form.validate_on_submit():
        try:
            row = subject_requests.register_request(
                form.to_input(), actor=_actor(), entry_key=form.entry_key.data
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "Request no. %(id)d registered. Reply by %(reply)s; answer by %(due)s.",
                    id=row.id,
                    reply=row.reply_due.isoformat(),
                    due=row.due_on.isoformat(),
                ),
                "success",
            )
            return redirect(url_for(".show", request_id=row.id))
    return render_template("privacy/requests/form.html", form=form)


def _show_page(row, forms: dict | None = None, status: int = 200):
    subject_requests.record_view(row, actor=_actor())
    db.session.commit()
    version = str(row.version)
    today = local_today()
    forms = forms or {}
    step_forms = {
        name: forms.get(name) or cls(formdata=None, version=version) for name, cls in STEPS.items()
    }
    for name in ("acknowledge", "complete", "refuse"):
        if not step_forms[name].on.data:
            step_forms[name].on.data = today.isoformat()
    return render_template(
        "privacy/requests/show.html",
        row=row,
        forms=step_forms,
        today=today,
        extension_days=subject_requests.extension_days(row),
        **_labels(),
    ), status


@bp.route("/<int:request_id>")
@requires(Permission.REVIEW_SUBMISSIONS)
def show(request_id: int):
    return _show_page(subject_requests.get_request(request_id))


def _take_step(request_id: int, step: str):
    row = subject_requests.get_request(request_id)
    form = STEPS[step]()
    if not form.validate_on_submit():
        flash(_("The form's security token is missing or has expired. Try again."), "error")
        return redirect(url_for(".show", request_id=request_id))
    version = form.expected_version()
    try:
        if step == "acknowledge":
            subject_requests.acknowledge(
                row, actor=_actor(), expected_version=version, on=form.on.data
            )
        elif step == "extend":
            subject_requests.extend(
                row, actor=_actor(), expected_version=version, reason=form.reason.data
            )
        elif step == "complete":
            subject_requests.complete(
                row,
                actor=_actor(),
                expected_version=version,
                outcome=form.outcome.data,
                on=form.on.data,
            )
        else:
            subject_requests.refuse(
                row,
                actor=_actor(),
                expected_version=version,
                reason=form.reason.data,
                on=form.on.data,
            )
    except ValidationFailed as error:
        db.session.rollback()
        apply_errors(form, error)
        return _show_page(subject_requests.get_request(request_id), {step: form}, 422)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for(".show", request_id=request_id))
    db.session.commit()
    flash(_("Request no. %(id)d: %(status)s.", id=row.id, status=STATUSES[row.status]), "success")
    return redirect(url_for(".show", request_id=request_id))


@bp.route("/<int:request_id>/acknowledge", methods=["POST"])
@requires(Permission.REVIEW_SUBMISSIONS)
def acknowledge(request_id: int):
    return _take_step(request_id, "acknowledge")


@bp.route("/<int:request_id>/extend", methods=["POST"])
@requires(Permission.REVIEW_SUBMISSIONS)
def extend(request_id: int):
    return _take_step(request_id, "extend")


@bp.route("/<int:request_id>/complete", methods=["POST"])
@requires(Permission.REVIEW_SUBMISSIONS)
def complete(request_id: int):
    return _take_step(request_id, "complete")


@bp.route("/<int:request_id>/refuse", methods=["POST"])
@requires(Permission.REVIEW_SUBMISSIONS)
def refuse(request_id: int):
    return _take_step(request_id, "refuse")
