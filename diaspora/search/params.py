"""The search page's query string as a ``SearchQuery``: one parser for the search page, the API
and the export page, so that a link from one to the other means the same search.

Names: ``q`` (free text), ``country``, ``field``, ``category``, ``language`` and ``willing``
(each may repeat), ``city``, ``status`` (may repeat), ``sort`` and ``page``. Unknown or malformed
values are dropped, never an error: a search link that has gone stale still opens.
"""

from __future__ import annotations

import re

from diaspora.search.query import MAX_TEXT, SORTS, WILLINGNESS, SearchQuery

MAX_VALUES = 50  # of each repeatable parameter
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,32}$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2}$")
STATUSES = ("active", "inactive", "deceased")


def _values(args, name: str, pattern=None, transform=str) -> tuple[str, ...]:
    seen: list[str] = []
    getlist = getattr(args, "getlist", None)
    raw = getlist(name) if getlist is not None else [args.get(name)] if args.get(name) else []
    for value in raw[: MAX_VALUES * 4]:
        for part in str(value or "").split(","):
            part = part.strip()
            if not part or (pattern is not None and not pattern.match(part)):
                continue
            part = transform(part)
            if part not in seen:
                seen.append(part)
    return tuple(seen[:MAX_VALUES])


def query_from_args(args) -> SearchQuery:
    """A ``SearchQuery`` from request arguments (a MultiDict) or any mapping with ``get``."""
    sort = (args.get("sort") or "relevance").strip()
    page_raw = (args.get("page") or "1").strip()
    return SearchQuery(
        text=(args.get("q") or "")[: MAX_TEXT * 2],
        countries=_values(args, "country", _COUNTRY, str.upper),
        fields=_values(args, "field", _CODE),
        categories=_values(args, "category", _CODE),
        languages=_values(args, "language", _LANGUAGE, str.lower),
        willing=tuple(v for v in _values(args, "willing") if v in WILLINGNESS),
        city=(args.get("city") or "")[:120],
        statuses=tuple(v for v in _values(args, "status") if v in STATUSES),
        sort=sort if sort in SORTS else "relevance",
        page=int(page_raw) if page_raw.isdigit() and len(page_raw) < 7 and int(page_raw) else 1,
    )


def args_from_query(query: SearchQuery) -> dict[str, list[str] | str]:
    """The query string of a search, for links (``url_for(..., **args_from_query(q))``)."""
    args: dict[str, list[str] | str] = {}
    if query.text:
        args["q"] = query.text
    for name, values in (
        ("country", query.countries),
        ("field", query.fields),
        ("category", query.categories),
        ("language", query.languages),
        ("willing", query.willing),
        ("status", query.statuses),
    ):
        if values:
            args[name] = list(values)
    if query.city:
        args["city"] = query.city
    if query.sort != "relevance":
        args["sort"] = query.sort
    return args
