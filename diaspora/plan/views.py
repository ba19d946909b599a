"""The plan's tasks: list and detail, with every activity linked to a task."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from diaspora.auth.permissions import Permission, can, requires
from diaspora.errors import NotFound
from diaspora.plan import services
from diaspora.plan.activities import ActivityFilter, find_activities, linked_work, summarize

bp = Blueprint("plan", __name__, url_prefix="/plan")

PER_PAGE = 50


@bp.route("/")
@requires(Permission.VIEW_REFERENCE)
def tasks():
    return render_template("plan/tasks.html", tasks=services.list_plan_tasks())


@bp.route("/<code>")
@requires(Permission.VIEW_REFERENCE)
def task(code: str):
    try:
        task = services.get_plan_task(code)
    except NotFound:
        abort(404)
    work = linked_work(task.code, current_user)
    if not can(current_user, Permission.VIEW_ENGAGEMENTS):
        return render_template("plan/task.html", task=task, activities=None, work=work)
    # Every kind of activity that registered a source (engagements: those recorded by hand,
    # by a sent outreach and by a visit's meetings), newest first.
    found = find_activities(ActivityFilter(task_codes=(task.code,)))
    summary = summarize(found)
    year = request.args.get("year", type=int)
    shown = [row for row in reversed(found) if not year or row.start.year == year]
    pages = max(1, -(-len(shown) // PER_PAGE))
    page = min(max(1, request.args.get("page", 1, type=int) or 1), pages)
    return render_template(
        "plan/task.html",
        task=task,
        activities=shown[(page - 1) * PER_PAGE : page * PER_PAGE],
        matching=len(shown),
        summary=summary,
        year=year if year in dict(summary.by_year) else None,
        page=page,
        pages=pages,
        work=work,
    )
