"""Reading a search from a query string: the search page, the API and exports share it.

Unknown codes and out-of-range numbers are refused with a message per parameter, never
silently dropped: a bookmarked search that no longer means what it meant should say so. The API
answers such a search with 422 and the messages keyed by parameter; the pages show what could be
read, with the messages, so that fixing one filter does not mean typing the others again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from diaspora.contacts.languages import is_language
from diaspora.countries import is_country
from diaspora.errors import ValidationFailed
from diaspora.extensions import db
from diaspora.models import Category, ExpertiseField
from diaspora.models.choices import ContactStatus
from diaspora.search.query import MAX_PER_PAGE, SORTS, WILLINGNESS, SearchQuery

MAX_QUERY_LENGTH = 500
MAX_VALUES = 50  # values of one repeatable parameter


def _list(args, name: str) -> list[str]:
    getter = getattr(args, "getlist", None)
    values = getter(name) if getter else ([args[name]] if name in args else [])
    result: list[str] = []
    for value in values:
        result += [part.strip() for part in str(value).split(",") if part.strip()]
    return result


def _int(args, name: str, errors: dict, *, default: int | None, low: int, high: int, message):
    raw = (args.get(name) or "").strip() if hasattr(args, "get") else ""
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        errors[name] = [message]
        return default
    if not low <= value <= high:
        errors[name] = [message]
        return default
    return value


# The parameters by the names the pages show them under, for messages that say which one is wrong.
PARAMETER_LABELS = {
    "q": _l("Search text"),
    "country": _l("Country"),
    "field": _l("Expertise field"),
    "category": _l("Category"),
    "language": _l("Language"),
    "willing": _l("Willing to"),
    "status": _l("Status"),
    "org": _l("Organization"),
    "city": _l("City"),
    "origin": _l("Origin in Hải Phòng"),
    "legal_basis": _l("Legal basis"),
    "not_engaged": _l("Not engaged for more than (years)"),
    "engaged_year": _l("Engaged in year"),
    "sort": _l("Sort order"),
    "page": _l("Page"),
    "per_page": _l("Results per page"),
}
# Every parameter ``read_query`` reads: the API refuses any other one.
QUERY_PARAMETERS = frozenset(PARAMETER_LABELS)
MAX_PLACE_LENGTH = 120  # city, origin


# What is said about the codes of a list parameter that nobody knows.
UNKNOWN = {
    "country": lambda codes: _l("Unknown country code: %(codes)s.", codes=codes),
    "field": lambda codes: _l("Unknown expertise field: %(codes)s.", codes=codes),
    "category": lambda codes: _l("Unknown category: %(codes)s.", codes=codes),
    "language": lambda codes: _l("Unknown language code: %(codes)s.", codes=codes),
    "willing": lambda codes: _l("Unknown willingness: %(codes)s.", codes=codes),
    "status": lambda codes: _l("Unknown status: %(codes)s.", codes=codes),
}


def _known_codes(lists: dict[str, list[str]], errors: dict) -> dict[str, list[str]]:
    """The known codes of each list parameter; the others are named under the parameter."""
    known: dict[str, Callable[[str], bool]] = {
        "country": is_country,
        "field": set(db.session.scalars(select(ExpertiseField.code))).__contains__,
        "category": set(db.session.scalars(select(Category.code))).__contains__,
        "language": is_language,
        "willing": WILLINGNESS.__contains__,
        "status": {status.value for status in ContactStatus}.__contains__,
    }
    result: dict[str, list[str]] = {}
    for name, is_known in known.items():
        if unknown := [value for value in lists[name] if not is_known(value)]:
            errors[name] = [UNKNOWN[name](", ".join(unknown))]
        result[name] = [value for value in lists[name] if is_known(value)]
    return result


def _place(args, name: str, errors: dict) -> str:
    value = (args.get(name) or "").strip()
    if len(value) > MAX_PLACE_LENGTH:
        errors[name] = [_l("At most %(n)d characters.", n=MAX_PLACE_LENGTH)]
        return ""
    return value


def read_query(args: Mapping, *, per_page_default: int = 50) -> tuple[SearchQuery, dict]:
    """The search the arguments ask for, and a message per parameter that could not be read.

    The query holds only what could be read: a bad value is left out of it (a bad page or sort
    falls back to the default), so a page can show it and say what was left out. Callers that
    must not run a different search than the one asked for raise on any message, as
    ``query_from_args`` does.
    """
    errors: dict[str, list] = {}
    text = (args.get("q") or "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        errors["q"] = [_l("The search text is too long (at most %(n)d characters).", n=500)]
        text = ""
    lists = {
        name: _list(args, name)
        for name in ("country", "field", "category", "language", "willing", "status", "org")
    }
    for name, values in lists.items():
        if len(values) > MAX_VALUES:
            errors[name] = [_l("Too many values (at most %(n)d).", n=MAX_VALUES)]
            lists[name] = []
    lists["country"] = [code.upper() for code in lists["country"]]
    lists["language"] = [code.lower() for code in lists["language"]]
    codes = _known_codes(lists, errors)
    organizations = []
    for value in lists["org"]:
        if value.isdecimal() and len(value) < 10:
            organizations.append(int(value))
        else:
            errors["org"] = [_l("Organizations are given by their number.")]
    city = _place(args, "city", errors)
    origin = _place(args, "origin", errors)
    legal = (args.get("legal_basis") or "").strip()
    if legal not in ("", "yes", "no"):
        errors["legal_basis"] = [_l("Use yes or no.")]
    sort = (args.get("sort") or "relevance").strip()
    if sort not in SORTS:
        errors["sort"] = [_l("Sort by relevance, name or updated.")]
        sort = "relevance"
    page = _int(
        args, "page", errors, default=1, low=1, high=100_000,
        message=_l("The page must be a whole number from 1."),
    )  # fmt: skip
    per_page = _int(
        args, "per_page", errors, default=per_page_default, low=1, high=MAX_PER_PAGE,
        message=_l("Results per page must be from 1 to %(n)d.", n=MAX_PER_PAGE),
    )  # fmt: skip
    not_engaged = _int(
        args, "not_engaged", errors, default=None, low=1, high=100,
        message=_l("Give a number of years from 1 to 100."),
    )  # fmt: skip
    engaged_year = _int(
        args, "engaged_year", errors, default=None, low=1990, high=2100,
        message=_l("Give a year such as 2025."),
    )  # fmt: skip
    query = SearchQuery(
        text=text,
        countries=tuple(codes["country"]),
        fields=tuple(codes["field"]),
        categories=tuple(codes["category"]),
        languages=tuple(codes["language"]),
        willing=tuple(codes["willing"]),
        organizations=tuple(organizations),
        city=city,
        origin=origin,
        statuses=tuple(codes["status"]),
        legal_basis_present={"yes": True, "no": False}.get(legal),
        not_engaged_years=not_engaged,
        engaged_year=engaged_year,
        sort=sort,
        page=page or 1,
        per_page=per_page or per_page_default,
    )
    return query, errors


def query_from_args(args: Mapping, *, per_page_default: int = 50) -> SearchQuery:
    """Build a SearchQuery from request arguments, or raise ValidationFailed per parameter."""
    query, errors = read_query(args, per_page_default=per_page_default)
    if errors:
        raise ValidationFailed(errors)
    return query


def described(errors: dict) -> list[tuple[str, str]]:
    """Messages about parameters as (the parameter's label, what is wrong), in the reader's
    language, in the order the search form shows the parameters."""
    order = list(PARAMETER_LABELS)
    return [
        (str(PARAMETER_LABELS.get(name, name)), " ".join(str(message) for message in messages))
        for name, messages in sorted(
            errors.items(), key=lambda item: order.index(item[0]) if item[0] in order else 99
        )
    ]


def args_from_query(query: SearchQuery, **changes) -> list[tuple[str, str]]:
    """The query string of a search (for links: next page, a facet toggled, export)."""
    values = {
        "q": [query.text],
        "country": list(query.countries),
        "field": list(query.fields),
        "category": list(query.categories),
        "language": list(query.languages),
        "willing": list(query.willing),
        "org": [str(org) for org in query.organizations],
        "city": [query.city],
        "origin": [query.origin],
        "status": list(query.statuses),
        "legal_basis": [{True: "yes", False: "no"}.get(query.legal_basis_present, "")],
        "not_engaged": [str(query.not_engaged_years or "")],
        "engaged_year": [str(query.engaged_year or "")],
        "sort": [query.sort if query.sort != "relevance" else ""],
        "page": [str(query.page) if query.page > 1 else ""],
    }
    for key, value in changes.items():
        values[key] = value if isinstance(value, list) else [value]
    return [(key, value) for key, items in values.items() for value in items if value]
