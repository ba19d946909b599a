"""Engagement pages: list, record, show, edit (with the contact finder), trash.

Views parse the form, call a service, commit once and redirect; a domain error puts the
service's messages back on the form, or gets its own page (409 conflict).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from diaspora.auth.permissions import Permission, can, requires
from diaspora.contacts.organizations import list_organizations
from diaspora.core.paging import page_number
from diaspora.engagements import hooks, services, trash
from diaspora.engagements.errors import EngagementAlreadySaved, EngagementChanged
from diaspora.engagements.forms import (
    EngagementFilterForm,
    EngagementForm,
)
from diaspora.engagements.history import engagement_history, history_entry
from diaspora.engagements.labels import ROLES, TYPES
from diaspora.engagements.present import date_range, history_rows
from diaspora.engagements.validation import as_int
from diaspora.errors import DomainError, ValidationFailed
from diaspora.extensions import db
from diaspora.forms import (
    ADD_ALL,
    ADD_NUMBERS,
    ADD_SELECTED,
    FIND,
    ConfirmForm,
    apply_errors,
    choices,
    finder_ids,
    start_entry,
)
from diaspora.i18n import current_language
from diaspora.models import Contact
from diaspora.plan.services import list_plan_tasks
from diaspora.saving import confirmed_step, current_actor, run_step
from diaspora.search.query import SearchQuery
from diaspora.search.services import matching_ids

bp = Blueprint("engagements", __name__, url_prefix="/engagements")
hooks.register()

FINDER_LIMIT = 200


@bp.app_template_filter("engagement_type")
def engagement_type_filter(code: str) -> str:
    return str(TYPES.get(code, code))


@bp.app_template_filter("participant_role")
def participant_role_filter(code: str) -> str:
    return str(ROLES.get(code, code))


@bp.app_template_filter("date_range")
def date_range_filter(start, end=None) -> str:
    return date_range(start, end)


@bp.route("/")
@requires(Permission.VIEW_ENGAGEMENTS)
def index():
    tasks = list_plan_tasks()
    filters = EngagementFilterForm(request.args)
    filters.set_choices(current_language(), tasks)
    query = services.EngagementQuery(
        text=(filters.q.data or "")[:200],
        type=filters.type.data if filters.type.data in TYPES else "",
        year=filters.year_value(),
        task=filters.task.data if filters.task.data in {t.code for t in tasks} else "",
        country=(filters.country.data or "")[:2],
        page=page_number(),
        per_page=current_app.config["PER_PAGE"],
    )
    page = services.list_engagements(query)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "engagements/list.html", page=page, filters=filters, query=query, page_args=args
    )


# --- the form and its contact finder ---


@dataclass
class Finder:
    """What the finder shows: the contacts found, or a message."""

    searched: bool = False
    results: list[Contact] = field(default_factory=list)
    total: int = 0
    message: str = ""


def _prepare(form: EngagementForm) -> None:
    form.set_choices(
        current_language(),
        tasks=list_plan_tasks(),
        owners=services.owner_choices(),
        organizations=[row for row, _count in list_organizations()],
    )


def _search(form: EngagementForm) -> Finder:
    text = (form.find_text.data or "").strip()[:200]
    country = (form.find_country.data or "").strip()[:2]
    organization = form.find_organization.data or ""
    if not (text or country or organization.isdecimal()):
        return Finder(
            searched=True,
            message=_("Enter a name, or choose a country or an organization, to find contacts."),
        )
    query = SearchQuery(
        text=text,
        countries=(country,) if country else (),
        organizations=(int(organization),) if organization.isdecimal() else (),
    )
    already = set(form.participant_ids())
    ids = [i for i in matching_ids(query, actor=current_actor()) if i not in already]
    shown = services.live_contacts(ids[:FINDER_LIMIT])
    form.found.choices = choices((str(row.id), row.full_name) for row in shown)
    form.found.data = []
    form.found_ids.data = ",".join(str(row.id) for row in shown)
    return Finder(searched=True, results=shown, total=len(ids))


def _add(form: EngagementForm, ids: list[int]) -> int:
    role = form.add_role.data if form.add_role.data in ROLES else "participant"
    return sum(1 for row in services.live_contacts(ids) if form.add_participant(row.id, role))


def _finder_step(form: EngagementForm) -> Finder | None:
    """Run a finder button; None when the post is a save."""
    step = form.step.data
    if step == FIND:
        return _search(form)
    if step in (ADD_SELECTED, ADD_ALL, ADD_NUMBERS):
        wanted = finder_ids(form, step)
        if step == ADD_NUMBERS:
            known = {row.id for row in services.live_contacts(wanted)}
            unknown = [str(i) for i in wanted if i not in known]
            if unknown or not wanted:
                form.add_numbers.errors = [
                    _(
                        "No contact with record number %(ids)s: it does not exist or is in the "
                        "trash.",
                        ids=", ".join(unknown) or (form.add_numbers.data or "")[:40],
                    )
                ]
            else:
                form.add_numbers.data = ""
        added = _add(form, wanted)
        finder = _search(form) if step != ADD_NUMBERS else Finder()
        finder.message = ngettext(
            "%(num)d contact added to the engagement; save to keep it.",
            "%(num)d contacts added to the engagement; save to keep them.",
            added,
        )
        return finder
    return None


def _apply_errors(form: EngagementForm, error: DomainError) -> list[str]:
    """Messages about the participants go above their table; the rest onto their fields."""
    if not isinstance(error, ValidationFailed):
        apply_errors(form, error)
        return []
    errors = dict(error.errors)
    participant_errors = [str(message) for message in errors.pop("participants", [])]
    if errors:
        apply_errors(form, ValidationFailed(errors))
    return participant_errors


def _form_page(
    form: EngagementForm,
    engagement=None,
    *,
    finder: Finder | None = None,
    participant_errors=(),
    template: str = "engagements/form.html",
    status: int = 200,
    **extra,
):
    ids = form.participant_ids()
    contacts = {row.id: row for row in services.live_contacts(ids)}
    rows = [
        (entry, contacts.get(as_int(entry.form.contact_id.data))) for entry in form.participants
    ]
    return render_template(
        template,
        form=form,
        engagement=engagement,
        participant_rows=rows,
        participant_errors=list(participant_errors),
        finder=finder,
        organization_names=[row.name for row, _count in list_organizations()],
        **extra,
    ), status


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.EDIT_ENGAGEMENTS)
def new():
    form = EngagementForm()
    _prepare(form)
    if not form.is_submitted():
        start_entry(form, request.args.getlist("task"))
        for contact in services.live_contacts(request.args.getlist("contact", type=int)[:500]):
            form.add_participant(contact.id)
        if request.args.get("type") in TYPES:
            form.type.data = request.args["type"]
        return _form_page(form)
    finder = _finder_step(form)
    if finder is not None:
        return _form_page(form, finder=finder)
    participant_errors: list[str] = []
    if form.validate_on_submit():
        try:
            engagement = services.create_engagement(
                form.to_data(), actor=current_actor(), entry_key=form.entry_key.data or None
            )
        except EngagementAlreadySaved as error:
            db.session.rollback()
            flash(str(error.message), "info")
            return redirect(url_for(".show", engagement_id=error.engagement.id))
        except DomainError as error:
            db.session.rollback()
            participant_errors = _apply_errors(form, error)
        else:
            db.session.commit()
            flash(_("The engagement “%(title)s” was recorded.", title=engagement.title), "success")
            return redirect(url_for(".show", engagement_id=engagement.id))
    return _form_page(form, participant_errors=participant_errors)


@bp.route("/<int:engagement_id>")
@requires(Permission.VIEW_ENGAGEMENTS)
def show(engagement_id: int):
    engagement = services.get_engagement(
        engagement_id, include_deleted=can(current_user, Permission.EDIT_ENGAGEMENTS)
    )
    editor = can(current_user, Permission.EDIT_ENGAGEMENTS) and not engagement.is_deleted
    return render_template(
        "engagements/show.html",
        engagement=engagement,
        editor=editor,
        history=history_rows(engagement_history(engagement)),
    )


@bp.route("/<int:engagement_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_ENGAGEMENTS)
def edit(engagement_id: int):
    engagement = services.get_engagement(engagement_id, include_deleted=request.method == "POST")
    form = EngagementForm()
    _prepare(form)
    if not form.is_submitted():
        form.load(engagement)
        return _form_page(form, engagement)
    finder = _finder_step(form)
    if finder is not None:
        return _form_page(form, engagement, finder=finder)
    participant_errors: list[str] = []
    if form.validate_on_submit():
        try:
            changes = services.update_engagement(
                engagement,
                form.to_data(),
                expected_version=form.expected_version(),
                actor=current_actor(),
            )
        except EngagementChanged:
            db.session.rollback()
            return _conflict_page(form, engagement)
        except DomainError as error:
            db.session.rollback()
            participant_errors = _apply_errors(form, error)
        else:
            db.session.commit()
            if changes:
                flash(_("Changes to “%(title)s” saved.", title=engagement.title), "success")
            else:
                flash(_("Nothing to save: the engagement already has these values."), "info")
            return redirect(url_for(".show", engagement_id=engagement.id))
    return _form_page(form, engagement, participant_errors=participant_errors)


def _conflict_page(form: EngagementForm, engagement):
    """409: what the others changed since the form was opened, and the officer's input kept,
    now based on the current version so that saving again applies it."""
    since = form.expected_version()
    events = [history_entry(event) for event in services.changes_since(engagement, since)]
    form.version.data = str(engagement.version)
    return _form_page(
        form,
        engagement,
        template="engagements/conflict.html",
        status=409,
        changes=history_rows(list(reversed(events))),
    )


@bp.route("/<int:engagement_id>/delete", methods=["GET", "POST"])
@requires(Permission.EDIT_ENGAGEMENTS)
def delete(engagement_id: int):
    engagement = services.get_engagement(engagement_id, include_deleted=request.method == "POST")
    form = ConfirmForm()
    if form.validate_on_submit():
        return run_step(
            lambda: trash.delete_engagement(engagement, actor=current_actor()),
            done=_("“%(title)s” was moved to the trash.", title=engagement.title),
            done_url=url_for(".index"),
            failed_url=url_for(".index"),
        )
    return render_template("engagements/delete.html", engagement=engagement, form=form)


# --- the trash ---


@bp.route("/trash/")
@requires(Permission.EDIT_ENGAGEMENTS)
def trash_index():
    return render_template(
        "engagements/trash.html",
        page=trash.trash_page(page_number(), current_app.config["PER_PAGE"]),
        form=ConfirmForm(formdata=None),
    )


@bp.route("/trash/<int:engagement_id>/restore", methods=["POST"])
@requires(Permission.EDIT_ENGAGEMENTS)
def restore(engagement_id: int):
    # Reading it from the trash is part of the step: one no longer there is refused with a
    # message, like any other refusal.
    return confirmed_step(
        ConfirmForm(),
        lambda: trash.restore_engagement(trash.get_trashed(engagement_id), actor=current_actor()),
        done=lambda: _(
            "“%(title)s” was restored.", title=services.get_engagement(engagement_id).title
        ),
        next_url=url_for(".show", engagement_id=engagement_id),
        failed_url=url_for(".trash_index"),
    )


@bp.route("/trash/<int:engagement_id>/purge", methods=["GET", "POST"])
@requires(Permission.PURGE_ENGAGEMENTS)
def purge(engagement_id: int):
    form = ConfirmForm()
    if form.validate_on_submit():
        return run_step(
            lambda: trash.purge_engagement(trash.get_trashed(engagement_id), actor=current_actor()),
            done=_("The engagement was removed for good."),
            done_url=url_for(".trash_index"),
            failed_url=url_for(".trash_index"),
        )
    return render_template(
        "engagements/purge.html", engagement=trash.get_trashed(engagement_id), form=form
    )
