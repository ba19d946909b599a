"""Pages to export contact lists and to import spreadsheets. Thin: parse, call, commit, redirect."""

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
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from diaspora.auth.permissions import Permission, can, requires
from diaspora.core.paging import page_number
from diaspora.downloads import download
from diaspora.errors import DomainError
from diaspora.extensions import db
from diaspora.forms import apply_errors, choices
from diaspora.i18n import current_language
from diaspora.search.params import args_from_query, query_from_args
from diaspora.transfer import analysis, committing, exports, imports, writers
from diaspora.transfer.columns import COLUMNS, DEFAULT_COLUMNS, VIEWER_COLUMNS, record_fields
from diaspora.transfer.forms import (
    CommitForm,
    ExportForm,
    UploadForm,
    decisions_form_class,
    mapping_form_class,
)
from diaspora.transfer.headers import TARGETS
from diaspora.transfer.reading import Limits
from diaspora.transfer.records import load_records

if TYPE_CHECKING:
    from diaspora.models import DelegationVisit

bp = Blueprint("transfer", __name__)

ACTION_LABELS = {
    "fill": _l("Fill empty fields only"),
    "overwrite": _l("Overwrite with the file's values"),
    "skip": _l("Skip (change nothing)"),
    "create": _l("Create a new contact anyway"),
}


def _actor():
    return current_user._get_current_object()


# --- export ---


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
    query = query_from_args(request.args)
    form = ExportForm()
    _export_choices(form, personal)
    visits = _visit_choices(form)
    submitted = form.validate_on_submit()
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
                actor=_actor(),
                personal=personal,
                max_pdf_rows=current_app.config["EXPORT_PDF_MAX_ROWS"],
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            return _send(plan)
    counts = exports.preview_counts(query, actor=_actor())
    search_args = args_from_query(query)
    return render_template(
        "transfer/export.html",
        form=form,
        counts=counts,
        query=query,
        action=url_for(".export") + (f"?{urlencode(search_args)}" if search_args else ""),
        search_url=url_for("search.index") + (f"?{urlencode(search_args)}" if search_args else ""),
        personal=personal,
    )


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


# --- import ---


def _limits() -> Limits:
    config = current_app.config
    return Limits(
        max_bytes=config["IMPORT_MAX_BYTES"],
        max_rows=config["IMPORT_MAX_ROWS"],
        max_columns=config["IMPORT_MAX_COLUMNS"],
    )


@bp.route("/imports/")
@requires(Permission.IMPORT_CONTACTS)
def imports_index():
    return render_template("transfer/imports.html", batches=imports.list_batches())


@bp.route("/imports/new", methods=["GET", "POST"])
@requires(Permission.IMPORT_CONTACTS)
def upload():
    form = UploadForm()
    if form.validate_on_submit():
        storage = form.file.data
        if storage is None or not getattr(storage, "filename", ""):
            form.file.errors = [_("Choose a file to upload.")]
        else:
            data = storage.read(current_app.config["IMPORT_MAX_BYTES"] + 1)
            try:
                batch = imports.start_import(
                    data,
                    storage.filename,
                    actor=_actor(),
                    sheet=form.sheet.data or "",
                    limits=_limits(),
                )
            except DomainError as error:
                db.session.rollback()
                apply_errors(form, error)
            else:
                db.session.commit()
                return redirect(url_for(".mapping", batch_id=batch.id))
    max_mb = current_app.config["IMPORT_MAX_BYTES"] // (1024 * 1024)
    return render_template(
        "transfer/upload.html", form=form, max_mb=max_mb, mappings=imports.list_mappings()
    ), (422 if form.errors else 200)


@bp.route("/imports/<int:batch_id>/mapping", methods=["GET", "POST"])
@requires(Permission.IMPORT_CONTACTS)
def mapping(batch_id: int):
    batch = imports.get_batch(batch_id)
    form = mapping_form_class(len(batch.headers))()
    options = choices([("", _("— ignore this column —")), *TARGETS.items()])
    fields = []
    for index in range(len(batch.headers)):
        field = getattr(form, f"column_{index}")
        field.choices = options
        if not form.is_submitted():
            field.data = batch.targets[index] if index < len(batch.targets) else ""
        fields.append(field)
    if form.validate_on_submit():
        targets = [field.data or "" for field in fields]
        try:
            imports.set_mapping(
                batch, targets, actor=_actor(), save_as=form.mapping_name.data or ""
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            return redirect(url_for(".preview", batch_id=batch.id))
    samples = imports.rows_page(batch, status=None, page=1, per_page=3).items
    return render_template(
        "transfer/mapping.html",
        batch=batch,
        form=form,
        columns=list(zip(batch.headers, fields, strict=True)),
        samples=samples,
    ), (422 if form.errors else 200)


@bp.route("/imports/<int:batch_id>")
@requires(Permission.IMPORT_CONTACTS)
def preview(batch_id: int):
    batch = imports.get_batch(batch_id)
    if batch.status == "analysing" and not batch.mapped:
        return redirect(url_for(".mapping", batch_id=batch.id))
    if batch.status == "analysing":
        done = analysis.analyse(batch, seconds=current_app.config["IMPORT_SECONDS_PER_REQUEST"])
        db.session.commit()
        if not done:
            return render_template("transfer/analysing.html", batch=batch)
    status = request.args.get("status") or None
    page = imports.rows_page(batch, status=status, page=page_number())
    match_rows = [row.id for row in page.items if row.status == "match"]
    decisions = decisions_form_class(match_rows)()
    action_choices = choices(ACTION_LABELS.items())
    decisions.default_action.choices = action_choices
    decisions.default_action.data = batch.default_action
    for row in page.items:
        if row.status == "match":
            field = getattr(decisions, f"row_{row.id}")
            field.choices = choices([("", _("(as chosen above)")), *ACTION_LABELS.items()])
            field.data = row.action or ""
    return render_template(
        "transfer/preview.html",
        batch=batch,
        page=page,
        status=status,
        decisions=decisions,
        commit_form=CommitForm(),
        earlier=imports.previous_imports(batch),
        targets=TARGETS,
        too_large=(
            committing.rows_to_write(batch) > current_app.config["IMPORT_WEB_COMMIT_MAX_ROWS"]
        ),
    )


@bp.route("/imports/<int:batch_id>/decisions", methods=["POST"])
@requires(Permission.IMPORT_CONTACTS)
def decisions(batch_id: int):
    batch = imports.get_batch(batch_id)
    ids = [int(key[4:]) for key in request.form if key.startswith("row_") and key[4:].isdecimal()]
    form = decisions_form_class(ids)()
    if form.validate_on_submit():
        chosen = {row_id: getattr(form, f"row_{row_id}").data or "" for row_id in ids}
        try:
            imports.set_actions(batch, form.default_action.data or "", chosen)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Your choices are saved."), "success")
    return redirect(url_for(".preview", batch_id=batch.id, **request.args))


@bp.route("/imports/<int:batch_id>/commit", methods=["POST"])
@requires(Permission.IMPORT_CONTACTS)
def commit(batch_id: int):
    batch = imports.get_batch(batch_id)
    form = CommitForm()
    if form.validate_on_submit():
        try:
            result = committing.commit_batch(
                batch,
                actor=_actor(),
                skip_errors=form.skip_errors.data,
                confirm_again=form.confirm_again.data,
                max_rows=current_app.config["IMPORT_WEB_COMMIT_MAX_ROWS"],
            )
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(
                _(
                    "Import done: %(created)d created, %(updated)d updated, %(skipped)d skipped.",
                    created=result["created"],
                    updated=result["updated"],
                    skipped=result["skipped"],
                ),
                "success",
            )
    return redirect(url_for(".preview", batch_id=batch_id))


@bp.route("/imports/<int:batch_id>/undo", methods=["POST"])
@requires(Permission.IMPORT_CONTACTS)
def undo(batch_id: int):
    batch = imports.get_batch(batch_id)
    form = CommitForm()
    if form.validate_on_submit():
        try:
            result = committing.undo_batch(batch, actor=_actor())
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(
                _(
                    "Import undone: %(removed)d contacts removed, %(restored)d restored.",
                    removed=result["removed"],
                    restored=result["restored"],
                ),
                "success",
            )
    return redirect(url_for(".preview", batch_id=batch_id))


@bp.route("/imports/<int:batch_id>/cancel", methods=["POST"])
@requires(Permission.IMPORT_CONTACTS)
def cancel(batch_id: int):
    batch = imports.get_batch(batch_id)
    if CommitForm().validate_on_submit():
        try:
            imports.cancel_batch(batch, actor=_actor())
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("The import was cancelled; nothing was written."), "success")
    return redirect(url_for(".imports_index"))


@bp.route("/imports/<int:batch_id>/failed.csv")
@requires(Permission.IMPORT_CONTACTS)
def failed_rows(batch_id: int):
    batch = imports.get_batch(batch_id)
    body = imports.failed_rows_csv(batch, _("Errors"))
    stem = batch.file_name.rsplit(".", 1)[0][:80] or "import"
    return download(
        stream_with_context(body), f"{stem}-{_('errors')}.csv", "text/csv; charset=utf-8"
    )


BATCH_STATUSES = {
    "analysing": _l("Being analysed"),
    "preview": _l("Ready to import"),
    "committed": _l("Imported"),
    "undone": _l("Undone"),
    "cancelled": _l("Cancelled"),
}
ROW_STATUSES = {"new": _l("New"), "match": _l("Matches"), "error": _l("Error")}


@bp.app_template_global("batch_status")
def batch_status(code: str) -> str:
    return str(BATCH_STATUSES.get(code, code))


@bp.app_template_global("row_status")
def row_status(code: str | None) -> str:
    return str(ROW_STATUSES.get(code or "", code or ""))
