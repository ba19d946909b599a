"""Security: CSRF on every state-changing route, read-only GETs, ignored extra fields, headers,
cookies, and the server-side idle timeout and absolute session lifetime."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Blueprint
from sqlalchemy import select

from diaspora import create_app
from diaspora.auth.permissions import public
from diaspora.extensions import csrf
from diaspora.extensions import db as _db
from diaspora.models import User
from diaspora.security import exempt_api_from_csrf
from tests.account_helpers import account_form
from tests.conftest import PASSWORD, csrf_token, login, login_with_csrf
from tests.test_permissions import _sample_url

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
STRONG_KEY = "production-secret-key-for-tests-0123456789abcdef"


def snapshot(app) -> dict[str, list[tuple]]:
    """Every row of every table, as sorted text tuples."""
    with app.app_context():
        _db.session.remove()
        with _db.engine.connect() as conn:
            return {
                table.name: sorted(
                    tuple(str(value) for value in row) for row in conn.execute(select(table))
                )
                for table in _db.metadata.sorted_tables
            }


# --- CSRF ------------------------------------------------------------------------------------


def _state_changing_routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & STATE_CHANGING):
            yield rule, method


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "admin"])
@pytest.mark.parametrize("token", [None, "forged-token"], ids=["no token", "wrong token"])
def test_every_state_changing_route_needs_a_csrf_token(
    app, csrf_app, make_user, seeded, signed_in, token
):
    admin = make_user("admin")
    client = csrf_app.test_client()
    if signed_in:
        assert login_with_csrf(client, admin.email).status_code == 302
    before = snapshot(app)
    checked = 0
    for rule, method in _state_changing_routes(csrf_app):
        if rule.rule.startswith("/api/"):
            continue  # token-authenticated, exempt on purpose: see the next test
        data = {"email": admin.email, "password": PASSWORD, "name": "X", "purpose": "x"}
        if token:
            data["csrf_token"] = token
        response = client.open(_sample_url(rule), method=method, data=data)
        assert response.status_code == 400, (method, rule.rule, response.status_code)
        checked += 1
    assert checked >= 8
    assert snapshot(app) == before


def test_only_api_routes_may_be_exempt_from_csrf(app):
    # Flask-WTF keeps exempt blueprints as objects (or names, in older versions).
    for entry in set(csrf._exempt_blueprints):
        blueprint = entry if isinstance(entry, Blueprint) else app.blueprints[entry]
        prefix = blueprint.url_prefix or ""
        assert prefix.startswith("/api/"), blueprint.name
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if f"{view.__module__}.{view.__name__}" in csrf._exempt_views:
            assert rule.rule.startswith("/api/"), rule.rule
    with pytest.raises(ValueError, match="only blueprints under /api/"):
        exempt_api_from_csrf(Blueprint("sneaky", __name__, url_prefix="/admin/sneaky"))


def test_an_api_blueprint_can_be_exempted(app):
    bp = Blueprint("api_probe", __name__, url_prefix="/api/v0")

    @bp.route("/ping", methods=["POST"])
    @public
    def ping():
        return {"ok": True}

    probe = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "WTF_CSRF_ENABLED": True,
        },
    )
    try:
        probe.register_blueprint(exempt_api_from_csrf(bp))
        assert probe.test_client().post("/api/v0/ping").status_code == 200
        assert probe.test_client().post("/language", data={"lang": "en"}).status_code == 400
    finally:
        csrf._exempt_blueprints.discard(bp)
        csrf._exempt_blueprints.discard("api_probe")
        with probe.app_context():
            _db.engine.dispose()


def test_a_valid_token_is_accepted(app, csrf_app, make_user):
    client = csrf_app.test_client()
    page = client.get("/about").get_data(as_text=True)
    response = client.post(
        "/language", data={"lang": "en", "next": "/about", "csrf_token": csrf_token(page)}
    )
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/about").get_data(as_text=True)


# --- GET never writes ------------------------------------------------------------------------


def _get_routes(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint != "static":
            yield rule


@pytest.mark.parametrize("role", ["admin", "viewer", None])
def test_no_get_changes_the_database(app, client, seeded, login_as, make_user, role):
    if role:
        login_as(role)
    else:
        make_user("admin")
    with app.app_context():
        for number in range(3):
            from diaspora.audit.services import record

            record("test.seed", actor=None, target_type="user", target_id=1, details={"n": number})
        _db.session.commit()
    before = snapshot(app)
    for rule in _get_routes(app):
        url = _sample_url(rule)
        client.get(url)
        client.get(url, query_string={"page": "2", "action": "login", "date_from": "2026-01-01"})
    after = snapshot(app)
    # Reading personal details is itself audited (actions such as "contact.view" or
    # "contact.view_personal"): those new audit rows are the one allowed write.
    new_audit = set(after.pop("audit_events")) - set(before["audit_events"])
    assert set(before.pop("audit_events")) <= set(snapshot(app)["audit_events"])
    assert after == before
    assert all(row[3].rpartition(".")[2].startswith("view") for row in new_audit), new_audit


# --- extra form fields -----------------------------------------------------------------------


def test_extra_fields_are_ignored_on_account_edit(app, client, login_as, make_user):
    login_as("admin")
    officer = make_user("officer")
    bystander = make_user("viewer")
    before = snapshot(app)["users"]
    response = client.post(
        f"/admin/users/{officer.id}",
        data=account_form(
            officer,
            name="Renamed",
            id=str(bystander.id),
            version="99",
            session_epoch="0",
            password_hash="plain",
            created_at="2000-01-01",
        ),
    )
    assert response.status_code == 302
    with app.app_context():
        changed = _db.session.get(User, officer.id)
        assert changed.name == "Renamed"
        assert changed.password_hash != "plain"
        assert _db.session.get(User, bystander.id).name == bystander.name
    untouched = [row for row in snapshot(app)["users"] if row[0] != str(officer.id)]
    assert untouched == [row for row in before if row[0] != str(officer.id)]


def test_extra_fields_cannot_escalate_or_retarget(app, client, login_as, make_user):
    viewer = login_as("viewer")
    other = make_user("officer")
    before = snapshot(app)
    for url, data in [
        ("/language", {"lang": "en", "role": "admin", "id": str(other.id), "version": "5"}),
        (
            "/account/password",
            {
                "current_password": "wrong",
                "password": "x",
                "confirm": "x",
                "role": "admin",
                "id": str(other.id),
            },
        ),
    ]:
        client.post(url, data=data)
    after = snapshot(app)
    with app.app_context():
        assert _db.session.get(User, viewer.id).role == "viewer"
        assert _db.session.get(User, other.id).locale == "vi"
    # Only the viewer's own language changed.
    changed = [row for row in after["users"] if row not in before["users"]]
    assert [row[0] for row in changed] == [str(viewer.id)]


def test_export_ignores_a_forged_actor(app, client, login_as, make_user):
    admin = login_as("admin")
    other = make_user("officer")
    client.post(
        "/admin/audit/export", data={"purpose": "review", "actor_id": str(other.id), "id": "1"}
    )
    with app.app_context():
        from diaspora.models import AuditEvent

        event = _db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "audit.export")
        ).one()
        assert event.actor_id == admin.id


# --- headers ---------------------------------------------------------------------------------


def _directives(policy: str) -> dict[str, list[str]]:
    result = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            result[words[0]] = words[1:]
    return result


def _check_headers(response, *, hsts: bool) -> None:
    policy = _directives(response.headers["Content-Security-Policy"])
    for directive in ("default-src", "script-src", "style-src"):
        assert "'unsafe-inline'" not in policy.get(directive, []), directive
        assert "'unsafe-eval'" not in policy.get(directive, []), directive
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["script-src"] == ["'self'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in {"same-origin", "no-referrer"}
    assert response.headers["X-Frame-Options"] == "DENY"
    if hsts:
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        assert int(response.headers["Strict-Transport-Security"].split("=")[1].split(";")[0]) >= (
            180 * 24 * 3600
        )
    else:
        assert "Strict-Transport-Security" not in response.headers


def test_security_headers_on_every_kind_of_response(app, client, login_as):
    responses = [
        client.get("/login"),  # setup redirect
        client.get("/about"),
        client.get("/no/such/page"),
        client.get("/static/css/app.css"),
        client.post("/health"),  # 405
    ]
    login_as("admin")
    responses += [
        client.get("/"),
        client.get("/admin/audit/"),
        client.post("/admin/audit/export", data={"purpose": "headers"}),
        client.get("/health"),
    ]
    for response in responses:
        _check_headers(response, hsts=False)
        response.close()


@pytest.fixture
def production_app(app):
    prod = create_app(
        "production",
        {
            "SECRET_KEY": STRONG_KEY,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        },
    )
    yield prod
    with prod.app_context():
        _db.session.remove()
        _db.engine.dispose()


def test_production_cookies_and_hsts(production_app, make_user):
    user = make_user("officer")
    client = production_app.test_client()
    page = client.get("/login", base_url="https://registry.example")
    _check_headers(page, hsts=True)
    response = client.post(
        "/login",
        base_url="https://registry.example",
        headers={"Referer": "https://registry.example/login"},  # checked over HTTPS
        data={
            "email": user.email,
            "password": PASSWORD,
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )
    assert response.status_code == 302
    _check_headers(response, hsts=True)
    cookie = next(
        value
        for value in response.headers.getlist("Set-Cookie")
        if value.startswith("__Host-diaspora_session=")
    )
    attributes = [part.strip() for part in cookie.split(";")]
    lowered = [part.lower() for part in attributes]
    assert "secure" in lowered
    assert "httponly" in lowered
    assert "samesite=lax" in lowered
    assert "path=/" in lowered
    assert not any(part.startswith("domain=") for part in lowered)  # required by __Host-
    assert any(part.startswith("expires=") for part in lowered)
    home = client.get("/", base_url="https://registry.example", follow_redirects=True)
    assert home.status_code == 200


def test_development_cookies_are_httponly_and_lax(app, client, make_user):
    user = make_user("viewer")
    response = login(client, user.email)
    cookie = next(
        value
        for value in response.headers.getlist("Set-Cookie")
        if value.startswith(app.config["SESSION_COOKIE_NAME"] + "=")
    )
    lowered = [part.strip().lower() for part in cookie.split(";")]
    assert "httponly" in lowered and "samesite=lax" in lowered
    assert app.config["SESSION_COOKIE_NAME"] == "diaspora_session"


# --- session lifetime ------------------------------------------------------------------------


def _signed_in(client) -> bool:
    # A page every signed-in role gets (the home page sends viewers elsewhere).
    return client.get("/account/password").status_code == 200


def test_idle_timeout(app, client, login_as, clock):
    login_as("officer", locale="en")
    clock.advance(minutes=29)
    assert _signed_in(client)
    clock.advance(minutes=29)  # activity moved the idle window on
    assert _signed_in(client)
    clock.advance(minutes=30, seconds=1)
    response = client.get("/admin/audit/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert "Phiên làm việc đã hết hạn" in client.get("/login").get_data(as_text=True)
    clock.advance(seconds=1)
    assert not _signed_in(client)  # stays ended


def test_idle_timeout_is_configurable(app, client, login_as, clock, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_TIMEOUT", timedelta(minutes=5))
    login_as("viewer")
    clock.advance(minutes=4)
    assert _signed_in(client)
    clock.advance(minutes=5, seconds=1)
    assert not _signed_in(client)


def test_absolute_lifetime_despite_activity(app, client, login_as, clock):
    login_as("officer")
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"]
    elapsed = timedelta()
    while elapsed + timedelta(minutes=20) < lifetime:
        clock.advance(minutes=20)
        elapsed += timedelta(minutes=20)
        assert _signed_in(client), elapsed
    clock.advance(seconds=(lifetime - elapsed).total_seconds() + 1)
    assert not _signed_in(client)


def test_session_without_timestamps_is_refused(app, client, login_as, clock):
    login_as("officer")
    with client.session_transaction() as session:
        del session["_login_at"]
    assert not _signed_in(client)


def test_session_from_the_future_is_refused(app, client, login_as, clock):
    login_as("officer")
    with client.session_transaction() as session:
        session["_login_at"] = session["_login_at"] + 3600
    assert not _signed_in(client)


def test_public_pages_stay_reachable_after_expiry(app, client, login_as, clock):
    login_as("officer")
    clock.advance(hours=1)
    assert client.get("/about").status_code == 200
    assert client.get("/login").status_code == 200
