"""Contacts in API v1: list/search, read, create, partial update, delete to the trash.

The JSON names are the contract (see the OpenAPI document); they map onto ``ContactData`` so
that the API runs the same validation, duplicate checks, versions and audit as the pages.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from diaspora.api.params import unknown_parameters
from diaspora.api.views import bp
from diaspora.auth.permissions import Permission, can, requires
from diaspora.contacts import services as contacts
from diaspora.contacts import trash
from diaspora.contacts.data import ContactData, ExpertiseEntry, MembershipEntry, data_from_contact
from diaspora.contacts.errors import DuplicatesFound, StaleVersion
from diaspora.core.errors import render_error
from diaspora.errors import ValidationFailed
from diaspora.extensions import db
from diaspora.i18n import current_language
from diaspora.models import Contact
from diaspora.search import services as search_services
from diaspora.search.params import QUERY_PARAMETERS, read_query
from diaspora.search.query import WILLINGNESS

PERSONAL = ("emails", "phones", "address", "birth_year")
TEXT_FIELDS = (
    "full_name",
    "country",
    "city",
    "occupation",
    "title",
    "employer",
    "preferred_language",
    "legal_basis_note",
    "status",
)


def _actor():
    return current_user._get_current_object()


def contact_json(contact: Contact, *, personal: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": contact.id,
        "version": contact.version,
        "full_name": contact.full_name,
        "other_names": contact.other_names,
        "country": contact.country,
        "city": contact.city,
        "occupation": contact.occupation,
        "title": contact.title,
        "employer": contact.employer,
        "fields": [row.field.code for row in contact.expertise],
        "languages": contact.language_codes,
        "categories": [category.code for category in contact.categories],
        "organizations": [
            {"name": row.organization.name, "role": row.role} for row in contact.memberships
        ],
        "preferred_language": contact.preferred_language,
        "legal_basis": contact.legal_basis,
        "legal_basis_note": contact.legal_basis_note,
        "status": contact.status,
        "willing": [flag for flag in WILLINGNESS if getattr(contact, f"willing_{flag}")],
        "updated_at": contact.updated_at.isoformat(),
    }
    if personal:
        body.update(
            emails=contact.email_addresses,
            phones=contact.phone_numbers,
            address=contact.address,
            birth_year=contact.birth_year,
        )
    return body


def _personal() -> bool:
    return can(current_user, Permission.VIEW_PERSONAL)


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationFailed.single(
            "body", _l("Send a JSON object (Content-Type: application/json).")
        )
    return body


def _strings(body: dict, name: str) -> list[str]:
    value = body.get(name, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationFailed.single(name, _l("Give a list of texts."))
    return value


def _apply_json(data: ContactData, body: dict, *, current: Contact | None = None) -> ContactData:
    """Copy the JSON fields present in ``body`` onto ``data``; absent fields keep their value."""
    errors: dict[str, list] = {}
    for name in TEXT_FIELDS:
        if name in body:
            if body[name] is not None and not isinstance(body[name], str):
                errors[name] = [_l("Give a text.")]
            else:
                setattr(data, name, body[name] or "")
    if "legal_basis" in body:
        data.legal_basis = body["legal_basis"] if body["legal_basis"] else None
    if "birth_year" in body:
        data.birth_year = body["birth_year"]
    try:
        if "other_names" in body:
            names = _strings(body, "other_names")
            data.foreign_name = names[0] if names else ""
            data.former_names = "; ".join(names[1:])
        for name in ("emails", "phones", "languages", "categories"):
            if name in body:
                setattr(data, name, _strings(body, name))
        if "address" in body:
            data.address = body["address"] if isinstance(body["address"], str) else ""
        if "willing" in body:
            flags = set(_strings(body, "willing"))
            if unknown := flags - set(WILLINGNESS):
                errors["willing"] = [
                    _l("Unknown willingness: %(codes)s.", codes=", ".join(sorted(unknown)))
                ]
            for flag in WILLINGNESS:
                setattr(data, f"willing_{flag}", flag in flags)
        if "fields" in body:
            kept = {row.field.code: row for row in current.expertise} if current else {}
            data.expertise = [
                ExpertiseEntry(
                    field=code,
                    level=kept[code].level if code in kept else None,
                    years=kept[code].years if code in kept else None,
                )
                for code in _strings(body, "fields")
            ]
        if "organizations" in body:
            value = body["organizations"]
            if not isinstance(value, list):
                raise ValidationFailed.single("organizations", _l("Give a list of organizations."))
            entries = []
            for item in value:
                if isinstance(item, str):
                    entries.append(MembershipEntry(organization=item))
                elif isinstance(item, dict) and isinstance(item.get("name"), str):
                    entries.append(
                        MembershipEntry(organization=item["name"], role=str(item.get("role") or ""))
                    )
                else:
                    raise ValidationFailed.single(
                        "organizations", _l("Each organization needs a name.")
                    )
            data.memberships = entries
    except ValidationFailed as error:
        errors.update(error.errors)
    if errors:
        raise ValidationFailed(errors)
    return data


# The services name some fields as the pages do; an API client sent the JSON names.
API_FIELD_NAMES = {
    "expertise": "fields",
    "memberships": "organizations",
    "foreign_name": "other_names",
    "former_names": "other_names",
}


def _in_api_names(error: ValidationFailed) -> ValidationFailed:
    """The same messages, keyed by the names of the JSON fields the client sent."""
    errors: dict[str, list] = {}
    for key, messages in error.errors.items():
        errors.setdefault(API_FIELD_NAMES.get(key, key), []).extend(messages)
    return ValidationFailed(errors)


def _duplicates_problem(error: DuplicatesFound) -> Response:
    response = render_error(
        409, str(_l("Likely duplicates exist; confirm them with acknowledged_duplicates."))
    )
    body = response.get_json()
    body["duplicates"] = [
        {
            "id": match.contact.id,
            "full_name": match.contact.full_name,
            "country": match.contact.country,
        }
        for match in error.matches
    ]
    response.set_data(jsonify(body).get_data())
    return response


def _acknowledged(body: dict) -> list[int]:
    value = body.get("acknowledged_duplicates", [])
    if not isinstance(value, list) or not all(isinstance(item, int) for item in value):
        raise ValidationFailed.single("acknowledged_duplicates", _l("Give a list of contact ids."))
    return value


def _version(body: dict) -> int:
    raw = body.get("version", request.headers.get("If-Match", "").strip('W/"'))
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ValidationFailed.single(
            "version",
            _l("Send the version you edited, in the body or in an If-Match header."),
        ) from None


@bp.get("/contacts")
@requires(Permission.VIEW_CONTACTS)
def list_contacts():
    query, errors = read_query(request.args)
    errors.update(unknown_parameters(request.args, QUERY_PARAMETERS))
    if errors:
        raise ValidationFailed(errors)
    result = search_services.search(query, actor=_actor(), language=current_language())
    personal = _personal()
    if personal and result.items:
        for contact in result.items:
            contacts.record_personal_access(contact, actor=_actor(), context="api.list")
        db.session.commit()
    facets = {
        kind: [{"code": value.code, "name": value.name, "count": value.count} for value in values]
        for kind, values in result.facets.items()
    }
    return jsonify(
        {
            "items": [contact_json(contact, personal=personal) for contact in result.items],
            "total": result.total,
            "page": result.query.page,
            "per_page": result.query.per_page,
            "facets": facets,
        }
    )


@bp.get("/contacts/<int:contact_id>")
@requires(Permission.VIEW_CONTACTS)
def get_contact(contact_id: int):
    contact = contacts.get_contact(contact_id)  # trashed and merged records answer 404
    personal = _personal()
    if personal:
        contacts.record_personal_access(contact, actor=_actor(), context="api")
        db.session.commit()
    response = jsonify(contact_json(contact, personal=personal))
    response.headers["ETag"] = f'"{contact.version}"'
    return response


@bp.post("/contacts")
@requires(Permission.EDIT_CONTACTS)
def create_contact():
    body = _json_body()
    data = _apply_json(ContactData(), body)
    try:
        contact = contacts.create_contact(data, actor=_actor(), acknowledged=_acknowledged(body))
    except ValidationFailed as error:
        db.session.rollback()
        raise _in_api_names(error) from None
    except DuplicatesFound as error:
        db.session.rollback()
        return _duplicates_problem(error)
    db.session.commit()
    response = jsonify(contact_json(contact, personal=True))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_contact", contact_id=contact.id)
    response.headers["ETag"] = f'"{contact.version}"'
    return response


@bp.patch("/contacts/<int:contact_id>")
@requires(Permission.EDIT_CONTACTS)
def patch_contact(contact_id: int):
    contact = contacts.get_contact(contact_id)
    body = _json_body()
    version = _version(body)
    data = _apply_json(data_from_contact(contact), body, current=contact)
    try:
        contacts.update_contact(
            contact,
            data,
            expected_version=version,
            actor=_actor(),
            acknowledged=_acknowledged(body),
        )
    except ValidationFailed as error:
        db.session.rollback()
        raise _in_api_names(error) from None
    except DuplicatesFound as error:
        db.session.rollback()
        return _duplicates_problem(error)
    except StaleVersion as error:
        db.session.rollback()
        return _stale_problem(error)
    db.session.commit()
    response = jsonify(contact_json(contact, personal=True))
    response.headers["ETag"] = f'"{contact.version}"'
    return response


def _stale_problem(error: StaleVersion) -> Response:
    response = render_error(
        409,
        str(_l("The contact changed since version %(v)d; read it again.", v=error.since_version)),
    )
    body = response.get_json()
    body["current_version"] = error.contact.version
    response.set_data(jsonify(body).get_data())
    return response


@bp.delete("/contacts/<int:contact_id>")
@requires(Permission.TRASH_CONTACTS)
def delete_contact(contact_id: int):
    contact = contacts.get_contact(contact_id)
    raw = request.headers.get("If-Match")
    expected = None
    if raw:
        expected = _version({"version": raw.strip('W/"')})
    try:
        trash.delete_contact(contact, actor=_actor(), expected_version=expected)
    except StaleVersion as error:
        db.session.rollback()
        return _stale_problem(error)
    db.session.commit()
    return Response(status=204)
