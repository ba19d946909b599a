"""Pieces shared by the records officers prepare through a versioned form and link to plan
tasks (engagements, delegation visits, outreach): the double-submit guard, the stale-version
guard on flush, a page of a list (and where it stands), and registering a feature's hooks.

Each feature keeps its own rules, messages and audit details; these helpers only do the part
that is the same for all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm.exc import StaleDataError

from diaspora.errors import Conflict
from diaspora.extensions import db


def saved_earlier(model: type, entry_key: str | None) -> Any | None:
    """The record already created from the same opened form (its ``entry_key``), if any:
    a second click on "Save" must not create a second record."""
    if not entry_key:
        return None
    return db.session.scalar(select(model).where(model.entry_key == entry_key))


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


def add_hooks(*pairs: tuple[list, Callable]) -> None:
    """Append each hook to its list once (importing a blueprint twice must not run it twice)."""
    for hooks, hook in pairs:
        if hook not in hooks:
            hooks.append(hook)
