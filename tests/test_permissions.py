"""Every route declares who may use it: anonymous users go to sign in, wrong roles get 403."""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import IntegerConverter

from diaspora.auth.permissions import (
    BUILTIN_PUBLIC_ENDPOINTS,
    PUBLIC,
    ROLE_PERMISSIONS,
    Permission,
    access_of,
)

# The explicit allowlist: adding a public route means adding it here, on purpose.
PUBLIC_ENDPOINTS = {
    "static",
    "auth.login",
    "auth.setup",
    "auth.second_factor",  # reads only the pending password step kept in the session
    "core.set_language",
    "core.health",
    "core.about",
    "core.favicon",  # the icon browsers ask for by themselves
    "api.openapi",
    "privacy.privacy_notice",
    # Self-registration and personal profile-update links (issue 9).
    "public.register",
    "public.registered",
    "public.update",
    "public.update_request",
    "public.updated",
}


def _sample_url(rule) -> str:
    url = rule.rule
    for argument in rule.arguments:
        numeric = isinstance(rule._converters[argument], IntegerConverter)
        url = re.sub(rf"<[^>]*{argument}>", "1" if numeric else "x", url)
    return url


def _method(rule) -> str:
    methods = rule.methods - {"HEAD", "OPTIONS"}
    return "GET" if "GET" in methods else sorted(methods)[0]


def routes(app):
    return [rule for rule in app.url_map.iter_rules()]


def test_every_route_declares_its_access(app):
    undeclared = []
    public = set()
    for rule in routes(app):
        if rule.endpoint in BUILTIN_PUBLIC_ENDPOINTS:
            public.add(rule.endpoint)
            continue
        access = access_of(app.view_functions[rule.endpoint])
        if access is None:
            undeclared.append(rule.endpoint)
        elif access == PUBLIC:
            public.add(rule.endpoint)
        else:
            assert access, rule.endpoint
            assert all(isinstance(p, Permission) for p in access), rule.endpoint
    assert undeclared == [], f"routes without a permission: {undeclared}"
    assert public == PUBLIC_ENDPOINTS


def test_a_route_without_permission_is_refused(make_app):
    other = make_app()
    other.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    assert other.test_client().get("/forgotten").status_code == 403


def test_anonymous_requests_go_to_login(app, client, make_user):
    make_user("admin")
    for rule in routes(app):
        access = access_of(app.view_functions[rule.endpoint])
        if rule.endpoint in BUILTIN_PUBLIC_ENDPOINTS or access == PUBLIC:
            continue
        method = _method(rule)
        response = client.open(_sample_url(rule), method=method)
        if rule.rule.startswith("/api/"):
            assert response.status_code == 401, rule.rule
        else:
            assert response.status_code == 302, rule.rule
            assert "/login" in response.headers["Location"], rule.rule


@pytest.mark.parametrize("role", ["viewer", "officer", "admin"])
def test_wrong_role_gets_403(app, client, login_as, role):
    user = login_as(role)
    with app.app_context():
        from diaspora.api.tokens import issue_token
        from diaspora.extensions import db
        from diaspora.models import User

        owner = db.session.get(User, user.id)
        token = issue_token(owner, "permissions", actor=owner).secret
        db.session.commit()
    api_headers = {"Authorization": f"Bearer {token}"}  # the API takes tokens, not cookies
    granted = ROLE_PERMISSIONS[role]
    for rule in routes(app):
        access = access_of(app.view_functions[rule.endpoint])
        if rule.endpoint in BUILTIN_PUBLIC_ENDPOINTS or access == PUBLIC:
            continue
        if access <= granted:
            continue
        headers = api_headers if rule.rule.startswith("/api/") else {}
        response = client.open(_sample_url(rule), method=_method(rule), headers=headers)
        assert response.status_code == 403, (role, rule.rule)


def test_admin_holds_every_permission():
    assert ROLE_PERMISSIONS["admin"] == frozenset(Permission)
    assert Permission.MANAGE_USERS not in ROLE_PERMISSIONS["officer"]
    assert Permission.MANAGE_USERS not in ROLE_PERMISSIONS["viewer"]
