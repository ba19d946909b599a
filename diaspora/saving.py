"""The answers views give to what is posted, the same way everywhere. For the records officers
prepare (delegation visits, outreach): a list page; a posted form, committed on success, on
failure rolled back with the service's messages on the form; a form already saved going to the
record it created; an edit made on a stale version answering 409 with the officer's input kept,
now based on the current version. For any page: a workflow step or a confirmed button that
fails saying why on the next page (``run_step``, ``confirmed_step``), and a form that calls one
service (``save_form``: the administrators' reference lists and accounts).

Views stay in charge of what they say and where they go next: they pass the messages, the
addresses and how to draw their form page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from diaspora.core.paging import page_number
from diaspora.errors import DomainError
from diaspora.extensions import db
from diaspora.forms import apply_errors, start_entry
from diaspora.records import PageInfo, RecordConflict

T = TypeVar("T")


@dataclass(frozen=True)
class RecordKind:
    """What answering a form needs to know about one kind of record: how its page's address
    names it (``visit_id``), its services (to read one again, to create one from a form's data,
    to update one) and the conflicts they raise. The form gives ``to_data()``, ``load(record)``,
    ``entry_key``, ``version`` and ``expected_version()``, as ``diaspora.forms`` has them."""

    id_arg: str
    get: Callable[[int], Any]
    create: Callable[..., Any]
    update: Callable[..., dict]
    already_saved: type[RecordConflict]
    changed: type[RecordConflict]

    def show_url(self, record_id: int) -> str:
        """The record's page in the current blueprint."""
        return url_for(".show", **{self.id_arg: record_id})


def current_actor() -> Any:
    """The signed-in user as a model object (services record who acted)."""
    return current_user._get_current_object()


def list_page(template: str, listing: Callable[[int, int], tuple[list, int]], **context) -> str:
    """A list page: ``listing(page, per_page)`` gives the asked page's rows and how many rows
    the whole list has; the template gets them with the ``pager`` that links the pages."""
    page = page_number()
    per_page = current_app.config["PER_PAGE"]
    rows, total = listing(page, per_page)
    pager = PageInfo.of(page, total, per_page)
    return render_template(template, rows=rows, total=total, pager=pager, **context)


def submit_new(
    form: FlaskForm,
    kind: RecordKind,
    *,
    saved: Callable[[Any], tuple[str, str]],
    page: Callable[[int], Any],
    start: Callable[[], None] | None = None,
) -> Any:
    """The answer to a "new record" form. Opened: a fresh entry key, the plan tasks the address
    names ticked, then ``start()`` (other values the address gives), and the form ``page(200)``.
    Posted and saved: flash ``saved(record)``'s message and go to its address. Saved before
    from this form: to that record's page. Otherwise the form ``page(status)`` again, with the
    errors on it."""
    if not form.is_submitted():
        start_entry(form, request.args.getlist("task"))
        if start is not None:
            start()
        return page(200)
    if form.validate_on_submit():
        try:
            record = kind.create(
                form.to_data(), actor=current_actor(), entry_key=form.entry_key.data or None
            )
        except kind.already_saved as error:
            db.session.rollback()
            flash(str(error.message), "info")
            return redirect(kind.show_url(error.record.id))
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            message, url = saved(record)
            flash(message, "success")
            return redirect(url)
    return page(422 if form.errors else 200)


def submit_edit(
    form: FlaskForm,
    record: Any,
    kind: RecordKind,
    *,
    unchanged: str,
    page: Callable[[int], Any],
) -> Any:
    """The answer to an edit form. Opened: the form filled from the record, ``page(200)``.
    Posted and saved: "Changes saved." (or ``unchanged`` when nothing differed) and on to the
    record's page. Someone saved first: the form ``page(409)``, set to the current version so
    that a second save applies the officer's input to it. Otherwise the form page with its
    errors."""
    if not form.is_submitted():
        form.load(record)
        return page(200)
    if not form.validate_on_submit():
        return page(422 if form.errors else 200)
    record_id = record.id
    try:
        changes = kind.update(
            record, form.to_data(), expected_version=form.expected_version(), actor=current_actor()
        )
    except kind.changed as error:
        db.session.rollback()
        form.form_errors.append(str(error.message))
        form.version.data = str(kind.get(record_id).version)
        return page(409)
    except DomainError as error:
        db.session.rollback()
        apply_errors(form, error)
        return page(422 if form.errors else 200)
    db.session.commit()
    if changes:
        flash(_("Changes saved."), "success")
    else:
        flash(unchanged, "info")
    return redirect(kind.show_url(record_id))


def run_step(
    step: Callable[[], Any], *, done: str | Callable[[], str], done_url: str, failed_url: str
) -> Response:
    """Run one workflow step (delete, return to draft…): committed with ``done`` flashed, on to
    ``done_url``; refused with the service's message flashed, back to ``failed_url``."""
    try:
        step()
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(failed_url)
    db.session.commit()
    flash(done() if callable(done) else done, "success")
    return redirect(done_url)


def save_form(
    form: FlaskForm,
    save: Callable[[], T],
    *,
    done: Callable[[T], str],
    next_url: str,
    category: str = "success",
) -> Response | None:
    """The answer to a posted form: valid and ``save()`` accepted, committed, ``done(result)``
    flashed and on to ``next_url``. None when the form was not posted, not valid or refused
    (rolled back, the service's messages on the form): the view draws the form page again."""
    if not form.validate_on_submit():
        return None
    try:
        result = save()
    except DomainError as error:
        db.session.rollback()
        apply_errors(form, error)
        return None
    db.session.commit()
    flash(done(result), category)
    return redirect(next_url)


def confirmed_step(
    form: FlaskForm,
    step: Callable[[], object],
    *,
    done: str | Callable[[], str],
    next_url: str,
    failed_url: str | None = None,
) -> Response:
    """A button that runs one step (deactivate, delete, restore…): with its CSRF token,
    ``run_step`` (``done`` flashed and on to ``next_url``, or the refusal flashed and
    back to ``failed_url``); without, back to ``failed_url`` with nothing done.
    ``failed_url`` is ``next_url`` unless given."""
    back = failed_url or next_url
    if not form.validate_on_submit():
        return redirect(back)
    return run_step(step, done=done, done_url=next_url, failed_url=back)
