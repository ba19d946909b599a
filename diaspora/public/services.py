"""Public submissions and the officers' decisions on them.

A registration is validated exactly like an officer's entry (``record_validation``) and kept as a
``Submission``; it becomes a contact only when an officer approves it (``create_contact``, with
the consents and their evidence) or applies it to an existing record (``update_contact``, field
by field). Updates sent through a personal link are applied the same way. Every decision checks
that the submission is still pending, so a replayed or forged decision changes nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from diaspora.audit import services as audit
from diaspora.contacts import consent as consents
from diaspora.contacts import record_validation, trash
from diaspora.contacts import services as contacts
from diaspora.contacts import validation as check
from diaspora.contacts.data import ConsentInput, ContactData, data_from_contact
from diaspora.contacts.duplicates import DuplicateMatch, Probe, find_duplicates
from diaspora.contacts.errors import ContactGone, StaleVersion
from diaspora.contacts.record_validation import ContactValues
from diaspora.errors import Conflict, NotFound, ValidationFailed
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
from diaspora.public.errors import AlreadyDecided, AlreadySent
from diaspora.text import clean_lines, word_key

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out on the phone
REASON_LIMIT = 2000
PURPOSES = tuple(purpose.value for purpose in ConsentPurpose)


@dataclass
class Evidence:
    """How a submission arrived: recorded with it, and with the consents made from it."""

    language: str
    notice_version: str
    client_hash: str


def new_reference() -> str:
    for _attempt in range(20):
        code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
        reference = f"HP-{code[:4]}-{code[4:]}"
        if db.session.scalar(db.select(Submission.id).where(Submission.reference == reference)):
            continue
        return reference
    raise RuntimeError("no free submission reference")  # 32^8 codes: never in practice


# --- what the public sends ---


def validate_public(
    data: ContactData, purposes: Collection[str], *, require_store: bool
) -> tuple[ContactValues, list[str]]:
    """The officers' validation of the public fields, plus the public form's own rules."""
    errors: dict[str, list] = {}
    if any(purpose not in PURPOSES for purpose in purposes):
        errors["purposes"] = [_l("Choose the purposes from the list.")]
    chosen = [purpose for purpose in PURPOSES if purpose in purposes]
    if require_store and ConsentPurpose.STORE_PROCESS not in chosen:
        errors["consent_store_process"] = [
            _l(
                "Without your consent to storing your data the Department cannot keep your "
                "registration. Tick this box, or do not send the form."
            )
        ]
    # Only the public fields come from the form; everything else is the officers' to set.
    data = ContactData(
        **{key: getattr(data, key) for key in P.PUBLIC_FIELDS},
        source=Source.SELF_REGISTRATION.value,
    )
    values = None
    try:
        values = record_validation.validate_contact(data)
    except ValidationFailed as error:
        errors = {**error.errors, **errors}
    if values is not None and not values.emails and not values.phones:
        errors.setdefault("emails", []).append(
            _l("Give at least one email address or phone number, so that the Department can reply.")
        )
    if errors or values is None:
        raise ValidationFailed(errors)
    return values, chosen


def record_submission(submission: Submission) -> Submission:
    db.session.add(submission)
    db.session.flush()
    audit.record(
        "submission.create",
        actor=None,
        target_type="submission",
        target_id=submission.id,
        details={
            "kind": submission.kind,
            "reference": submission.reference,
            "contact_id": submission.contact_id,
        },
    )
    return submission


def new_submission(kind: SubmissionKind, evidence: Evidence, **values: Any) -> Submission:
    return Submission(
        reference=new_reference(),
        kind=SubmissionKind(kind).value,
        status=SubmissionStatus.PENDING.value,
        language=evidence.language if evidence.language in ("vi", "en") else "vi",
        notice_version=evidence.notice_version,
        client_hash=evidence.client_hash,
        submitted_at=utcnow(),
        **values,
    )


def submit_registration(
    data: ContactData,
    purposes: Collection[str],
    *,
    evidence: Evidence,
    entry_key: str | None = None,
) -> Submission:
    """A registration from the public form, waiting for review. Nothing else is touched.

    The same form posted twice (a double click) gives the first submission back; a form sent
    again with other answers (the browser's Back button, another family member) is a new one.
    """
    values, chosen = validate_public(data, purposes, require_store=True)
    payload = P.payload_from_values(values)
    key = entry_key if entry_key and len(entry_key) <= 64 else None
    earlier = find_by_entry_key(key)
    if earlier is not None:
        if earlier.payload == payload and earlier.purposes == chosen:
            return earlier
        key = None
    submission = new_submission(
        SubmissionKind.REGISTRATION,
        evidence,
        payload=payload,
        purposes=chosen,
        withdrawn=[],
        entry_key=key,
    )
    try:
        return record_submission(submission)
    except IntegrityError as error:
        if key and "entry_key" in str(error.orig):
            raise AlreadySent() from None  # the other post of a double click won the race
        raise


def find_by_entry_key(entry_key: str | None) -> Submission | None:
    if not entry_key:
        return None
    return db.session.scalar(db.select(Submission).where(Submission.entry_key == entry_key))


# --- reading the queue ---


def get_submission(submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    if submission is None:
        raise NotFound(_l("This submission does not exist."))
    return submission


def list_submissions(status: str | None = "pending", kind: str | None = None) -> list[Submission]:
    statement = db.select(Submission)
    if status:
        statement = statement.where(Submission.status == status)
    if kind:
        statement = statement.where(Submission.kind == kind)
    order = Submission.submitted_at if status == "pending" else Submission.submitted_at.desc()
    return list(db.session.scalars(statement.order_by(order, Submission.id).limit(500)))


def pending_count() -> int:
    return (
        db.session.scalar(
            db.select(db.func.count(Submission.id)).where(
                Submission.status == SubmissionStatus.PENDING.value
            )
        )
        or 0
    )


def record_view(submission: Submission, *, actor: User) -> None:
    """An officer was shown what the person sent (personal data, like a profile)."""
    audit.record(
        "submission.view",
        actor=actor,
        target_type="submission",
        target_id=submission.id,
        details={"reference": submission.reference},
    )


def duplicates_of(submission: Submission) -> list[DuplicateMatch]:
    """Live records that may be the person who registered."""
    payload = submission.payload or {}
    if submission.kind != SubmissionKind.REGISTRATION or not payload.get("full_name"):
        return []
    probe = Probe(
        name_key=word_key(payload.get("full_name")),
        foreign_key=word_key(payload.get("foreign_name")),
        country=payload.get("country"),
        city_key=word_key(payload.get("city")),
        birth_year=payload.get("birth_year"),
        emails=list(payload.get("emails") or []),
        phones=list(payload.get("phones") or []),
    )
    return find_duplicates(probe)


# --- decisions ---


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
    audit.record(
        f"submission.{status.value}",
        actor=actor,
        target_type="submission",
        target_id=submission.id,
        details={
            "reference": submission.reference,
            "kind": submission.kind,
            "contact_id": submission.contact_id,
            **(details or {}),
        },
    )


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
