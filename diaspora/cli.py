"""Command-line interface: ``flask --app diaspora …``. Commands call the same services."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from diaspora.api.tokens import issue_token
from diaspora.audit.services import record
from diaspora.auth import services as auth_services
from diaspora.backup import services as backup
from diaspora.cli_support import fail
from diaspora.errors import DomainError
from diaspora.extensions import db
from diaspora.privacy.commands import privacy_cli
from diaspora.reference.services import seed_reference
from diaspora.reports.period import PeriodSettingError
from diaspora.reports.services import export_annual_report
from diaspora.search.commands import demo_cli, search_cli
from diaspora.transfer.commands import contacts_cli

users_cli = AppGroup("users", help="Manage accounts.")
backup_cli = AppGroup("backup", help="Back up the database to a file, and restore it.")
seed_cli = AppGroup("seed", help="Load reference data.")
report_cli = AppGroup("report", help="Produce reports.")


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
        fail(error)
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@users_cli.command("list")
def list_users() -> None:
    """List accounts: id, email, role, active, last login."""
    for user in auth_services.list_users():
        last = user.last_login_at.isoformat(timespec="minutes") if user.last_login_at else "-"
        state = "active" if user.active else "inactive"
        click.echo(f"{user.id}\t{user.email}\t{user.role}\t{state}\t{last}\t{user.name}")


@users_cli.command("token")
@click.argument("email")
@click.option("--name", default="command line", show_default=True, help="What the token is for.")
def create_token(email: str, name: str) -> None:
    """Create an API token for an account and print it once."""
    user = auth_services.find_by_email(email)
    if user is None:
        click.echo(f"Error: no account with email {email}", err=True)
        sys.exit(1)
    try:
        issued = issue_token(user, name, actor=user)
    except DomainError as error:
        fail(error)
    db.session.commit()
    click.echo(issued.secret)


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


@report_cli.command("annual")
@click.option("--year", type=int, required=True, help="The report's year, e.g. 2026.")
@click.option(
    "--format", "fmt", type=click.Choice(["xlsx", "pdf", "html"]), required=True, help="Format."
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    required=True,
    help="File to write.",
)
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
def annual_report_command(year: int, fmt: str, output: str, lang: str) -> None:
    """The yearly implementation report, grouped by plan task (period: REPORT_PERIOD_START)."""
    try:
        export = export_annual_report(year, fmt, lang, actor=None)
    except DomainError as error:
        fail(error)
    except PeriodSettingError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    try:
        with open(output, "wb") as handle:
            handle.write(export.content)
    except OSError as error:
        db.session.rollback()  # nothing was written: the export is not recorded either
        click.echo(f"Error: cannot write {output}: {error.strerror or error}", err=True)
        sys.exit(1)
    db.session.commit()
    period = export.report.period
    click.echo(
        f"Wrote {output}: {len(export.report.activities)} activities "
        f"from {period.start.isoformat()} to {period.end.isoformat()}."
        + (" No activities were recorded in this period." if export.report.is_empty else "")
    )


def register_commands(app: Flask) -> None:
    for group in (
        users_cli,
        backup_cli,
        seed_cli,
        search_cli,
        demo_cli,
        contacts_cli,
        report_cli,
        privacy_cli,
    ):
        app.cli.add_command(group)
