"""Configuration, the application factory and the error pages."""

from __future__ import annotations

import pytest

from config import InsecureConfigurationError, check_production_settings
from diaspora import create_app
from diaspora.database import DatabaseURLError

STRONG_KEY = "k" * 16 + "0123456789abcdefghij"
SECURE = {
    "SECRET_KEY": STRONG_KEY,
    "DEBUG": False,
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
}


def test_production_accepts_secure_settings():
    check_production_settings(SECURE)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY is missing"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is weak"),
        ({"DEBUG": True}, "DEBUG is on"),
        ({"SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE is off"),
        ({"SESSION_COOKIE_HTTPONLY": False}, "SESSION_COOKIE_HTTPONLY is off"),
        ({"SESSION_COOKIE_SAMESITE": "None"}, "SAMESITE"),
    ],
)
def test_production_refuses_insecure_settings(change, message):
    with pytest.raises(InsecureConfigurationError, match=message):
        check_production_settings({**SECURE, **change})


def test_production_app_refuses_to_start_without_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(InsecureConfigurationError, match="SECRET_KEY is missing"):
        create_app(
            "production",
            {"SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.sqlite"},
        )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "empty"),
        ("not a url", "malformed"),
        ("mysql://root@localhost/x", "supported: sqlite, postgresql"),
        ("postgresql+asyncpg://u@h/db", "psycopg"),
    ],
)
def test_bad_database_url_is_explained(url, message):
    with pytest.raises(DatabaseURLError, match=message):
        create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})


def test_unknown_environment_is_refused():
    with pytest.raises(RuntimeError, match="Unknown DIASPORA_ENV"):
        create_app("staging")


def test_development_keeps_its_generated_secret_key(monkeypatch, tmp_path):
    import config

    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    url = f"sqlite:///{tmp_path}/dev.sqlite"
    first = create_app("development", {"SQLALCHEMY_DATABASE_URI": url}).config["SECRET_KEY"]
    second = create_app("development", {"SQLALCHEMY_DATABASE_URI": url}).config["SECRET_KEY"]
    assert first == second
    assert len(first) >= 32
    assert (tmp_path / "secret_key").read_text() == first


def test_environment_overrides_with_prefix(monkeypatch):
    monkeypatch.setenv("DIASPORA_PER_PAGE", "25")
    app = create_app("testing")
    assert app.config["PER_PAGE"] == 25


@pytest.mark.parametrize("language", ["vi", "en"])
def test_404_page_in_both_languages(client, language):
    response = client.get("/no/such/page", headers={"Accept-Language": language})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert f'<html lang="{language}">' in html
    assert ("Không tìm thấy trang" if language == "vi" else "Page not found") in html


def test_405_page(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "Phương thức không được phép" in response.get_data(as_text=True)


def test_413_page(app, client, make_user):
    make_user("admin")
    app.config["MAX_CONTENT_LENGTH"] = 1000
    try:
        response = client.post("/login", data={"email": "x" * 5000, "password": "y"})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 10 * 1024 * 1024
    assert response.status_code == 413
    assert "quá lớn" in response.get_data(as_text=True)


def test_500_page_never_shows_a_traceback(make_app):
    from diaspora.auth.permissions import public

    @public
    def explode():
        raise RuntimeError("secret internals")

    failing = make_app()
    failing.add_url_rule("/explode", "explode", explode)
    failing.config["PROPAGATE_EXCEPTIONS"] = False
    response = failing.test_client().get("/explode", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Internal error" in body
    assert "secret internals" not in body
    assert "Traceback" not in body


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_health(client):
    assert client.get("/health").get_json() == {"status": "ok"}


def test_403_page_in_english(client, login_as):
    login_as("viewer", locale="en")
    response = client.get("/admin/users/")
    assert response.status_code == 403
    assert "Access denied" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("error", "status", "text"),
    [
        ("Conflict", 409, "Xung đột dữ liệu"),
        ("TooManyAttempts", 429, "Quá nhiều yêu cầu"),
        ("NotFound", 404, "Không tìm thấy trang"),
        ("PermissionDenied", 403, "Không có quyền truy cập"),
    ],
)
def test_domain_errors_become_error_pages(make_app, error, status, text):
    from diaspora import errors
    from diaspora.auth.permissions import public

    @public
    def fail():
        raise getattr(errors, error)("")

    other = make_app()
    other.add_url_rule("/fail", "fail", fail)
    response = other.test_client().get("/fail")
    assert response.status_code == status
    assert text in response.get_data(as_text=True)


def test_post_without_csrf_token_is_refused_with_a_clear_message(app, make_user):
    user = make_user("officer")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = app.test_client().post(
            "/login", data={"email": user.email, "password": "irrelevant"}
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert "Mã bảo mật của biểu mẫu bị thiếu" in response.get_data(as_text=True)


def test_login_throttle_works_on_redis():
    import socket
    import uuid

    from diaspora.auth.throttle import LoginThrottle

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    throttle = LoginThrottle("redis://127.0.0.1:6379/15", "2 per minute", "100 per minute")
    email = f"{uuid.uuid4().hex}@example.org"
    assert throttle.retry_after(email, "10.0.0.1") == 0
    throttle.failed(email, "10.0.0.1")
    throttle.failed(email, "10.0.0.1")
    assert throttle.retry_after(email, "10.0.0.2") > 0
    throttle.succeeded(email)
    assert throttle.retry_after(email, "10.0.0.2") == 0


def test_ids_beyond_a_database_integer_are_not_found(client, login_as):
    login_as("admin")
    for url in ("/contacts/99999999999999999999", "/admin/users/2147483648", "/fields/1e99/edit"):
        assert client.get(url).status_code == 404, url
    response = client.delete("/api/v1/contacts/1369804664977796329140912128")
    assert response.status_code == 404


ERROR_TITLES = {
    400: ("Yêu cầu không hợp lệ", "Bad request"),
    403: ("Không có quyền truy cập", "Access denied"),
    404: ("Không tìm thấy trang", "Page not found"),
    409: ("Xung đột dữ liệu", "Conflict"),
    413: ("quá lớn", "File or request too large"),
    429: ("Quá nhiều yêu cầu", "Too many requests"),
    500: ("Lỗi hệ thống", "Internal error"),
}


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("status", sorted(ERROR_TITLES))
def test_every_listed_error_page_in_both_languages(make_app, status, language):
    """Issue 2: 400, 403, 404, 409, 413, 429 and 500 each have a page in both languages."""
    from flask import abort

    from diaspora.auth.permissions import public

    @public
    def fail():
        if status == 500:
            raise RuntimeError("secret internals")
        abort(status)

    other = make_app()
    other.config["PROPAGATE_EXCEPTIONS"] = False
    other.add_url_rule("/fail", "fail", fail)
    response = other.test_client().get("/fail", headers={"Accept-Language": language})
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert f'<html lang="{language}">' in html
    vietnamese, english = ERROR_TITLES[status]
    assert (vietnamese if language == "vi" else english) in html
    assert (english if language == "vi" else vietnamese) not in html
    assert "Traceback" not in html and "secret internals" not in html


PAGED_LISTS = [
    "/contacts/",
    "/engagements/",
    "/delegations/",
    "/outreach/",
    "/privacy/requests/",
    "/privacy/retention/",
    "/dashboard/quality/no_legal_basis",
    "/contacts/trash/",
    "/engagements/trash/",
    "/search/",
    "/plan/II.4",
    "/admin/audit/",
]


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("number", ["99999999999999999999", "9223372036854775808", "-7", "x"])
def test_absurd_page_numbers_give_a_page_not_an_error(client, login_as, number):
    """A hand-edited ?page= beyond a database integer used to overflow OFFSET: a 500 page."""
    login_as("admin")
    for path in PAGED_LISTS:
        response = client.get(f"{path}?page={number}")
        assert response.status_code == 200, path
