"""The helpers every command module shares: who a command acts as, and how it gives up."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from diaspora.cli_support import acting_user, fail
from diaspora.errors import DomainError, ValidationFailed
from diaspora.models import User


def _run(app, body):
    """Run ``body`` as a click command inside the app; return click's result."""

    @click.command()
    def command() -> None:
        with app.app_context():
            body()

    return CliRunner().invoke(command, [])


def test_acting_user_is_the_named_active_account(app, make_user):
    officer = make_user("officer")
    seen = []
    result = _run(app, lambda: seen.append(acting_user(officer.email).id))
    assert result.exit_code == 0
    assert seen == [officer.id]
    assert "Acting as" not in result.output


def test_acting_user_defaults_to_the_oldest_active_admin(app, make_user):
    make_user("officer")
    first = make_user("admin")
    make_user("admin")
    seen = []
    result = _run(app, lambda: seen.append(acting_user(None).id))
    assert result.exit_code == 0
    assert seen == [first.id]
    assert f"Acting as {first.email}" in result.output


@pytest.mark.parametrize("email", ["nobody@example.org", "inactive"])
def test_acting_user_refuses_an_unknown_or_inactive_account(app, db, make_user, email):
    if email == "inactive":
        user = make_user("admin")
        db.session.get(User, user.id).active = False
        db.session.commit()
        email = user.email
    result = _run(app, lambda: acting_user(email))
    assert result.exit_code == 2
    assert f"no active account with email {email}" in result.output


def test_acting_user_without_any_admin_asks_for_one(app, make_user):
    make_user("officer")
    result = _run(app, lambda: acting_user(None))
    assert result.exit_code == 2
    assert "give --user EMAIL" in result.output


def test_fail_prints_every_message_and_undoes_the_session(app, make_user):
    user = make_user("officer")
    left_dirty = []

    def body() -> None:
        from diaspora.extensions import db as session_db

        session_db.session.get(User, user.id).name = "Changed, never saved"
        try:
            fail(ValidationFailed({"email": ["bad address"], "name": ["too long", "has a tab"]}))
        finally:
            left_dirty.extend(session_db.session.dirty)

    result = _run(app, body)
    assert result.exit_code == 1
    assert "Error: email: bad address" in result.output
    assert "Error: name: too long" in result.output
    assert "Error: name: has a tab" in result.output
    assert left_dirty == []


def test_fail_prints_a_domain_error_message(app):
    result = _run(app, lambda: fail(DomainError("the record changed meanwhile")))
    assert result.exit_code == 1
    assert "Error: the record changed meanwhile" in result.output
