"""The register's list: filters by status, kind and deadline, open requests first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, and_, func, select

from diaspora.extensions import db
from diaspora.models import RequestKind, RequestStatus, SubjectRequest
from diaspora.models.subject_request import OPEN_STATUSES

# "Due" in the list: the next deadline falls within this many days.
DUE_SOON_DAYS = 7


DUE_FILTERS = ("", "due", "overdue")
STATUS_FILTERS = ("open", "all", *(s.value for s in RequestStatus))


@dataclass
class RequestQuery:
    status: str = "open"
    kind: str = ""
    due: str = ""
    contact_id: int | None = None
    page: int = 1
    per_page: int = 50


def request_statement(query: RequestQuery, today: date) -> Select:
    statement = select(SubjectRequest)
    open_values = [s.value for s in OPEN_STATUSES]
    if query.status == "open" or query.due:
        statement = statement.where(SubjectRequest.status.in_(open_values))
    elif query.status in {s.value for s in RequestStatus}:
        statement = statement.where(SubjectRequest.status == query.status)
    if query.kind in {k.value for k in RequestKind}:
        statement = statement.where(SubjectRequest.kind == query.kind)
    if query.due == "overdue":
        statement = statement.where(SubjectRequest.next_due < today)
    elif query.due == "due":
        statement = statement.where(
            and_(
                SubjectRequest.next_due >= today,
                SubjectRequest.next_due <= today + timedelta(days=DUE_SOON_DAYS),
            )
        )
    if query.contact_id is not None:
        statement = statement.where(SubjectRequest.contact_id == query.contact_id)
    closed = SubjectRequest.status.not_in(open_values)
    return statement.order_by(
        closed,
        SubjectRequest.next_due,
        SubjectRequest.closed_on.desc(),
        SubjectRequest.received_on.desc(),
        SubjectRequest.id.desc(),
    )


def list_requests(query: RequestQuery, today: date) -> Pagination:
    """Open requests first, the nearest deadline first; then closed ones, newest first."""
    return db.paginate(
        request_statement(query, today),
        page=max(1, query.page),
        per_page=query.per_page,
        error_out=False,
        count=True,
    )


@dataclass
class DueCounts:
    due: int
    overdue: int


def due_counts(today: date) -> DueCounts:
    """Open requests whose next deadline is within ``DUE_SOON_DAYS``, and those past it."""
    open_values = [s.value for s in OPEN_STATUSES]
    base = select(func.count(SubjectRequest.id)).where(SubjectRequest.status.in_(open_values))
    overdue = db.session.scalar(base.where(SubjectRequest.next_due < today)) or 0
    due = (
        db.session.scalar(
            base.where(
                SubjectRequest.next_due >= today,
                SubjectRequest.next_due <= today + timedelta(days=DUE_SOON_DAYS),
            )
        )
        or 0
    )
    return DueCounts(due=due, overdue=overdue)
