"""API v1 for engagements, on the ``api`` blueprint (bearer tokens, problem responses, rate limit).

``GET /engagements`` lists them (filters: contact, plan task, type, year), ``POST /engagements``
records one through the same service as the form, ``GET /engagements/{id}`` reads one, and
``GET /plan-tasks/{code}/activities`` pages through the activities linked to a task; the task's
own detail gains a summary of them. The OpenAPI document learns all of it through
``EXTENSIONS``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import jsonify, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from diaspora.api.openapi import EXTENSIONS
from diaspora.api.params import unknown_parameters
from diaspora.api.views import PLAN_TASK_DETAILS, bp
from diaspora.auth.permissions import Permission, can, requires
from diaspora.engagements import hooks, services
from diaspora.engagements.data import EngagementData, ParticipantEntry
from diaspora.engagements.errors import EngagementAlreadySaved
from diaspora.engagements.labels import TYPES
from diaspora.engagements.validation import MAX_ID
from diaspora.errors import DomainError, ValidationFailed
from diaspora.extensions import db
from diaspora.models import Engagement
from diaspora.plan import services as plan_services
from diaspora.plan.activities import ActivityFilter, find_activities, summarize
from diaspora.saving import current_actor

hooks.register()

MAX_PER_PAGE = 200
# The query parameters each list reads; any other one is refused (``api.params``).
PAGING_PARAMETERS = ("page", "per_page")
LIST_PARAMETERS = ("contact", "plan_task", "type", "year", *PAGING_PARAMETERS)
ACTIVITY_PARAMETERS = ("year", *PAGING_PARAMETERS)
DETAIL_ITEMS = 100
FIELDS = {
    "type": str,
    "title": str,
    "date": str,
    "end_date": (str, type(None)),
    "country": (str, type(None)),
    "city": str,
    "description": str,
    "outcome": str,
    "next_step": str,
    "next_step_due": (str, type(None)),
    "contact_ids": list,
    "plan_tasks": list,
    "organizations": list,
}
# The API's names for the service's fields, where they differ.
FIELD_NAMES = {"start_date": "date", "participants": "contact_ids"}


# --- JSON shapes ---


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def engagement_json(engagement: Engagement) -> dict[str, Any]:
    return {
        "id": engagement.id,
        "type": engagement.type,
        "type_label": str(TYPES.get(engagement.type, engagement.type)),
        "title": engagement.title,
        "date": _iso(engagement.start_date),
        "end_date": _iso(engagement.end_date),
        "country": engagement.country,
        "city": engagement.city,
        "description": engagement.description,
        "outcome": engagement.outcome,
        "next_step": engagement.next_step,
        "next_step_due": _iso(engagement.next_step_due),
        "next_step_done": engagement.next_step_done,
        "contacts": [
            {
                "id": row.contact_id,
                "name": row.contact.full_name,
                "country": row.contact.country,
                "role": row.role,
            }
            for row in engagement.live_participants
        ],
        "organizations": [row.name for row in engagement.organizations],
        "plan_tasks": engagement.plan_task_codes,
        "recorded_by": engagement.recorded_by.name if engagement.recorded_by else None,
        "created_at": _iso(engagement.created_at),
        "updated_at": _iso(engagement.updated_at),
        "version": engagement.version,
    }


def activity_json(activity) -> dict[str, Any]:
    return {
        "kind": activity.kind,
        "id": activity.id,
        "date": _iso(activity.start),
        "end_date": _iso(activity.end),
        "title": activity.title,
        "type": activity.type,
        "type_label": str(activity.type_label),
        "country": activity.country,
        "city": activity.city,
        "plan_tasks": list(activity.task_codes),
        "contacts": [
            {"id": row.contact_id, "name": row.name, "country": row.country}
            for row in activity.reached
        ],
    }


def summary_json(summary) -> dict[str, Any]:
    return {
        "total": summary.activities,
        "contacts_reached": summary.contacts,
        "by_year": [{"year": year, "count": count} for year, count in summary.by_year],
        "by_country": [
            {"country": country, "count": count} for country, count in summary.by_country
        ],
    }


# --- query arguments ---


def _int_arg(name: str, errors: dict, *, low: int, high: int) -> int | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    if raw.isdecimal() and len(raw) <= 10 and low <= int(raw) <= high:
        return int(raw)
    errors[name] = [_l("Give a whole number from %(low)d to %(high)d.", low=low, high=high)]
    return None


def _paging(errors: dict) -> tuple[int, int]:
    page = _int_arg("page", errors, low=1, high=100000) or 1
    per_page = _int_arg("per_page", errors, low=1, high=MAX_PER_PAGE) or 50
    return page, per_page


def _page_json(items: list, total: int, page: int, per_page: int) -> dict[str, Any]:
    return {"items": items, "total": total, "page": page, "per_page": per_page}


# --- routes ---


@bp.get("/engagements")
@requires(Permission.VIEW_ENGAGEMENTS)
def engagements_index():
    errors = unknown_parameters(request.args, LIST_PARAMETERS)
    contact = _int_arg("contact", errors, low=1, high=MAX_ID)
    year = _int_arg("year", errors, low=1900, high=9999)
    page, per_page = _paging(errors)
    kind = request.args.get("type", "")
    if kind and kind not in TYPES:
        errors["type"] = [_l("Choose the type of engagement from the list.")]
    code = request.args.get("plan_task", "")
    if code:
        try:
            plan_services.get_plan_task(code)
        except DomainError:
            errors["plan_task"] = [
                _l(
                    "“%(codes)s” is not a task of the plan; use codes such as II.4 or IV.2.",
                    codes=code[:16],
                )
            ]
    if errors:
        raise ValidationFailed(errors)
    result = services.list_engagements(
        services.EngagementQuery(
            type=kind, year=year, task=code, contact_id=contact, page=page, per_page=per_page
        )
    )
    return jsonify(
        _page_json([engagement_json(row) for row in result.items], result.total, page, per_page)
    )


@bp.get("/engagements/<int:engagement_id>")
@requires(Permission.VIEW_ENGAGEMENTS)
def engagements_show(engagement_id: int):
    return jsonify(engagement_json(services.get_engagement(engagement_id)))


def _data_from_json(body: Any) -> EngagementData:
    if not isinstance(body, dict):
        raise ValidationFailed.single("body", _l("Send a JSON object."))
    errors: dict[str, list] = {}
    unknown = sorted(key for key in body if key not in FIELDS)
    for key in unknown[:10]:
        errors[str(key)[:40]] = [_l("Unknown field.")]
    for key, expected in FIELDS.items():
        if key in body and not isinstance(body[key], expected):
            errors[key] = [_l("This field has the wrong type.")]
    for key in ("contact_ids", "plan_tasks", "organizations"):
        value = body.get(key)
        wanted = int if key == "contact_ids" else str
        if isinstance(value, list) and not all(
            isinstance(item, wanted) and not isinstance(item, bool) for item in value
        ):
            errors[key] = [_l("This field has the wrong type.")]
    if "contact_ids" not in body:
        errors.setdefault("contact_ids", []).append(
            _l("Add at least one contact: an engagement is always with someone.")
        )
    if errors:
        raise ValidationFailed(errors)
    return EngagementData(
        type=body.get("type", ""),
        title=body.get("title", ""),
        start_date=body.get("date"),
        end_date=body.get("end_date"),
        country=body.get("country") or "",
        city=body.get("city", ""),
        description=body.get("description", ""),
        outcome=body.get("outcome", ""),
        next_step=body.get("next_step", ""),
        next_step_due=body.get("next_step_due"),
        participants=[ParticipantEntry(contact_id) for contact_id in body.get("contact_ids", [])],
        organizations=list(body.get("organizations", [])),
        plan_tasks=list(body.get("plan_tasks", [])),
    )


def _renamed(error: ValidationFailed) -> ValidationFailed:
    return ValidationFailed(
        {FIELD_NAMES.get(key, key): messages for key, messages in error.errors.items()}
    )


def _entry_key() -> str | None:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return None
    digest = hashlib.sha256(f"{current_user.id}:{key}".encode()).hexdigest()
    return "api:" + digest[:60]


@bp.post("/engagements")
@requires(Permission.EDIT_ENGAGEMENTS)
def engagements_create():
    data = _data_from_json(request.get_json(silent=True))
    try:
        engagement = services.create_engagement(data, actor=current_actor(), entry_key=_entry_key())
    except EngagementAlreadySaved as error:
        db.session.rollback()
        response = jsonify(engagement_json(error.engagement))
        response.headers["Location"] = url_for(
            ".engagements_show", engagement_id=error.engagement.id
        )
        return response, 200
    except ValidationFailed as error:
        db.session.rollback()
        raise _renamed(error) from None
    db.session.commit()
    response = jsonify(engagement_json(engagement))
    response.headers["Location"] = url_for(".engagements_show", engagement_id=engagement.id)
    return response, 201


@bp.get("/plan-tasks/<code>/activities")
@requires(Permission.VIEW_ENGAGEMENTS)
def plan_task_activities(code: str):
    task = plan_services.get_plan_task(code)
    errors = unknown_parameters(request.args, ACTIVITY_PARAMETERS)
    year = _int_arg("year", errors, low=1900, high=9999)
    page, per_page = _paging(errors)
    if errors:
        raise ValidationFailed(errors)
    activities = find_activities(ActivityFilter(task_codes=(task.code,)))
    newest = [row for row in reversed(activities) if not year or row.start.year == year]
    start = (page - 1) * per_page
    body = _page_json(
        [activity_json(row) for row in newest[start : start + per_page]],
        len(newest),
        page,
        per_page,
    )
    body["task"] = task.code
    body["summary"] = summary_json(summarize(activities))
    return jsonify(body)


def plan_task_detail(task, language: str) -> dict[str, Any]:
    """The activities linked to a task, in its API detail: a summary and the newest ones."""
    if not can(current_user, Permission.VIEW_ENGAGEMENTS):
        return {}
    activities = find_activities(ActivityFilter(task_codes=(task.code,)))
    newest = list(reversed(activities))[:DETAIL_ITEMS]
    return {
        "activities": {
            **summary_json(summarize(activities)),
            "items": [activity_json(row) for row in newest],
            "more": len(activities) > len(newest),
        }
    }


def register() -> None:
    from diaspora.engagements.api_schema import extend_document

    if extend_document not in EXTENSIONS:
        EXTENSIONS.append(extend_document)
    if plan_task_detail not in PLAN_TASK_DETAILS:
        PLAN_TASK_DETAILS.append(plan_task_detail)


register()
