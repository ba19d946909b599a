"""Outreach pages: list, write (side by side, with a preview), show, recipients, workflow,
letters.

Views parse the form, call a service, commit once and redirect; a domain error puts the
service's messages back on the form, and nothing typed is lost.
"""

from __future__ import annotations

import secrets

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from diaspora.auth.permissions import Permission, can, requires
from diaspora.core.paging import page_number
from diaspora.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from diaspora.extensions import db
from diaspora.forms import apply_errors, choices
from diaspora.i18n import current_language
from diaspora.models import Contact, OutreachStatus
from diaspora.outreach import hooks, recipients, services
from diaspora.outreach.forms import (
    ADD_ALL,
    ADD_NUMBERS,
    ADD_SEARCH,
    ADD_SELECTED,
    DELIVERY_STEP,
    FIND,
    PREVIEW,
    REMOVE,
    OutreachFilterForm,
    OutreachForm,
    RecipientsForm,
    VersionForm,
    ids_in,
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
from diaspora.outreach.letters import export_letters
from diaspora.outreach.validation import placeholder_list
from diaspora.plan.services import list_plan_tasks
from diaspora.search.query import SearchQuery
from diaspora.search.services import matching_ids
from diaspora.transfer.views import download

bp = Blueprint("outreach", __name__, url_prefix="/outreach")
hooks.register()

FINDER_LIMIT = 200


@bp.app_template_filter("outreach_status")
def outreach_status_filter(code: str) -> str:
    return str(STATUSES.get(code, code))


def _actor():
    return current_user._get_current_object()


def _labels() -> dict:
    return {
        "occasions": OCCASIONS,
        "channels": CHANNELS,
        "statuses": STATUSES,
        "delivery": DELIVERY,
        "languages": LANGUAGES,
        "reasons": REASONS,
    }


def _reasons_text(counts) -> str:
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
    page = page_number()
    per_page = current_app.config["PER_PAGE"]
    rows, total = services.list_outreach(
        services.OutreachQuery(status=status, page=page, per_page=per_page)
    )
    return render_template(
        "outreach/list.html",
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // per_page)),
        filters=filters,
        status=status,
        **_labels(),
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
        **_labels(),
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


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.EDIT_OUTREACH)
def new():
    form = OutreachForm()
    _prepare(form)
    if not form.is_submitted():
        form.entry_key.data = secrets.token_urlsafe(24)
        codes = {choice.value for choice in form.plan_tasks.choices}
        form.plan_tasks.data = [code for code in request.args.getlist("task") if code in codes]
        if request.args.get("occasion") in OCCASIONS:
            form.occasion.data = request.args["occasion"]
        return _form_page(form)
    if form.step.data == PREVIEW:
        return _form_page(form, preview=_preview(form))
    if form.validate_on_submit():
        try:
            outreach = services.create_outreach(
                form.to_data(), actor=_actor(), entry_key=form.entry_key.data or None
            )
        except services.OutreachAlreadySaved as error:
            db.session.rollback()
            flash(str(error.message), "info")
            return redirect(url_for(".show", outreach_id=error.outreach.id))
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "The outreach “%(title)s” was saved as a draft. Now choose its recipients.",
                    title=outreach.display_title,
                ),
                "success",
            )
            return redirect(url_for(".recipients_page", outreach_id=outreach.id))
    return _form_page(form, status=422 if form.errors else 200)


@bp.route("/<int:outreach_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_OUTREACH)
def edit(outreach_id: int):
    outreach = services.get_outreach(outreach_id)
    if outreach.status != OutreachStatus.DRAFT:
        flash(_("Only a draft can be edited: return the outreach to draft first."), "error")
        return redirect(url_for(".show", outreach_id=outreach.id))
    form = OutreachForm()
    _prepare(form)
    if not form.is_submitted():
        form.load(outreach)
        return _form_page(form, outreach)
    if form.step.data == PREVIEW:
        return _form_page(form, outreach, preview=_preview(form, outreach))
    if form.validate_on_submit():
        try:
            changes = services.update_outreach(
                outreach, form.to_data(), expected_version=form.expected_version(), actor=_actor()
            )
        except services.OutreachChanged as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
            form.version.data = str(services.get_outreach(outreach_id).version)
            return _form_page(form, outreach, status=409)
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            if changes:
                flash(_("Changes saved."), "success")
            else:
                flash(_("Nothing to save: the outreach already has these values."), "info")
            return redirect(url_for(".show", outreach_id=outreach.id))
    return _form_page(form, outreach, status=422 if form.errors else 200)


# --- show and workflow ---


def _show_page(outreach, *, errors=None, status: int = 200):
    letters_ready = outreach.status != OutreachStatus.DRAFT
    return render_template(
        "outreach/show.html",
        outreach=outreach,
        summary=recipients.summary(outreach),
        may_approve=_actor().may_approve_outreach,
        editor=can(current_user, Permission.EDIT_OUTREACH),
        may_download=letters_ready and can(current_user, Permission.VIEW_PERSONAL),
        action_form=VersionForm(formdata=None, version=str(outreach.version)),
        workflow_errors=errors or [],
        history=[
            (event, ACTIONS.get(event.action, event.action)) for event in services.history(outreach)
        ],
        **_labels(),
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
            outreach, expected_version=form.expected_version(), actor=_actor()
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
    if form.validate_on_submit():
        try:
            services.reopen_outreach(outreach, actor=_actor())
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("The outreach is a draft again: it must be approved again."), "success")
    return redirect(url_for(".show", outreach_id=outreach_id))


@bp.route("/<int:outreach_id>/send", methods=["GET", "POST"])
@requires(Permission.EDIT_OUTREACH)
def send(outreach_id: int):
    outreach = services.get_outreach(outreach_id)
    form = VersionForm()
    letters, left_out = recipients.eligible_letters(outreach)
    if form.validate_on_submit():
        try:
            services.mark_sent(outreach, actor=_actor())
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return redirect(url_for(".show", outreach_id=outreach_id))
        db.session.commit()
        flash(
            ngettext(
                "Marked as sent: a greeting-letter engagement was recorded with %(num)d recipient.",
                "Marked as sent: a greeting-letter engagement was recorded with %(num)d "
                "recipients.",
                len(letters),
            )
            if outreach.engagement and outreach.engagement.type == "greeting_letter"
            else ngettext(
                "Marked as sent: an engagement was recorded with %(num)d recipient.",
                "Marked as sent: an engagement was recorded with %(num)d recipients.",
                len(letters),
            ),
            "success",
        )
        return redirect(url_for(".show", outreach_id=outreach_id))
    return render_template(
        "outreach/send.html",
        outreach=outreach,
        form=VersionForm(formdata=None, version=str(outreach.version)),
        letters=letters,
        left_out=left_out,
        left_out_text=_reasons_text(left_out),
        **_labels(),
    )


@bp.route("/<int:outreach_id>/delete", methods=["GET", "POST"])
@requires(Permission.EDIT_OUTREACH)
def delete(outreach_id: int):
    outreach = services.get_outreach(outreach_id)
    form = VersionForm()
    if form.validate_on_submit():
        title = outreach.display_title
        try:
            services.delete_outreach(outreach, actor=_actor())
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return redirect(url_for(".show", outreach_id=outreach_id))
        db.session.commit()
        flash(_("The outreach “%(title)s” was deleted.", title=title), "success")
        return redirect(url_for(".index"))
    return render_template(
        "outreach/delete.html",
        outreach=outreach,
        form=VersionForm(formdata=None, version=str(outreach.version)),
    )


# --- letters ---


@bp.route("/<int:outreach_id>/letters.<fmt>")
@requires(Permission.VIEW_OUTREACH, Permission.VIEW_PERSONAL)
def letters(outreach_id: int, fmt: str):
    outreach = services.get_outreach(outreach_id)
    if fmt not in ("pdf", "csv"):
        return redirect(url_for(".show", outreach_id=outreach_id))
    try:
        export = export_letters(outreach, fmt, actor=_actor())
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for(".show", outreach_id=outreach_id))
    db.session.commit()
    return download(export.content, export.filename, export.mimetype)


# --- recipients ---


def _found(form: RecipientsForm):
    text = (form.find_text.data or "").strip()[:200]
    country = (form.find_country.data or "").strip()[:2]
    if not (text or country):
        return None, _("Enter a name, or choose a country, to find contacts.")
    query = SearchQuery(text=text, countries=(country,) if country else ())
    ids = matching_ids(query, actor=_actor())
    shown = list(db.session.scalars(select(Contact).where(Contact.id.in_(ids[:FINDER_LIMIT]))))
    order = {contact_id: index for index, contact_id in enumerate(ids)}
    shown.sort(key=lambda row: order[row.id])
    form.found.choices = choices(
        (str(row.id), f"{row.full_name} · {row.city or '—'}") for row in shown
    )
    form.found.data = []
    form.found_ids.data = ",".join(str(row.id) for row in shown)
    return {"results": shown, "total": len(ids)}, ""


def _added_message(result: recipients.AddResult) -> tuple[str, str]:
    message = ngettext("%(num)d recipient added.", "%(num)d recipients added.", result.added)
    if result.left_out_total:
        message += " " + ngettext(
            "%(num)d contact left out: %(reasons)s.",
            "%(num)d contacts left out: %(reasons)s.",
            result.left_out_total,
            reasons=_reasons_text(result.left_out),
        )
    if result.left_out.get("already"):
        message += " " + ngettext(
            "%(num)d was already on the list.",
            "%(num)d were already on the list.",
            result.left_out["already"],
        )
    return message, ("success" if result.added else "info")


def _recipients_page(outreach, form: RecipientsForm, *, finder=None, message="", status=200):
    rows = [(row, recipients.left_out_reason(row.contact)) for row in outreach.recipients]
    form.selected.choices = choices((str(row.id), row.contact.full_name) for row, _r in rows)
    return render_template(
        "outreach/recipients.html",
        outreach=outreach,
        form=form,
        rows=rows,
        finder=finder,
        message=message,
        summary=recipients.summary(outreach),
        language_for=recipients.language_for,
        limit=recipients.MAX_RECIPIENTS,
        **_labels(),
    ), status


@bp.route("/<int:outreach_id>/recipients", methods=["GET", "POST"])
@requires(Permission.EDIT_OUTREACH)
def recipients_page(outreach_id: int):
    outreach = services.get_outreach(outreach_id)
    form = RecipientsForm()
    form.set_choices(current_language())
    if not form.is_submitted():
        if request.args.get("search"):
            form.search.data = request.args["search"][:2000]
        return _recipients_page(outreach, form)
    if not form.validate_on_submit():
        return _recipients_page(outreach, form, status=400)
    step = form.step.data
    if step == FIND:
        finder, message = _found(form)
        return _recipients_page(outreach, form, finder=finder, message=message)
    try:
        if step in (ADD_SELECTED, ADD_ALL, ADD_NUMBERS):
            if step == ADD_SELECTED:
                wanted = ids_in(",".join(form.found.data or []))
            elif step == ADD_ALL:
                wanted = ids_in(form.found_ids.data)
            else:
                wanted = ids_in(form.add_numbers.data)
                if not wanted:
                    raise ValidationFailed.single(
                        "add_numbers", _("Enter record numbers, such as 12, 15.")
                    )
            result = recipients.add_recipients(outreach, wanted, actor=_actor())
            message, category = _added_message(result)
        elif step == ADD_SEARCH:
            result = recipients.add_from_search(outreach, form.search.data or "", actor=_actor())
            message, category = _added_message(result)
        elif step == REMOVE:
            count = recipients.remove_recipients(outreach, form.selected_ids(), actor=_actor())
            message = ngettext("%(num)d recipient removed.", "%(num)d recipients removed.", count)
            category = "success" if count else "info"
        elif step == DELIVERY_STEP:
            count = recipients.set_delivery(
                outreach, form.selected_ids(), form.delivery.data or "", actor=_actor()
            )
            message = ngettext(
                "Delivery noted for %(num)d letter.", "Delivery noted for %(num)d letters.", count
            )
            category = "success" if count else "info"
        else:
            return redirect(url_for(".recipients_page", outreach_id=outreach_id))
    except ValidationFailed as error:
        db.session.rollback()
        outreach = services.get_outreach(outreach_id)
        errors = dict(error.errors)
        general = [str(message) for message in errors.pop("recipients", [])]
        if errors:
            apply_errors(form, ValidationFailed(errors))
        for message in general:
            form.form_errors.append(message)
        return _recipients_page(outreach, form, status=422)
    except (Conflict, DomainError) as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for(".show", outreach_id=outreach_id))
    db.session.commit()
    flash(message, category)
    return redirect(url_for(".recipients_page", outreach_id=outreach_id))
