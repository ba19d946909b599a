"""The OpenAPI 3.1 description of API v1, served at /api/v1/openapi.json.

Kept next to the views and checked by a validator and by schemathesis in the tests, so the
document cannot drift from what the API answers.
"""

from __future__ import annotations

import copy
from typing import Any

PROBLEM = {"$ref": "#/components/responses/Problem"}


def _list_of(ref: str) -> dict:
    return {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": {"$ref": ref}}},
    }


def _ok(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _get(summary: str, schema: dict, *, parameters: list | None = None, public: bool = False):
    operation: dict[str, Any] = {
        "summary": summary,
        "responses": {"200": _ok(schema), "401": PROBLEM, "403": PROBLEM, "429": PROBLEM},
    }
    if parameters:
        operation["parameters"] = parameters
        operation["responses"]["404"] = PROBLEM
    if public:
        operation["security"] = []
        operation["responses"] = {"200": _ok(schema)}
    return {"get": operation}


ACCEPT_LANGUAGE = {
    "name": "Accept-Language",
    "in": "header",
    "required": False,
    "description": "vi (default) or en: the language of names in the answer",
    "schema": {"type": "string"},
}

PATHS: dict[str, Any] = {
    "/openapi.json": _get("This document", {"type": "object"}, public=True),
    "/fields": _get(
        "Expertise taxonomy with names in both languages", _list_of("#/components/schemas/Field")
    ),
    "/countries": _get(
        "ISO 3166-1 countries with names in the requested language",
        _list_of("#/components/schemas/Country"),
    ),
    "/plan-tasks": _get("The plan's numbered tasks", _list_of("#/components/schemas/PlanTask")),
    "/plan-tasks/{code}": _get(
        "One plan task",
        {"$ref": "#/components/schemas/PlanTask"},
        parameters=[{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}],
    ),
}

SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details",
        "required": ["title", "status", "detail"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
    },
    "Field": {
        "type": "object",
        "required": ["code", "parent", "name", "name_vi", "name_en"],
        "properties": {
            "code": {"type": "string", "examples": ["1.1", "S.3"]},
            "parent": {"type": ["string", "null"]},
            "name": {"type": "string"},
            "name_vi": {"type": "string"},
            "name_en": {"type": "string"},
        },
    },
    "Country": {
        "type": "object",
        "required": ["code", "name"],
        "properties": {
            "code": {"type": "string", "pattern": "^[A-Z]{2}$"},
            "name": {"type": "string"},
        },
    },
    "Agency": {
        "type": "object",
        "required": ["code", "name"],
        "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
    },
    "PlanTask": {
        "type": "object",
        "required": [
            "code",
            "section",
            "title",
            "description",
            "lead_agencies",
            "coordinating_agencies",
        ],
        "properties": {
            "code": {"type": "string", "examples": ["II.4"]},
            "section": {"type": "string", "enum": ["II", "IV"]},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "lead_agencies": {"type": "array", "items": {"$ref": "#/components/schemas/Agency"}},
            "coordinating_agencies": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/Agency"},
            },
        },
    },
}

# Said of every list that takes filters (``api.params``).
UNKNOWN_PARAMETERS = (
    "A query parameter not listed here is refused with 422, its name a key of `errors`, so that "
    "a misspelt filter never returns the unfiltered list."
)

# Feature modules add their paths and schemas here when they are imported.
EXTENSIONS: list = []


def openapi_document() -> dict:
    paths = copy.deepcopy(PATHS)
    schemas = copy.deepcopy(SCHEMAS)
    for extend in EXTENSIONS:
        extend(paths, schemas)
    for item in paths.values():
        for operation in item.values():
            operation.setdefault("parameters", [])
            if ACCEPT_LANGUAGE not in operation["parameters"]:
                operation["parameters"].append(ACCEPT_LANGUAGE)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Hải Phòng diaspora registry API",
            "version": "1.0.0",
            "description": (
                "Personal tokens are created on the account page or with "
                "`flask --app diaspora users token EMAIL`, and sent as `Authorization: Bearer`. "
                "Errors are RFC 9457 problem documents; a 422 has `errors` keyed by field or "
                "query parameter, in the language asked for with `Accept-Language`. Lists that "
                "take filters refuse query parameters they do not read (422), so that a "
                "misspelt filter (`?contry=JP`) is never silently ignored."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
            "responses": {
                "Problem": {
                    "description": "An error, as RFC 9457 problem details",
                    "content": {
                        "application/problem+json": {
                            "schema": {"$ref": "#/components/schemas/Problem"}
                        }
                    },
                }
            },
        },
    }
