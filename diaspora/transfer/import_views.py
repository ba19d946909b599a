"""Pages to import spreadsheets: upload, column mapping, preview with decisions, commit, undo.
Thin: parse, call, commit, redirect. Routes on the transfer blueprint
(``diaspora.transfer.views.bp``), registered when the app imports this module.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import (
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

from diaspora.auth.permissions import Permission, requires
from diaspora.core.paging import page_number
from diaspora.downloads import download
from diaspora.errors import DomainError
from diaspora.extensions import db
from diaspora.forms import apply_errors, choices
from diaspora.transfer import analysis, committing, imports
from diaspora.transfer.forms import (
    CommitForm,
    UploadForm,
    decisions_form_class,
    mapping_form_class,
)
from diaspora.transfer.headers import TARGETS
from diaspora.transfer.reading import Limits
from diaspora.transfer.views import bp, current_actor

ACTION_LABELS = {
    "fill": _l("Fill empty fields only"),
    "overwrite": _l("Overwrite with the file's values"),
    "skip": _l("Skip (change nothing)"),
    "create": _l("Create a new contact anyway"),
}


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
                    actor=current_actor(),
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
                batch, targets, actor=current_actor(), save_as=form.mapping_name.data or ""
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
        same_record=imports.rows_on_same_record(batch, page.items),
        targets=TARGETS,
        too_large=(
            committing.rows_to_write(batch) > current_app.config["IMPORT_WEB_COMMIT_MAX_ROWS"]
        ),
    )


def _act(action: Callable[[], str]) -> None:
    """One change to a batch from a posted button: commit once and say what was done, or roll
    back and say why not."""
    try:
        done = action()
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(done, "success")


@bp.route("/imports/<int:batch_id>/decisions", methods=["POST"])
@requires(Permission.IMPORT_CONTACTS)
def decisions(batch_id: int):
    batch = imports.get_batch(batch_id)
    ids = [int(key[4:]) for key in request.form if key.startswith("row_") and key[4:].isdecimal()]
    form = decisions_form_class(ids)()
    if form.validate_on_submit():
        chosen = {row_id: getattr(form, f"row_{row_id}").data or "" for row_id in ids}

        def save() -> str:
            imports.set_actions(batch, form.default_action.data or "", chosen)
            return _("Your choices are saved.")

        _act(save)
    return redirect(url_for(".preview", batch_id=batch.id, **request.args))


@bp.route("/imports/<int:batch_id>/commit", methods=["POST"])
@requires(Permission.IMPORT_CONTACTS)
def commit(batch_id: int):
    batch = imports.get_batch(batch_id)
    form = CommitForm()
    if form.validate_on_submit():

        def write() -> str:
            result = committing.commit_batch(
                batch,
                actor=current_actor(),
                skip_errors=form.skip_errors.data,
                confirm_again=form.confirm_again.data,
                max_rows=current_app.config["IMPORT_WEB_COMMIT_MAX_ROWS"],
            )
            return _(
                "Import done: %(created)d created, %(updated)d updated, %(skipped)d skipped.",
                created=result["created"],
                updated=result["updated"],
                skipped=result["skipped"],
            )

        _act(write)
    return redirect(url_for(".preview", batch_id=batch_id))


@bp.route("/imports/<int:batch_id>/undo", methods=["POST"])
@requires(Permission.IMPORT_CONTACTS)
def undo(batch_id: int):
    batch = imports.get_batch(batch_id)
    if CommitForm().validate_on_submit():

        def take_back() -> str:
            result = committing.undo_batch(batch, actor=current_actor())
            return _(
                "Import undone: %(removed)d contacts removed, %(restored)d restored.",
                removed=result["removed"],
                restored=result["restored"],
            )

        _act(take_back)
    return redirect(url_for(".preview", batch_id=batch_id))


@bp.route("/imports/<int:batch_id>/cancel", methods=["POST"])
@requires(Permission.IMPORT_CONTACTS)
def cancel(batch_id: int):
    batch = imports.get_batch(batch_id)
    if CommitForm().validate_on_submit():

        def drop() -> str:
            imports.cancel_batch(batch, actor=current_actor())
            return _("The import was cancelled; nothing was written.")

        _act(drop)
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
