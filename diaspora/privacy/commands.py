"""``flask --app diaspora privacy …``: a copy, erasure, the purge of rejected submissions.

The commands call the same services as the pages and act as an account (``--user``, else the
oldest active administrator), so the audit trail says who did it.
"""

from __future__ import annotations

import sys
from datetime import UTC
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from diaspora.cli_support import acting_user, fail
from diaspora.errors import DomainError
from diaspora.extensions import db
from diaspora.models import Contact
from diaspora.privacy import erasure, subject_copy
from diaspora.privacy.retention import purge_rejected_submissions

privacy_cli = AppGroup(
    "privacy", help="Data subjects' rights (a copy of their data, erasure) and retention."
)


def _contact(contact_id: int) -> Contact:
    contact = db.session.get(Contact, contact_id)
    if contact is None:
        click.echo(f"Error: no contact record {contact_id}", err=True)
        sys.exit(2)
    return contact


@privacy_cli.command("copy")
@click.argument("contact_id", type=int)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--user", "user_email", default=None, help="Account to act as (default: an admin).")
def copy_command(contact_id: int, output: Path, user_email: str | None) -> None:
    """Write everything held about a person to a JSON file (recorded in the audit trail)."""
    actor = acting_user(user_email)
    data = subject_copy.produce(_contact(contact_id), "json", actor=actor)
    output.write_bytes(subject_copy.render_json(data))
    db.session.commit()
    click.echo(f"Wrote {output}.")


@privacy_cli.command("erase")
@click.argument("contact_id", type=int)
@click.option("--reason", required=True, help="The request and its reference (kept in the log).")
@click.option("--confirm-name", required=True, help="The person's full name, as on the record.")
@click.option("--yes", is_flag=True, help="Do not ask again: this cannot be undone.")
@click.option("--user", "user_email", default=None, help="Account to act as (default: an admin).")
def erase_command(
    contact_id: int, reason: str, confirm_name: str, yes: bool, user_email: str | None
) -> None:
    """Erase a person's personal data for good (the anonymous record stays for the counts)."""
    actor = acting_user(user_email)
    contact = _contact(contact_id)
    if not yes:
        click.confirm(f"Erase record {contact_id} for good? This cannot be undone.", abort=True)
    try:
        report = erasure.erase_contact(
            contact, confirmation=confirm_name, reason=reason, actor=actor
        )
    except DomainError as error:
        fail(error)
    db.session.commit()
    checkpoint = erasure.reclaim_space()
    click.echo(
        f"Erased record {contact_id}: {len(report.purged_records)} merged or trashed copies and "
        f"{report.submissions} submissions purged, {report.audit_events} audit events scrubbed."
    )
    if checkpoint and checkpoint["busy"]:
        click.echo(
            "Warning: another connection was reading; the write-ahead log is emptied at the "
            "next checkpoint. Run the command again later or restart the application.",
            err=True,
        )


@privacy_cli.command("erasures")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None, help="YYYY-MM-DD (UTC).")
def erasures_command(since) -> None:
    """List the erasures (record, when, by whom, reason) as tab-separated lines.

    Keep this list with the backups: after restoring a backup made before an erasure, erase
    the same records again."""
    start = since.replace(tzinfo=UTC) if since is not None else None
    for event in erasure.erasure_log(start):
        who = event.actor.email if event.actor else ""
        reason = (event.details or {}).get("reason", "")
        click.echo(
            f"{event.target_id}\t{event.occurred_at.isoformat(timespec='seconds')}\t{who}\t{reason}"
        )


@privacy_cli.command("purge-submissions")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Rejected more than this many days ago (default: REJECTED_SUBMISSION_DAYS).",
)
@click.option(
    "--user", "user_email", help="Account recorded as acting (default: an administrator)."
)
def purge_submissions_command(days: int | None, user_email: str | None) -> None:
    """Remove rejected public submissions decided more than DAYS days ago (audited)."""
    actor = acting_user(user_email)
    days = days or current_app.config["REJECTED_SUBMISSION_DAYS"]
    count = purge_rejected_submissions(actor=actor, days=days)
    db.session.commit()
    click.echo(f"Removed {count} rejected submission(s) decided more than {days} days ago.")
