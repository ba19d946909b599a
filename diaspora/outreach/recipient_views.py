"""Outreach pages about who receives it: the recipients page (finder, saved search, record
numbers, removing, delivery) and the letters (PDF, CSV). Routes on the outreach blueprint
(``diaspora.outreach.views.bp``), registered when the app imports this module.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from diaspora.auth.permissions import Permission, requires
from diaspora.downloads import download
from diaspora.errors import Conflict, DomainError, ValidationFailed
from diaspora.extensions import db
from diaspora.forms import (
    ADD_ALL,
    ADD_NUMBERS,
    ADD_SELECTED,
    FIND,
    apply_errors,
    choices,
    finder_ids,
)
from diaspora.i18n import current_language
from diaspora.models import Contact
from diaspora.outreach import recipients, services
from diaspora.outreach.forms import (
    ADD_SEARCH,
    DELIVERY_STEP,
    REMOVE,
    RecipientsForm,
)
from diaspora.outreach.letters import export_letters
from diaspora.outreach.views import bp, page_labels, reasons_text
from diaspora.saving import current_actor
from diaspora.search.query import SearchQuery
from diaspora.search.services import matching_ids

FINDER_LIMIT = 200


# --- letters ---


@bp.route("/<int:outreach_id>/letters.<fmt>")
@requires(Permission.VIEW_OUTREACH, Permission.VIEW_PERSONAL)
def letters(outreach_id: int, fmt: str):
    outreach = services.get_outreach(outreach_id)
    if fmt not in ("pdf", "csv"):
        return redirect(url_for(".show", outreach_id=outreach_id))
    try:
        export = export_letters(outreach, fmt, actor=current_actor())
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
    ids = matching_ids(query, actor=current_actor())
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
            reasons=reasons_text(result.left_out),
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
        **page_labels(),
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
            wanted = finder_ids(form, step)
            if step == ADD_NUMBERS and not wanted:
                raise ValidationFailed.single(
                    "add_numbers", _("Enter record numbers, such as 12, 15.")
                )
            result = recipients.add_recipients(outreach, wanted, actor=current_actor())
            message, category = _added_message(result)
        elif step == ADD_SEARCH:
            result = recipients.add_from_search(
                outreach, form.search.data or "", actor=current_actor()
            )
            message, category = _added_message(result)
        elif step == REMOVE:
            count = recipients.remove_recipients(
                outreach, form.selected_ids(), actor=current_actor()
            )
            message = ngettext("%(num)d recipient removed.", "%(num)d recipients removed.", count)
            category = "success" if count else "info"
        elif step == DELIVERY_STEP:
            count = recipients.set_delivery(
                outreach, form.selected_ids(), form.delivery.data or "", actor=current_actor()
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
