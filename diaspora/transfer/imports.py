"""Importing contacts from a spreadsheet: upload, map columns, preview, commit, undo.

Nothing reaches the registry before the commit. The upload stores the parsed cells in
``import_rows``; the analysis (``analysis.analyse``) classifies each row as new, matching an
existing contact, or in error, a slice at a time so that no request runs for long. The commit
(all rows in one transaction, or none) and undo are in ``committing``.
"""

from __future__ import annotations

import hashlib

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select, update

from diaspora.audit import services as audit
from diaspora.downloads import safe_file_name
from diaspora.errors import Conflict, NotFound, ValidationFailed
from diaspora.extensions import db
from diaspora.models import (
    ImportBatch,
    ImportMapping,
    ImportRow,
    User,
)
from diaspora.text import clean
from diaspora.transfer.headers import REPEATABLE, TARGETS, propose, signature
from diaspora.transfer.reading import Limits, Table, read_table
from diaspora.transfer.writers import csv_rows

ACTIONS = ("fill", "overwrite", "skip", "create")
INSERT_CHUNK = 2000
ANALYSIS_CHUNK = 500
ROW_LEVEL = ""  # key of messages about the whole row


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def get_batch(batch_id: int) -> ImportBatch:
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFound(_l("This import does not exist."))
    return batch


def list_batches(limit: int = 100) -> list[ImportBatch]:
    return list(
        db.session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit))
    )


def list_mappings() -> list[ImportMapping]:
    return list(db.session.scalars(select(ImportMapping).order_by(ImportMapping.name)))


def find_mapping(name: str) -> ImportMapping | None:
    return db.session.scalar(select(ImportMapping).where(ImportMapping.name == clean(name)))


def mapping_for(headers: list[str]) -> ImportMapping | None:
    """The saved mapping of files with exactly these headers, the latest first."""
    return db.session.scalar(
        select(ImportMapping)
        .where(ImportMapping.signature == signature(headers))
        .order_by(ImportMapping.updated_at.desc(), ImportMapping.id.desc())
    )


def previous_imports(batch: ImportBatch) -> list[ImportBatch]:
    """Committed batches of the very same file (same checksum), not undone."""
    return list(
        db.session.scalars(
            select(ImportBatch).where(
                ImportBatch.checksum == batch.checksum,
                ImportBatch.id != batch.id,
                ImportBatch.status == "committed",
            )
        )
    )


# --- upload ---


def start_import(
    data: bytes,
    file_name: str,
    *,
    actor: User,
    sheet: str = "",
    limits: Limits | None = None,
    mapping: ImportMapping | None = None,
) -> ImportBatch:
    """Read the file (refusing what is unsafe or unreadable) and keep its cells for analysis."""
    table: Table = read_table(data, file_name, sheet=sheet, limits=limits or Limits())
    saved = mapping or mapping_for(table.headers)
    if saved is not None and len(saved.targets) == len(table.headers):
        targets, mapping_name = list(saved.targets), saved.name
    else:
        targets, mapping_name = propose(table.headers), ""
    batch = ImportBatch(
        file_name=clean(safe_file_name(file_name, "upload"))[:255] or "upload",
        checksum=checksum(data),
        kind=table.kind,
        sheet=table.sheet,
        encoding=table.encoding,
        status="analysing",
        headers=table.headers,
        targets=targets,
        mapping_name=mapping_name,
        row_count=len(table.rows),
        notices=[str(notice) for notice in table.notices],
        created_by_id=actor.id,
    )
    db.session.add(batch)
    db.session.flush()
    rows = [
        {"batch_id": batch.id, "position": position, "line": line, "cells": cells, "keys": []}
        for position, (line, cells) in enumerate(table.rows)
    ]
    for start in range(0, len(rows), INSERT_CHUNK):
        db.session.execute(insert(ImportRow), rows[start : start + INSERT_CHUNK])
    audit.record(
        "import.upload",
        actor=actor,
        target_type="import_batch",
        target_id=batch.id,
        details={
            "file_name": batch.file_name,
            "checksum": batch.checksum,
            "kind": batch.kind,
            "encoding": batch.encoding,
            "rows": batch.row_count,
        },
    )
    return batch


def _reset_analysis(batch: ImportBatch) -> None:
    db.session.execute(
        update(ImportRow)
        .where(ImportRow.batch_id == batch.id)
        .values(
            status=None,
            errors={},
            keys=[],
            match_id=None,
            match_version=None,
            match_reasons=[],
            other_matches=[],
            action=None,
        )
    )
    batch.analysed_count = 0
    batch.counts = {}
    batch.status = "analysing"


def set_mapping(batch: ImportBatch, targets: list[str], *, actor: User, save_as: str = "") -> None:
    """The officer's column mapping; the analysis starts again from the first row."""
    _editable(batch)
    targets = [target if target in TARGETS else "" for target in targets][: len(batch.headers)]
    targets += [""] * (len(batch.headers) - len(targets))
    errors: dict[str, list] = {}
    for target in set(targets) - {""} - REPEATABLE:
        if targets.count(target) > 1:
            errors.setdefault("mapping", []).append(
                _l("“%(field)s” is chosen for more than one column.", field=TARGETS[target])
            )
    for required in ("full_name", "country"):
        if required not in targets:
            errors.setdefault("mapping", []).append(
                _l("Choose the column that holds “%(field)s”.", field=TARGETS[required])
            )
    name = clean(save_as)[:120]
    if errors:
        raise ValidationFailed(errors)
    batch.targets = targets
    batch.mapped = True
    if name:
        saved = find_mapping(name) or ImportMapping(name=name, created_by_id=actor.id)
        saved.headers = list(batch.headers)
        saved.targets = list(targets)
        saved.signature = signature(batch.headers)
        db.session.add(saved)
        batch.mapping_name = name
    _reset_analysis(batch)
    db.session.flush()


def _editable(batch: ImportBatch) -> None:
    if batch.status not in ("analysing", "preview"):
        raise Conflict(_l("This import has already been committed, undone or cancelled."))


# --- the analysed rows ---


def count_rows(batch: ImportBatch) -> dict[str, int]:
    counts = {"new": 0, "match": 0, "error": 0}
    for status, number in db.session.execute(
        select(ImportRow.status, func.count())
        .where(ImportRow.batch_id == batch.id)
        .group_by(ImportRow.status)
    ):
        if status in counts:
            counts[status] = number
    return counts


def rows_page(batch: ImportBatch, *, status: str | None, page: int, per_page: int = 100):
    statement = select(ImportRow).where(ImportRow.batch_id == batch.id)
    if status in ("new", "match", "error"):
        statement = statement.where(ImportRow.status == status)
    return db.paginate(
        statement.order_by(ImportRow.position), page=page, per_page=per_page, error_out=False
    )


def rows_on_same_record(batch: ImportBatch, rows: list[ImportRow]) -> dict[int, list[int]]:
    """For each of ``rows`` that matches a record, the other lines of the file matching that
    same record ({row id: [lines]}): both would be applied to it, which the officer should
    see before choosing (two people with one name, or one person twice)."""
    matched = {row.match_id for row in rows if row.status == "match" and row.match_id}
    if not matched:
        return {}
    lines: dict[int, list[tuple[int, int]]] = {}
    for row_id, match_id, line in db.session.execute(
        select(ImportRow.id, ImportRow.match_id, ImportRow.line)
        .where(
            ImportRow.batch_id == batch.id,
            ImportRow.status == "match",
            ImportRow.match_id.in_(matched),
        )
        .order_by(ImportRow.position)
    ):
        lines.setdefault(match_id, []).append((row_id, line))
    return {
        row.id: [line for row_id, line in lines[row.match_id] if row_id != row.id]
        for row in rows
        if row.match_id in lines and len(lines[row.match_id]) > 1
    }


def error_rows(batch: ImportBatch, *, limit: int = 20) -> list[ImportRow]:
    return list(
        db.session.scalars(
            select(ImportRow)
            .where(ImportRow.batch_id == batch.id, ImportRow.status == "error")
            .order_by(ImportRow.position)
            .limit(limit)
        )
    )


def set_actions(batch: ImportBatch, default_action: str, choices: dict[int, str]) -> None:
    """What to do with rows that match an existing contact: a default and per-row choices."""
    _editable(batch)
    if default_action not in ACTIONS:
        raise ValidationFailed.single(
            "default_action", _l("Choose fill, overwrite, skip or create a new contact.")
        )
    batch.default_action = default_action
    rows = db.session.scalars(
        select(ImportRow).where(ImportRow.batch_id == batch.id, ImportRow.id.in_(list(choices)))
    )
    for row in rows:
        action = choices.get(row.id) or None
        row.action = action if action in ACTIONS and row.status == "match" else None
    db.session.flush()


def cancel_batch(batch: ImportBatch, *, actor: User) -> None:
    _editable(batch)
    batch.status = "cancelled"
    db.session.execute(
        update(ImportRow).where(ImportRow.batch_id == batch.id).values(cells=[], keys=[])
    )
    audit.record("import.cancel", actor=actor, target_type="import_batch", target_id=batch.id)


# --- failed rows ---


def failed_rows_csv(batch: ImportBatch, error_header: str):
    """The rows in error with one more column saying why, to fix and import again."""
    rows = db.session.scalars(
        select(ImportRow)
        .where(ImportRow.batch_id == batch.id, ImportRow.status == "error")
        .order_by(ImportRow.position)
    ).all()

    def lines():
        for row in rows:
            messages = []
            for key, texts in sorted(row.errors.items(), key=lambda item: (item[0] != "", item[0])):
                label = (
                    batch.headers[int(key)]
                    if key.isdecimal() and int(key) < len(batch.headers)
                    else ""
                )
                messages += [f"{label}: {text}" if label else text for text in texts]
            yield [*row.cells, " | ".join(messages)]

    return csv_rows(lines(), [*batch.headers, error_header])
