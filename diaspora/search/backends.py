"""The search index, one backend per database, behind one interface.

- SQLite: an FTS5 virtual table ``search_contacts`` (rowid = contact id).
- PostgreSQL: a table ``search_contacts`` with ``tsvector`` columns built from the same words
  (``array_to_tsvector``: no parser, no stemming) and a ``text[]`` of tags, GIN-indexed; queries
  are cast straight to ``tsquery``, so no dictionary changes a word either.

Both receive the same documents (``documents.document_for``) and the same terms, so they match
the same contacts. The structures are created by the migration, and by ``create_structures``
when tests build the schema with ``create_all``; Alembic ignores them (``is_index_object``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection

from diaspora.search.documents import Document

INDEX_TABLE = "search_contacts"

SQLITE_DDL = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_contacts USING fts5(
        names, body, private, tags,
        tokenize = 'unicode61 remove_diacritics 0', detail = column, prefix = '2 3')""",
]
POSTGRES_DDL = [
    """CREATE TABLE IF NOT EXISTS search_contacts (
        contact_id integer PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
        names text NOT NULL,
        body text NOT NULL,
        private text NOT NULL,
        tags text[] NOT NULL,
        public_tsv tsvector NOT NULL,
        all_tsv tsvector NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS search_contacts_public ON search_contacts USING gin (public_tsv)",
    "CREATE INDEX IF NOT EXISTS search_contacts_all ON search_contacts USING gin (all_tsv)",
    "CREATE INDEX IF NOT EXISTS search_contacts_tags ON search_contacts USING gin (tags)",
]


def is_index_object(name: str | None) -> bool:
    """The index's own tables (FTS5 creates shadow tables) are not part of the models."""
    return bool(name) and name.startswith(INDEX_TABLE)


def create_structures(connection: Connection) -> None:
    for statement in ddl(connection.dialect.name):
        connection.execute(text(statement))


def drop_structures(connection: Connection) -> None:
    connection.execute(text("DROP TABLE IF EXISTS search_contacts"))


def ddl(dialect: str) -> list[str]:
    return SQLITE_DDL if dialect == "sqlite" else POSTGRES_DDL


@dataclass(frozen=True)
class Match:
    """A compiled text-and-tags match: SQL selecting matching contact ids, with parameters."""

    sql: str
    params: dict


class SqliteBackend:
    name = "sqlite-fts5"

    def upsert(self, connection: Connection, document: Document) -> None:
        self.delete(connection, document.contact_id)
        connection.execute(
            text(
                "INSERT INTO search_contacts (rowid, names, body, private, tags) "
                "VALUES (:id, :names, :body, :private, :tags)"
            ),
            _row(document),
        )

    def delete(self, connection: Connection, contact_id: int) -> None:
        connection.execute(
            text("DELETE FROM search_contacts WHERE rowid = :id"), {"id": contact_id}
        )

    def insert_many(self, connection: Connection, documents: list[Document]) -> None:
        """Bulk load of new entries (demo data, benchmarks): no existing rows are replaced."""
        connection.execute(
            text(
                "INSERT INTO search_contacts (rowid, names, body, private, tags) "
                "VALUES (:id, :names, :body, :private, :tags)"
            ),
            [_row(document) for document in documents],
        )

    def replace_many(
        self, connection: Connection, documents: list[Document], gone: list[int]
    ) -> None:
        """Index ``documents`` (replacing their entries) and drop the ``gone`` ids, with one
        statement of each kind instead of two per contact."""
        ids = [{"id": document.contact_id} for document in documents]
        ids += [{"id": contact_id} for contact_id in gone]
        if ids:
            connection.execute(text("DELETE FROM search_contacts WHERE rowid = :id"), ids)
        if documents:
            self.insert_many(connection, documents)

    def clear(self, connection: Connection) -> None:
        connection.execute(text("DELETE FROM search_contacts"))

    def compact(self, connection: Connection) -> None:
        """Rewrite the index without deleted entries: FTS5 keeps a deleted document's words in
        older segments until they are merged, and erasure needs them gone from the file."""
        connection.execute(
            text("INSERT INTO search_contacts (search_contacts) VALUES ('optimize')")
        )

    def match(
        self, terms: list[str], all_of: list[str], any_of: list[list[str]], *, private: bool
    ) -> Match:
        columns = "{names body private}" if private else "{names body}"
        parts = [f'{columns}: "{term}"*' for term in terms]
        parts += [f'tags: "{tag}"' for tag in all_of]
        parts += [
            "tags: (" + " OR ".join(f'"{tag}"' for tag in group) + ")" for group in any_of if group
        ]
        expression = " AND ".join(parts)
        return Match(
            sql="SELECT rowid FROM search_contacts WHERE search_contacts MATCH :fts",
            params={"fts": expression},
        )


POSTGRES_UPSERT = """INSERT INTO search_contacts
    (contact_id, names, body, private, tags, public_tsv, all_tsv)
    VALUES (:id, :names, :body, :private, string_to_array(:tags, ' '),
        array_to_tsvector(string_to_array(:public, ' ')),
        array_to_tsvector(string_to_array(:all, ' ')))
    ON CONFLICT (contact_id) DO UPDATE SET
        names = excluded.names, body = excluded.body, private = excluded.private,
        tags = excluded.tags, public_tsv = excluded.public_tsv, all_tsv = excluded.all_tsv"""


def _postgres_row(document: Document) -> dict:
    return {
        **_row(document),
        "public": _joined(document.names, document.body),
        "all": _joined(document.names, document.body, document.private),
    }


class PostgresBackend:
    name = "postgresql-tsvector"

    def upsert(self, connection: Connection, document: Document) -> None:
        connection.execute(text(POSTGRES_UPSERT), _postgres_row(document))

    def delete(self, connection: Connection, contact_id: int) -> None:
        connection.execute(
            text("DELETE FROM search_contacts WHERE contact_id = :id"), {"id": contact_id}
        )

    def insert_many(self, connection: Connection, documents: list[Document]) -> None:
        connection.execute(text(POSTGRES_UPSERT), [_postgres_row(d) for d in documents])

    def replace_many(
        self, connection: Connection, documents: list[Document], gone: list[int]
    ) -> None:
        """Upsert ``documents`` and drop the ``gone`` ids, one statement of each kind."""
        if gone:
            connection.execute(
                text("DELETE FROM search_contacts WHERE contact_id = :id"),
                [{"id": contact_id} for contact_id in gone],
            )
        if documents:
            self.insert_many(connection, documents)

    def clear(self, connection: Connection) -> None:
        connection.execute(text("DELETE FROM search_contacts"))

    def compact(self, connection: Connection) -> None:
        """Nothing inside a transaction: a deleted row waits for VACUUM (see docs/privacy.md)."""

    def match(
        self, terms: list[str], all_of: list[str], any_of: list[list[str]], *, private: bool
    ) -> Match:
        conditions: list[str] = []
        params: dict = {}
        if terms:
            column = "all_tsv" if private else "public_tsv"
            conditions.append(f"{column} @@ CAST(:tsq AS tsquery)")
            params["tsq"] = " & ".join(f"'{term}':*" for term in terms)
        if all_of:
            conditions.append("tags @> CAST(:all_tags AS text[])")
            params["all_tags"] = all_of
        for number, group in enumerate(group for group in any_of if group):
            conditions.append(f"tags && CAST(:any_{number} AS text[])")
            params[f"any_{number}"] = group
        where = " AND ".join(conditions) or "TRUE"
        # `where` joins fixed fragments naming bind parameters only; every value is bound.
        sql = f"SELECT contact_id FROM search_contacts WHERE {where}"  # noqa: S608  # nosec B608
        return Match(sql=sql, params=params)


def _row(document: Document) -> dict:
    return {
        "id": document.contact_id,
        "names": document.names,
        "body": document.body,
        "private": document.private,
        "tags": document.tags,
    }


def _joined(*parts: str) -> str:
    return " ".join(word for part in parts for word in part.split())


def backend_for(dialect: str) -> SqliteBackend | PostgresBackend:
    return SqliteBackend() if dialect == "sqlite" else PostgresBackend()
