"""Command-line interface: ``flask --app diaspora …``. Commands call the same services."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from diaspora.audit.services import record
from diaspora.auth import services as auth_services
from diaspora.backup import services as backup
from diaspora.errors import DomainError, ValidationFailed
from diaspora.extensions import db
from diaspora.reference.services import seed_reference

users_cli = AppGroup("users", help="Manage accounts.")
backup_cli = AppGroup("backup", help="Back up the database to a file, and restore it.")
seed_cli = AppGroup("seed", help="Load reference data.")


def _fail(error: DomainError) -> None:
    db.session.rollback()
    if isinstance(error, ValidationFailed):
        for field, messages in error.errors.items():
            for message in messages:
                click.echo(f"Error: {field}: {message}", err=True)
    else:
        click.echo(f"Error: {error.message}", err=True)
    sys.exit(1)


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Full name.")
@click.option(
    "--role", type=click.Choice(["admin", "officer", "viewer"]), required=True, help="Role."
)
@click.option("--locale", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, name: str, role: str, locale: str, password_stdin: bool) -> None:
    """Create an account. The password is read from standard input, never from arguments."""
    if not password_stdin:
        click.echo("Error: give --password-stdin and pipe the password in.", err=True)
        sys.exit(2)
    password = sys.stdin.readline().rstrip("\r\n")
    data = auth_services.UserData(email=email, name=name, role=role, locale=locale)
    try:
        user = auth_services.create_user(data, password, actor=None)
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@users_cli.command("list")
def list_users() -> None:
    """List accounts: id, email, role, active, last login."""
    for user in auth_services.list_users():
        last = user.last_login_at.isoformat(timespec="minutes") if user.last_login_at else "-"
        state = "active" if user.active else "inactive"
        click.echo(f"{user.id}\t{user.email}\t{user.role}\t{state}\t{last}\t{user.name}")


@seed_cli.command("reference")
def seed_reference_command() -> None:
    """Load agencies, plan tasks and the expertise taxonomy; running it again changes nothing."""
    report = seed_reference()
    db.session.commit()
    parts = [
        f"{name}: +{report.added.get(name, 0)} ~{report.updated.get(name, 0)}"
        for name in sorted(report.added)
    ]
    click.echo(
        "Reference data " + ("updated. " if report.changed else "unchanged. ") + ", ".join(parts)
    )


def _database_url() -> str:
    return current_app.config["SQLALCHEMY_DATABASE_URI"]


def _describe(report: backup.BackupReport) -> str:
    if not report.row_counts:
        return ""
    return f" ({len(report.row_counts)} tables, {report.total_rows} rows)"


@backup_cli.command("create")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup_create(file: Path) -> None:
    """Write a consistent copy of the whole database to FILE (a new file).

    SQLite: the online backup API, safe while the application runs. PostgreSQL: pg_dump -Fc.
    """
    try:
        report = backup.create_backup(
            _database_url(), file, busy_timeout_ms=current_app.config["SQLITE_BUSY_TIMEOUT_MS"]
        )
    except backup.BackupError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    click.echo(f"Backed up the {report.backend} database to {report.path}{_describe(report)}.")


@backup_cli.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def backup_restore(file: Path, yes: bool) -> None:
    """Replace the whole configured database with the backup in FILE.

    The file is checked first (SQLite: integrity check; PostgreSQL: pg_restore --list). Stop the
    application while restoring. The restore is then recorded in the restored audit trail.
    """
    if not yes:
        click.confirm(
            "This replaces every row of the configured database with the backup. Continue?",
            abort=True,
        )
    db.session.remove()
    db.engine.dispose()
    try:
        report = backup.restore_backup(
            _database_url(), file, busy_timeout_ms=current_app.config["SQLITE_BUSY_TIMEOUT_MS"]
        )
    except backup.BackupError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    db.engine.dispose()
    record(
        "backup.restore",
        actor=None,
        details={"file": Path(file).name, "rows": report.total_rows or None},
    )
    db.session.commit()
    click.echo(f"Restored the {report.backend} database from {file}{_describe(report)}.")


def register_commands(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(seed_cli)
