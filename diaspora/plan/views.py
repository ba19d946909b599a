"""The plan's tasks: list and detail (later issues add the activities linked to a task)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from diaspora.auth.permissions import Permission, requires
from diaspora.errors import NotFound
from diaspora.plan import services

bp = Blueprint("plan", __name__, url_prefix="/plan")


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
    return render_template("plan/task.html", task=task)
