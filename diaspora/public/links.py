"""Personal profile-update links: issued by an officer, used once by the person, expiring.

The person opens the link to see their profile and consents, and sends changes, a request for a
copy of their data, or a request to be deleted; whatever they send goes to the review queue,
except withdrawals of consent, which take effect at once (withdrawing must be as easy as giving,
and must not wait for anyone). Sending anything uses the link up.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from diaspora import clock
from diaspora.audit import services as audit
from diaspora.contacts import consent as consents
from diaspora.contacts import services as contacts
from diaspora.contacts import validation as check
from diaspora.contacts.data import ContactData
from diaspora.contacts.errors import ContactErased, ContactGone
from diaspora.errors import Conflict, NotFound, ValidationFailed
from diaspora.extensions import db
from diaspora.models import (
    ConsentPurpose,
    Contact,
    Submission,
    SubmissionKind,
    UpdateLink,
    User,
)
from diaspora.privacy import subject_requests
from diaspora.public import payload as P
from diaspora.public.errors import LinkUnusable
from diaspora.public.services import (
    Evidence,
    new_submission,
    record_submission,
    validate_public,
)

MAX_DAYS = 365
SECRET_BYTES = 32


@dataclass
class IssuedLink:
    link: UpdateLink
    secret: str  # shown once to the officer, never stored


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue_link(contact: Contact, *, actor: User, days: int) -> IssuedLink:
    """A new link for ``contact``; earlier links still unused are withdrawn."""
    if contact.is_erased:
        raise ContactErased(contact)
    if contact.is_deleted:
        raise ContactGone(contact)
    if not 1 <= days <= MAX_DAYS:
        raise ValidationFailed.single(
            "days", _l("Choose between %(low)d and %(high)d days.", low=1, high=MAX_DAYS)
        )
    now = clock.now()
    for earlier in links_of(contact):
        if earlier.state(now) == "active":
            earlier.revoked_at = now
            earlier.revoked_by_id = actor.id
    secret = secrets.token_urlsafe(SECRET_BYTES)
    link = UpdateLink(
        contact_id=contact.id,
        token_hash=_digest(secret),
        created_by_id=actor.id,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(link)
    db.session.flush()
    audit.record(
        "update_link.create",
        actor=actor,
        target_type="contact",
        target_id=contact.id,
        details={"link_id": link.id, "expires_at": link.expires_at.isoformat()},
    )
    return IssuedLink(link=link, secret=secret)


def links_of(contact: Contact) -> list[UpdateLink]:
    return list(
        db.session.scalars(
            db.select(UpdateLink)
            .where(UpdateLink.contact_id == contact.id)
            .order_by(UpdateLink.id.desc())
        )
    )


def get_link(link_id: int) -> UpdateLink:
    link = db.session.get(UpdateLink, link_id)
    if link is None:
        raise NotFound(_l("This link does not exist."))
    return link


def revoke_link(link: UpdateLink, *, actor: User) -> None:
    if link.state(clock.now()) != "active":
        raise Conflict(_l("This link can no longer be used; there is nothing to withdraw."))
    link.revoked_at = clock.now()
    link.revoked_by_id = actor.id
    db.session.flush()
    audit.record(
        "update_link.revoke",
        actor=actor,
        target_type="contact",
        target_id=link.contact_id,
        details={"link_id": link.id},
    )


def resolve_link(secret: str | None) -> tuple[UpdateLink, Contact]:
    """The usable link with this secret and the record it is for (following merges)."""
    if not secret or len(secret) > 100:
        raise LinkUnusable("unknown")
    link = db.session.scalar(db.select(UpdateLink).where(UpdateLink.token_hash == _digest(secret)))
    if link is None:
        raise LinkUnusable("unknown")
    state = link.state(clock.now())
    if state != "active":
        raise LinkUnusable(state)
    contact = contacts.survivor_of(link.contact)
    if contact.is_deleted:
        raise LinkUnusable("gone")
    return link, contact


def _consume(link: UpdateLink) -> None:
    """Use the link up, once: of two posts at the same moment, the second one finds it used."""
    now = clock.now()
    result = db.session.execute(
        update(UpdateLink)
        .where(
            UpdateLink.id == link.id,
            UpdateLink.used_at.is_(None),
            UpdateLink.revoked_at.is_(None),
            UpdateLink.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise LinkUnusable("used")
    db.session.refresh(link)


def record_view(link: UpdateLink, contact: Contact) -> None:
    """The holder of the link was shown the profile: a view of personal data like any other."""
    contacts.record_personal_access(contact, actor=None, context="update_link")


def active_purposes(contact: Contact) -> list[str]:
    return [p.value for p in ConsentPurpose if contact.active_consent(p) is not None]


def submit_update(
    link: UpdateLink,
    contact: Contact,
    data: ContactData,
    purposes: Collection[str],
    *,
    seen: dict[str, Any] | None,
    copy_requested: bool,
    evidence: Evidence,
) -> list[Submission]:
    """The person's changes go to the review queue; consents they unticked end at once."""
    values, chosen = validate_public(data, purposes, require_store=False)
    _consume(link)
    if not isinstance(seen, dict) or not set(seen) <= set(P.PUBLIC_FIELDS):
        seen = P.public_snapshot(contact)
    active = active_purposes(contact)
    withdrawn = [purpose for purpose in active if purpose not in chosen]
    given = [purpose for purpose in chosen if purpose not in active]
    submission = new_submission(
        SubmissionKind.UPDATE,
        evidence,
        payload=P.payload_from_values(values),
        base=seen,
        purposes=given,
        withdrawn=withdrawn,
        contact_id=contact.id,
        link_id=link.id,
    )
    result = [record_submission(submission)]
    for purpose in withdrawn:
        consents.withdraw_consent(
            contact.active_consent(purpose),
            withdrawn_on=check.today(),
            note=f"{submission.reference} (update link)",
            actor=None,
        )
    if copy_requested:
        result.append(_request(SubmissionKind.COPY, link, contact, evidence))
    return result


def submit_request(
    link: UpdateLink, contact: Contact, kind: SubmissionKind, *, evidence: Evidence
) -> Submission:
    """A request for a copy of the data, or to be deleted, through the link."""
    if kind not in (SubmissionKind.COPY, SubmissionKind.ERASURE):
        raise ValidationFailed.single("request", _l("Choose one of the requests on the page."))
    _consume(link)
    return _request(kind, link, contact, evidence)


def _request(kind: SubmissionKind, link: UpdateLink, contact: Contact, evidence: Evidence):
    """A submission for the review queue, registered at once in the register of requests from
    data subjects (received today), where its legal deadlines start to run."""
    submission = record_submission(
        new_submission(
            kind,
            evidence,
            payload={},
            purposes=[],
            withdrawn=[],
            contact_id=contact.id,
            link_id=link.id,
        )
    )
    subject_requests.register_from_submission(submission)
    return submission
