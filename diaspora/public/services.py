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
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from diaspora.audit import services as audit
from diaspora.contacts import record_validation
from diaspora.contacts.data import ContactData
from diaspora.contacts.duplicates import DuplicateMatch, Probe, find_duplicates
from diaspora.contacts.record_validation import ContactValues
from diaspora.errors import NotFound, ValidationFailed
from diaspora.extensions import db
from diaspora.models import (
    ConsentPurpose,
    Source,
    Submission,
    SubmissionKind,
    SubmissionStatus,
    User,
    utcnow,
)
from diaspora.public import payload as P
from diaspora.public.errors import AlreadySent
from diaspora.text import word_key

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out on the phone
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


def audit_submission(
    submission: Submission, action: str, *, actor: User | None, details: dict | None = None
) -> None:
    """A submission's audit event: what every one of them says (kind, reference, record),
    plus the decision's own details."""
    audit.record(
        f"submission.{action}",
        actor=actor,
        target_type="submission",
        target_id=submission.id,
        details={
            "kind": submission.kind,
            "reference": submission.reference,
            "contact_id": submission.contact_id,
            **(details or {}),
        },
    )


def record_submission(submission: Submission) -> Submission:
    db.session.add(submission)
    db.session.flush()
    audit_submission(submission, "create", actor=None)
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
