"""API v1 foundations: tokens, bearer authentication, problem responses, reference endpoints."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate
from sqlalchemy import func, select

from diaspora.extensions import db as _db
from diaspora.models import ApiToken, AuditEvent, User
from tests.conftest import bearer, login


def test_openapi_document_is_valid(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    validate(document)
    assert document["openapi"] == "3.1.0"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer dsp_not-a-real-token"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer " + "x" * 5000},
    ],
)
def test_missing_or_bad_token_gets_a_401_problem(client, seeded, headers):
    response = client.get("/api/v1/fields", headers=headers)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 401 and body["title"] and body["detail"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_fields_in_both_languages(client, seeded, token_for):
    secret = token_for("viewer")
    items = client.get("/api/v1/fields", headers=bearer(secret, "en")).get_json()["items"]
    maths = next(item for item in items if item["code"] == "1.1")
    assert maths == {
        "code": "1.1",
        "parent": "1",
        "name": "Mathematics",
        "name_vi": "Toán học và thống kê",
        "name_en": "Mathematics",
    }
    items = client.get("/api/v1/fields", headers=bearer(secret, "vi")).get_json()["items"]
    assert next(i for i in items if i["code"] == "1.1")["name"] == "Toán học và thống kê"


def test_countries_and_plan_tasks(client, seeded, token_for):
    secret = token_for("viewer")
    countries = client.get("/api/v1/countries", headers=bearer(secret, "vi")).get_json()["items"]
    assert {"code": "JP", "name": "Nhật Bản"} in countries
    tasks = client.get("/api/v1/plan-tasks", headers=bearer(secret, "en")).get_json()["items"]
    assert [t["code"] for t in tasks][:5] == ["II.1", "II.2", "II.3", "II.4", "II.5"]
    task = client.get("/api/v1/plan-tasks/II.4", headers=bearer(secret, "en")).get_json()
    assert task["lead_agencies"] == [{"code": "SNV", "name": "Department of Foreign Affairs"}]
    missing = client.get("/api/v1/plan-tasks/IX.1", headers=bearer(secret, "en"))
    assert missing.status_code == 404
    assert missing.mimetype == "application/problem+json"
    assert "IX.1" in missing.get_json()["detail"]


def test_session_cookie_is_not_accepted_by_the_api(client, seeded, login_as):
    login_as("admin")
    assert client.get("/dashboard").status_code == 200
    assert client.get("/api/v1/fields").status_code == 401


def test_token_is_not_accepted_by_pages(client, seeded, token_for):
    secret = token_for("admin")
    response = client.get("/admin/users/", headers=bearer(secret, "vi"))
    assert response.status_code == 302


def test_user_creates_and_revokes_a_token_in_the_ui(app, client, seeded, login_as):
    user = login_as("officer")
    html = client.post("/account/tokens", data={"name": "Bảng tính Sở Du lịch"}).get_data(
        as_text=True
    )
    secret = re.search(r'<code id="new-token">([^<]+)</code>', html).group(1)
    assert client.get("/api/v1/fields", headers=bearer(secret, "vi")).status_code == 200
    with app.app_context():
        token = _db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
        assert token.token_hash != secret and secret not in token.token_hash
        token_id = token.id
    assert secret not in client.get("/account/tokens").get_data(as_text=True)
    client.post(f"/tokens/{token_id}/revoke")
    assert client.get("/api/v1/fields", headers=bearer(secret, "vi")).status_code == 401
    with app.app_context():
        actions = set(_db.session.scalars(select(AuditEvent.action)))
    assert {"token.create", "token.revoke"} <= actions


def test_empty_token_name_is_refused(app, client, login_as):
    login_as("viewer")
    response = client.post("/account/tokens", data={"name": "   "})
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_only_owner_or_admin_revokes(app, client, seeded, token_for, login_as, make_user):
    secret = token_for("viewer")
    with app.app_context():
        token_id = _db.session.scalar(select(ApiToken.id))
    login_as("officer")
    assert client.post(f"/tokens/{token_id}/revoke").status_code == 403
    assert client.get("/api/v1/fields", headers=bearer(secret, "vi")).status_code == 200
    admin = app.test_client()
    login(admin, make_user("admin").email)
    assert "tests" in admin.get("/admin/tokens").get_data(as_text=True)
    admin.post(f"/tokens/{token_id}/revoke", data={"next": "/admin/tokens"})
    assert client.get("/api/v1/fields", headers=bearer(secret, "vi")).status_code == 401


def test_deactivated_owner_token_stops_working(app, client, seeded, token_for):
    secret = token_for("officer")
    with app.app_context():
        user = _db.session.scalar(select(User))
        user.active = False
        _db.session.commit()
    assert client.get("/api/v1/fields", headers=bearer(secret, "vi")).status_code == 401


def test_cli_prints_a_token_once(app, runner, seeded, make_user, client):
    user = make_user("viewer")
    result = runner.invoke(args=["users", "token", user.email, "--name", "script"])
    assert result.exit_code == 0
    secret = result.output.strip()
    assert secret.startswith("dsp_")
    assert client.get("/api/v1/fields", headers=bearer(secret, "vi")).status_code == 200
    result = runner.invoke(args=["users", "token", "nobody@example.org"])
    assert result.exit_code == 1 and "no account" in result.output


def test_api_is_rate_limited_per_token(app, client, seeded, token_for):
    secret = token_for("viewer")
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        answers = [client.get("/api/v1/countries", headers=bearer(secret, "vi")) for _ in range(4)]
        statuses = [answer.status_code for answer in answers]
        assert answers[-1].mimetype == "application/problem+json"
        assert answers[-1].get_json()["status"] == 429
        other = token_for("viewer")
        assert client.get("/api/v1/countries", headers=bearer(other, "vi")).status_code == 200
    finally:
        app.config["API_RATE_LIMIT"] = "300 per minute"
    assert statuses == [200, 200, 200, 429]


def test_viewer_cannot_use_admin_only_routes_via_api(client, token_for):
    secret = token_for("viewer")
    assert client.post("/api/v1/fields", headers=bearer(secret, "vi")).status_code == 405


def test_api_writes_refuse_a_signed_in_browser_without_a_token(app, csrf_app, seeded, make_user):
    """The API is exempt from CSRF because it ignores cookies: a page on another site that makes
    a signed-in officer's browser post to it gets 401 and changes nothing."""
    from tests.conftest import login_with_csrf
    from tests.test_permissions import _sample_url
    from tests.test_security import STATE_CHANGING, snapshot

    admin = make_user("admin")
    browser = csrf_app.test_client()
    assert login_with_csrf(browser, admin.email).status_code == 302
    before = snapshot(app)
    checked = 0
    for rule in csrf_app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        for method in sorted(rule.methods & STATE_CHANGING):
            response = browser.open(
                _sample_url(rule), method=method, json={"full_name": "Cross Site", "version": 1}
            )
            assert response.status_code == 401, (method, rule.rule, response.status_code)
            checked += 1
    assert checked >= 3
    assert snapshot(app) == before
