"""Application logs never contain personal data: an email address and a phone number are sent
in every way a request can carry them, and the captured logs are searched for them."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import IntegrityError

from diaspora import create_app
from diaspora.auth.permissions import public
from diaspora.extensions import db as _db
from diaspora.logs import RedactPersonalData, redact
from diaspora.models import User
from tests.conftest import PASSWORD, login

EMAIL = "tran.thi.mai.9931@example.org"
PHONE = "+84 912 345 678"
PHONE_DIGITS = ("912345678", "912 345 678", "84912345678")


def assert_clean(text: str) -> None:
    lowered = text.lower()
    assert EMAIL not in lowered
    assert EMAIL.replace("@", "%40") not in lowered
    for digits in PHONE_DIGITS:
        assert digits not in text.replace("-", "").replace("%20", " "), digits


@pytest.fixture
def failing_app(app):
    """A second app with a route that fails inside the database with personal data bound."""
    other = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
    )

    @public
    def duplicate(who: str):
        for _ in range(2):
            _db.session.add(User(email=EMAIL, name=f"Mai {PHONE}", password_hash="x"))
        _db.session.flush()  # unique violation: the statement carries the email and phone
        return "unreachable"

    other.add_url_rule("/boom/<path:who>", "boom", duplicate)
    yield other
    with other.app_context():
        _db.session.remove()
        _db.engine.dispose()


def test_requests_with_personal_data_leave_no_trace_in_logs(
    app, client, make_user, failing_app, caplog
):
    caplog.set_level(logging.DEBUG)
    for name in ("diaspora", "werkzeug", "sqlalchemy.engine.Engine"):
        caplog.set_level(logging.DEBUG, logger=name)
    # Setup with the address, then sign-in attempts: unknown, wrong password, right one.
    client.post(
        "/setup",
        data={"email": EMAIL, "name": f"Mai {PHONE}", "password": PASSWORD, "confirm": PASSWORD},
    )
    client.get("/login", query_string={"email": EMAIL, "phone": PHONE})
    login(client, f"x{EMAIL}", PHONE)
    login(client, EMAIL, PHONE)
    login(client, EMAIL)
    # Signed in: personal data in paths, query strings, forms and headers.
    client.get(f"/no/such/{EMAIL}/{PHONE}")
    client.get("/admin/audit/", query_string={"action": EMAIL, "target_type": PHONE})
    client.post("/admin/audit/export", data={"purpose": f"asked by {EMAIL} {PHONE}"})
    client.post(
        "/admin/users/new",
        data={"email": EMAIL, "name": PHONE, "role": "boss", "password": "x", "confirm": "y"},
    )
    client.post("/language", data={"lang": EMAIL, "next": f"/?q={PHONE}"})
    client.get("/", headers={"X-Forwarded-For": PHONE, "User-Agent": EMAIL})
    # An unexpected database error whose statement carries both.
    response = failing_app.test_client().get(f"/boom/{EMAIL}")
    assert response.status_code == 500
    assert "Traceback" not in response.get_data(as_text=True)

    assert any("Unhandled error" in record.getMessage() for record in caplog.records)
    assert "IntegrityError" in caplog.text  # the traceback was logged…
    assert_clean(caplog.text)  # …without the values
    for record in caplog.records:
        assert_clean(record.getMessage())


def test_sql_errors_hide_their_parameters(app, db, caplog):
    db.session.add(User(email=EMAIL, name="Nguyễn Thị Mai", password_hash="x"))
    db.session.add(User(email=EMAIL, name="Nguyễn Thị Mai", password_hash="x"))
    with pytest.raises(IntegrityError) as caught:
        db.session.flush()
    db.session.rollback()
    assert "SQL parameters hidden" in str(caught.value)
    assert "Nguyễn Thị Mai" not in str(caught.value)
    with caplog.at_level(logging.ERROR, logger="diaspora"):
        app.logger.error("failed", exc_info=(type(caught.value), caught.value, None))
    # PostgreSQL adds "DETAIL: Key (email)=(…)" to the message itself: masked in the log.
    assert_clean(caplog.text)
    assert "Nguyễn Thị Mai" not in caplog.text


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        (f'127.0.0.1 - - "GET /login?email={EMAIL.replace("@", "%40")} HTTP/1.1" 200', "GET"),
        ("POST /x phone=%2B84912345678&y=1", "y=1"),
        (f"name={EMAIL}", "name="),
        ("call 0912 345 678 or (028) 3823 4567", "call"),
        ("at 2026-11-26 06:40:00 user 12 record 345678", "2026-11-26 06:40:00 user 12"),
    ],
)
def test_redaction(line, kept):
    masked = redact(line)
    assert_clean(masked)
    assert kept in masked


def test_filter_masks_arguments_and_tracebacks():
    record = logging.LogRecord(
        "werkzeug", logging.INFO, __file__, 1, "%s said %s", (EMAIL, 1), None
    )
    RedactPersonalData().filter(record)
    assert record.getMessage() == "[email] said 1"
    try:
        raise ValueError(f"bad {PHONE}")
    except ValueError:
        import sys

        record = logging.LogRecord("diaspora", logging.ERROR, __file__, 1, "x", (), sys.exc_info())
    RedactPersonalData().filter(record)
    assert "[phone]" in logging.Formatter().format(record)
    assert_clean(logging.Formatter().format(record))


def test_filter_is_installed_on_the_application_and_server_loggers(app):
    for name in ("diaspora", "werkzeug", "gunicorn.access", "gunicorn.error"):
        filters = logging.getLogger(name).filters
        assert sum(isinstance(f, RedactPersonalData) for f in filters) == 1, name
