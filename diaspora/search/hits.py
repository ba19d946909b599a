"""The ids matching a search, kept once per request in a temporary table, and the facet counts.

Counting facets means joining the matching ids to four link tables. Deriving the ids again in
every facet statement repeats the index lookup each time; keeping them in a temporary table
(private to the connection, never written to the database file) matches once, and each facet
is then a small fixed statement driven from the hits. The statements are plain SQL text built
once at import, so a request pays neither for building nor for compiling them.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import Integer, bindparam, column, event, table, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql import Select
from sqlalchemy.sql.selectable import TextualSelect

from diaspora.search.query import WILLINGNESS

HITS_TABLE = "search_hits"

# Temporary tables live in the connection's own temporary schema, which both databases search
# first; ON COMMIT DELETE ROWS keeps PostgreSQL's copy empty between transactions.
CREATE_SQLITE = "CREATE TEMP TABLE IF NOT EXISTS search_hits (id INTEGER PRIMARY KEY)"
CREATE_POSTGRES = (
    "CREATE TEMP TABLE IF NOT EXISTS search_hits (id integer PRIMARY KEY) ON COMMIT DELETE ROWS"
)
CLEAR = text("DELETE FROM search_hits")


@event.listens_for(Engine, "connect")
def _create_hits_table(dbapi_connection, connection_record) -> None:
    """Once per connection, committed at once: created inside a request's transaction, the
    table would vanish with its rollback, and creating it again changes the schema, which
    makes the connection prepare every statement anew."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        statement = CREATE_SQLITE
    elif type(dbapi_connection).__module__.startswith("psycopg"):  # psycopg 3 or psycopg2
        statement = CREATE_POSTGRES
    else:
        return
    cursor = dbapi_connection.cursor()
    cursor.execute(statement)
    cursor.close()
    dbapi_connection.commit()


hits = table(HITS_TABLE, column("id", Integer))

# "CROSS JOIN … WHERE" makes SQLite loop over the hits first (it knows nothing of a temporary
# table's size and would rather scan a whole link table); PostgreSQL plans it as any join.
# The flag columns in WILLINGNESS order (tests/test_search.py checks it).
BY_CONTACT = text(
    "SELECT c.country, c.status, c.willing_advise, c.willing_invest, c.willing_host_delegation, "
    "c.willing_promote_products, c.willing_teach, count(*) "
    "FROM search_hits h CROSS JOIN contacts c WHERE c.id = h.id GROUP BY 1, 2, 3, 4, 5, 6, 7"
)
_EXPERTISE = (
    "FROM search_hits h CROSS JOIN contact_expertise e "
    "JOIN expertise_fields f ON f.id = e.field_id "
    "JOIN expertise_fields p ON p.id = f.parent_id WHERE e.contact_id = h.id"
)
TOP_FIELDS = text(f"SELECT p.code, count(DISTINCT e.contact_id) {_EXPERTISE} GROUP BY p.code")
SUBFIELDS = text(
    f"SELECT f.code, count(DISTINCT e.contact_id) {_EXPERTISE} "
    "AND (p.code IN :codes OR f.code IN :codes) GROUP BY f.code"
).bindparams(bindparam("codes", expanding=True))
CATEGORIES = text(
    "SELECT k.code, count(*) FROM search_hits h CROSS JOIN contact_categories x "
    "JOIN categories k ON k.id = x.category_id WHERE x.contact_id = h.id GROUP BY k.code"
)
LANGUAGES = text(
    "SELECT l.code, count(*) FROM search_hits h CROSS JOIN contact_languages l "
    "WHERE l.contact_id = h.id GROUP BY l.code"
)


def fill(connection: Connection, matching: Select | TextualSelect) -> None:
    """Replace the hits of this connection with the ids ``matching`` selects."""
    connection.execute(CLEAR)
    connection.execute(hits.insert().from_select(["id"], matching))


def facet_counts(connection: Connection, fields: tuple[str, ...]) -> dict[tuple[str, str], int]:
    """Total and count per facet value over the hits; subfields only under chosen fields,
    which is where they are shown."""
    counts: dict[tuple[str, str], int] = {}

    def add(kind: str, code: str | None, number: int) -> None:
        if code is not None and number:
            counts[(kind, code)] = counts.get((kind, code), 0) + number

    for country, status, *values in connection.execute(BY_CONTACT):
        number = values.pop()
        add("total", "", number)
        add("country", country, number)
        add("status", status, number)
        for flag, on in zip(WILLINGNESS, values, strict=True):
            if on:
                add("willing", flag, number)
    if not counts:
        return {("total", ""): 0}
    statements = [("field", TOP_FIELDS, {}), ("category", CATEGORIES, {})]
    statements.append(("language", LANGUAGES, {}))
    if fields:
        statements.append(("field", SUBFIELDS, {"codes": list(fields)}))
    for kind, statement, params in statements:
        for code, number in connection.execute(statement, params):
            add(kind, code, number)
    return counts
