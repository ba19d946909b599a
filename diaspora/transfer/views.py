"""Pages to export contact lists. Thin: parse, call, commit, send the file.

The transfer blueprint is defined here; the import pages (``import_views``) add their routes to it.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    current_app,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from diaspora.auth.permissions import Permission, can, requires
from diaspora.downloads import download
from diaspora.errors import DomainError
from diaspora.extensions import db
from diaspora.forms import apply_errors, choices
from diaspora.i18n import current_language
from diaspora.search.params import args_from_query, described, read_query
from diaspora.transfer import exports, writers
from diaspora.transfer.columns import COLUMNS, DEFAULT_COLUMNS, VIEWER_COLUMNS, record_fields
from diaspora.transfer.forms import ExportForm
from diaspora.transfer.records import load_records

if TYPE_CHECKING:
    from diaspora.models import DelegationVisit, User

bp = Blueprint("transfer", __name__)


def current_actor() -> User:
    """The signed-in user, as the services want it (not the proxy)."""
    return current_user._get_current_object()


def _export_choices(form: ExportForm, personal: bool) -> None:
    allowed = exports.allowed_columns(personal)
    form.columns.choices = choices((key, COLUMNS[key].label) for key in allowed)
    if not form.is_submitted():
        form.columns.data = [
            key for key in (DEFAULT_COLUMNS if personal else VIEWER_COLUMNS) if key in allowed
        ]
        form.language.data = current_language()


RECENT_VISITS = 50  # visits offered as the purpose of an export, the latest first


def _visit_choices(form: ExportForm) -> dict[str, DelegationVisit]:
    """Delegation visits an export can be for, for those who may see visits."""
    visits: dict[str, DelegationVisit] = {}
    if can(current_user, Permission.VIEW_DELEGATIONS):
        visits = {str(row.id): row for row in exports.recent_visits(RECENT_VISITS)}
    form.visit.choices = [("", "—")] + [
        (key, f"{row.title} ({row.start_date.isoformat()})") for key, row in visits.items()
    ]
    return visits


def _visit_purpose(form: ExportForm, visits: dict[str, DelegationVisit]) -> int | None:
    """The chosen visit's id; its title becomes the purpose when none is written."""
    chosen = (form.visit.data or "").strip()
    if not chosen:
        return None
    if chosen not in visits:
        form.visit.errors = [_("Choose a visit from the list.")]
        return None
    visit = visits[chosen]
    if not (form.purpose.data or "").strip():
        form.purpose.data = _("Delegation visit: %(title)s", title=visit.title)
    return visit.id


def _file_stem(language: str) -> str:
    return (
        "danh-sach-kieu-bao" if language == "vi" else "contacts"
    ) + f"-{date.today().isoformat()}"


@bp.route("/contacts/export", methods=["GET", "POST"])
@requires(Permission.EXPORT_CONTACTS)
def export():
    personal = can(current_user, Permission.EXPORT_PERSONAL)
    # Filters that cannot be read are named on the page and left out of the form's address: the
    # list counted and offered is the one the other filters give. A form posted to an address
    # that still holds them exports nothing.
    query, problems = read_query(request.args)
    form = ExportForm()
    _export_choices(form, personal)
    visits = _visit_choices(form)
    submitted = not problems and form.validate_on_submit()
    visit_id = _visit_purpose(form, visits) if submitted else None
    if submitted and not form.visit.errors:
        export_request = exports.ExportRequest(
            format=form.format.data or "",
            columns=list(form.columns.data or []),
            language=form.language.data or "vi",
            purpose=form.purpose.data or "",
            query=query,
            visit_id=visit_id,
        )
        try:
            plan = exports.plan_export(
                export_request,
                actor=current_actor(),
                personal=personal,
                max_pdf_rows=current_app.config["EXPORT_PDF_MAX_ROWS"],
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            return _send(plan)
    counts = exports.preview_counts(query, actor=current_actor())
    search_args = args_from_query(query)
    return render_template(
        "transfer/export.html",
        form=form,
        counts=counts,
        query=query,
        action=url_for(".export") + (f"?{urlencode(search_args)}" if search_args else ""),
        search_url=url_for("search.index") + (f"?{urlencode(search_args)}" if search_args else ""),
        personal=personal,
        problems=described(problems),
    ), (422 if problems and form.is_submitted() else 200)


def _send(plan: exports.ExportPlan) -> Response:
    request_ = plan.request
    mimetype, extension = exports.FORMATS[request_.format]
    name = f"{_file_stem(request_.language)}.{extension}"
    if request_.format == "csv":
        body = writers.write_csv(_records(plan), request_.columns, request_.language)
        return download(stream_with_context(body), name, mimetype)
    if request_.format == "vcf":
        body = writers.write_vcard(_records(plan), request_.columns, request_.language)
        return download(stream_with_context(body), name, mimetype)
    if request_.format == "pdf":
        pdf = writers.write_pdf(
            load_records(plan.ids, fields=record_fields(request_.columns)),
            request_.columns,
            request_.language,
            title=_("Contact list"),
            subtitle=request_.purpose,
        )
        return download(pdf, name, mimetype)
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    writers.write_xlsx(
        _records(plan), request_.columns, request_.language, path, row_count=len(plan.ids)
    )
    return download(_stream_file(path), name, mimetype)


def _records(plan: exports.ExportPlan):
    # Each batch reads in its own short transaction: a long download never holds a lock.
    # Only the chosen columns' fields are read.
    return load_records(
        plan.ids,
        between_batches=db.session.rollback,
        fields=record_fields(plan.request.columns),
    )


def _stream_file(path: str, chunk: int = 256 * 1024):
    try:
        with open(path, "rb") as handle:
            while block := handle.read(chunk):
                yield block
    finally:
        os.unlink(path)
