"""The page number of a paged list, read from the query string."""

from __future__ import annotations

from flask import request

# No list has this many pages; beyond it a database OFFSET would overflow (an error page).
MAX_PAGE = 100_000


def page_number(name: str = "page") -> int:
    """``?page=`` as a number from 1 to MAX_PAGE: missing, malformed or out-of-range values
    give the nearest page rather than an error, as a hand-edited address should."""
    value = request.args.get(name, 1, type=int) or 1
    return min(max(value, 1), MAX_PAGE)
