"""``flask --app diaspora contacts …``: export a search's contacts, import a spreadsheet and
commit a previewed import, through the same services as the pages."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from diaspora.cli_support import acting_user, fail
from diaspora.errors import DomainError
from diaspora.extensions import db

contacts_cli = AppGroup("contacts", help="Export and import contact lists.")


@contacts_cli.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "vcf", "pdf"]), required=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True), required=True)
@click.option("--purpose", required=True, help="What the list is for (kept in the audit trail).")
@click.option("--q", "text", default="", help="Free text, as in the search box.")
@click.option("--country", multiple=True, help="ISO country code; repeat for several.")
@click.option("--field", multiple=True, help="Expertise field code; repeat for several.")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@click.option("--columns", default="", help="Comma-separated column keys (default: the usual).")
@click.option("--user", "user_email", default=None, help="Account to act as (default: an admin).")
def export_contacts(fmt, output, purpose, text, country, field, lang, columns, user_email):
    """Export the contacts matching a search to a file."""
    from diaspora.search.params import query_from_args
    from diaspora.transfer import exports, writers
    from diaspora.transfer.columns import DEFAULT_COLUMNS, record_fields
    from diaspora.transfer.records import load_records

    actor = acting_user(user_email)
    chosen = [key.strip() for key in columns.split(",") if key.strip()] or list(DEFAULT_COLUMNS)
    try:
        query = query_from_args({"q": text, "country": ",".join(country), "field": ",".join(field)})
        request = exports.ExportRequest(fmt, chosen, lang, purpose, query, source="cli")
        plan = exports.plan_export(request, actor=actor, personal=True)
    except DomainError as error:
        fail(error)
    db.session.commit()
    records = load_records(plan.ids, fields=record_fields(request.columns))
    if fmt == "xlsx":
        writers.write_xlsx(records, request.columns, lang, output, row_count=len(plan.ids))
    elif fmt == "pdf":
        with current_app.test_request_context():
            pdf = writers.write_pdf(records, request.columns, lang, title=purpose)
        with open(output, "wb") as handle:
            handle.write(pdf)
    else:
        writer = writers.write_csv if fmt == "csv" else writers.write_vcard
        with open(output, "wb") as handle:
            for chunk in writer(records, request.columns, lang):
                handle.write(chunk)
    click.echo(
        f"Exported {len(plan.ids)} contacts to {output}; left out {plan.left_out_pending} "
        f"without a legal basis and {plan.left_out_withdrawn} who withdrew consent to sharing."
    )


def _progress(verb: str):
    """Progress of a long import on standard error; nothing is committed before the end."""

    def report(done: int, total: int) -> None:
        click.echo(f"{verb}: {done} of {total} rows", err=True)

    return report


@contacts_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--mapping", "mapping_name", default=None, help="A saved column mapping's name.")
@click.option("--sheet", default="", help="Sheet of an Excel workbook (default: the first).")
@click.option("--dry-run", is_flag=True, help="Analyse and print the counts; write nothing.")
@click.option("--skip-errors", is_flag=True, help="Import the good rows, leave out the others.")
@click.option("--again", is_flag=True, help="Import a file that was already imported.")
@click.option(
    "--on-match",
    type=click.Choice(["fill", "overwrite", "skip", "create"]),
    default="fill",
    show_default=True,
    help="What to do with rows that match an existing contact.",
)
@click.option("--user", "user_email", default=None, help="Account to act as (default: an admin).")
def import_contacts(file, mapping_name, sheet, dry_run, skip_errors, again, on_match, user_email):
    """Import contacts from a CSV or XLSX file, all rows or none."""
    import os

    from diaspora.transfer import analysis, imports
    from diaspora.transfer.reading import Limits

    actor = acting_user(user_email)
    mapping = None
    if mapping_name:
        mapping = imports.find_mapping(mapping_name)
        if mapping is None:
            click.echo(f"Error: no saved mapping called {mapping_name}", err=True)
            sys.exit(2)
    config = current_app.config
    limits = Limits(
        max_bytes=config["IMPORT_MAX_BYTES"],
        max_rows=config["IMPORT_MAX_ROWS"],
        max_columns=config["IMPORT_MAX_COLUMNS"],
    )
    with open(file, "rb") as handle:
        data = handle.read(limits.max_bytes + 1)
    try:
        batch = imports.start_import(
            data, os.path.basename(file), actor=actor, sheet=sheet, limits=limits, mapping=mapping
        )
        imports.set_mapping(batch, batch.targets, actor=actor)
        analysis.analyse(batch, progress=_progress("Analysing"))
    except DomainError as error:
        fail(error)
    counts = imports.count_rows(batch)
    click.echo(
        f"{batch.row_count} rows: {counts['new']} new, {counts['match']} matching an existing "
        f"contact, {counts['error']} in error."
    )
    for row in imports.error_rows(batch, limit=20):
        for key, messages in row.errors.items():
            column = batch.headers[int(key)] if key.isdecimal() else ""
            for message in messages:
                click.echo(f"  row {row.line}{' ' + column if column else ''}: {message}", err=True)
    if dry_run:
        db.session.rollback()
        click.echo("Dry run: nothing was written.")
        return
    if counts["error"] and not skip_errors:
        db.session.rollback()
        click.echo("Nothing was written: fix the rows in error, or give --skip-errors.", err=True)
        sys.exit(1)
    try:
        imports.set_actions(batch, on_match, {})
    except DomainError as error:
        fail(error)
    _commit_and_report(batch, actor=actor, skip_errors=skip_errors, again=again)


@contacts_cli.command("commit-import")
@click.argument("batch_id", type=int)
@click.option("--skip-errors", is_flag=True, help="Leave out the rows in error.")
@click.option("--again", is_flag=True, help="Import a file that was already imported.")
@click.option("--user", "user_email", default=None, help="Account to act as (default: an admin).")
def commit_import(batch_id, skip_errors, again, user_email):
    """Commit an import analysed on the web pages, with the choices made there."""
    from diaspora.transfer import analysis, imports

    actor = acting_user(user_email)
    try:
        batch = imports.get_batch(batch_id)
        analysis.analyse(batch, progress=_progress("Analysing"))
    except DomainError as error:
        fail(error)
    _commit_and_report(batch, actor=actor, skip_errors=skip_errors, again=again)


def _commit_and_report(batch, *, actor, skip_errors: bool, again: bool) -> None:
    """Write an analysed import, commit once and say what it did: the last step of both
    ``import`` and ``commit-import``, so that they cannot come to differ."""
    from diaspora.transfer import committing

    try:
        result = committing.commit_batch(
            batch,
            actor=actor,
            skip_errors=skip_errors,
            confirm_again=again,
            progress=_progress("Writing"),
        )
    except DomainError as error:
        fail(error)
    db.session.commit()
    click.echo(
        f"Import no. {batch.id}: {result['created']} created, {result['updated']} updated, "
        f"{result['unchanged']} unchanged, {result['skipped']} skipped, "
        f"{result['left_out']} left out."
    )
