"""Fixtures: ``app``, ``client``, ``runner``, ``db`` and helpers to create users and sign in.

The suite runs on SQLite by default. With ``DIASPORA_TEST_DATABASE_URL`` set to a PostgreSQL
URL it runs against a fresh database created for this run (and dropped afterwards), so
parallel runs never see each other's rows.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from diaspora import create_app
from diaspora.api.tokens import issue_token
from diaspora.auth import services as auth_services
from diaspora.extensions import db as _db
from diaspora.models import User, audit_purge_allowed
from diaspora.reference.services import seed_reference
from diaspora.search.backends import INDEX_TABLE

# Property tests assert behaviour, never speed: no per-example deadline and no "too slow" health
# check, which fail at random on a busy machine (speed is measured in bench/, not in tests).
settings.register_profile(
    "diaspora",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("diaspora")

PASSWORD = "correct horse battery staple 42"
POSTGRES_URL = os.environ.get("DIASPORA_TEST_DATABASE_URL", "")


def _postgres_database() -> Iterator[str]:
    base = make_url(POSTGRES_URL)
    name = f"diaspora_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    if POSTGRES_URL:
        yield from _postgres_database()
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        _db.create_all()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean(app: Flask) -> Iterator[None]:
    """Each test starts with empty tables and fresh throttles."""
    yield
    with app.app_context():
        _db.session.remove()
        with _db.engine.begin() as conn, audit_purge_allowed(conn):
            # The audit trail is append-only; the deliberate purge path lets the cleanup empty it.
            conn.execute(text(f"DELETE FROM {INDEX_TABLE}"))
            for table in reversed(_db.metadata.sorted_tables):
                conn.execute(table.delete())
            if conn.dialect.name == "postgresql":
                # Restart the ids, as SQLite does once a table is empty: every test then sees
                # the same ids on both databases.
                with_ids = [t.name for t in _db.metadata.sorted_tables if "id" in t.c]
                conn.execute(
                    text(
                        "SELECT setval(pg_get_serial_sequence(name, 'id'), 1, false) "
                        "FROM unnest(CAST(:names AS text[])) AS name "
                        "WHERE pg_get_serial_sequence(name, 'id') IS NOT NULL"
                    ),
                    {"names": with_ids},
                )
    _reset_limits(app)


def _reset_limits(app: Flask) -> None:
    from diaspora.auth.throttle import install_throttles
    from diaspora.extensions import limiter

    limiter.reset()
    install_throttles(app)


@pytest.fixture
def make_app(app: Flask) -> Iterator[Callable[..., Flask]]:
    """Build more applications on the test database; their connection pools close afterwards.

    An application left open keeps its pool: PostgreSQL connections then close only when the
    garbage collector gets to them, and warn in whichever later test that happens.
    """
    made: list[Flask] = []

    def build(**overrides: object) -> Flask:
        settings = {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], **overrides}
        other = create_app("testing", settings)
        made.append(other)
        return other

    yield build
    for other in made:
        with other.app_context():
            _db.session.remove()
            _db.engine.dispose()


@pytest.fixture
def csrf_app(make_app: Callable[..., Flask]) -> Flask:
    """A second application on the same database, with CSRF protection on as in production."""
    return make_app(WTF_CSRF_ENABLED=True)


def login_with_csrf(client: FlaskClient, email: str, password: str = PASSWORD):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


class FakeClock:
    """The application's clock, moved by hand: ``clock.advance(minutes=31)``."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)

    def advance(self, **kwargs) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    import diaspora.clock

    fake = FakeClock()
    monkeypatch.setattr(diaspora.clock, "now", lambda: fake.now)
    return fake


@pytest.fixture
def db(app: Flask) -> Iterator:
    """The database inside an application context, for calling services directly."""
    with app.app_context():
        yield _db
        _db.session.rollback()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def seeded(app: Flask) -> None:
    with app.app_context():
        seed_reference()
        _db.session.commit()


def create_user(
    app: Flask,
    role: str = "officer",
    email: str | None = None,
    *,
    password: str = PASSWORD,
    locale: str = "vi",
    name: str | None = None,
) -> int:
    with app.app_context():
        user = auth_services.create_user(
            auth_services.UserData(
                email=email or f"{role}-{uuid.uuid4().hex[:6]}@haiphong.gov.vn",
                name=name or f"Test {role.title()}",
                role=role,
                locale=locale,
            ),
            password,
            actor=None,
        )
        _db.session.commit()
        return user.id


def login(client: FlaskClient, email: str, password: str = PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


@pytest.fixture
def make_user(app: Flask):
    """make_user(role, email=None, locale='vi') -> User (detached; read id, email, role)."""

    def factory(role: str = "officer", email: str | None = None, **kwargs) -> User:
        user_id = create_user(app, role, email, **kwargs)
        with app.app_context():
            user = _db.session.get(User, user_id)
            _db.session.expunge(user)
            return user

    return factory


@pytest.fixture
def token_for(app: Flask, make_user):
    """token_for(role) -> str: the secret of an API token issued to a new account of ``role``."""

    def factory(role: str) -> str:
        user = make_user(role)
        with app.app_context():
            owner = _db.session.get(User, user.id)
            secret = issue_token(owner, "tests", actor=owner).secret
            _db.session.commit()
        return secret

    return factory


def bearer(secret: str, language: str) -> dict:
    """Headers of an API call with the token ``secret``, asking for answers in ``language``."""
    return {"Authorization": f"Bearer {secret}", "Accept-Language": language}


@pytest.fixture
def login_as(app: Flask, client: FlaskClient, make_user):
    """login_as(role, locale='vi') -> User: creates an account and signs the client in."""

    def factory(role: str = "officer", **kwargs) -> User:
        user = make_user(role, **kwargs)
        response = login(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return factory


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', html
    )
    assert match, "no CSRF token in page"
    return match.group(1)
