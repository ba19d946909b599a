"""Telling other features that reference data changed (no imports of those features here)."""

from __future__ import annotations

from collections.abc import Callable

# Callables (kind, row_id) run after a field ("field") or category ("category") changed its code
# or names: the search index holds those names and re-indexes the contacts concerned.
REFERENCE_CHANGE_LISTENERS: list[Callable[[str, int], None]] = []


def notify_reference_change(kind: str, row_id: int) -> None:
    for listener in REFERENCE_CHANGE_LISTENERS:
        listener(kind, row_id)
