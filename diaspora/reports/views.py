"""The yearly implementation report: the page, and its PDF and XLSX downloads."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from diaspora.auth.permissions import Permission, requires
from diaspora.downloads import download as send_download
from diaspora.extensions import db
from diaspora.reports import services
from diaspora.reports.period import MAX_YEAR, MIN_YEAR

bp = Blueprint("reports", __name__, url_prefix="/reports")

FIRST_LISTED_YEAR = 2022  # the plan dates from 2022


def _year(value: int | None) -> int:
    current = services.this_period().year
    if value is None or not MIN_YEAR <= value <= MAX_YEAR:
        return current
    return value


@bp.route("/annual")
@requires(Permission.VIEW_REPORTS)
def annual():
    year = _year(request.args.get("year", type=int))
    current = services.this_period().year
    years = list(range(max(current, year), min(FIRST_LISTED_YEAR, year) - 1, -1))
    return render_template("reports/annual.html", report=services.annual_report(year), years=years)


@bp.route("/annual/<int:year>.<fmt>")
@requires(Permission.VIEW_REPORTS)
def download(year: int, fmt: str):
    if fmt not in ("pdf", "xlsx") or not MIN_YEAR <= year <= MAX_YEAR:
        abort(404)
    language = request.args.get("lang", "vi")
    language = language if language in ("vi", "en") else "vi"
    export = services.export_annual_report(
        year, fmt, language, actor=current_user._get_current_object()
    )
    db.session.commit()
    return send_download(export.content, export.filename, export.mimetype)
