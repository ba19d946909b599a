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


def test_500_page_never_shows_a_traceback(app):
    from diaspora.auth.permissions import public

    @public
    def explode():
        raise RuntimeError("secret internals")

    failing = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
    )
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
