"""JSON API v1: the same services and permissions as the pages, authenticated by bearer token.

Errors are RFC 9457 problem documents (see ``diaspora/core/errors.py``).
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, jsonify, request

from diaspora.api.openapi import openapi_document
from diaspora.auth.permissions import Permission, public, requires
from diaspora.countries import country_choices
from diaspora.extensions import csrf, limiter
from diaspora.i18n import current_language
from diaspora.plan import services as plan_services
from diaspora.reference import services as reference_services

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


def rate_limit_key() -> str:
    """Per token when one is sent, else per client address."""
    header = request.headers.get("Authorization", "")
    if header:
        return "token:" + hashlib.sha256(header.encode("utf-8")).hexdigest()[:32]
    return "address:" + (request.remote_addr or "unknown")


limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=rate_limit_key)(bp)


@bp.get("/openapi.json")
@public
def openapi():
    return jsonify(openapi_document())


@bp.get("/fields")
@requires(Permission.VIEW_REFERENCE)
def fields():
    language = current_language()
    items = []
    for group in reference_services.taxonomy():
        items.append(_field(group, language))
        items.extend(_field(child, language) for child in group.children if child.active)
    return jsonify({"items": items})


def _field(row, language: str) -> dict:
    return {
        "code": row.code,
        "parent": row.parent.code if row.parent else None,
        "name": row.name(language),
        "name_vi": row.name_vi,
        "name_en": row.name_en,
    }


@bp.get("/countries")
@requires(Permission.VIEW_REFERENCE)
def countries():
    return jsonify(
        {
            "items": [
                {"code": code, "name": name} for code, name in country_choices(current_language())
            ]
        }
    )


def _task(task, language: str) -> dict:
    return {
        "code": task.code,
        "section": task.section,
        "title": task.title(language),
        "description": task.description(language),
        "lead_agencies": [{"code": a.code, "name": a.name(language)} for a in task.lead_agencies],
        "coordinating_agencies": [
            {"code": a.code, "name": a.name(language)} for a in task.coordinating_agencies
        ],
    }


@bp.get("/plan-tasks")
@requires(Permission.VIEW_REFERENCE)
def plan_tasks():
    language = current_language()
    return jsonify({"items": [_task(t, language) for t in plan_services.list_plan_tasks()]})


# Features add keys to a plan task's detail: callables (task, language) -> dict (engagements add
# the activities linked to the task).
PLAN_TASK_DETAILS: list = []


@bp.get("/plan-tasks/<code>")
@requires(Permission.VIEW_REFERENCE)
def plan_task(code: str):
    language = current_language()
    task = plan_services.get_plan_task(code)
    body = _task(task, language)
    for add_details in PLAN_TASK_DETAILS:
        body.update(add_details(task, language))
    return jsonify(body)
