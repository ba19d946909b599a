"""Administrators browse the audit trail with filters and export it as CSV."""

from __future__ import annotations

import json

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from diaspora.audit import services
from diaspora.audit.forms import AuditExportForm, AuditFilterFields, AuditFilterForm
from diaspora.auth import services as auth_services
from diaspora.auth.permissions import Permission, requires
from diaspora.downloads import download
from diaspora.errors import DomainError
from diaspora.extensions import db
from diaspora.forms import apply_errors, choices
from diaspora.models import utcnow

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


def _fill_choices(form: AuditFilterFields) -> None:
    everyone = [(0, _("— anyone —"))]
    form.actor.choices = choices(
        everyone + [(u.id, f"{u.name} <{u.email}>") for u in auth_services.list_users()]
    )
    form.action.choices = choices([("", _("— any —"))] + [(a, a) for a in services.list_actions()])
    form.target_type.choices = choices(
        [("", _("— any —"))] + [(t, t) for t in services.list_target_types()]
    )


def _criteria(form: AuditFilterFields) -> services.AuditFilter:
    return services.AuditFilter(
        actor_id=form.actor.data or None,
        action=form.action.data or None,
        target_type=form.target_type.data or None,
        target_id=form.target_id.data,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
    )


def _query_args(form: AuditFilterForm) -> dict[str, str]:
    """The filters as query-string arguments, for page links and the export form."""
    values = {
        "actor": form.actor.data or "",
        "action": form.action.data or "",
        "target_type": form.target_type.data or "",
        "target_id": form.target_id.data or "",
        "date_from": form.date_from.data.isoformat() if form.date_from.data else "",
        "date_to": form.date_to.data.isoformat() if form.date_to.data else "",
    }
    return {key: str(value) for key, value in values.items() if value}


def _page(form: AuditFilterForm) -> int:
    raw = form.page.data or ""
    return int(raw) if raw.isdecimal() and 0 < int(raw) < 1_000_000 else 1


def _render_index(filter_form: AuditFilterForm, export_form: AuditExportForm, status: int = 200):
    events = None
    criteria = _criteria(filter_form)
    if not filter_form.errors:
        try:
            events = services.search(
                criteria, page=_page(filter_form), per_page=current_app.config["PER_PAGE"]
            )
        except DomainError as error:
            apply_errors(filter_form, error)
    args = _query_args(filter_form)
    pages = None
    if events is not None:
        pages = {
            "previous": url_for("audit.index", **args, page=events.prev_num)
            if events.has_prev
            else None,
            "next": url_for("audit.index", **args, page=events.next_num)
            if events.has_next
            else None,
        }
    return (
        render_template(
            "audit/index.html",
            form=filter_form,
            export_form=export_form,
            events=events,
            pages=pages,
            filter_args=args,
        ),
        status,
    )


@bp.route("/")
@requires(Permission.VIEW_AUDIT)
def index():
    form = AuditFilterForm(formdata=request.args)
    _fill_choices(form)
    form.validate()
    return _render_index(form, AuditExportForm(formdata=None))


@bp.route("/export", methods=["POST"])
@requires(Permission.VIEW_AUDIT)
def export():
    form = AuditExportForm()
    _fill_choices(form)
    if form.validate_on_submit():
        try:
            text = services.export_csv(
                _criteria(form), purpose=form.purpose.data, actor=current_user._get_current_object()
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            stamp = utcnow().strftime("%Y%m%d-%H%M%S")
            # BOM: spreadsheet programs then read the UTF-8 correctly
            return download("\ufeff" + text, f"audit-{stamp}.csv", "text/csv")
    filter_form = AuditFilterForm(formdata=request.form)
    _fill_choices(filter_form)
    filter_form.validate()
    return _render_index(filter_form, form, status=422)


@bp.app_template_filter("json_text")
def json_text(value) -> str:
    """Audit details as readable JSON (Vietnamese left as is; Jinja escapes it for HTML)."""
    return json.dumps(value or {}, ensure_ascii=False, sort_keys=True)
