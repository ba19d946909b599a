"""The OpenAPI description of the contacts API (``diaspora/api/contacts.py``), added to the
document through ``api.openapi.EXTENSIONS``."""

from __future__ import annotations

from typing import Any

from diaspora.api.openapi import EXTENSIONS, UNKNOWN_PARAMETERS
from diaspora.contacts.languages import LANGUAGE_CODES
from diaspora.countries import codes as country_codes
from diaspora.models.choices import ContactStatus
from diaspora.search.params import MAX_PLACE_LENGTH, MAX_QUERY_LENGTH, MAX_VALUES
from diaspora.search.query import MAX_PER_PAGE, SORTS, WILLINGNESS

_STRINGS = {"type": "array", "items": {"type": "string"}}
_CONTACT_PROPERTIES: dict[str, Any] = {
    "full_name": {"type": "string", "maxLength": 200},
    "other_names": _STRINGS,
    "country": {"type": "string", "description": "ISO 3166-1 alpha-2"},
    "city": {"type": "string"},
    "occupation": {"type": "string"},
    "title": {"type": "string"},
    "employer": {"type": "string"},
    "fields": {**_STRINGS, "description": "expertise field codes"},
    "languages": {**_STRINGS, "description": "ISO 639-1"},
    "categories": _STRINGS,
    "organizations": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["name", "role"],
            "properties": {"name": {"type": "string"}, "role": {"type": "string"}},
        },
    },
    "preferred_language": {"type": "string", "enum": ["vi", "en"]},
    "legal_basis": {"type": ["string", "null"], "enum": ["consent", "state_function", None]},
    "legal_basis_note": {"type": "string"},
    "status": {"type": "string", "enum": ["active", "inactive", "deceased"]},
    "willing": {"type": "array", "items": {"type": "string", "enum": list(WILLINGNESS)}},
    "emails": {**_STRINGS, "description": "officers and administrators only"},
    "phones": {**_STRINGS, "description": "E.164; officers and administrators only"},
    "address": {"type": "string", "description": "officers and administrators only"},
    "birth_year": {"type": ["integer", "null"], "description": "officers and administrators only"},
}
_CONTACT = {
    "type": "object",
    "required": ["id", "version", "full_name", "other_names", "country", "city", "fields",
                 "languages", "categories", "organizations", "preferred_language",
                 "legal_basis", "legal_basis_note"],
    "properties": {
        "id": {"type": "integer"},
        "version": {"type": "integer"},
        "updated_at": {"type": "string", "format": "date-time"},
        **_CONTACT_PROPERTIES,
    },
}  # fmt: skip
_INPUT = {
    "type": "object",
    "properties": {
        **_CONTACT_PROPERTIES,
        "version": {"type": "integer", "description": "required when patching (or If-Match)"},
        "acknowledged_duplicates": {"type": "array", "items": {"type": "integer"}},
    },
}
_FACET = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["code", "name", "count"],
        "properties": {
            "code": {"type": "string"},
            "name": {"type": "string"},
            "count": {"type": "integer"},
        },
    },
}
_PAGE = {
    "type": "object",
    "required": ["items", "total", "page", "per_page", "facets"],
    "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Contact"}},
        "total": {"type": "integer"},
        "page": {"type": "integer"},
        "per_page": {"type": "integer"},
        "facets": {
            "type": "object",
            "properties": {
                kind: _FACET
                for kind in ("country", "field", "category", "language", "willing", "status")
            },
        },
    },
}
_PROBLEM = {"$ref": "#/components/responses/Problem"}


def _param(
    name: str, schema: dict, *, where: str = "query", many: bool = False, description: str = ""
) -> dict:
    parameter: dict[str, Any] = {"name": name, "in": where, "required": where == "path"}
    parameter["schema"] = (
        {"type": "array", "items": schema, "maxItems": MAX_VALUES} if many else schema
    )
    if many:
        parameter["style"] = "form"
        parameter["explode"] = True
        description += (
            f" Repeat the parameter or separate values by commas (at most {MAX_VALUES} values)."
        )
    if description:
        parameter["description"] = description.strip()
    return parameter


def search_parameters() -> list[dict]:
    """Every query parameter ``GET /contacts`` reads (``search.params.read_query``): the
    tests check that this list and what the endpoint reads are the same set."""
    code = {"type": "string", "minLength": 1}
    place = {"type": "string", "maxLength": MAX_PLACE_LENGTH}
    return [
        _param("q", {"type": "string", "maxLength": MAX_QUERY_LENGTH}, description="Free text"),
        _param(
            "country",
            {"type": "string", "enum": sorted(country_codes())},
            many=True,
            description="Country of residence, ISO 3166-1 alpha-2 (any case); any of them.",
        ),
        _param(
            "field",
            code,
            many=True,
            description="Expertise field code (GET /fields), a group with its fields; any of them.",
        ),
        _param("category", code, many=True, description="Category code; any of them."),
        _param(
            "language",
            {"type": "string", "enum": list(LANGUAGE_CODES)},
            many=True,
            description="Language spoken, ISO 639-1 (any case); any of them.",
        ),
        _param(
            "willing",
            {"type": "string", "enum": list(WILLINGNESS)},
            many=True,
            description="Willing to do this; all of them.",
        ),
        _param(
            "status",
            {"type": "string", "enum": [status.value for status in ContactStatus]},
            many=True,
            description="Status of the record; any of them.",
        ),
        _param(
            "org",
            {"type": "integer", "minimum": 1, "maximum": 999_999_999},
            many=True,
            description="Member of the organization with this number; any of them.",
        ),
        _param("city", place, description="City of residence (marks and case do not count)"),
        _param("origin", place, description="Commune, ward or former district in Hải Phòng"),
        _param(
            "legal_basis",
            {"type": "string", "enum": ["yes", "no"]},
            description="yes: only records with a legal basis; no: only those without",
        ),
        _param(
            "not_engaged",
            {"type": "integer", "minimum": 1, "maximum": 100},
            description="No engagement in the last N years (or never)",
        ),
        _param(
            "engaged_year",
            {"type": "integer", "minimum": 1990, "maximum": 2100},
            description="Took part in an engagement in this calendar year",
        ),
        _param("sort", {"type": "string", "enum": list(SORTS)}, description="Default relevance"),
        _param("page", {"type": "integer", "minimum": 1, "maximum": 100_000}),
        _param(
            "per_page",
            {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            description="Default 50",
        ),
    ]


def _ok(schema: dict, status: str = "200", description: str = "OK") -> dict:
    return {
        status: {"description": description, "content": {"application/json": {"schema": schema}}}
    }


def _describe(paths: dict, schemas: dict) -> None:
    schemas["Contact"] = _CONTACT
    schemas["ContactInput"] = _INPUT
    schemas["ContactPage"] = _PAGE
    contact_ref = {"$ref": "#/components/schemas/Contact"}
    body = {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ContactInput"}}},
    }
    errors = {code: _PROBLEM for code in ("400", "401", "403", "422", "429")}
    contact_id = _param("id", {"type": "integer"}, where="path")
    paths["/contacts"] = {
        "get": {
            "summary": "Search contacts (text, filters, facets)",
            "description": UNKNOWN_PARAMETERS,
            "parameters": search_parameters(),
            "responses": {**_ok({"$ref": "#/components/schemas/ContactPage"}), **errors},
        },
        "post": {
            "summary": "Register a contact",
            "requestBody": body,
            "responses": {**_ok(contact_ref, "201", "Created"), **errors, "409": _PROBLEM},
        },
    }
    paths["/contacts/{id}"] = {
        "get": {
            "summary": "One contact",
            "parameters": [contact_id],
            "responses": {**_ok(contact_ref), **errors, "404": _PROBLEM},
        },
        "patch": {
            "summary": "Change some fields (send the current version)",
            "parameters": [contact_id],
            "requestBody": body,
            "responses": {**_ok(contact_ref), **errors, "404": _PROBLEM, "409": _PROBLEM},
        },
        "delete": {
            "summary": "Move a contact to the trash",
            "parameters": [contact_id],
            "responses": {
                "204": {"description": "Moved to the trash"},
                **errors,
                "404": _PROBLEM,
                "409": _PROBLEM,
            },
        },
    }


EXTENSIONS.append(_describe)
