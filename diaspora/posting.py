"""The answers views give to a posted form or button that calls one service, the same way for
the administrators' pages (reference lists, accounts) and the engagements' trash: a form
accepted is committed once, its message flashed, and the officer sent on; a form refused is
rolled back with the service's messages put back on it, for the view to draw again; a button
goes through ``saving.run_step``.

Records that carry a version and an entry key (visits, outreach) have their own answers in
``diaspora.saving``. Views stay in charge of what they say and where they go next.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import flash, redirect
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from diaspora.errors import DomainError
from diaspora.extensions import db
from diaspora.forms import apply_errors
from diaspora.saving import run_step

T = TypeVar("T")


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
    ``saving.run_step`` (``done`` flashed and on to ``next_url``, or the refusal flashed and
    back to ``failed_url``); without, back to ``failed_url`` with nothing done.
    ``failed_url`` is ``next_url`` unless given."""
    back = failed_url or next_url
    if not form.validate_on_submit():
        return redirect(back)
    return run_step(step, done=done, done_url=next_url, failed_url=back)
