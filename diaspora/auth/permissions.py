"""Authorization in one place.

Every view declares who may call it, with ``@public`` or ``@requires(Permission.X, …)``; the
``enforce`` hook runs before each request and refuses any view that declares nothing, so a
route added without a permission fails closed (and a test walking ``app.url_map`` fails too).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TypeVar

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from diaspora.models import Role

F = TypeVar("F", bound=Callable)

PUBLIC = "public"
ACCESS_ATTRIBUTE = "_diaspora_access"


class Permission(StrEnum):
    SIGNED_IN = "signed_in"  # any active account
    VIEW_REFERENCE = "reference.view"
    MANAGE_REFERENCE = "reference.manage"
    MANAGE_USERS = "users.manage"
    VIEW_CONTACTS = "contacts.view"  # identity, country, expertise, organizations, categories
    VIEW_PERSONAL = "contacts.view_personal"  # emails, phones, address, birth year, notes
    EDIT_CONTACTS = "contacts.edit"  # create, edit, merge, record consent
    TRASH_CONTACTS = "contacts.trash"  # move to the trash, see it, restore
    PURGE_CONTACTS = "contacts.purge"  # remove from the trash for good
    # The review queue of public submissions, profile-update links, and the register of
    # requests from data subjects (which those links feed).
    REVIEW_SUBMISSIONS = "contacts.review"
    MANAGE_CATEGORIES = "categories.manage"
    EXPORT_CONTACTS = "contacts.export"  # lists of non-personal columns
    EXPORT_PERSONAL = "contacts.export_personal"  # lists with emails, phones, addresses, …
    IMPORT_CONTACTS = "contacts.import"  # spreadsheet imports, their commit and undo
    VIEW_AUDIT = "audit.view"
    VIEW_ENGAGEMENTS = "engagements.view"  # engagements, plan-task activities
    EDIT_ENGAGEMENTS = "engagements.edit"  # record, edit, move to the trash, restore
    PURGE_ENGAGEMENTS = "engagements.purge"  # remove from the trash for good
    VIEW_REPORTS = "reports.view"  # the yearly implementation report and its downloads
    VIEW_DASHBOARD = "dashboard.view"  # the officers' home page
    VIEW_OUTREACH = "outreach.view"  # outreach records, their recipients and letters
    EDIT_OUTREACH = "outreach.edit"  # write, choose recipients, mark as sent (approving also
    # needs the approver right: administrators, or officers given it on their account)
    VIEW_DELEGATIONS = "delegations.view"  # visits, their contact lists, the delegation pack
    EDIT_DELEGATIONS = "delegations.edit"  # prepare visits, choose contacts, record meetings


ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.VIEWER: frozenset(
        {
            Permission.SIGNED_IN,
            Permission.VIEW_REFERENCE,
            Permission.VIEW_CONTACTS,
            Permission.EXPORT_CONTACTS,
            Permission.VIEW_ENGAGEMENTS,
            Permission.VIEW_REPORTS,
            Permission.VIEW_DELEGATIONS,
        }
    ),
    Role.OFFICER: frozenset(
        {
            Permission.SIGNED_IN,
            Permission.VIEW_REFERENCE,
            Permission.VIEW_CONTACTS,
            Permission.VIEW_PERSONAL,
            Permission.EDIT_CONTACTS,
            Permission.TRASH_CONTACTS,
            Permission.REVIEW_SUBMISSIONS,
            Permission.EXPORT_CONTACTS,
            Permission.EXPORT_PERSONAL,
            Permission.IMPORT_CONTACTS,
            Permission.VIEW_ENGAGEMENTS,
            Permission.EDIT_ENGAGEMENTS,
            Permission.VIEW_REPORTS,
            Permission.VIEW_DASHBOARD,
            Permission.VIEW_OUTREACH,
            Permission.EDIT_OUTREACH,
            Permission.VIEW_DELEGATIONS,
            Permission.EDIT_DELEGATIONS,
        }
    ),
    Role.ADMIN: frozenset(Permission),
}


def public(view: F) -> F:
    """Reachable without an account (login, setup, error pages, static files, public forms)."""
    setattr(view, ACCESS_ATTRIBUTE, PUBLIC)
    return view


def requires(*permissions: Permission) -> Callable[[F], F]:
    """Reachable by signed-in users whose role grants every listed permission."""
    needed = frozenset(permissions) or frozenset({Permission.SIGNED_IN})

    def decorate(view: F) -> F:
        setattr(view, ACCESS_ATTRIBUTE, needed)
        return view

    return decorate


def can(user, permission: Permission | str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Permission(permission) in ROLE_PERMISSIONS.get(user.role, frozenset())


def access_of(view: Callable) -> str | frozenset[Permission] | None:
    return getattr(view, ACCESS_ATTRIBUTE, None)


# Endpoints served by Flask itself, which cannot carry a decorator.
BUILTIN_PUBLIC_ENDPOINTS = frozenset({"static"})


def enforce():
    """before_request hook: anonymous → login page, wrong role → 403, undeclared → 403."""
    endpoint = request.endpoint
    if endpoint is None:  # 404 and 405 are answered by their own handlers
        return None
    if endpoint in BUILTIN_PUBLIC_ENDPOINTS:
        return None
    view = current_app.view_functions.get(endpoint)
    access = access_of(view) if view is not None else None
    if access == PUBLIC:
        return None
    if access is None:
        current_app.logger.error("Route %s declares no permission; refused", endpoint)
        abort(403)
    if not current_user.is_authenticated:
        if request.blueprint == "api":
            abort(401)
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if not all(can(current_user, permission) for permission in access):
        abort(403)
    return None
