"""The plan's numbered tasks, to which engagements, outreach and visits are linked."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from diaspora.errors import NotFound
from diaspora.extensions import db
from diaspora.models import Agency, PlanTask


def list_plan_tasks() -> list[PlanTask]:
    return list(db.session.scalars(db.select(PlanTask).order_by(PlanTask.position)))


def get_plan_task(code: str) -> PlanTask:
    task = db.session.scalar(db.select(PlanTask).where(PlanTask.code == code))
    if task is None:
        raise NotFound(_l("There is no plan task with code %(code)s.", code=code))
    return task


def list_agencies() -> list[Agency]:
    return list(db.session.scalars(db.select(Agency).order_by(Agency.name_vi)))
