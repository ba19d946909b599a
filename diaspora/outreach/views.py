"""Outreach pages: list, write (side by side, with a preview), show, workflow. The recipients
page and the letters are in ``recipient_views`` (same blueprint).

The list, the editor and the workflow steps are answered by ``diaspora.saving`` (as for
delegation visits): one commit, then a redirect; a domain error puts the service's messages
back on the form or the page, and nothing typed is lost.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from diaspora.auth.permissions import Permission, can, requires
from diaspora.errors import DomainError, PermissionDenied, ValidationFailed
from diaspora.extensions import db
from diaspora.forms import apply_errors, choices
from diaspora.i18n import current_language
from diaspora.models import OutreachStatus
from diaspora.outreach import hooks, recipients, services
from diaspora.outreach.forms import (
    PREVIEW,
    OutreachFilterForm,
    OutreachForm,
    VersionForm,
)
from diaspora.outreach.labels import (
    ACTIONS,
    CHANNELS,
    DELIVERY,
    LANGUAGES,
    OCCASIONS,
    REASONS,
    STATUSES,
)
from diaspora.outreach.validation import placeholder_list
from diaspora.plan.services import list_plan_tasks
from diaspora.saving import RecordKind, current_actor, list_page, run_step, submit_edit, submit_new

bp = Blueprint("outreach", __name__, url_prefix="/outreach")
hooks.register()
OUTREACH = RecordKind(
    id_arg="outreach_id",
    get=services.get_outreach,
    create=services.create_outreach,
    update=services.update_outreach,
    already_saved=services.OutreachAlreadySaved,
    changed=services.OutreachChanged,
)


@bp.app_template_filter("outreach_status")
def outreach_status_filter(code: str) -> str:
    return str(STATUSES.get(code, code))


def page_labels() -> dict:
    """The label tables every outreach page shows coded values with."""
    return {
        "occasions": OCCASIONS,
        "channels": CHANNELS,
        "statuses": STATUSES,
        "delivery": DELIVERY,
        "languages": LANGUAGES,
        "reasons": REASONS,
    }


def reasons_text(counts) -> str:
    """“3 left out: 2 no consent to outreach recorded, 1 deceased.”"""
    parts = [
        f"{count} {REASONS.get(reason, reason)}"
        for reason, count in sorted(counts.items())
        if count and reason != "already"
    ]
    return "; ".join(parts)


@bp.route("/")
@requires(Permission.VIEW_OUTREACH)
def index():
    filters = OutreachFilterForm(request.args)
    filters.status.choices = choices([("", _("All")), *STATUSES.items()])
    status = filters.status.data if filters.status.data in STATUSES else ""
    return list_page(
        "outreach/list.html",
        lambda page, per_page: services.list_outreach(
            services.OutreachQuery(status=status, page=page, per_page=per_page)
        ),
        filters=filters,
        status=status,
        **page_labels(),
    )


# --- write and edit ---


def _prepare(form: OutreachForm) -> None:
    form.set_choices(current_language(), list_plan_tasks())


def _form_page(form: OutreachForm, outreach=None, *, preview=None, status: int = 200):
    return render_template(
        "outreach/form.html",
        form=form,
        outreach=outreach,
        preview=preview,
        placeholders=placeholder_list(),
        **page_labels(),
    ), status


def _preview(form: OutreachForm, outreach=None):
    """Both versions personalised as saved letters would be, after checking the text."""
    from diaspora.outreach.validation import validate_outreach

    try:
        validate_outreach(form.to_data())
    except ValidationFailed as error:
        apply_errors(form, error)
    texts = {"vi": form.body_vi.data or "", "en": form.body_en.data or ""}
    return recipients.preview(outreach, texts)


def _asked_occasion(form: OutreachForm) -> None:
    """A new outreach opened for an occasion (``?occasion=tet``) starts with it chosen."""
    if request.args.get("occasion") in OCCASIONS:
        form.occasion.data = request.args["occasion"]


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.EDIT_OUTREACH)
def new():
    form = OutreachForm()
    _prepare(form)
    if form.is_submitted() and form.step.data == PREVIEW:
        return _form_page(form, preview=_preview(form))
    return submit_new(
        form,
        OUTREACH,
        saved=lambda outreach: (
            _(
                "The outreach “%(title)s” was saved as a draft. Now choose its recipients.",
                title=outreach.display_title,
            ),
            url_for(".recipients_page", outreach_id=outreach.id),
        ),
        page=lambda status: _form_page(form, status=status),
        start=lambda: _asked_occasion(form),
    )


@bp.route("/<int:outreach_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_OUTREACH)
def edit(outreach_id: int):
    outreach = services.get_outreach(outreach_id)
    if outreach.status != OutreachStatus.DRAFT:
        flash(_("Only a draft can be edited: return the outreach to draft first."), "error")
        return redirect(url_for(".show", outreach_id=outreach.id))
    form = OutreachForm()
    _prepare(form)
    if form.is_submitted() and form.step.data == PREVIEW:
        return _form_page(form, outreach, preview=_preview(form, outreach))
    return submit_edit(
        form,
        outreach,
        OUTREACH,
        unchanged=_("Nothing to save: the outreach already has these values."),
        page=lambda status: _form_page(form, outreach, status=status),
    )


# --- show and workflow ---


def _show_page(outreach, *, errors=None, status: int = 200):
    letters_ready = outreach.status != OutreachStatus.DRAFT
    return render_template(
        "outreach/show.html",
        outreach=outreach,
        summary=recipients.summary(outreach),
        may_approve=current_actor().may_approve_outreach,
        editor=can(current_user, Permission.EDIT_OUTREACH),
        may_download=letters_ready and can(current_user, Permission.VIEW_PERSONAL),
        action_form=VersionForm(formdata=None, version=str(outreach.version)),
        workflow_errors=errors or [],
        history=[
            (event, ACTIONS.get(event.action, event.action)) for event in services.history(outreach)
        ],
        **page_labels(),
    ), status


@bp.route("/<int:outreach_id>")
@requires(Permission.VIEW_OUTREACH)
def show(outreach_id: int):
    return _show_page(services.get_outreach(outreach_id))


@bp.route("/<int:outreach_id>/approve", methods=["POST"])
@requires(Permission.EDIT_OUTREACH)
def approve(outreach_id: int):
    outreach = services.get_outreach(outreach_id)
    form = VersionForm()
    if not form.validate_on_submit():
        return redirect(url_for(".show", outreach_id=outreach_id))
    try:
        services.approve_outreach(
            outreach, expected_version=form.expected_version(), actor=current_actor()
        )
    except ValidationFailed as error:
        db.session.rollback()
        outreach = services.get_outreach(outreach_id)
        messages = [str(message) for values in error.errors.values() for message in values]
        return _show_page(outreach, errors=messages, status=422)
    except PermissionDenied as error:
        db.session.rollback()
        return _show_page(
            services.get_outreach(outreach_id), errors=[str(error.message)], status=403
        )
    except DomainError as error:
        db.session.rollback()
        return _show_page(
            services.get_outreach(outreach_id), errors=[str(error.message)], status=409
        )
    db.session.commit()
    flash(_("The outreach “%(title)s” is approved.", title=outreach.display_title), "success")
    return redirect(url_for(".show", outreach_id=outreach.id))


@bp.route("/<int:outreach_id>/reopen", methods=["POST"])
@requires(Permission.EDIT_OUTREACH)
def reopen(outreach_id: int):
    outreach = services.get_outreach(outreach_id)
    form = VersionForm()
    show = url_for(".show", outreach_id=outreach_id)
    if not form.validate_on_submit():
        return redirect(show)
    return run_step(
        lambda: services.reopen_outreach(outreach, actor=current_actor()),
        done=_("The outreach is a draft again: it must be approved again."),
        done_url=show,
        failed_url=show,
    )


def _sent_message(outreach, count: int) -> str:
    """What marking as sent recorded: a greeting letter for letters and emails."""
    if outreach.engagement and outreach.engagement.type == "greeting_letter":
        return ngettext(
            "Marked as sent: a greeting-letter engagement was recorded with %(num)d recipient.",
            "Marked as sent: a greeting-letter engagement was recorded with %(num)d recipients.",
            count,
        )
    return ngettext(
        "Marked as sent: an engagement was recorded with %(num)d recipient.",
        "Marked as sent: an engagement was recorded with %(num)d recipients.",
        count,
    )


@bp.route("/<int:outreach_id>/send", methods=["GET", "POST"])
@requires(Permission.EDIT_OUTREACH)
def send(outreach_id: int):
    outreach = services.get_outreach(outreach_id)
    form = VersionForm()
    letters, left_out = recipients.eligible_letters(outreach)
    if form.validate_on_submit():
        show = url_for(".show", outreach_id=outreach_id)
        return run_step(
            lambda: services.mark_sent(outreach, actor=current_actor()),
            done=lambda: _sent_message(outreach, len(letters)),
            done_url=show,
            failed_url=show,
        )
    return render_template(
        "outreach/send.html",
        outreach=outreach,
        form=VersionForm(formdata=None, version=str(outreach.version)),
        letters=letters,
        left_out=left_out,
        left_out_text=reasons_text(left_out),
        **page_labels(),
    )


@bp.route("/<int:outreach_id>/delete", methods=["GET", "POST"])
@requires(Permission.EDIT_OUTREACH)
def delete(outreach_id: int):
    outreach = services.get_outreach(outreach_id)
    form = VersionForm()
    if form.validate_on_submit():
        return run_step(
            lambda: services.delete_outreach(outreach, actor=current_actor()),
            done=_("The outreach “%(title)s” was deleted.", title=outreach.display_title),
            done_url=url_for(".index"),
            failed_url=url_for(".show", outreach_id=outreach_id),
        )
    return render_template(
        "outreach/delete.html",
        outreach=outreach,
        form=VersionForm(formdata=None, version=str(outreach.version)),
    )
