"""Saving a record from its form in a view, the same way for delegation visits and outreach:
commit on success; on failure roll back and put the service's messages on the form; a form
already saved goes to the record it created; an edit made on a stale version answers 409 with
the officer's input kept, now based on the current version.

Views stay in charge of what they say and where they go next.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from diaspora.errors import Conflict, DomainError
from diaspora.extensions import db
from diaspora.forms import apply_errors


def save_new(
    form: FlaskForm,
    create: Callable[[], Any],
    *,
    already_saved: type[Conflict],
    earlier_url: Callable[[Any], str],
) -> tuple[Any | None, Response | None]:
    """(record, None) when ``create()`` saved it; (None, redirect) when this form was saved
    before (to ``earlier_url(error)``); (None, None) when the form now carries errors."""
    try:
        record = create()
    except already_saved as error:
        db.session.rollback()
        flash(str(error.message), "info")
        return None, redirect(earlier_url(error))
    except DomainError as error:
        db.session.rollback()
        apply_errors(form, error)
        return None, None
    db.session.commit()
    return record, None


def save_edit(
    form: FlaskForm,
    update: Callable[[], dict],
    *,
    changed: type[Conflict],
    current_version: Callable[[], int],
) -> tuple[dict | None, int]:
    """(changes, 200) when ``update()`` saved ({} when nothing differed); otherwise (None,
    status): 409 when someone saved first (the form is set to ``current_version()``), else 422
    with the errors on the form."""
    try:
        changes = update()
    except changed as error:
        db.session.rollback()
        form.form_errors.append(str(error.message))
        form.version.data = str(current_version())
        return None, 409
    except DomainError as error:
        db.session.rollback()
        apply_errors(form, error)
        return None, 422 if form.errors else 200
    db.session.commit()
    return changes, 200
