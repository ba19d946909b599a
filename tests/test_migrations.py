"""Alembic migrations produce exactly the models' schema, and the latest one reverses cleanly."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from diaspora import create_app
from diaspora.extensions import db as _db
from diaspora.search.backends import is_index_object
from tests.conftest import POSTGRES_URL


def include_name(name, type_, parent_names):
    return not (type_ == "table" and is_index_object(name))


@pytest.fixture
def empty_database(tmp_path):
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    import uuid

    base = make_url(POSTGRES_URL)
    name = f"diaspora_migrations_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _diff(app):
    with _db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        return compare_metadata(context, _db.metadata)


def test_upgrade_head_matches_the_models(empty_database):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade()
        assert _diff(app) == []
        _db.engine.dispose()


def test_latest_revision_downgrades_and_upgrades_again(empty_database):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade()
        tables = set(inspect(_db.engine).get_table_names())
        downgrade(revision="-1")
        upgrade()
        assert set(inspect(_db.engine).get_table_names()) == tables
        assert _diff(app) == []
        downgrade(revision="base")
        assert set(inspect(_db.engine).get_table_names()) <= {"alembic_version"}
        _db.engine.dispose()


def test_migrated_database_keeps_the_audit_trail_append_only(empty_database):
    """The triggers come from the migration too, not only from ``db.create_all``."""
    from sqlalchemy.exc import DBAPIError

    from diaspora.models import audit_purge_allowed

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade()
        with _db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO audit_events (occurred_at, action, details) "
                    "VALUES (CURRENT_TIMESTAMP, 'test', '{}')"
                )
            )
        for sql in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
            with pytest.raises(DBAPIError, match="append-only"), _db.engine.begin() as conn:
                conn.execute(text(sql))
        with _db.engine.begin() as conn, audit_purge_allowed(conn):
            conn.execute(text("DELETE FROM audit_events"))
        with _db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM audit_events")).scalar() == 0
        _db.engine.dispose()
