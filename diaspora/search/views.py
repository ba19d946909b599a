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
from diaspora.errors import ValidationFailed
from diaspora.extensions import db
from diaspora.i18n import current_language
from diaspora.models import Organization
from diaspora.reference.services import taxonomy
from diaspora.search import filters, services
from diaspora.search.params import args_from_query, query_from_args
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


@bp.get("/")
@requires(Permission.VIEW_CONTACTS)
def index():
    language = current_language()
    errors: dict = {}
    try:
        query = query_from_args(request.args)
    except ValidationFailed as error:
        errors = {
            key: [str(message) for message in messages] for key, messages in error.errors.items()
        }
        query = SearchQuery()
    result = None
    if not errors:
        result = services.search(query, actor=current_user._get_current_object(), language=language)
    pages = {}
    if result is not None:
        pages = {
            "prev": link(query, page=str(query.page - 1)) if query.page > 1 else None,
            "next": link(query, page=str(query.page + 1)) if query.page < result.pages else None,
        }
    return render_template(
        "search/index.html",
        query=query,
        result=result,
        errors=errors,
        pages=pages,
        sort_links={
            sort: link(query, sort=sort, page="") for sort in ("relevance", "name", "updated")
        },
        export_link=url_for("transfer.export") + "?" + urlencode(args_from_query(query, page="")),
        choices=_choices(language),
        chosen_organizations=_chosen_organizations(query),
        facet_limit=FACET_LIMIT,
        engagement_filters=bool(filters.EXTRA_FILTERS),
        show_personal=False,  # results never show personal contact details; profiles do
    )
