"""Pieces shared by the records officers prepare through a versioned form and link to plan
tasks (engagements, delegation visits, outreach): the double-submit guard, the stale-version
guard on flush, saving an edit and auditing it, a record's list of contacts (taking rows off,
auditing a change, moving places when contacts merge), a page of a list (and where it stands),
and registering a feature's hooks.

Each feature keeps its own rules, messages and audit details; these helpers only do the part
that is the same for all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sized
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from diaspora.audit import services as audit
from diaspora.auth.permissions import Permission, can
from diaspora.errors import Conflict, NotFound
from diaspora.extensions import db
from diaspora.models import Contact, User, utcnow
from diaspora.plan.activities import LinkedWork


class RecordConflict(Conflict):
    """A conflict about one record, kept as ``record`` (a view links to it or reloads it);
    each feature's subclass says what happened in ``text``, a lazy string."""

    text: Any = ""

    def __init__(self, record: Any) -> None:
        super().__init__(self.text)
        self.record = record


def get_record(model: type, record_id: int, missing: Any) -> Any:
    """The record with this id; ``NotFound`` saying ``missing`` when there is none."""
    record = db.session.get(model, record_id)
    if record is None:
        raise NotFound(missing)
    return record


def saved_earlier(model: type, entry_key: str | None) -> Any | None:
    """The record already created from the same opened form (its ``entry_key``), if any:
    a second click on "Save" must not create a second record."""
    if not entry_key:
        return None
    return db.session.scalar(select(model).where(model.entry_key == entry_key))


def refuse_second_save(model: type, entry_key: str | None, error: type[RecordConflict]) -> None:
    """Raise ``error`` about the record this opened form already created, if it did."""
    earlier = saved_earlier(model, entry_key)
    if earlier is not None:
        raise error(earlier)


def created(state: dict[str, Any]) -> dict[str, list]:
    """A new record's snapshot as the audit trail's field diff: every value set, from nothing."""
    return {key: [None, value] for key, value in state.items() if value}


def audit_saved(
    action: str, record: Any, changes: dict[str, list], *, actor: User, target_type: str
) -> None:
    """The audit event of a create or an edit: the field diff and the version it led to."""
    audit.record(
        action,
        actor=actor,
        target_type=target_type,
        target_id=record.id,
        details={"changes": changes, "version": record.version},
    )


def save_versioned(
    record: Any,
    before: dict[str, Any],
    after: dict[str, Any],
    *,
    expected_version: int,
    changed: type[RecordConflict],
    apply: Callable[[], None],
) -> dict[str, list]:
    """Save an edit made on ``expected_version``: the diff from ``before`` to ``after`` ({}, and
    nothing written, when they are the same); otherwise ``apply()`` the values and flush, or
    raise ``changed`` when someone saved the record first."""
    changes = audit.diff(before, after)
    if not changes:
        return {}
    if expected_version != record.version:
        raise changed(record)
    record.updated_at = utcnow()
    apply()
    flush_versioned(lambda: changed(record))
    return changes


def delete_audited(record: Any, action: str, *, actor: User, target_type: str, title: str) -> None:
    """Delete the record and say so in the audit trail, with the title it had."""
    record_id = record.id
    db.session.delete(record)
    db.session.flush()
    audit.record(
        action, actor=actor, target_type=target_type, target_id=record_id, details={"title": title}
    )


def flush_versioned(changed: Callable[[], Conflict]) -> None:
    """Flush; a concurrent save (version counter moved) raises ``changed()`` instead."""
    try:
        db.session.flush()
    except StaleDataError:
        raise changed() from None


def set_plan_tasks(record: Any, tasks: list) -> None:
    """Link the record to ``tasks`` (in order), touching the relation only when it differs."""
    if [task.id for task in record.plan_tasks] != [task.id for task in tasks]:
        record.plan_tasks = list(tasks)


def listed_with_count(model: type, counted: Any, label: str) -> Select:
    """Rows of ``model`` with their plan tasks, each with the number of rows whose foreign key
    ``counted`` points at it (a visit's contacts, an outreach's recipients) as ``label``."""
    count = select(func.count(counted)).where(counted == model.id).scalar_subquery()
    return select(model, count.label(label)).options(selectinload(model.plan_tasks))


@dataclass
class PageQuery:
    """Which page of a list to show, and how long its pages are; each list's query adds its
    own filters."""

    page: int = 1
    per_page: int = 50


def page_of(statement: Select, *, page: int, per_page: int) -> tuple[list, int]:
    """One page of a list's rows and the number of rows in the whole list."""
    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    page = max(1, page)
    rows = db.session.execute(statement.limit(per_page).offset((page - 1) * per_page)).all()
    return rows, total


@dataclass(frozen=True)
class PageInfo:
    """Where a page stands in a list, as ``templates/_macros/pagination.html`` reads it."""

    page: int
    pages: int

    @classmethod
    def of(cls, page: int, total: int, per_page: int) -> PageInfo:
        return cls(page=page, pages=max(1, -(-total // per_page)))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def take_off(rows: list, row_ids: list[int]) -> list:
    """Take the rows with these ids off a record's list ``rows``; the rows taken off."""
    wanted = set(row_ids)
    removed = [row for row in rows if row.id in wanted]
    for row in removed:
        rows.remove(row)
    return removed


def audit_list_change(
    changed: Sized, action: str, record: Any, *, actor: User, target_type: str, details: dict
) -> None:
    """Flush a change to a record's list; the audit event only when ``changed`` is not empty
    (asking for nothing, or what already was, leaves no trace)."""
    db.session.flush()
    if changed:
        audit.record(
            action, actor=actor, target_type=target_type, target_id=record.id, details=details
        )


def move_list_places(
    model: type,
    list_key: str,
    survivor: Contact,
    absorbed: Contact,
    *,
    siblings: Callable[[Any], list],
    action: str,
    target_type: str,
    combine: Callable[[Any, Any], None] | None = None,
) -> None:
    """A contact merge, for the rows ``model`` that put contacts on records' lists (their
    record's id in ``list_key``): the absorbed contact's places become the survivor's; where
    both were on the same list, the survivor's place stays (after ``combine(kept, place)``) and
    the other leaves ``siblings(place)``. Each place moved is audited on its record."""
    rows = list(db.session.scalars(select(model).where(model.contact_id == absorbed.id)))
    if not rows:
        return
    mine = {
        getattr(row, list_key): row
        for row in db.session.scalars(select(model).where(model.contact_id == survivor.id))
    }
    for row in rows:
        record_id = getattr(row, list_key)
        kept = mine.get(record_id)
        if kept is not None:
            if combine is not None:
                combine(kept, row)
            siblings(row).remove(row)
            db.session.delete(row)
        else:
            row.contact = survivor
        audit.record(
            action,
            actor=None,
            target_type=target_type,
            target_id=record_id,
            details={"survivor_id": survivor.id, "absorbed_id": absorbed.id},
        )


def linked_work(
    user: User,
    permission: Permission,
    records: Callable[[], Iterable],
    *,
    kind_label: Any,
    endpoint: str,
    id_arg: str,
    describe: Callable[[Any], dict],
) -> list[LinkedWork]:
    """A plan task's linked ``records()`` as its page lists them, for a ``user`` who may see
    them (``permission``); ``describe(record)`` gives its title, status label and date."""
    if not can(user, permission):
        return []
    return [
        LinkedWork(
            kind_label=kind_label,
            endpoint=endpoint,
            url_args={id_arg: record.id},
            **describe(record),
        )
        for record in records()
    ]


def add_hooks(*pairs: tuple[list, Callable]) -> None:
    """Append each hook to its list once (importing a blueprint twice must not run it twice)."""
    for hooks, hook in pairs:
        if hook not in hooks:
            hooks.append(hook)
