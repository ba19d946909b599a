"""Reading a search from a query string: the search page, the API and exports share it.

Unknown codes and out-of-range numbers are refused with a message per parameter, never
silently dropped: a bookmarked search that no longer means what it meant should say so.
"""

from __future__ import annotations

from collections.abc import Mapping

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


def query_from_args(args: Mapping, *, per_page_default: int = 50) -> SearchQuery:
    """Build a SearchQuery from request arguments, or raise ValidationFailed per parameter."""
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
    countries = [code.upper() for code in lists["country"]]
    if unknown := [code for code in countries if not is_country(code)]:
        errors["country"] = [_l("Unknown country code: %(codes)s.", codes=", ".join(unknown))]
    known_fields = set(db.session.scalars(select(ExpertiseField.code)))
    if unknown := [code for code in lists["field"] if code not in known_fields]:
        errors["field"] = [_l("Unknown expertise field: %(codes)s.", codes=", ".join(unknown))]
    known_categories = set(db.session.scalars(select(Category.code)))
    if unknown := [code for code in lists["category"] if code not in known_categories]:
        errors["category"] = [_l("Unknown category: %(codes)s.", codes=", ".join(unknown))]
    languages = [code.lower() for code in lists["language"]]
    if unknown := [code for code in languages if not is_language(code)]:
        errors["language"] = [_l("Unknown language code: %(codes)s.", codes=", ".join(unknown))]
    if unknown := [flag for flag in lists["willing"] if flag not in WILLINGNESS]:
        errors["willing"] = [_l("Unknown willingness: %(codes)s.", codes=", ".join(unknown))]
    statuses = {status.value for status in ContactStatus}
    if unknown := [status for status in lists["status"] if status not in statuses]:
        errors["status"] = [_l("Unknown status: %(codes)s.", codes=", ".join(unknown))]
    organizations = []
    for value in lists["org"]:
        if value.isdecimal() and len(value) < 10:
            organizations.append(int(value))
        else:
            errors["org"] = [_l("Organizations are given by their number.")]
    legal = (args.get("legal_basis") or "").strip()
    if legal not in ("", "yes", "no"):
        errors["legal_basis"] = [_l("Use yes or no.")]
    sort = (args.get("sort") or "relevance").strip()
    if sort not in SORTS:
        errors["sort"] = [_l("Sort by relevance, name or updated.")]
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
    if errors:
        raise ValidationFailed(errors)
    return SearchQuery(
        text=text,
        countries=tuple(countries),
        fields=tuple(lists["field"]),
        categories=tuple(lists["category"]),
        languages=tuple(languages),
        willing=tuple(lists["willing"]),
        organizations=tuple(organizations),
        city=(args.get("city") or "").strip()[:120],
        origin=(args.get("origin") or "").strip()[:120],
        statuses=tuple(lists["status"]),
        legal_basis_present={"yes": True, "no": False}.get(legal),
        not_engaged_years=not_engaged,
        engaged_year=engaged_year,
        sort=sort,
        page=page or 1,
        per_page=per_page or per_page_default,
    )


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
