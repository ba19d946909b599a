"""Command-line interface: ``flask --app diaspora …``. Commands call the same services."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from diaspora.api.tokens import issue_token
from diaspora.auth import services as auth_services
from diaspora.errors import DomainError, ValidationFailed
from diaspora.extensions import db
from diaspora.reference.services import seed_reference
from diaspora.reports.period import PeriodSettingError
from diaspora.reports.services import export_annual_report

users_cli = AppGroup("users", help="Manage accounts.")
seed_cli = AppGroup("seed", help="Load reference data.")
report_cli = AppGroup("report", help="Produce reports.")


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
        _fail(error)
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
        _fail(error)
    except PeriodSettingError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    with open(output, "wb") as handle:
        handle.write(export.content)
    db.session.commit()
    period = export.report.period
    click.echo(
        f"Wrote {output}: {len(export.report.activities)} activities "
        f"from {period.start.isoformat()} to {period.end.isoformat()}."
        + (" No activities were recorded in this period." if export.report.is_empty else "")
    )


def register_commands(app: Flask) -> None:
    from diaspora.search.commands import demo_cli, search_cli

    for group in (users_cli, seed_cli, report_cli, search_cli, demo_cli):
        app.cli.add_command(group)
