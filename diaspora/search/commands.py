"""``flask --app diaspora search …`` and ``demo …``: rebuild the index, load sample data."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from diaspora.cli_support import fail
from diaspora.demo.services import seed_demo
from diaspora.errors import DomainError
from diaspora.extensions import db
from diaspora.search import index

search_cli = AppGroup("search", help="The search index.")
demo_cli = AppGroup("demo", help="Fictional sample data.")


def _progress(label: str):
    def report(done: int, total: int) -> None:
        click.echo(f"\r{label}: {done}/{total}", nl=done >= total, err=True)

    return report


@search_cli.command("rebuild")
@click.option("--if-stale", is_flag=True, help="Only when the index and the contacts disagree.")
def rebuild_command(if_stale: bool) -> None:
    """Rebuild the search index from scratch, in one transaction."""
    if if_stale and index.indexed_count() == index.live_count():
        click.echo(f"Search index up to date ({index.live_count()} contacts).")
        return
    count = index.rebuild(progress=_progress("Indexing"))
    db.session.commit()
    click.echo(f"Search index rebuilt: {count} contacts.")


@demo_cli.command("seed")
@click.option("--contacts", "count", type=click.IntRange(1, 1_000_000), required=True)
@click.option("--seed", type=int, default=2026, show_default=True, help="Same seed, same people.")
@click.option("--force", is_flag=True, help="Add sample data even beside real contacts.")
def demo_seed_command(count: int, seed: int, force: bool) -> None:
    """Add fictional contacts (marked as such) so that the registry can be tried out."""
    try:
        seed_demo(count, seed=seed, force=force, progress=_progress("Contacts"))
    except DomainError as error:
        fail(error)
    db.session.commit()
    click.echo(f"Added {count} fictional contacts (seed {seed}).")
