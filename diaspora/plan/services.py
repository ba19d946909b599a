"""The plan's numbered tasks, to which engagements, outreach and visits are linked."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from diaspora.errors import NotFound
from diaspora.extensions import db
from diaspora.models import Agency, PlanTask
from diaspora.text import distinct_codes
from diaspora.validation import Errors, add


def list_plan_tasks() -> list[PlanTask]:
    return list(db.session.scalars(db.select(PlanTask).order_by(PlanTask.position)))


def get_plan_task(code: str) -> PlanTask:
    task = db.session.scalar(db.select(PlanTask).where(PlanTask.code == code))
    if task is None:
        raise NotFound(_l("There is no plan task with code %(code)s.", code=code))
    return task


def list_agencies() -> list[Agency]:
    return list(db.session.scalars(db.select(Agency).order_by(Agency.name_vi)))


def linked_to_task(model: type, code: str, *order_by) -> list:
    """The records of ``model`` (visits, outreach) linked to the plan task ``code``, at most
    200, in ``order_by`` order: what a task's page lists."""
    return list(
        db.session.scalars(
            db.select(model)
            .where(model.plan_tasks.any(PlanTask.code == code))
            .order_by(*order_by)
            .limit(200)
        )
    )


def plan_tasks_from_codes(codes: list) -> tuple[list[PlanTask], object | None]:
    """The plan tasks named by codes as typed (trimmed, upper-cased, each once), in the plan's
    order, and the message for codes that name no task (None when every code is known).
    Shared by the forms that link work to plan tasks (engagements, outreach, delegation
    visits)."""
    wanted = distinct_codes(codes)
    if not wanted:
        return [], None
    found = {
        row.code: row
        for row in db.session.scalars(db.select(PlanTask).where(PlanTask.code.in_(wanted)))
    }
    missing = [code for code in wanted if code not in found]
    message = (
        _l(
            "“%(codes)s” is not a task of the plan; use codes such as II.4 or IV.2.",
            codes=", ".join(code[:16] for code in missing[:5]),
        )
        if missing
        else None
    )
    return sorted(found.values(), key=lambda row: row.position), message


def checked_plan_tasks(codes: list, errors: Errors) -> list[PlanTask]:
    """The plan tasks named by ``codes``, with the unknown-code message added to ``errors``
    under ``plan_tasks``: the one check the engagement, outreach and visit forms share."""
    tasks, unknown = plan_tasks_from_codes(codes)
    if unknown:
        add(errors, "plan_tasks", unknown)
    return tasks
