"""The register of requests from data subjects: registering, the workflow, the list.

received → acknowledged → (extended once, with a reason) → completed, or refused with a reason.
Completing or refusing also counts as the reply when none was recorded. Every change is checked
against the version the officer saw and written to the audit trail; nothing here commits.

A request for a copy or for deletion sent through a profile-update link is registered by
``register_from_submission`` (the link's service calls it) and closed when an officer decides
the submission in the review queue (``close_for_submission``), so that it is handled once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from diaspora.audit import services as audit
from diaspora.contacts.merge import MERGE_STEPS
from diaspora.contacts.validation import add
from diaspora.errors import Conflict, NotFound, ValidationFailed
from diaspora.extensions import db
from diaspora.models import (
    Contact,
    RequestChannel,
    RequestKind,
    RequestStatus,
    SubjectRequest,
    Submission,
    SubmissionKind,
    User,
    utcnow,
)
from diaspora.models.subject_request import OPEN_STATUSES
from diaspora.privacy import deadlines
from diaspora.privacy.request_validation import (
    LIMITS,
    Errors,
    RequestInput,
    local_today,
    text_value,
    validate_request,
)
from diaspora.privacy.request_validation import date_value as _date

FROM_SUBMISSION = {
    SubmissionKind.COPY.value: RequestKind.ACCESS.value,
    SubmissionKind.ERASURE.value: RequestKind.DELETION.value,
}


def _record(action: str, row: SubjectRequest, *, actor: User | None, **details: Any) -> None:
    audit.record(
        f"subject_request.{action}",
        actor=actor,
        target_type="subject_request",
        target_id=row.id,
        details={"kind": row.kind, "status": row.status, "version": row.version, **details},
    )


def _create(values: dict[str, Any], *, actor: User | None, **extra: Any) -> SubjectRequest:
    due = deadlines.deadlines(values["kind"], values["received_on"], current_app.config)
    row = SubjectRequest(
        kind=values["kind"],
        channel=values["channel"],
        received_on=values["received_on"],
        contact_id=values["contact"].id if values["contact"] is not None else None,
        requester_name=values["requester_name"],
        requester_reach=values["requester_reach"],
        description=values["description"],
        reply_due=due.reply_due,
        due_on=due.due_on,
        status=RequestStatus.RECEIVED.value,
        created_by_id=actor.id if actor is not None else None,
        **extra,
    )
    db.session.add(row)
    db.session.flush()
    _record(
        "create",
        row,
        actor=actor,
        channel=row.channel,
        received_on=row.received_on.isoformat(),
        reply_due=row.reply_due.isoformat(),
        due_on=row.due_on.isoformat(),
        contact_id=row.contact_id,
        submission_id=row.submission_id,
    )
    return row


def register_request(
    data: RequestInput, *, actor: User, entry_key: str | None = None
) -> SubjectRequest:
    """Register a request received by email, letter, phone or in person."""
    key = entry_key if entry_key and len(entry_key) <= 64 else None
    if key:
        earlier = db.session.scalar(select(SubjectRequest).where(SubjectRequest.entry_key == key))
        if earlier is not None:
            return earlier  # the same form posted twice
    values = validate_request(data)
    try:
        return _create(values, actor=actor, entry_key=key)
    except IntegrityError as error:
        if key and "entry_key" in str(error.orig):
            raise Conflict(_l("This request has just been registered.")) from None
        raise


def register_from_submission(submission: Submission) -> SubjectRequest:
    """A copy or deletion asked for through an update link, received today."""
    kind = FROM_SUBMISSION[submission.kind]
    values = {
        "kind": kind,
        "channel": RequestChannel.UPDATE_LINK.value,
        "received_on": local_today(),
        "contact": submission.contact,
        "requester_name": "",
        "requester_reach": "",
        "description": submission.reference,
    }
    return _create(values, actor=None, submission_id=submission.id)


# --- the workflow ---


def get_request(request_id: int) -> SubjectRequest:
    row = db.session.get(SubjectRequest, request_id)
    if row is None:
        raise NotFound(_l("This request does not exist."))
    return row


def _check(row: SubjectRequest, expected_version: int, allowed) -> None:
    if expected_version != row.version:
        raise Conflict(_l("The request changed while you were looking at it. Reload it."))
    if row.status not in allowed:
        raise Conflict(_l("This step does not apply to the request as it is now."))


def _save(row: SubjectRequest) -> None:
    row.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(_l("The request changed while you were looking at it. Reload it.")) from None


def _action_date(value: date | str | None, row: SubjectRequest, errors: Errors) -> date | None:
    return _date(
        value,
        "on",
        errors,
        earliest=row.received_on,
        too_early=_l("The date cannot be before the request was received."),
    )


def acknowledge(
    row: SubjectRequest, *, actor: User, expected_version: int, on: date | str | None
) -> None:
    """The person has been told the request is received and what happens next."""
    _check(row, expected_version, {RequestStatus.RECEIVED.value})
    errors: Errors = {}
    day = _action_date(on, row, errors)
    if errors:
        raise ValidationFailed(errors)
    row.acknowledged_on = day
    row.status = RequestStatus.ACKNOWLEDGED.value
    _save(row)
    _record("acknowledge", row, actor=actor, on=day.isoformat(), late=row.replied_late)


def extend(row: SubjectRequest, *, actor: User, expected_version: int, reason: str | None) -> None:
    """Extend the deadline once, before it passes, with the reason told to the person."""
    if row.extended_on is not None:
        raise Conflict(_l("The deadline has already been extended once; it cannot be again."))
    _check(row, expected_version, {RequestStatus.RECEIVED.value, RequestStatus.ACKNOWLEDGED.value})
    errors: Errors = {}
    text = text_value(reason, "reason", errors, multiline=True)
    if not text and not errors:
        add(errors, "reason", _l("Give the reason; the person must be told why."))
    today = local_today()
    if row.due_on < today:
        add(errors, "reason", _l("The deadline has passed; it can no longer be extended."))
    if errors:
        raise ValidationFailed(errors)
    before = row.due_on
    row.due_on = deadlines.extended(row.kind, row.due_on, current_app.config)
    row.extended_on = today
    row.extension_reason = text
    if row.acknowledged_on is None:  # telling the person about the extension is a reply
        row.acknowledged_on = today
    row.status = RequestStatus.EXTENDED.value
    _save(row)
    _record("extend", row, actor=actor, due_on=[before.isoformat(), row.due_on.isoformat()])


def _close(
    row: SubjectRequest,
    status: RequestStatus,
    *,
    actor: User | None,
    expected_version: int,
    text: str | None,
    on: date | str | None,
    field: str,
) -> None:
    _check(row, expected_version, {s.value for s in OPEN_STATUSES})
    errors: Errors = {}
    day = _action_date(on, row, errors)
    cleaned = text_value(text, "outcome", errors, multiline=True)
    if "outcome" in errors and field != "outcome":
        errors[field] = errors.pop("outcome")
    if not cleaned and field not in errors:
        message = (
            _l("Say what was done for the person.")
            if status == RequestStatus.COMPLETED
            else _l("Give the reason for refusing; the person must be told.")
        )
        add(errors, field, message)
    if errors:
        raise ValidationFailed(errors)
    row.status = status.value
    row.closed_on = day
    row.outcome = cleaned
    if row.acknowledged_on is None:  # the answer is also the reply
        row.acknowledged_on = day
    _save(row)
    _record(status.value, row, actor=actor, on=day.isoformat(), late=row.closed_late)


def _pending_submission(row: SubjectRequest) -> None:
    if row.submission is not None and row.submission.pending:
        raise Conflict(
            _l(
                "This request came through a profile-update link: decide submission "
                "%(reference)s in the review queue, which closes this request too.",
                reference=row.submission.reference,
            )
        )


def complete(
    row: SubjectRequest,
    *,
    actor: User,
    expected_version: int,
    outcome: str | None,
    on: date | str | None,
) -> None:
    _pending_submission(row)
    _close(
        row,
        RequestStatus.COMPLETED,
        actor=actor,
        expected_version=expected_version,
        text=outcome,
        on=on,
        field="outcome",
    )


def refuse(
    row: SubjectRequest,
    *,
    actor: User,
    expected_version: int,
    reason: str | None,
    on: date | str | None,
) -> None:
    _pending_submission(row)
    _close(
        row,
        RequestStatus.REFUSED,
        actor=actor,
        expected_version=expected_version,
        text=reason,
        on=on,
        field="reason",
    )


def close_for_submission(submission: Submission, *, actor: User, done: bool, note: str) -> None:
    """The review queue decided a copy or deletion request: close its entry in the register."""
    for row in requests_for_submission(submission.id):
        if not row.is_open:
            continue
        status = RequestStatus.COMPLETED if done else RequestStatus.REFUSED
        text = f"{submission.reference}: {note}" if note else submission.reference
        _close(
            row,
            status,
            actor=actor,
            expected_version=row.version,
            text=text[: LIMITS["outcome"]],
            on=local_today(),
            field="outcome",
        )


def requests_for_submission(submission_id: int) -> list[SubjectRequest]:
    return list(
        db.session.scalars(
            select(SubjectRequest)
            .where(SubjectRequest.submission_id == submission_id)
            .order_by(SubjectRequest.id)
        )
    )


def record_view(row: SubjectRequest, *, actor: User) -> None:
    """An officer was shown the request: who asked and what (personal data)."""
    _record("view", row, actor=actor)


# --- merges: the requests of an absorbed record belong to the survivor ---


def move_requests(survivor: Contact, absorbed: Contact) -> None:
    """A merge step: runs inside the merge's no-autoflush block and leaves the flush to it."""
    rows = db.session.scalars(
        select(SubjectRequest).where(SubjectRequest.contact_id == absorbed.id)
    )
    for row in rows:
        row.contact_id = survivor.id
        row.updated_at = utcnow()


def register_hooks() -> None:
    """Called when the register's blueprint is imported, so that every app has it."""
    if move_requests not in MERGE_STEPS:
        MERGE_STEPS.append(move_requests)


def extension_days(row: SubjectRequest) -> int:
    """How many days the one extension adds to this kind of request."""
    return deadlines.periods(current_app.config)[row.kind].extension_days
