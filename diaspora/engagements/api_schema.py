"""The OpenAPI description of the engagements API (``diaspora/engagements/api.py``): schemas and
paths, added to the document through ``api.openapi.EXTENSIONS``."""

from __future__ import annotations

from typing import Any

from diaspora.api.openapi import PROBLEM, UNKNOWN_PARAMETERS
from diaspora.engagements.api import MAX_PER_PAGE
from diaspora.engagements.validation import MAX_ID
from diaspora.models import EngagementType
from diaspora.reference.services import seeded_plan_task_codes


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _query(name: str, schema: dict, description: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


PAGING = [
    _query("page", {"type": "integer", "minimum": 1, "maximum": 100000}, "Page, from 1"),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}, "Items a page"),
]
ERRORS = {"401": PROBLEM, "403": PROBLEM, "422": PROBLEM, "429": PROBLEM}
TYPE_CODES = [member.value for member in EngagementType]
TASK_CODES = seeded_plan_task_codes()
DATE = {"type": "string", "format": "date", "examples": ["2026-02-14"]}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}


def _json_ok(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _page_schema(item: str) -> dict:
    return {
        "type": "object",
        "required": ["items", "total", "page", "per_page"],
        "properties": {
            "items": {"type": "array", "items": _ref(item)},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
        },
    }


SCHEMAS: dict[str, Any] = {
    "EngagementContact": {
        "type": "object",
        "required": ["id", "name", "country", "role"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "country": {"type": "string"},
            "role": {"type": "string"},
        },
    },
    "Engagement": {
        "type": "object",
        "required": [
            "id",
            "type",
            "type_label",
            "title",
            "date",
            "end_date",
            "country",
            "city",
            "contacts",
            "plan_tasks",
            "version",
        ],
        "properties": {
            "id": {"type": "integer"},
            "type": {"type": "string", "enum": TYPE_CODES},
            "type_label": {"type": "string"},
            "title": {"type": "string"},
            "date": DATE,
            "end_date": NULLABLE_DATE,
            "country": {"type": ["string", "null"]},
            "city": {"type": "string"},
            "description": {"type": "string"},
            "outcome": {"type": "string"},
            "next_step": {"type": "string"},
            "next_step_due": NULLABLE_DATE,
            "next_step_done": {"type": "boolean"},
            "contacts": {"type": "array", "items": _ref("EngagementContact")},
            "organizations": {"type": "array", "items": {"type": "string"}},
            "plan_tasks": {"type": "array", "items": {"type": "string"}},
            "recorded_by": {"type": ["string", "null"]},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
            "version": {"type": "integer"},
        },
    },
    "NewEngagement": {
        "type": "object",
        "required": ["type", "title", "date", "contact_ids"],
        "additionalProperties": False,
        "properties": {
            "type": {"type": "string", "enum": TYPE_CODES},
            "title": {"type": "string", "maxLength": 300},
            "date": DATE,
            "end_date": NULLABLE_DATE,
            "country": {"type": ["string", "null"], "examples": ["JP"]},
            "city": {"type": "string", "maxLength": 120},
            "description": {"type": "string"},
            "outcome": {"type": "string"},
            "next_step": {"type": "string", "maxLength": 500},
            "next_step_due": NULLABLE_DATE,
            "contact_ids": {
                "type": "array",
                "minItems": 1,
                "items": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            },
            "plan_tasks": {
                "type": "array",
                "items": {"type": "string", "enum": TASK_CODES},
                "examples": [["II.4"]],
            },
            "organizations": {"type": "array", "items": {"type": "string"}},
        },
    },
    "ActivityContact": {
        "type": "object",
        "required": ["id", "name", "country"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "country": {"type": "string"},
        },
    },
    "Activity": {
        "type": "object",
        "description": "Something done for a plan task: an engagement (later also outreach "
        "and delegation visits).",
        "required": ["kind", "id", "date", "title", "type", "plan_tasks", "contacts"],
        "properties": {
            "kind": {"type": "string", "examples": ["engagement"]},
            "id": {"type": "integer"},
            "date": DATE,
            "end_date": NULLABLE_DATE,
            "title": {"type": "string"},
            "type": {"type": "string"},
            "type_label": {"type": "string"},
            "country": {"type": ["string", "null"]},
            "city": {"type": "string"},
            "plan_tasks": {"type": "array", "items": {"type": "string"}},
            "contacts": {"type": "array", "items": _ref("ActivityContact")},
        },
    },
    "ActivitySummary": {
        "type": "object",
        "required": ["total", "contacts_reached", "by_year", "by_country"],
        "properties": {
            "total": {"type": "integer"},
            "contacts_reached": {"type": "integer"},
            "by_year": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["year", "count"],
                    "properties": {"year": {"type": "integer"}, "count": {"type": "integer"}},
                },
            },
            "by_country": {
                "type": "array",
                "description": "Activities per country of residence of the contacts reached",
                "items": {
                    "type": "object",
                    "required": ["country", "count"],
                    "properties": {
                        "country": {"type": "string"},
                        "count": {"type": "integer"},
                    },
                },
            },
        },
    },
}


def extend_document(paths: dict, schemas: dict) -> None:
    schemas.update(SCHEMAS)
    schemas["EngagementPage"] = _page_schema("Engagement")
    activity_page = _page_schema("Activity")
    activity_page["required"] = [*activity_page["required"], "task", "summary"]
    activity_page["properties"].update(task={"type": "string"}, summary=_ref("ActivitySummary"))
    schemas["ActivityPage"] = activity_page
    schemas["PlanTaskDetail"] = {
        "allOf": [
            _ref("PlanTask"),
            {
                "type": "object",
                "properties": {
                    "activities": {
                        "allOf": [
                            _ref("ActivitySummary"),
                            {
                                "type": "object",
                                "required": ["items", "more"],
                                "properties": {
                                    "items": {"type": "array", "items": _ref("Activity")},
                                    "more": {"type": "boolean"},
                                },
                            },
                        ]
                    }
                },
            },
        ]
    }
    detail = paths["/plan-tasks/{code}"]["get"]
    detail["summary"] = "One plan task, with a summary of its activities and the newest ones"
    detail["responses"]["200"] = _json_ok(_ref("PlanTaskDetail"))
    code = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
    paths["/engagements"] = {
        "get": {
            "summary": "Engagements, newest first",
            "description": UNKNOWN_PARAMETERS,
            "parameters": [
                _query(
                    "contact",
                    {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                    "Only those with this contact (record number)",
                ),
                _query(
                    "plan_task",
                    {"type": "string", "enum": TASK_CODES},
                    "Only those serving this task, e.g. II.4",
                ),
                _query("type", {"type": "string", "enum": TYPE_CODES}, "Only this type"),
                _query(
                    "year",
                    {"type": "integer", "minimum": 1900, "maximum": 9999},
                    "Only those that took place (at least in part) in this calendar year",
                ),
                *PAGING,
            ],
            "responses": {"200": _json_ok(_ref("EngagementPage")), **ERRORS},
        },
        "post": {
            "summary": "Record an engagement with one or more contacts",
            "parameters": [
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string"},
                    "description": "A request sent again with the same key records nothing new "
                    "and answers 200 with the engagement recorded the first time",
                }
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("NewEngagement")}},
            },
            "responses": {
                "201": {
                    **_json_ok(_ref("Engagement"), "Recorded"),
                    "headers": {"Location": {"schema": {"type": "string"}}},
                },
                "200": _json_ok(_ref("Engagement"), "Already recorded with this Idempotency-Key"),
                "400": PROBLEM,
                **ERRORS,
            },
        },
    }
    paths["/engagements/{engagement_id}"] = {
        "get": {
            "summary": "One engagement",
            "parameters": [
                {
                    "name": "engagement_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                }
            ],
            "responses": {"200": _json_ok(_ref("Engagement")), "404": PROBLEM, **ERRORS},
        }
    }
    paths["/plan-tasks/{code}/activities"] = {
        "get": {
            "summary": "Activities linked to a plan task, newest first, with counts per year "
            "and per country",
            "description": UNKNOWN_PARAMETERS,
            "parameters": [
                code,
                _query(
                    "year",
                    {"type": "integer", "minimum": 1900, "maximum": 9999},
                    "Only those that started in this calendar year",
                ),
                *PAGING,
            ],
            "responses": {"200": _json_ok(_ref("ActivityPage")), "404": PROBLEM, **ERRORS},
        }
    }
