"""What every command module shares: the account a command acts as, and how a refused
command ends. Kept apart from ``cli.py`` so that feature command modules (privacy, transfer)
import it without importing the command groups, and ``cli.py`` imports them without a cycle.
"""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from diaspora.auth import services as auth_services
from diaspora.errors import DomainError, ValidationFailed
from diaspora.extensions import db
from diaspora.models import User


def fail(error: DomainError) -> NoReturn:
    """Undo the session's changes, print the service's messages and exit with status 1."""
    db.session.rollback()
    if isinstance(error, ValidationFailed):
        for field, messages in error.errors.items():
            for message in messages:
                click.echo(f"Error: {field}: {message}", err=True)
    else:
        click.echo(f"Error: {error.message}", err=True)
    sys.exit(1)


def acting_user(email: str | None) -> User:
    """The account the command acts as: ``--user``, else the oldest active administrator, so
    that the audit trail always says who did it. Exits with status 2 when there is none."""
    if email:
        user = auth_services.find_by_email(email)
        if user is None or not user.active:
            click.echo(f"Error: no active account with email {email}", err=True)
            sys.exit(2)
        return user
    user = db.session.scalar(
        db.select(User).where(User.role == "admin", User.active.is_(True)).order_by(User.id)
    )
    if user is None:
        click.echo("Error: give --user EMAIL (no active administrator account exists)", err=True)
        sys.exit(2)
    click.echo(f"Acting as {user.email}", err=True)
    return user
