"""Spreadsheet cells that could run as formulas, in both directions.

Export: a CSV cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return (also after leading spaces) gets a leading apostrophe, so that a spreadsheet shows it
as text instead of evaluating it. ``+84 …`` then reads ``'+84 …``: the number is intact, and
the import reader takes the apostrophe off again.
Import: a cell that looks like a formula is refused, never stored.
"""

from __future__ import annotations

import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"
# Characters that make a value starting with + - or @ a formula rather than a signed number,
# a phone number or a handle.
_FORMULA_BODY = re.compile(r"[=!|&<>\"\\]|[A-Za-z_][A-Za-z0-9_.]*\s*\(")


def _needs_prefix(text: str) -> bool:
    """Starts a formula (also after spaces), or is such a text behind apostrophes already:
    those get one more, so that ``restore`` never takes one the author typed."""
    body = text.lstrip(PREFIX)
    if not body:
        return False
    return body[0] in TRIGGERS or (body[0] in " \n" and body.lstrip(" \n")[:1] in TRIGGERS)


def neutralise(text: str) -> str:
    """The cell's text, made inert for CSV readers (Excel, LibreOffice, Google Sheets)."""
    return PREFIX + text if text and _needs_prefix(text) else text


def restore(text: str) -> str:
    """The original text of a neutralised cell (reading the app's own CSV files back)."""
    if text.startswith(PREFIX) and _needs_prefix(text[1:]):
        return text[1:]
    return text


def looks_like_formula(text: str) -> bool:
    """An imported cell that a spreadsheet would evaluate: ``=…`` always; ``+``, ``-`` and
    ``@`` when formula syntax follows (``@SUM(``, ``-2+3+cmd|…``, ``+HYPERLINK(``)."""
    stripped = text.lstrip()
    if not stripped:
        return False
    first = stripped[0]
    if first == "=":
        return True
    if first in "+-@":
        return bool(_FORMULA_BODY.search(stripped[1:]))
    return False
