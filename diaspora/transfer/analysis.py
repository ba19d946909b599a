"""The analysis of an uploaded import: each stored row becomes new, a match for an existing
contact (with the reason), or in error (messages per cell), a slice at a time so that no request
runs for long. Nothing reaches the registry here."""

from __future__ import annotations

import time
from collections.abc import Callable

from flask_babel import gettext
from sqlalchemy import select

from diaspora.contacts import consent as consents
from diaspora.contacts import record_validation
from diaspora.contacts.duplicates import probe_from_values
from diaspora.errors import ValidationFailed
from diaspora.extensions import db
from diaspora.models import (
    Category,
    ExpertiseField,
    ImportBatch,
    ImportRow,
)
from diaspora.text import word_key
from diaspora.transfer.cells import Reference
from diaspora.transfer.imports import ANALYSIS_CHUNK, ROW_LEVEL, count_rows
from diaspora.transfer.mapping import columns_for, row_to_data
from diaspora.transfer.prefilter import DuplicateScreen
from diaspora.transfer.safety import looks_like_formula


def load_reference() -> Reference:
    return Reference.load(
        db.session.scalars(select(ExpertiseField)).all(),
        db.session.scalars(select(Category)).all(),
    )


def source_note(batch: ImportBatch) -> str:
    return f"Import #{batch.id}: {batch.file_name}"[:300]


def _message_columns(error: ValidationFailed, columns: dict[str, list[int]]) -> dict[str, list]:
    result: dict[str, list] = {}
    for field_name, messages in error.errors.items():
        keys = [str(index) for index in columns_for(field_name, columns)] or [ROW_LEVEL]
        for key in keys[:1]:
            result.setdefault(key, []).extend(str(message) for message in messages)
    return result


def _identity_keys(values) -> list[str]:
    s = values.scalars
    keys = [f"e:{email}" for email in values.emails] + [f"p:{phone}" for phone in values.phones]
    keys.append(
        f"n:{s['country']}:{word_key(s['full_name'])}:{word_key(s['city'])}:{s['birth_year'] or ''}"
    )
    return keys


def _analyse_row(
    row: ImportRow, batch: ImportBatch, reference: Reference, seen: dict, screen: DuplicateScreen
) -> None:
    result = row_to_data(row.cells, batch.targets, reference, source_note=source_note(batch))
    errors: dict[str, list] = {
        str(index): [str(message) for message in messages]
        for index, messages in result.errors.items()
    }
    for index, target in enumerate(batch.targets):
        if target and index < len(row.cells) and looks_like_formula(row.cells[index]):
            errors.setdefault(str(index), []).append(
                gettext("This cell holds a formula; type the value itself instead.")
            )
    values = None
    try:
        if result.consent is not None:
            consents.validate_consent(result.consent, prefix="consent_")
    except ValidationFailed as error:
        for key, messages in _message_columns(error, result.columns).items():
            errors.setdefault(key, []).extend(messages)
    try:
        store = bool(result.consent and "store_process" in result.consent.purposes)
        values = record_validation.validate_contact(result.data, store_consent=store)
    except ValidationFailed as error:
        for key, messages in _message_columns(error, result.columns).items():
            if key in errors and key != ROW_LEVEL:
                continue  # the cell already says why it could not be read
            errors.setdefault(key, []).extend(messages)
    row.match_id = None
    row.match_reasons = []
    row.other_matches = []
    if not errors and values is not None:
        keys = _identity_keys(values)
        twin = next((seen[key] for key in keys if key in seen), None)
        if twin is not None:
            errors[ROW_LEVEL] = [
                gettext(
                    "The same person as row %(line)d of this file (same email, phone or name); "
                    "keep one of the two rows.",
                    line=twin,
                )
            ]
        else:
            for key in keys:
                seen.setdefault(key, row.line)
            row.keys = keys
    if errors:
        row.status = "error"
        row.errors = errors
        return
    row.errors = {}
    matches = screen.matches(probe_from_values(values))
    if matches:
        row.status = "match"
        row.match_id = matches[0].contact_id
        row.match_version = matches[0].version
        row.match_reasons = list(matches[0].reasons)
        row.other_matches = [match.contact_id for match in matches[1:]]
    else:
        row.status = "new"


Progress = Callable[[int, int], None]  # (rows done, rows in the batch)


def analyse(
    batch: ImportBatch, *, seconds: float | None = None, progress: Progress | None = None
) -> bool:
    """Analyse rows not analysed yet, for at most ``seconds``; True once every row is done.

    ``progress`` is told after each slice how far the analysis got (the command line prints it).
    """
    if batch.status != "analysing":
        return True
    started = time.monotonic()
    reference = load_reference()
    screen = DuplicateScreen()
    seen: dict[str, int] = {}
    for line, keys in db.session.execute(
        select(ImportRow.line, ImportRow.keys).where(
            ImportRow.batch_id == batch.id, ImportRow.status.is_not(None)
        )
    ):
        for key in keys or []:
            seen.setdefault(key, line)
    while True:
        # Rows are analysed in order: the first ``analysed_count`` positions are done. Seeking
        # by position keeps each slice's query cheap however long the file.
        rows = db.session.scalars(
            select(ImportRow)
            .where(
                ImportRow.batch_id == batch.id,
                ImportRow.position >= (batch.analysed_count or 0),
                ImportRow.status.is_(None),
            )
            .order_by(ImportRow.position)
            .limit(ANALYSIS_CHUNK)
        ).all()
        if not rows:
            break
        for row in rows:
            _analyse_row(row, batch, reference, seen, screen)
        db.session.flush()
        for row in rows:
            db.session.expunge(row)
        batch.analysed_count = (batch.analysed_count or 0) + len(rows)
        if progress is not None:
            progress(batch.analysed_count, batch.row_count)
        more = len(rows) == ANALYSIS_CHUNK
        if more and seconds is not None and time.monotonic() - started > seconds:
            return False
    batch.counts = count_rows(batch)
    batch.analysed_count = batch.row_count
    batch.status = "preview"
    db.session.flush()
    return True
