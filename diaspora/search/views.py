"""The search page: the home page of officials looking for experts."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from diaspora.auth.permissions import Permission, requires
from diaspora.contacts.labels import FIELD_LABELS, STATUSES
from diaspora.contacts.languages import language_choices
from diaspora.countries import country_choices
from diaspora.extensions import db
from diaspora.i18n import current_language
from diaspora.models import Category, Organization
from diaspora.reference.services import taxonomy
from diaspora.search import filters, services
from diaspora.search.params import PARAMETER_LABELS, args_from_query, described, read_query
from diaspora.search.query import WILLINGNESS, SearchQuery

bp = Blueprint("search", __name__, url_prefix="/search")

FACET_LIMIT = 12  # values shown per facet; the selected ones always are


@dataclass
class Option:
    value: str
    label: str


def link(query: SearchQuery, **changes) -> str:
    return url_for("search.index") + "?" + urlencode(args_from_query(query, **changes))


def _choices(language: str) -> dict:
    groups = taxonomy()
    return {
        "countries": [Option(code, name) for code, name in country_choices(language)],
        "field_groups": [
            (
                Option(group.code, group.name(language)),
                [
                    Option(child.code, child.name(language))
                    for child in group.children
                    if child.active
                ],
            )
            for group in groups
        ],
        "languages": [Option(code, name) for code, name in language_choices(language)],
        "willing": [Option(flag, str(FIELD_LABELS[f"willing_{flag}"])) for flag in WILLINGNESS],
        "statuses": [Option(code, str(label)) for code, label in STATUSES.items()],
    }


def _chosen_organizations(query: SearchQuery) -> list[Option]:
    """The organizations a search is limited to, by name, so the user sees and can drop them."""
    if not query.organizations:
        return []
    rows = db.session.scalars(
        select(Organization).where(Organization.id.in_(query.organizations))
    ).all()
    return sorted((Option(str(row.id), row.name) for row in rows), key=lambda o: o.label)


def _kept_filters(query: SearchQuery, choices: dict, language: str) -> list[tuple]:
    """The filters that could be read, when a bad one stopped the search: shown ticked, so that
    fixing or dropping the bad one keeps them. Without a result there are no facets to tick."""
    fields = {
        option.value: option.label
        for group, children in choices["field_groups"]
        for option in (group, *children)
    }
    categories = {}
    if query.categories:
        rows = db.session.scalars(select(Category).where(Category.code.in_(query.categories)))
        categories = {row.code: row.name(language) for row in rows}
    labels = {
        "country": {option.value: option.label for option in choices["countries"]},
        "field": fields,
        "category": categories,
        "language": {option.value: option.label for option in choices["languages"]},
        "willing": {option.value: option.label for option in choices["willing"]},
        "status": {option.value: option.label for option in choices["statuses"]},
    }
    chosen = {
        "country": query.countries,
        "field": query.fields,
        "category": query.categories,
        "language": query.languages,
        "willing": query.willing,
        "status": query.statuses,
    }
    return [
        (
            param,
            PARAMETER_LABELS[param],
            [Option(code, labels[param].get(code, code)) for code in chosen[param]],
        )
        for param in labels
        if chosen[param]
    ]


@bp.get("/")
@requires(Permission.VIEW_CONTACTS)
def index():
    language = current_language()
    # A bad filter stops the search (its results would not be what was asked for); the filters
    # that could be read stay in the form, and a link offers the search without the bad ones.
    query, errors = read_query(request.args)
    result = None
    if not errors:
        result = services.search(query, actor=current_user._get_current_object(), language=language)
    pages = {}
    if result is not None:
        pages = {
            "prev": link(query, page=str(query.page - 1)) if query.page > 1 else None,
            "next": link(query, page=str(query.page + 1)) if query.page < result.pages else None,
        }
    choices = _choices(language)
    return render_template(
        "search/index.html",
        query=query,
        result=result,
        errors=errors,
        problems=described(errors),
        kept_filters=_kept_filters(query, choices, language) if errors else [],
        without_problems=link(query, page="") if errors and query.has_criteria else None,
        pages=pages,
        sort_links={
            sort: link(query, sort=sort, page="") for sort in ("relevance", "name", "updated")
        },
        export_link=url_for("transfer.export") + "?" + urlencode(args_from_query(query, page="")),
        choices=choices,
        chosen_organizations=_chosen_organizations(query),
        facet_limit=FACET_LIMIT,
        engagement_filters=bool(filters.EXTRA_FILTERS),
        show_personal=False,  # results never show personal contact details; profiles do
    )
