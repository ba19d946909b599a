"""Helpers for the tests of the accounts pages (``/admin/users/<id>``), shared by the account
and outreach-approver tests."""

from __future__ import annotations

from diaspora.models import User
from tests.conftest import PASSWORD


def account_form(user: User, **changes: str | None) -> dict[str, str]:
    """The account form of ``user`` as an administrator posts it back: the values it holds,
    but for ``changes``; a change to ``None`` leaves the field out (a box left unticked)."""
    form: dict[str, str | None] = {
        "email": user.email,
        "name": user.name,
        "agency_id": str(user.agency_id or 0),
        "role": user.role,
        "locale": user.locale,
        "active": "y" if user.active else None,
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


def new_account_form(email: str, name: str) -> dict[str, str]:
    """The form of a new viewer's account (no agency, English, active) as an administrator
    fills it in, with a password both fields agree on."""
    return {
        "email": email,
        "name": name,
        "agency_id": "0",
        "role": "viewer",
        "locale": "en",
        "active": "y",
        "password": PASSWORD,
        "confirm": PASSWORD,
    }
