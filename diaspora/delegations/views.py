"""Delegation visit pages: list, prepare, show, contacts to meet (suggestions, finder, order),
the delegation pack, record meetings.

The list, the visit's form and deleting are answered by ``diaspora.saving``, as outreach's are;
the other steps parse their form, call a service, commit once and redirect, and a domain error
puts the service's messages back on the form, so that nothing typed is lost.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from diaspora.auth.permissions import Permission, can, requires
from diaspora.delegations import hooks, services, suggestions
from diaspora.delegations.forms import (
    ContactsForm,
    MeetingsForm,
    PackForm,
    VisitFilterForm,
    VisitForm,
)
from diaspora.delegations.labels import ACTIONS
from diaspora.delegations.meetings import record_meetings
from diaspora.delegations.pack import export_pack, may_share
from diaspora.errors import DomainError, ValidationFailed
from diaspora.extensions import db
from diaspora.forms import ConfirmForm, apply_errors, choices, ids_in
from diaspora.i18n import current_language
from diaspora.models import Contact
from diaspora.plan.services import list_plan_tasks
from diaspora.reference.services import taxonomy
from diaspora.saving import RecordKind, current_actor, list_page, run_step, submit_edit, submit_new
from diaspora.search.query import SearchQuery
from diaspora.search.services import matching_ids
from diaspora.transfer.views import download

bp = Blueprint("delegations", __name__, url_prefix="/delegations")
hooks.register()

FINDER_LIMIT = 100
VISITS = RecordKind(
    id_arg="visit_id",
    get=services.get_visit,
    create=services.create_visit,
    update=services.update_visit,
    already_saved=services.VisitAlreadySaved,
    changed=services.VisitChanged,
)


@bp.route("/")
@requires(Permission.VIEW_DELEGATIONS)
def index():
    filters = VisitFilterForm(request.args)
    filters.when.choices = choices(
        [("", _("All visits")), ("upcoming", _("Upcoming and ongoing")), ("past", _("Past"))]
    )
    when = filters.when.data if filters.when.data in ("upcoming", "past") else ""
    upcoming = {"upcoming": True, "past": False}.get(when)
    return list_page(
        "delegations/list.html",
        lambda page, per_page: services.list_visits(
            services.VisitQuery(upcoming=upcoming, page=page, per_page=per_page),
            today=services.local_today(),
        ),
        filters=filters,
        when=when,
    )


# --- prepare and edit ---


def _prepare(form: VisitForm) -> None:
    form.set_choices(current_language(), tasks=list_plan_tasks(), taxonomy=taxonomy())


def _form_page(form: VisitForm, visit=None, *, status: int = 200):
    return render_template("delegations/form.html", form=form, visit=visit), status


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.EDIT_DELEGATIONS)
def new():
    form = VisitForm()
    _prepare(form)
    return submit_new(
        form,
        VISITS,
        saved=lambda visit: (
            _(
                "The visit “%(title)s” was saved. Now choose the contacts to meet.",
                title=visit.title,
            ),
            url_for(".contacts", visit_id=visit.id),
        ),
        page=lambda status: _form_page(form, status=status),
    )


@bp.route("/<int:visit_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_DELEGATIONS)
def edit(visit_id: int):
    visit = services.get_visit(visit_id)
    form = VisitForm()
    _prepare(form)
    return submit_edit(
        form,
        visit,
        VISITS,
        unchanged=_("Nothing to save: the visit already has these values."),
        page=lambda status: _form_page(form, visit, status=status),
    )


@bp.route("/<int:visit_id>")
@requires(Permission.VIEW_DELEGATIONS)
def show(visit_id: int):
    visit = services.get_visit(visit_id)
    return render_template(
        "delegations/show.html",
        visit=visit,
        editor=can(current_user, Permission.EDIT_DELEGATIONS),
        today=services.local_today(),
        history=[
            (event, ACTIONS.get(event.action, event.action)) for event in services.history(visit)
        ],
    )


@bp.route("/<int:visit_id>/delete", methods=["GET", "POST"])
@requires(Permission.EDIT_DELEGATIONS)
def delete(visit_id: int):
    visit = services.get_visit(visit_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        return run_step(
            lambda: services.delete_visit(visit, actor=current_actor()),
            done=_("The visit “%(title)s” was deleted.", title=visit.title),
            done_url=url_for(".index"),
            failed_url=url_for(".show", visit_id=visit_id),
        )
    return render_template("delegations/delete.html", visit=visit, form=form)


# --- the contacts to meet ---


def _contacts_page(visit, form: ContactsForm, *, found=None, message="", status: int = 200):
    result = suggestions.suggest(visit, today=services.local_today())
    form.suggested.choices = choices(
        (str(item.contact.id), item.contact.full_name) for item in result.items
    )
    rows = visit.live_contacts
    form.selected.choices = choices((str(row.id), row.contact.full_name) for row in rows)
    return render_template(
        "delegations/contacts.html",
        visit=visit,
        form=form,
        suggestions=result,
        rows=rows,
        found=found,
        message=message,
    ), status


def _find(form: ContactsForm, visit):
    text = (form.find_text.data or "").strip()[:200]
    if not text:
        return None, _("Enter a name to find contacts.")
    ids = matching_ids(SearchQuery(text=text), actor=current_actor())
    on_list = {row.contact_id for row in visit.contacts}
    ids = [i for i in ids if i not in on_list]
    shown = {
        row.id: row
        for row in db.session.scalars(select(Contact).where(Contact.id.in_(ids[:FINDER_LIMIT])))
    }
    ordered = [shown[i] for i in ids[:FINDER_LIMIT] if i in shown]
    form.found.choices = choices(
        (str(row.id), f"{row.full_name} · {row.city or '—'}") for row in ordered
    )
    form.found.data = []
    return {"results": ordered, "total": len(ids)}, ""


@bp.route("/<int:visit_id>/contacts", methods=["GET", "POST"])
@requires(Permission.EDIT_DELEGATIONS)
def contacts(visit_id: int):
    visit = services.get_visit(visit_id)
    form = ContactsForm()
    if not form.is_submitted():
        return _contacts_page(visit, form)
    if not form.validate_on_submit():
        return _contacts_page(visit, form, status=400)
    step = form.step.data or ""
    try:
        if step == "find":
            found, message = _find(form, visit)
            return _contacts_page(visit, form, found=found, message=message)
        if step in ("add_suggested", "add_found", "add_numbers"):
            source = {
                "add_suggested": ",".join(form.suggested.data or []),
                "add_found": ",".join(form.found.data or []),
                "add_numbers": form.add_numbers.data or "",
            }[step]
            wanted = ids_in(source)
            if not wanted:
                raise ValidationFailed.single(
                    "add_numbers" if step == "add_numbers" else "suggested",
                    _("Tick the contacts to add, or enter their record numbers."),
                )
            result = services.add_contacts(visit, wanted, actor=current_actor())
            message = ngettext(
                "%(num)d contact added to the list.", "%(num)d contacts added to the list.",
                result.added,
            )  # fmt: skip
        elif step == "remove":
            count = services.remove_contacts(visit, form.selected_ids(), actor=current_actor())
            message = ngettext(
                "%(num)d contact removed from the list.",
                "%(num)d contacts removed from the list.",
                count,
            )
        elif step.startswith(("up-", "down-")) and step.split("-", 1)[1].isdecimal():
            direction, row_id = step.split("-", 1)
            services.move_contact(visit, int(row_id), direction, actor=current_actor())
            message = ""
        else:
            return redirect(url_for(".contacts", visit_id=visit_id))
    except ValidationFailed as error:
        db.session.rollback()
        visit = services.get_visit(visit_id)
        apply_errors(form, error)
        return _contacts_page(visit, form, status=422)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for(".contacts", visit_id=visit_id))
    db.session.commit()
    if message:
        flash(message, "success")
    return redirect(url_for(".contacts", visit_id=visit_id) + ("#list" if not message else ""))


# --- the delegation pack ---


@bp.route("/<int:visit_id>/pack", methods=["GET", "POST"])
@requires(Permission.VIEW_DELEGATIONS)
def pack(visit_id: int):
    visit = services.get_visit(visit_id)
    form = PackForm()
    with_personal = can(current_user, Permission.VIEW_PERSONAL)
    if not form.is_submitted():
        form.language.data = current_language()
    status = 200
    if form.validate_on_submit():
        try:
            export = export_pack(
                visit,
                form.format.data or "",
                form.purpose.data or "",
                actor=current_actor(),
                language=form.language.data or current_language(),
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
            status = 422
        else:
            db.session.commit()
            return download(export.content, export.filename, export.mimetype)
    rows = visit.live_contacts
    return render_template(
        "delegations/pack.html",
        visit=visit,
        form=form,
        rows=rows,
        with_personal=with_personal,
        withheld=sum(1 for row in rows if not may_share(row.contact)),
    ), status


# --- after the visit ---


@bp.route("/<int:visit_id>/meetings", methods=["GET", "POST"])
@requires(Permission.EDIT_DELEGATIONS, Permission.EDIT_ENGAGEMENTS)
def meetings(visit_id: int):
    visit = services.get_visit(visit_id)
    if visit.engagement_id is not None:
        flash(
            _(
                "The meetings of this visit are already recorded; edit that engagement to "
                "change them."
            ),
            "info",
        )
        return redirect(url_for("engagements.show", engagement_id=visit.engagement_id))
    form = MeetingsForm()
    rows = visit.live_contacts
    form.met.choices = choices((str(row.id), row.contact.full_name) for row in rows)
    status = 200
    if form.validate_on_submit():
        try:
            engagement = record_meetings(
                visit, form.met_ids(), form.outcome.data or "", actor=current_actor()
            )
        except DomainError as error:
            db.session.rollback()
            visit = services.get_visit(visit_id)
            apply_errors(form, error)
            status = 422
        else:
            db.session.commit()
            flash(
                ngettext(
                    "A delegation-meeting engagement was recorded with %(num)d contact.",
                    "A delegation-meeting engagement was recorded with %(num)d contacts.",
                    len(engagement.participants),
                ),
                "success",
            )
            return redirect(url_for(".show", visit_id=visit_id))
    return render_template(
        "delegations/meetings.html",
        visit=visit,
        form=form,
        rows=rows,
        started=visit.start_date <= services.local_today(),
    ), status
