"""Search benchmark: the app's search (through HTTP, via the test client) against plain SQL.

Builds (once, then reuses) a fictional registry of N contacts with the demo generator, then for
four kinds of question measures, in the same run and on the same database:
  (a) hand-written SQL against the same index: total, one page of 50 and the facet counts;
  (b) GET /api/v1/contacts through the whole app (auth, parsing, search, facets, JSON).
Prints median and p95 per kind, and the ratio b/a.

    .venv/bin/python bench/search.py                       # SQLite, 200,000 contacts
    .venv/bin/python bench/search.py --contacts 20000      # smaller, quicker
    .venv/bin/python bench/search.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diaspora import create_app  # noqa: E402
from diaspora.api.tokens import issue_token  # noqa: E402
from diaspora.auth import services as auth_services  # noqa: E402
from diaspora.demo.services import seed_demo  # noqa: E402
from diaspora.extensions import db  # noqa: E402
from diaspora.models import Contact, User  # noqa: E402
from diaspora.reference.services import seed_reference  # noqa: E402
from diaspora.search import documents, hits  # noqa: E402
from diaspora.search.backends import INDEX_TABLE, backend_for, drop_structures  # noqa: E402


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def build(app, count: int, seed: int) -> None:
    with app.app_context():
        try:
            existing = db.session.scalar(select(func.count(Contact.id)).where(Contact.fictional))
            db.session.execute(select(Contact).limit(1)).all()  # every column of today's model
        except Exception:  # a new database, or one built before the models last changed
            db.session.rollback()
            existing = None
        if existing == count:
            print(f"Reusing the registry of {count} fictional contacts.")
            return
        print(f"Building a registry of {count} fictional contacts (seed {seed})…", flush=True)
        db.session.rollback()  # let go of the write lock before another connection takes it
        with db.engine.begin() as connection:
            drop_structures(connection)
        db.drop_all()
        db.create_all()
        seed_reference()
        started = time.perf_counter()
        seed_demo(
            count, seed=seed, progress=lambda done, total: print(f"\r  {done}/{total}", end="")
        )
        db.session.commit()
        print(f"\n  built in {time.perf_counter() - started:.0f} s")


def rare_name(app) -> str:
    with app.app_context():
        name = db.session.scalar(
            select(Contact.full_name)
            .where(Contact.name_folded.like("khong %"))
            .group_by(Contact.full_name)
            .having(func.count() == 1)
            .limit(1)
        )
    return name or "Khổng Thị Diệp"


def kinds(app) -> dict[str, list[dict]]:
    rare = rare_name(app)
    return {
        "field + country": [
            {"field": "1", "country": "JP"},
            {"field": "2", "country": "DE"},
            {"field": "3.2", "country": "US"},
            {"field": "5", "country": "FR"},
        ],
        "common name + country": [
            {"q": "nguyen", "country": "US"},
            {"q": "nguyen", "country": "AU"},
            {"q": "nguyễn", "country": "JP"},
            {"q": "tran", "country": "US"},
        ],
        "rare full name": [{"q": documents.fold(rare)}, {"q": rare}],
        "text + field, facets": [
            {"q": "ky su", "field": "2"},
            {"q": "bac si", "field": "3"},
            {"q": "giang vien", "field": "5"},
            {"q": "kien truc", "field": "2"},
        ],
    }


MAX_ID = "SELECT max(id) FROM contacts"


class PlainSQL:
    """The fastest SQL we could write for the same question, on the same index."""

    def __init__(self, app):
        self.app = app

    def run(self, params: dict) -> int:
        from diaspora.search.filters import tag_groups
        from diaspora.search.params import query_from_args
        from diaspora.search.services import terms

        with self.app.test_request_context():
            query = query_from_args(params)
            connection = db.session.connection()
            backend = backend_for(connection.dialect.name)
            all_of, any_of = tag_groups(query)
            match = backend.match(terms(query.text), all_of, any_of, private=False)
            # The same plan as the app: the hits once in a temporary table, facets from it.
            connection.execute(hits.CLEAR)
            connection.execute(text(f"INSERT INTO search_hits (id) {match.sql}"), match.params)
            total = connection.execute(text("SELECT count(*) FROM search_hits")).scalar()
            words = terms(query.text)
            if words:  # relevance: the exact name, then every word in the names, then the rest
                likes = " AND ".join(f"c.names_folded LIKE :w{n}" for n in range(len(words)))
                order = f"CASE WHEN c.name_folded = :exact THEN 0 WHEN {likes} THEN 1 ELSE 2 END, "
                source = "contacts c WHERE c.id IN (SELECT id FROM search_hits)"
            else:  # by name: walk the name index when hits are many, else sort the hits
                order = ""
                few = total * total < 50 * connection.execute(text(MAX_ID)).scalar()
                source = (
                    "contacts c WHERE c.id IN (SELECT id FROM search_hits)"
                    if few
                    else "search_hits h JOIN contacts c ON c.id = h.id"
                )
            bound = {"exact": " ".join(words)} | {f"w{n}": f"% {w}%" for n, w in enumerate(words)}
            connection.execute(
                text(
                    f"SELECT c.id, c.full_name, c.country, c.city FROM {source} "
                    f"ORDER BY {order}c.name_sort, c.id LIMIT 50"
                ),
                bound,
            ).all()
            for facet in (hits.BY_CONTACT, hits.TOP_FIELDS, hits.LANGUAGES, hits.CATEGORIES):
                connection.execute(facet).all()
            db.session.rollback()
            return total


class ThroughTheApp:
    def __init__(self, app):
        self.app = app
        with app.app_context():
            user = db.session.scalar(select(User).where(User.email == "bench@example.org"))
            if user is None:
                user = auth_services.create_user(
                    auth_services.UserData(email="bench@example.org", name="Bench", role="viewer"),
                    "benchmark passphrase 2026",
                    actor=None,
                )
            secret = issue_token(user, "bench", actor=user).secret
            db.session.commit()
        self.client = app.test_client()
        self.headers = {"Authorization": f"Bearer {secret}"}

    def run(self, params: dict) -> int:
        response = self.client.get("/api/v1/contacts", query_string=params, headers=self.headers)
        if response.status_code != 200:
            raise RuntimeError(f"{response.status_code}: {response.get_data(as_text=True)[:300]}")
        return response.get_json()["total"]


def measure(runner, variants: list[dict], repeat: int) -> tuple[list[float], list[int]]:
    for params in variants:  # warm caches
        runner.run(params)
    timings, totals = [], []
    for round_number in range(repeat):
        params = variants[round_number % len(variants)]
        started = time.perf_counter()
        totals.append(runner.run(params))
        timings.append((time.perf_counter() - started) * 1000)
    return timings, totals


def ratelimit_storage(uri: str) -> str:
    """Production counts requests in Redis; the in-memory store of development starts a timer
    thread on most requests, which on a busy machine costs more than the search itself."""
    if not uri.startswith("redis://"):
        return uri
    try:
        import redis

        redis.Redis.from_url(uri, socket_connect_timeout=1).ping()
    except Exception as error:  # any failure means: no Redis here
        print(f"Redis unreachable ({error}); rate limits counted in memory.")
        return "memory://"
    return uri


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument(
        "--database-url", default=f"sqlite:///{ROOT / 'instance' / 'bench-search.sqlite'}"
    )
    parser.add_argument(
        "--ratelimit-storage",
        default="redis://127.0.0.1:6379/15",
        help="rate-limit storage, as in production (falls back to memory:// without Redis)",
    )
    args = parser.parse_args()
    (ROOT / "instance").mkdir(exist_ok=True)
    storage = ratelimit_storage(args.ratelimit_storage)
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": args.database_url,
            "API_RATE_LIMIT": "1000000 per minute",
            "RATELIMIT_STORAGE_URI": storage,
        },
    )
    build(app, args.contacts, args.seed)
    plain, through_app = PlainSQL(app), ThroughTheApp(app)
    backend = "SQLite FTS5" if args.database_url.startswith("sqlite") else "PostgreSQL tsvector"
    print(
        f"\n{args.contacts} contacts, {backend}, rate limits in {storage.split(':')[0]}, "
        f"{args.repeat} queries per kind (ms)\n"
    )
    header = ("kind", "SQL med", "SQL p95", "app med", "app p95", "ratio")
    print(f"{header[0]:24} " + " ".join(f"{h:>8}" for h in header[1:]) + "  results")
    for kind, variants in kinds(app).items():
        sql_times, sql_totals = measure(plain, variants, args.repeat)
        app_times, app_totals = measure(through_app, variants, args.repeat)
        if sql_totals != app_totals:
            raise SystemExit(
                f"{kind}: SQL and app disagree on totals: {sql_totals} vs {app_totals}"
            )
        sql_median, app_median = statistics.median(sql_times), statistics.median(app_times)
        print(
            f"{kind:24} {sql_median:8.1f} {percentile(sql_times, 0.95):8.1f} "
            f"{app_median:8.1f} {percentile(app_times, 0.95):8.1f} {app_median / sql_median:6.2f}  "
            f"{min(app_totals)}–{max(app_totals)}"
        )
    with app.app_context():
        indexed = db.session.scalar(text(f"SELECT count(*) FROM {INDEX_TABLE}"))
    print(f"\nindex entries: {indexed}")


if __name__ == "__main__":
    main()
