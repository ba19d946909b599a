"""Contact pages: list, register, profile, edit, delete, consent and merge.

Views parse the form, call a service, commit once and redirect; a domain error puts the
service's messages back on the form, or gets its own page (duplicates, 409 conflict).
"""

from __future__ import annotations

import secrets

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from diaspora.auth.permissions import Permission, can, requires
from diaspora.contacts import merge as merge_services
from diaspora.contacts import services, trash
from diaspora.contacts.duplicates import find_duplicates, probe_from_contact
from diaspora.contacts.errors import AlreadySaved, DuplicatesFound, StaleVersion
from diaspora.contacts.forms import (
    ConfirmForm,
    ContactForm,
    WithdrawConsentForm,
    merge_form_class,
)
from diaspora.contacts.history import contact_history, history_entry
from diaspora.contacts.labels import FIELD_LABELS, ORGANIZATION_KINDS, REASONS
from diaspora.contacts.organizations import list_organizations
from diaspora.contacts.present import format_value, history_rows, lookups_for
from diaspora.contacts.validation import display_phone, today
from diaspora.core.paging import page_number
from diaspora.engagements.labels import TYPES as ENGAGEMENT_TYPES
from diaspora.engagements.timeline import contact_timeline
from diaspora.errors import DomainError, NotFound, ValidationFailed
from diaspora.extensions import db
from diaspora.forms import apply_errors
from diaspora.i18n import current_language
from diaspora.privacy.erased_names import shown_name
from diaspora.reference.categories import list_categories
from diaspora.reference.services import taxonomy

bp = Blueprint("contacts", __name__, url_prefix="/contacts")


@bp.app_template_filter("phone")
def phone_filter(e164: str) -> str:
    return display_phone(e164)


@bp.app_template_filter("duplicate_reason")
def duplicate_reason_filter(code: str) -> str:
    return str(REASONS.get(code, code))


@bp.app_template_filter("field_label")
def field_label_filter(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


@bp.app_template_filter("organization_kind")
def organization_kind_filter(code: str) -> str:
    return str(ORGANIZATION_KINDS.get(code, code))


def _actor():
    return current_user._get_current_object()


def _prepare(form: ContactForm, contact=None) -> None:
    """Choices in the reader's language; inactive entries only where the record has them."""
    language = current_language()
    kept_fields = {row.field_id for row in contact.expertise} if contact else set()
    groups = []
    for group in taxonomy(include_inactive=True):
        children = [c for c in group.children if c.active or c.id in kept_fields]
        if group.active or group.id in kept_fields or children:
            groups.append(_Group(group, children))
    kept = {row.id for row in contact.categories} if contact else set()
    categories = [
        row for row in list_categories(include_inactive=True) if row.active or row.id in kept
    ]
    form.pad_rows()
    form.set_choices(language, groups, categories)


class _Group:
    """A taxonomy group with only the children that may be offered."""

    def __init__(self, group, children) -> None:
        self.id, self.code, self.children = group.id, group.code, children
        self.name = group.name


def _form_page(form, contact, duplicates=None, status=200):
    return render_template(
        "contacts/form.html",
        form=form,
        contact=contact,
        duplicates=duplicates,
        organization_names=[row.name for row, _count in list_organizations()],
        show_consent=contact is None,
    ), status


def _after_duplicates(error: DuplicatesFound, form: ContactForm):
    """Show the duplicates side by side; their personal details are shown, so log it."""
    db.session.rollback()
    for match in error.matches:
        services.record_personal_access(match.contact, actor=_actor(), context="duplicates")
    db.session.commit()
    form.acknowledged.data = ",".join(str(match.contact.id) for match in error.matches)
    return error.matches


def _merge_target(form: ContactForm) -> int | None:
    decision = form.decision.data or ""
    if decision.startswith("merge:") and decision[6:].isdecimal():
        target = int(decision[6:])
        return target if target in form.acknowledged_ids() else None
    return None


def _acknowledged(form: ContactForm) -> list[int]:
    if form.decision.data == "distinct" or _merge_target(form) is not None:
        return form.acknowledged_ids()
    return []


@bp.route("/")
@requires(Permission.VIEW_CONTACTS)
def index():
    query = services.ListQuery(
        name=request.args.get("q", "")[:200],
        sort=request.args.get("sort", services.DEFAULT_SORT),
        page=page_number(),
        per_page=current_app.config["PER_PAGE"],
    )
    if query.sort not in services.SORTS:
        query.sort = services.DEFAULT_SORT
    page = services.list_contacts(query)
    sort_links = {
        column: url_for(
            ".index", q=query.name or None, sort=f"-{column}" if query.sort == column else column
        )
        for column in ("name", "country", "updated")
    }
    return render_template("contacts/list.html", page=page, query=query, sort_links=sort_links)


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.EDIT_CONTACTS)
def new():
    form = ContactForm()
    _prepare(form)
    if not form.is_submitted():
        form.entry_key.data = secrets.token_urlsafe(24)
    duplicates = None
    if form.validate_on_submit():
        try:
            contact = services.create_contact(
                form.to_data(),
                actor=_actor(),
                consent=form.consent_input(),
                acknowledged=_acknowledged(form),
                entry_key=form.entry_key.data or None,
            )
        except AlreadySaved as error:
            db.session.rollback()
            flash(str(error.message), "info")
            earlier = services.find_by_entry_key(form.entry_key.data)
            if earlier is None or earlier.is_deleted:
                return redirect(url_for(".index"))
            return redirect(url_for(".profile", contact_id=earlier.id))
        except DuplicatesFound as error:
            duplicates = _after_duplicates(error, form)
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            target = _merge_target(form)
            if target is not None:
                return redirect(url_for(".merge", survivor=target, absorbed=contact.id))
            flash(_("%(name)s has been registered.", name=contact.full_name), "success")
            return redirect(url_for(".profile", contact_id=contact.id))
    return _form_page(form, None, duplicates)


@bp.route("/<int:contact_id>")
@requires(Permission.VIEW_CONTACTS)
def profile(contact_id: int):
    contact = services.get_contact(contact_id, include_deleted=True)
    if contact.is_merged:
        survivor = services.survivor_of(contact)
        flash(
            _(
                "Record no. %(old)d was merged into record no. %(new)d.",
                old=contact.id,
                new=survivor.id,
            ),
            "info",
        )
        return redirect(url_for(".profile", contact_id=survivor.id))
    if contact.is_deleted and not can(current_user, Permission.TRASH_CONTACTS):
        raise NotFound(_("This contact does not exist, or has been removed."))
    personal = can(current_user, Permission.VIEW_PERSONAL)
    if personal:
        services.record_personal_access(contact, actor=_actor(), context="profile")
        db.session.commit()
    editor = (
        can(current_user, Permission.EDIT_CONTACTS)
        and not contact.is_deleted
        and not contact.is_erased
    )
    duplicates = (
        find_duplicates(probe_from_contact(contact), exclude_id=contact.id) if editor else []
    )
    lookups = lookups_for(current_language())
    return render_template(
        "contacts/profile.html",
        contact=contact,
        personal=contact if personal else None,
        editor=editor,
        history=history_rows(contact_history(contact, personal=personal), lookups),
        duplicates=duplicates,
        confirm_form=ConfirmForm(),
        withdraw_form=WithdrawConsentForm(formdata=None, withdrawn_on=today().isoformat()),
        value=lambda name, v: format_value(name, v, lookups),
        timeline=_timeline(contact),
    )


def _timeline(contact):
    """The engagement timeline, filtered by ?etype= and ?eyear= (unknown values ignored)."""
    if not can(current_user, Permission.VIEW_ENGAGEMENTS):
        return None
    kind = request.args.get("etype", "")
    year = request.args.get("eyear", type=int)
    return contact_timeline(
        contact.id,
        type=kind if kind in ENGAGEMENT_TYPES else "",
        year=year if year and 1900 <= year <= 9999 else None,
    )


@bp.route("/<int:contact_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_CONTACTS)
def edit(contact_id: int):
    # A POST for a record deleted meanwhile reaches the service, which explains what happened.
    contact = services.get_contact(contact_id, include_deleted=request.method == "POST")
    if contact.is_erased:
        flash(_("This record was erased: it can no longer be changed."), "info")
        return redirect(url_for(".profile", contact_id=contact.id))
    form = ContactForm()
    if not form.is_submitted():
        form.load(contact)
        services.record_personal_access(contact, actor=_actor(), context="edit")
        db.session.commit()
    _prepare(form, contact)
    duplicates = None
    if form.validate_on_submit():
        try:
            changes = services.update_contact(
                contact,
                form.to_data(),
                expected_version=form.expected_version(),
                actor=_actor(),
                acknowledged=_acknowledged(form),
            )
        except StaleVersion:
            db.session.rollback()
            return _conflict_page(form, contact)
        except DuplicatesFound as error:
            duplicates = _after_duplicates(error, form)
        except ValidationFailed as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            target = _merge_target(form)
            if target is not None:
                return redirect(url_for(".merge", survivor=target, absorbed=contact.id))
            if changes:
                flash(_("Changes to %(name)s saved.", name=contact.full_name), "success")
            else:
                flash(_("Nothing to save: the record already has these values."), "info")
            return redirect(url_for(".profile", contact_id=contact.id))
    return _form_page(form, contact, duplicates)


def _conflict_page(form: ContactForm, contact):
    """409: what the others changed since the form was opened, and the officer's input kept,
    now based on the current version so that saving again applies it."""
    since = form.expected_version()
    lookups = lookups_for(current_language())
    events = [
        history_entry(event, personal=True) for event in services.changes_since(contact, since)
    ]
    form.version.data = str(contact.version)
    return render_template(
        "contacts/conflict.html",
        form=form,
        contact=contact,
        changes=history_rows(list(reversed(events)), lookups),
        organization_names=[row.name for row, _count in list_organizations()],
        show_consent=False,
        duplicates=None,
    ), 409


@bp.route("/<int:contact_id>/delete", methods=["GET", "POST"])
@requires(Permission.TRASH_CONTACTS)
def delete(contact_id: int):
    contact = services.get_contact(contact_id, include_deleted=request.method == "POST")
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            trash.delete_contact(contact, actor=_actor())
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return redirect(url_for(".index"))
        db.session.commit()
        flash(_("%(name)s was moved to the trash.", name=shown_name(contact.full_name)), "success")
        return redirect(url_for(".index"))
    return render_template("contacts/delete.html", contact=contact, form=form)


@bp.route("/merge", methods=["GET", "POST"])
@requires(Permission.EDIT_CONTACTS)
def merge():
    survivor_id = request.args.get("survivor", type=int)
    absorbed_id = request.args.get("absorbed", type=int)
    if survivor_id is None or absorbed_id is None:
        raise ValidationFailed.single("absorbed", _("Give the numbers of both records."))
    survivor = services.get_contact(survivor_id, include_deleted=request.method == "POST")
    absorbed = services.get_contact(absorbed_id, include_deleted=request.method == "POST")
    merge_services.check_pair(survivor, absorbed)
    fields = merge_services.differing_fields(survivor, absorbed)
    form = merge_form_class(fields, FIELD_LABELS)()
    if not form.is_submitted():
        form.survivor_version.data = str(survivor.version)
        form.absorbed_version.data = str(absorbed.version)
        for name, side in merge_services.default_choices(survivor, absorbed).items():
            getattr(form, f"choice_{name}").data = side
        for contact in (survivor, absorbed):
            services.record_personal_access(contact, actor=_actor(), context="merge")
        db.session.commit()
    elif form.validate_on_submit():
        choices = {name: getattr(form, f"choice_{name}").data or "survivor" for name in fields}
        try:
            merge_services.merge_contacts(
                survivor,
                absorbed,
                choices,
                survivor_version=_int(form.survivor_version.data),
                absorbed_version=_int(form.absorbed_version.data),
                actor=_actor(),
            )
        except StaleVersion:
            db.session.rollback()
            flash(
                _("One of the records changed while you were choosing. Check the choices again."),
                "error",
            )
            return redirect(url_for(".merge", survivor=survivor_id, absorbed=absorbed_id))
        db.session.commit()
        flash(
            _(
                "Record no. %(old)d was merged into %(name)s.",
                old=absorbed_id,
                name=survivor.full_name,
            ),
            "success",
        )
        return redirect(url_for(".profile", contact_id=survivor_id))
    lookups = lookups_for(current_language())
    return render_template(
        "contacts/merge.html",
        form=form,
        survivor=survivor,
        absorbed=absorbed,
        rows=[
            (
                name,
                FIELD_LABELS.get(name, name),
                getattr(form, f"choice_{name}"),
                format_value(name, getattr(survivor, name), lookups),
                format_value(name, getattr(absorbed, name), lookups),
            )
            for name in fields
        ],
        value=lambda name, v: format_value(name, v, lookups),
    )


def _int(value: str | None) -> int:
    value = (value or "").strip()
    return int(value) if value.isdecimal() else 0
