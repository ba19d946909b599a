"""Retention review: records not verified for ``RETENTION_REVIEW_YEARS`` years, and the purge of
rejected public submissions after ``REJECTED_SUBMISSION_DAYS`` days.

Re-confirming a record goes through ``contacts.services.update_contact`` (as applying a person's
own update does), so the record gets a new version, a change-history entry, an audit event and
a fresh search index entry like any other edit.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, and_, case, delete, func, or_, select

from diaspora import clock
from diaspora.audit import services as audit
from diaspora.contacts import services as contacts
from diaspora.contacts.data import data_from_contact
from diaspora.extensions import db
from diaspora.models import Contact, Submission, SubmissionStatus, User


def years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _not_verified_since(cutoff: date, zone: str):
    cutoff_instant = datetime.combine(cutoff, time(0), ZoneInfo(zone))
    return or_(
        Contact.verified_on < cutoff,
        and_(Contact.verified_on.is_(None), Contact.created_at < cutoff_instant),
    )


def review_statement(today: date, years: int, zone: str) -> Select:
    """Live records last verified before the cutoff (or never, and older than it), oldest first:
    never verified, then by the date of the last verification, then by age."""
    return (
        select(Contact)
        .where(
            Contact.deleted_at.is_(None),
            Contact.merged_into_id.is_(None),
            _not_verified_since(years_before(today, years), zone),
        )
        .order_by(
            case((Contact.verified_on.is_(None), 0), else_=1),
            Contact.verified_on,
            Contact.created_at,
            Contact.id,
        )
    )


def contacts_to_review(
    today: date, years: int, zone: str, *, page: int, per_page: int
) -> Pagination:
    return db.paginate(
        review_statement(today, years, zone),
        page=max(1, page),
        per_page=per_page,
        error_out=False,
        count=True,
    )


def confirm_contact(contact: Contact, *, actor: User, expected_version: int, on: date) -> dict:
    """The person confirmed their record (by letter, email, phone): verified on ``on`` by
    ``actor``. Returns the field diff; an older version is refused with ``StaleVersion``."""
    data = data_from_contact(contact)
    data.verified_on = on
    return contacts.update_contact(contact, data, expected_version=expected_version, actor=actor)


# --- rejected submissions ---


def _rejected_before(days: int):
    cutoff = clock.now() - timedelta(days=days)
    return and_(
        Submission.status == SubmissionStatus.REJECTED.value,
        Submission.reviewed_at.is_not(None),
        Submission.reviewed_at < cutoff,
    )


def rejected_to_purge(days: int) -> int:
    return db.session.scalar(select(func.count(Submission.id)).where(_rejected_before(days))) or 0


def purge_rejected_submissions(*, actor: User | None, days: int) -> int:
    """Delete rejected submissions decided more than ``days`` days ago; audited with their
    references (which hold no personal data). Returns how many were deleted."""
    condition = _rejected_before(days)
    rows = db.session.execute(
        select(Submission.id, Submission.reference).where(condition).order_by(Submission.id)
    ).all()
    if not rows:
        return 0
    ids = [row.id for row in rows]
    db.session.execute(  # the same condition, with the same cutoff, as the rows listed
        delete(Submission).where(condition).execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    audit.record(
        "submission.purge",
        actor=actor,
        target_type="submission",
        details={
            "count": len(ids),
            "older_than_days": days,
            "references": [row.reference for row in rows][:1000],
        },
    )
    return len(ids)
