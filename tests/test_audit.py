"""The audit trail: append-only in the ORM and in the database, browsing, export and purge."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError

from diaspora.audit import services as audit
from diaspora.errors import ValidationFailed
from diaspora.extensions import db as _db
from diaspora.models import AuditEvent, AuditTrailIsAppendOnly, User
from tests.conftest import POSTGRES_URL, csrf_token, login_with_csrf

OLD = "<code>test.old</code>"


def events(app) -> list[tuple]:
    """Every audit event as plain values, to prove that nothing changed."""
    with app.app_context():
        rows = _db.session.execute(
            select(
                AuditEvent.id,
                AuditEvent.action,
                AuditEvent.actor_id,
                AuditEvent.target_type,
                AuditEvent.target_id,
                AuditEvent.details,
            ).order_by(AuditEvent.id)
        )
        return [tuple(row) for row in rows]


@pytest.fixture
def some_events(app):
    with app.app_context():
        for number in range(3):
            audit.record("test.event", actor=None, target_type="thing", target_id=number + 1)
        _db.session.commit()
    return events(app)


# --- append-only -----------------------------------------------------------------------------


def test_orm_refuses_to_change_an_event(app, db, some_events):
    event = db.session.scalars(select(AuditEvent)).first()
    event.action = "forged"
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert events(app) == some_events


def test_orm_refuses_to_delete_an_event(app, db, some_events):
    db.session.delete(db.session.scalars(select(AuditEvent)).first())
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert events(app) == some_events


@pytest.mark.parametrize(
    "statement",
    [
        update(AuditEvent).values(action="forged"),
        delete(AuditEvent),
        AuditEvent.__table__.delete(),
        AuditEvent.__table__.update().values(details={}),
    ],
    ids=["orm update", "orm delete", "core delete", "core update"],
)
def test_orm_refuses_bulk_statements(app, db, some_events, statement):
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.execute(statement)
    db.session.rollback()
    assert events(app) == some_events


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_events SET action = 'forged'",
        "UPDATE audit_events SET actor_id = NULL",
        "DELETE FROM audit_events",
        "DELETE FROM audit_events WHERE id = (SELECT min(id) FROM audit_events)",
    ],
)
def test_database_trigger_refuses_raw_sql(app, some_events, sql):
    with (
        app.app_context(),
        pytest.raises(DBAPIError, match="append-only"),
        _db.engine.begin() as conn,
    ):
        conn.execute(text(sql))
    assert events(app) == some_events


@pytest.mark.skipif(not POSTGRES_URL, reason="TRUNCATE exists on PostgreSQL only")
def test_postgres_trigger_refuses_truncate(app, some_events):
    with (
        app.app_context(),
        pytest.raises(DBAPIError, match="append-only"),
        _db.engine.begin() as conn,
    ):
        conn.execute(text("TRUNCATE audit_events"))
    assert events(app) == some_events


@pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite connection without the app's function")
def test_sqlite_tools_without_the_app_cannot_delete(app, some_events):
    import sqlite3

    from sqlalchemy.engine import make_url

    path = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
    connection = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.OperationalError):
            connection.execute("DELETE FROM audit_events")
    finally:
        connection.close()
    assert events(app) == some_events


def test_inserting_stays_possible(app, db, some_events):
    audit.record("test.more", actor=None)
    db.session.commit()
    assert len(events(app)) == len(some_events) + 1


# --- the purge path --------------------------------------------------------------------------


def test_purge_deletes_matching_events_and_records_itself(app, db, make_user, some_events):
    admin = db.session.get(User, make_user("admin").id)
    deleted = audit.purge(
        reason="Erasure request no. 12", actor=admin, target_type="thing", target_id=2
    )
    db.session.commit()
    assert deleted == 1
    remaining = events(app)
    assert [row[4] for row in remaining if row[1] == "test.event"] == [1, 3]
    purge_event = remaining[-1]
    assert purge_event[1] == "audit.purge"
    assert purge_event[5] == {
        "criteria": {"target_type": "thing", "target_id": 2},
        "reason": "Erasure request no. 12",
        "deleted": 1,
    }
    # The guards are back on once the purge is over.
    event = db.session.scalars(select(AuditEvent)).first()
    db.session.delete(event)
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("DELETE FROM audit_events"))
    db.session.rollback()


def test_purge_before_a_date(app, db, some_events):
    deleted = audit.purge(reason="retention", actor=None, before=datetime.now(UTC) + timedelta(1))
    db.session.commit()
    assert deleted == 3
    assert [row[1] for row in events(app)] == ["audit.purge"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"reason": "", "target_type": "thing"}, "reason"),
        ({"reason": "   "}, "reason"),
        ({"reason": "everything"}, "target_type"),
        ({"reason": "x", "target_id": 2}, "target_type"),
        ({"reason": "x", "before": datetime(2030, 1, 1)}, "before"),  # naive on purpose
    ],
)
def test_purge_refuses_bad_requests(app, db, some_events, kwargs, field):
    with pytest.raises(ValidationFailed) as caught:
        audit.purge(actor=None, **kwargs)
    assert field in caught.value.errors
    db.session.rollback()
    assert events(app) == some_events


# --- browsing --------------------------------------------------------------------------------


def test_admin_browses_and_filters(app, client, login_as, make_user):
    admin = login_as("admin", locale="en")
    other = make_user("officer", name="Officer Lan")
    with app.app_context():
        old = AuditEvent(
            action="test.old",
            actor_id=other.id,
            target_type="contact",
            target_id=7,
            occurred_at=datetime(2026, 3, 10, 3, 0, tzinfo=UTC),
            details={"field": ["a", "b"]},
        )
        _db.session.add(old)
        _db.session.commit()
    html = client.get("/admin/audit/").get_data(as_text=True)
    assert "<code>user.create</code>" in html and "<code>login</code>" in html
    assert OLD in html

    def shown(**args) -> str:
        response = client.get("/admin/audit/", query_string=args)
        assert response.status_code == 200
        return response.get_data(as_text=True)

    assert OLD not in shown(actor=admin.id)
    assert OLD in shown(actor=other.id)
    html = shown(action="test.old")
    assert OLD in html and "<code>login</code>" not in html
    assert OLD in shown(target_type="contact", target_id=7)
    assert OLD not in shown(target_type="contact", target_id=8)
    assert OLD in shown(date_from="2026-03-10", date_to="2026-03-10")
    assert OLD not in shown(date_from="2026-03-11")
    assert OLD not in shown(date_to="2026-03-09")


def test_local_dates_bound_the_range(app, client, login_as):
    login_as("admin")
    with app.app_context():
        # 23:30 on 9 March in Hải Phòng is 16:30 UTC on 9 March; 00:30 on 10 March is 17:30 UTC.
        for hour, minute, name in ((16, 30, "test.ninth"), (17, 30, "test.tenth")):
            _db.session.add(
                AuditEvent(action=name, occurred_at=datetime(2026, 3, 9, hour, minute, tzinfo=UTC))
            )
        _db.session.commit()
    html = client.get("/admin/audit/?date_from=2026-03-10&date_to=2026-03-10").get_data(
        as_text=True
    )
    assert "<code>test.tenth</code>" in html and "<code>test.ninth</code>" not in html


@pytest.mark.parametrize(
    "args",
    [
        {"date_from": "2026-03-11", "date_to": "2026-03-10"},
        {"date_from": "not a date"},
        {"target_id": "-4"},
        {"target_id": "abc"},
    ],
)
def test_bad_filters_are_explained_and_change_nothing(app, client, login_as, args):
    login_as("admin", locale="en")
    before = events(app)
    response = client.get("/admin/audit/", query_string=args)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in html
    assert "event(s)." not in html
    assert events(app) == before


def test_pagination(app, client, login_as):
    login_as("admin", locale="en")
    with app.app_context():
        for number in range(app.config["PER_PAGE"] + 5):
            audit.record("test.bulk", actor=None, target_type="thing", target_id=number + 1)
        _db.session.commit()
    first = client.get("/admin/audit/?action=test.bulk").get_data(as_text=True)
    assert "Page 1 of 2" in first
    assert "thing #55" in first and "thing #1<" not in first
    second = client.get("/admin/audit/?action=test.bulk&page=2").get_data(as_text=True)
    assert "thing #1<" in second and "thing #55" not in second
    assert "action=test.bulk" in second  # the page links keep the filters
    # Absurd page numbers fall back to the first page instead of failing.
    assert client.get("/admin/audit/?page=999999999999").status_code == 200


def test_only_admins_see_the_audit_trail(app, client, login_as):
    login_as("officer")
    assert client.get("/admin/audit/").status_code == 403
    assert client.post("/admin/audit/export", data={"purpose": "x"}).status_code == 403


# --- export ----------------------------------------------------------------------------------


def test_export_is_csv_of_the_filtered_events_and_is_audited(app, client, login_as):
    admin = login_as("admin")
    with app.app_context():
        audit.record("test.csv", actor=None, target_type="thing", target_id=3, details={"k": "ả"})
        audit.record("test.other", actor=None)
        _db.session.commit()
    response = client.post(
        "/admin/audit/export", data={"action": "test.csv", "purpose": "Quarterly review"}
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "filename*=UTF-8''audit-" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    body = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [row["action"] for row in rows] == ["test.csv"]
    assert rows[0]["target_id"] == "3"
    assert rows[0]["details"] == '{"k": "ả"}'
    last = events(app)[-1]
    assert last[1] == "audit.export"
    assert last[2] == admin.id
    assert last[5] == {"filters": {"action": "test.csv"}, "purpose": "Quarterly review", "rows": 1}


def test_export_neutralises_spreadsheet_formulas(app, client, login_as):
    login_as("admin")
    with app.app_context():
        audit.record("test.formula", actor=None, target_type="=HYPERLINK(1)", target_id=1)
        _db.session.commit()
    body = client.post(
        "/admin/audit/export", data={"action": "test.formula", "purpose": "check"}
    ).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0]["target_type"] == "'=HYPERLINK(1)"


@pytest.mark.parametrize(
    "data",
    [
        {"purpose": ""},
        {"purpose": "   "},
        {"purpose": "x" * 501},
        {"purpose": "ok", "date_from": "2026-02-02", "date_to": "2026-02-01"},
    ],
)
def test_export_refuses_bad_requests_and_records_nothing(app, client, login_as, data):
    login_as("admin", locale="en")
    before = events(app)
    response = client.post("/admin/audit/export", data=data)
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    assert events(app) == before


def test_export_needs_a_csrf_token(app, csrf_app, make_user):
    admin = make_user("admin")
    browser = csrf_app.test_client()
    assert login_with_csrf(browser, admin.email).status_code == 302
    before = events(app)
    assert browser.post("/admin/audit/export", data={"purpose": "x"}).status_code == 400
    assert events(app) == before
    page = browser.get("/admin/audit/").get_data(as_text=True)
    response = browser.post(
        "/admin/audit/export", data={"purpose": "x", "csrf_token": csrf_token(page)}
    )
    assert response.status_code == 200
    with app.app_context():
        count = _db.session.scalar(select(func.count()).where(AuditEvent.action == "audit.export"))
    assert count == 1
