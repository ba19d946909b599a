"""The review queue: officers approve, merge, apply or reject what the public sent."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from diaspora.auth.permissions import Permission, can, requires
from diaspora.contacts import services as contacts
from diaspora.contacts.errors import DuplicatesFound, StaleVersion
from diaspora.contacts.labels import FIELD_LABELS, PURPOSES
from diaspora.contacts.present import Lookups, format_value, lookups_for
from diaspora.contacts.snapshots import full_snapshot
from diaspora.errors import DomainError, ValidationFailed
from diaspora.extensions import db
from diaspora.forms import apply_errors
from diaspora.i18n import current_language
from diaspora.models import SubmissionKind, SubmissionStatus
from diaspora.privacy.subject_requests import requests_for_submission
from diaspora.public import decisions, services
from diaspora.public import payload as P
from diaspora.public.forms import DecisionForm, RejectForm, apply_form_class
from diaspora.public.labels import KINDS, STATUSES

bp = Blueprint("review", __name__, url_prefix="/review")


@bp.app_context_processor
def inject_pending_reviews() -> dict:
    """The number beside "Review queue" in the menu, for those who review."""

    def pending() -> int | None:
        if not can(current_user, Permission.REVIEW_SUBMISSIONS):
            return None
        try:
            return services.pending_count()
        except SQLAlchemyError:  # an error page after a failed transaction: no number
            db.session.rollback()
            return None

    return {"pending_reviews": pending}


def _actor():
    return current_user._get_current_object()


def _rows(values: dict, keys, lookups: Lookups) -> list[tuple[str, str]]:
    return [
        (str(FIELD_LABELS.get(key, key)), format_value(key, values.get(key), lookups))
        for key in keys
        if key in values
    ]


@bp.route("/")
@requires(Permission.REVIEW_SUBMISSIONS)
def index():
    status = request.args.get("status", SubmissionStatus.PENDING.value)
    if status not in {item.value for item in SubmissionStatus} | {"all"}:
        status = SubmissionStatus.PENDING.value
    kind = request.args.get("kind") or None
    if kind not in {item.value for item in SubmissionKind}:
        kind = None
    items = services.list_submissions(None if status == "all" else status, kind)
    return render_template(
        "review/index.html",
        items=items,
        status=status,
        kind=kind,
        statuses=STATUSES,
        kinds=KINDS,
    )


def _show_page(submission, *, approve_form=None, reject_form=None, status: int = 200):
    actor = _actor()
    lookups = lookups_for(current_language())
    duplicates = services.duplicates_of(submission) if submission.pending else []
    services.record_view(submission, actor=actor)
    for match in duplicates:
        contacts.record_personal_access(match.contact, actor=actor, context="review")
    prop = None
    held = []
    contact = submission.contact
    if contact is not None:  # merged since: the record that lives on
        contact = contacts.survivor_of(contact)
    if submission.kind == SubmissionKind.UPDATE and contact is not None and submission.pending:
        prop = decisions.proposal(submission, contact)
    if submission.kind == SubmissionKind.COPY and contact is not None:
        contacts.record_personal_access(contact, actor=actor, context="review")
        held = _rows(full_snapshot(contact), (*P.PUBLIC_FIELDS, "categories", "notes"), lookups)
    db.session.commit()
    version = str(submission.version)
    if approve_form is None:
        approve_form = DecisionForm(formdata=None, version=version)
        approve_form.acknowledged.data = ",".join(str(m.contact.id) for m in duplicates)
    if reject_form is None:
        reject_form = RejectForm(formdata=None, version=version)
    sent = _rows(submission.payload or {}, P.PUBLIC_FIELDS, lookups)
    changes = []
    if prop is not None:
        changes = [
            (
                str(FIELD_LABELS.get(key, key)),
                format_value(key, (prop.seen or {}).get(key), lookups),
                format_value(key, prop.current.get(key), lookups),
                format_value(key, prop.proposed.get(key), lookups),
            )
            for key in prop.fields
        ]
    return render_template(
        "review/show.html",
        submission=submission,
        contact=contact,
        sent=sent,
        held=held,
        changes=changes,
        proposal=prop,
        duplicates=duplicates,
        approve_form=approve_form,
        reject_form=reject_form,
        purposes=PURPOSES,
        kinds=KINDS,
        statuses=STATUSES,
        entry=_entry(submission.payload or {}, lookups),
        subject_requests=requests_for_submission(submission.id),
    ), status


def _entry(payload: dict, lookups: Lookups) -> dict:
    """The sent values in the shape of the duplicates table's first column."""
    other = [payload.get("foreign_name") or "", *(payload.get("former_names") or "").split(";")]
    return {
        "full_name": payload.get("full_name") or "",
        "other_names": ", ".join(name.strip() for name in other if name.strip()),
        "country": payload.get("country") or "",
        "city": payload.get("city") or "",
        "birth_year": payload.get("birth_year") or "",
        "emails": ", ".join(payload.get("emails") or []),
        "phones": format_value("phones", payload.get("phones") or [], lookups),
        "occupation": payload.get("occupation") or "",
    }


@bp.route("/<int:submission_id>")
@requires(Permission.REVIEW_SUBMISSIONS)
def show(submission_id: int):
    return _show_page(services.get_submission(submission_id))


@bp.route("/<int:submission_id>/approve", methods=["POST"])
@requires(Permission.REVIEW_SUBMISSIONS, Permission.EDIT_CONTACTS)
def approve(submission_id: int):
    submission = services.get_submission(submission_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(_("The form's security token is missing or has expired. Try again."), "error")
        return redirect(url_for(".show", submission_id=submission_id))
    try:
        if submission.kind == SubmissionKind.REGISTRATION:
            contact = decisions.approve_registration(
                submission,
                actor=_actor(),
                expected_version=form.expected_version(),
                acknowledged=form.acknowledged_ids(),
            )
        elif submission.kind in (SubmissionKind.COPY, SubmissionKind.ERASURE):
            decisions.complete_request(
                submission,
                actor=_actor(),
                expected_version=form.expected_version(),
                note=form.note.data or "",
            )
            contact = None
        else:
            raise ValidationFailed.single(
                "decision", _("Review the proposed changes and apply them on their own page.")
            )
    except DuplicatesFound:
        db.session.rollback()
        flash(
            _(
                "Other likely duplicates have appeared since the page was opened. Compare them, "
                "then decide again."
            ),
            "error",
        )
        return redirect(url_for(".show", submission_id=submission_id))
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for(".show", submission_id=submission_id))
    db.session.commit()
    if contact is not None:
        flash(
            _(
                "%(name)s has been registered from submission %(reference)s.",
                name=contact.full_name,
                reference=submission.reference,
            ),
            "success",
        )
        return redirect(url_for("contacts.profile", contact_id=contact.id))
    flash(_("Submission %(reference)s is done.", reference=submission.reference), "success")
    return redirect(url_for(".index"))


@bp.route("/<int:submission_id>/reject", methods=["POST"])
@requires(Permission.REVIEW_SUBMISSIONS)
def reject(submission_id: int):
    submission = services.get_submission(submission_id)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            decisions.reject(
                submission,
                actor=_actor(),
                expected_version=form.expected_version(),
                reason=form.reason.data or "",
            )
        except ValidationFailed as error:
            db.session.rollback()
            apply_errors(form, error)
            return _show_page(submission, reject_form=form)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return redirect(url_for(".show", submission_id=submission_id))
        db.session.commit()
        flash(_("Submission %(reference)s rejected.", reference=submission.reference), "success")
        return redirect(url_for(".index"))
    flash(_("The form's security token is missing or has expired. Try again."), "error")
    return redirect(url_for(".show", submission_id=submission_id))


@bp.route("/<int:submission_id>/apply/<int:contact_id>", methods=["GET", "POST"])
@requires(Permission.REVIEW_SUBMISSIONS, Permission.EDIT_CONTACTS)
def apply(submission_id: int, contact_id: int):
    """Merge a registration into an existing record, or apply a person's update, field by field."""
    submission = services.get_submission(submission_id)
    if submission.kind not in (SubmissionKind.REGISTRATION, SubmissionKind.UPDATE):
        raise ValidationFailed.single(
            "decision", _("This submission cannot be applied to a record.")
        )
    if not submission.pending:
        flash(_("This submission has already been decided. Nothing has been changed."), "error")
        return redirect(url_for(".show", submission_id=submission_id))
    contact = contacts.get_contact(contact_id, include_deleted=request.method == "POST")
    prop = decisions.proposal(submission, contact)
    form = apply_form_class(prop.fields, P.COLLECTIONS)()
    duplicates = None
    if not form.is_submitted():
        form.version.data = str(submission.version)
        form.contact_version.data = str(contact.version)
        for name, side in prop.defaults.items():
            getattr(form, f"choice_{name}").data = side
        contacts.record_personal_access(contact, actor=_actor(), context="review")
        db.session.commit()
    elif form.validate_on_submit():
        choices = {
            name: getattr(form, f"choice_{name}").data
            for name in prop.fields
            if getattr(form, f"choice_{name}").data
        }
        try:
            decisions.apply_submission(
                submission,
                contact,
                choices,
                actor=_actor(),
                expected_version=form.expected_version(),
                contact_version=form.contact_expected_version(),
                acknowledged=form.acknowledged_ids(),
            )
        except StaleVersion:
            db.session.rollback()
            flash(
                _("The record changed while you were choosing. Check the choices again."), "error"
            )
            return redirect(url_for(".apply", submission_id=submission_id, contact_id=contact_id))
        except DuplicatesFound as error:
            db.session.rollback()
            for match in error.matches:
                contacts.record_personal_access(match.contact, actor=_actor(), context="review")
            db.session.commit()
            duplicates = error.matches
            form.acknowledged.data = ",".join(str(match.contact.id) for match in duplicates)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return redirect(url_for(".show", submission_id=submission_id))
        else:
            db.session.commit()
            flash(
                _(
                    "Submission %(reference)s has been applied to %(name)s.",
                    reference=submission.reference,
                    name=contact.full_name,
                ),
                "success",
            )
            return redirect(url_for("contacts.profile", contact_id=contact.id))
    lookups = lookups_for(current_language())
    rows = [
        (
            name,
            str(FIELD_LABELS.get(name, name)),
            getattr(form, f"choice_{name}"),
            format_value(name, prop.current.get(name), lookups),
            format_value(name, prop.proposed.get(name), lookups),
        )
        for name in prop.fields
    ]
    return render_template(
        "review/apply.html",
        form=form,
        submission=submission,
        contact=contact,
        rows=rows,
        proposal=prop,
        duplicates=duplicates,
        purposes=PURPOSES,
    )


@bp.route("/<int:submission_id>/merge")
@requires(Permission.REVIEW_SUBMISSIONS, Permission.EDIT_CONTACTS)
def apply_by_number(submission_id: int):
    """The "merge into record no. …" box: on to the comparison with that record."""
    number = (request.args.get("contact") or "").strip()
    if not number.isdecimal() or len(number) > 9:
        flash(_("Enter the number of an existing record."), "error")
        return redirect(url_for(".show", submission_id=submission_id))
    return redirect(url_for(".apply", submission_id=submission_id, contact_id=int(number)))
