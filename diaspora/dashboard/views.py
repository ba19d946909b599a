"""The officers' home page (``/dashboard``); ``core.home`` sends officers and admins here."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import NotFound

from diaspora.auth.permissions import Permission, can, requires
from diaspora.clock import local_today
from diaspora.core.paging import page_number
from diaspora.countries import country_name
from diaspora.dashboard import services
from diaspora.dashboard.charts import bar_chart
from diaspora.i18n import current_language
from diaspora.privacy.request_list import DUE_SOON_DAYS, due_counts
from diaspora.reports.services import this_period

bp = Blueprint("dashboard", __name__)

QUALITY_TITLES = {
    "no_legal_basis": _l("No legal basis recorded"),
    "no_contact_details": _l("No email, phone or address"),
    "not_verified": _l("Not verified for two years"),
    "duplicates": _l("Possible duplicates"),
}


@bp.route("/dashboard")
@requires(Permission.VIEW_DASHBOARD)
def index():
    language = current_language()
    zone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    today = local_today()
    by_country, others = services.contacts_by_country()
    country_items = [(country_name(code, language), count) for code, count in by_country]
    if others:
        country_items.append((str(_l("Other countries")), others))
    field_items = [(group.name(language), count) for group, count in services.contacts_by_field()]
    period = this_period()
    return render_template(
        "dashboard/index.html",
        totals=services.totals(today, zone),
        country_chart=bar_chart(country_items),
        field_chart=bar_chart(field_items),
        next_steps=services.next_steps(today),
        quality=[(QUALITY_TITLES[item.key], item) for item in services.data_quality(today, zone)],
        period=period,
        days_left=(period.end - today).days,
        today=today,
        next_step_days=services.NEXT_STEP_DAYS,
        privacy_requests=(
            due_counts(today) if can(current_user, Permission.REVIEW_SUBMISSIONS) else None
        ),
        due_soon_days=DUE_SOON_DAYS,
    )


@bp.route("/dashboard/quality/<key>")
@requires(Permission.VIEW_DASHBOARD)
def quality(key: str):
    """A data-quality list in full, paged: the dashboard shows only its first records."""
    if key not in QUALITY_TITLES:
        raise NotFound()
    page = services.quality_page(
        key,
        local_today(),
        current_app.config["BABEL_DEFAULT_TIMEZONE"],
        page_number(),
    )
    return render_template("dashboard/quality.html", key=key, title=QUALITY_TITLES[key], page=page)
