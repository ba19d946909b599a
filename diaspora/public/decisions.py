"""Decisions on public submissions: approve a registration as a new contact, apply an update
to a record (the officer picks what to take), complete a request, or reject with a reason. Every
decision checks the submission's version, so a replayed or forged decision changes nothing."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from diaspora.contacts import consent as consents
from diaspora.contacts import services as contacts
from diaspora.contacts import trash
from diaspora.contacts import validation as check
from diaspora.contacts.data import ConsentInput, data_from_contact
from diaspora.contacts.errors import ContactGone, StaleVersion
from diaspora.errors import Conflict, ValidationFailed
from diaspora.extensions import db
from diaspora.models import (
    ConsentMethod,
    ConsentPurpose,
    Contact,
    LegalBasis,
    Source,
    Submission,
    SubmissionKind,
    SubmissionStatus,
    User,
    utcnow,
)
from diaspora.privacy import subject_requests
from diaspora.public import payload as P
from diaspora.public.errors import AlreadyDecided
from diaspora.public.services import audit_submission
from diaspora.text import clean_lines

REASON_LIMIT = 2000


def _check(submission: Submission, expected_version: int, kinds: Collection[str]) -> None:
    if submission.kind not in kinds:
        raise ValidationFailed.single(
            "decision", _l("This decision does not apply to this kind of submission.")
        )
    if not submission.pending:
        raise AlreadyDecided(submission)
    if expected_version != submission.version:
        raise Conflict(_l("The submission changed while you were looking at it. Reload it."))


def _decide(
    submission: Submission,
    status: SubmissionStatus,
    *,
    actor: User,
    contact: Contact | None = None,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    submission.status = status.value
    submission.reviewed_by_id = actor.id
    submission.reviewed_at = utcnow()
    submission.reason = reason
    if contact is not None:
        submission.contact_id = contact.id
    try:
        db.session.flush()
    except StaleDataError:
        raise AlreadyDecided(submission) from None
    audit_submission(submission, status.value, actor=actor, details=details)


def evidence_text(submission: Submission) -> str:
    """Language-neutral and verifiable: reference, time, notice version, client hash."""
    when = submission.submitted_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    client = f"#{submission.client_hash[:16]}" if submission.client_hash else ""
    parts = [submission.reference, when, submission.notice_version, client]
    return " · ".join(part for part in parts if part)


def _consent_input(submission: Submission, purposes: list[str]) -> ConsentInput:
    return ConsentInput(
        purposes=list(purposes),
        method=ConsentMethod.FORM.value,
        given_on=submission.submitted_at.date(),
        evidence=evidence_text(submission),
        notice_version=submission.notice_version,
    )


def approve_registration(
    submission: Submission,
    *,
    actor: User,
    expected_version: int,
    acknowledged: Collection[int] = (),
) -> Contact:
    """A new contact from the registration. Unacknowledged likely duplicates stop it."""
    _check(submission, expected_version, {SubmissionKind.REGISTRATION})
    data = P.data_from_payload(submission.payload or {})
    data.source = Source.SELF_REGISTRATION.value
    data.source_note = submission.reference
    stores = ConsentPurpose.STORE_PROCESS in submission.purposes
    data.legal_basis = LegalBasis.CONSENT.value if stores else None
    consent = _consent_input(submission, submission.purposes) if submission.purposes else None
    contact = contacts.create_contact(
        data,
        actor=actor,
        consent=consent,
        acknowledged=acknowledged,
        entry_key=f"submission:{submission.reference}",
    )
    _decide(submission, SubmissionStatus.APPROVED, actor=actor, contact=contact)
    return contact


@dataclass
class Proposal:
    """What applying a submission to a record would change, field by field."""

    submission: Submission
    contact: Contact
    current: dict[str, Any]
    proposed: dict[str, Any]
    seen: dict[str, Any] | None
    fields: list[str]
    defaults: dict[str, str]
    new_purposes: list[str] = field(default_factory=list)


def _empty(value: Any) -> bool:
    return value in (None, "", [], False)


def proposal(submission: Submission, contact: Contact) -> Proposal:
    current = P.public_snapshot(contact)
    proposed = submission.payload or {}
    if submission.kind == SubmissionKind.UPDATE:
        seen = submission.base or current
        changed = P.differing(seen, proposed)  # what the person changed on their page
        fields = [key for key in changed if current.get(key) != proposed.get(key)]
        defaults = dict.fromkeys(fields, P.SUBMITTED)
    else:
        seen = None
        fields = P.differing(current, proposed)
        defaults = {}
        for key in fields:
            if key in P.COLLECTIONS:
                defaults[key] = P.BOTH
            elif _empty(current.get(key)) and not _empty(proposed.get(key)):
                defaults[key] = P.SUBMITTED
            else:
                defaults[key] = P.CURRENT
    new_purposes = [p for p in submission.purposes if contact.active_consent(p) is None]
    return Proposal(submission, contact, current, proposed, seen, fields, defaults, new_purposes)


def _checked_choices(prop: Proposal, choices: dict[str, str]) -> dict[str, str]:
    result = {}
    for key, side in choices.items():
        allowed = (
            (P.CURRENT, P.SUBMITTED, P.BOTH) if key in P.COLLECTIONS else (P.CURRENT, P.SUBMITTED)
        )
        if key not in prop.fields or side not in allowed:
            raise ValidationFailed.single("choices", _l("Choose one value for each field."))
        result[key] = side
    return result


def apply_submission(
    submission: Submission,
    contact: Contact,
    choices: dict[str, str],
    *,
    actor: User,
    expected_version: int,
    contact_version: int,
    acknowledged: Collection[int] = (),
) -> dict[str, list]:
    """Apply a registration (merge into an existing record) or a profile update to ``contact``.

    ``choices`` says, for each differing field, whether the record keeps its value, takes the
    submitted one, or (lists) keeps both; a field without a choice keeps the record's value.
    Consents the person gave are added with their evidence; returns the record's field diff.
    """
    _check(submission, expected_version, {SubmissionKind.REGISTRATION, SubmissionKind.UPDATE})
    person = submission.contact
    if submission.kind == SubmissionKind.UPDATE and (
        person is None or contacts.survivor_of(person).id != contact.id
    ):
        raise ValidationFailed.single(
            "contact", _l("An update can only be applied to the record it was sent for.")
        )
    if contact.is_deleted:
        raise ContactGone(contact)
    if contact.version != contact_version:
        raise StaleVersion(
            contact, contact_version, contacts.changes_since(contact, contact_version)
        )
    prop = proposal(submission, contact)
    chosen = _checked_choices(prop, choices)
    resolved = P.resolve(prop.current, prop.proposed, chosen)
    data = P.data_from_payload(resolved, into=data_from_contact(contact))
    if prop.new_purposes:  # first, so that the new consent can become the legal basis
        values = consents.validate_consent(_consent_input(submission, prop.new_purposes))
        consents.add_consents(contact, values, actor=actor)
    if contact.legal_basis is None and contact.active_consent(ConsentPurpose.STORE_PROCESS):
        data.legal_basis = LegalBasis.CONSENT.value
    if submission.kind == SubmissionKind.UPDATE:
        data.verified_on = check.today()  # the person checked their own record
    changes = contacts.update_contact(
        contact, data, expected_version=contact_version, actor=actor, acknowledged=acknowledged
    )
    status = (
        SubmissionStatus.MERGED
        if submission.kind == SubmissionKind.REGISTRATION
        else SubmissionStatus.APPROVED
    )
    _decide(
        submission,
        status,
        actor=actor,
        contact=contact,
        details={"choices": chosen, "consents_added": prop.new_purposes},
    )
    return changes


def complete_request(
    submission: Submission, *, actor: User, expected_version: int, note: str = ""
) -> None:
    """A copy was sent, or the record was moved to the trash as the person asked."""
    _check(submission, expected_version, {SubmissionKind.COPY, SubmissionKind.ERASURE})
    note = _reason(note, required=False)
    contact = submission.contact
    if submission.kind == SubmissionKind.ERASURE and contact is not None and not contact.is_deleted:
        trash.delete_contact(contact, actor=actor)
    _decide(submission, SubmissionStatus.APPROVED, actor=actor, reason=note)
    subject_requests.close_for_submission(submission, actor=actor, done=True, note=note)


def reject(submission: Submission, *, actor: User, expected_version: int, reason: str) -> None:
    _check(submission, expected_version, tuple(kind.value for kind in SubmissionKind))
    reason = _reason(reason, required=True)
    _decide(submission, SubmissionStatus.REJECTED, actor=actor, reason=reason)
    if submission.kind in (SubmissionKind.COPY, SubmissionKind.ERASURE):
        subject_requests.close_for_submission(submission, actor=actor, done=False, note=reason)


def _reason(text: str | None, *, required: bool) -> str:
    cleaned = clean_lines(text)
    if required and not cleaned:
        raise ValidationFailed.single("reason", _l("Give the reason; the person may ask for it."))
    if len(cleaned) > REASON_LIMIT:
        raise ValidationFailed.single(
            "reason",
            _l(
                "At most %(n)d characters; this has %(count)d.",
                n=REASON_LIMIT,
                count=len(cleaned),
            ),
        )
    return cleaned
