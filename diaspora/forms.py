"""Form helpers shared by every feature."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from diaspora.errors import DomainError, ValidationFailed


class ConfirmForm(FlaskForm):
    """A POST button protected by the CSRF token, with an optional local page to return to."""

    next = HiddenField()


def apply_errors(form: FlaskForm, error: DomainError) -> None:
    """Put a service's errors back on the form: per field where it has one, else on the form."""
    errors = error.errors if isinstance(error, ValidationFailed) else {error.field: [error.message]}
    for name, messages in errors.items():
        field = getattr(form, name, None) if name else None
        target = field.errors if field is not None else form.form_errors
        if isinstance(target, tuple):
            target = list(target)
            if field is not None:
                field.errors = target
        target.extend(str(message) for message in messages)


# The contact finder's buttons (engagement form, outreach recipients): search, then add the
# ticked results, all the results, or record numbers typed in.
FIND, ADD_SELECTED, ADD_ALL, ADD_NUMBERS = "find", "add", "add_all", "add_numbers"


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes; never pre-ticked unless the data says so."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def ids_in(text: str | None) -> list[int]:
    """Record numbers typed or carried as "12, 15 #17"."""
    result: list[int] = []
    for part in (text or "").replace(";", ",").replace("#", " ").replace(",", " ").split():
        number = int(part) if part.isdecimal() and len(part) <= 10 else 0
        if 0 < number < 2**31 and number not in result:
            result.append(number)
    return result


def finder_ids(form: FlaskForm, step: str) -> list[int]:
    """The record numbers an "add" button of the contact finder asks for (``found``,
    ``found_ids`` and ``add_numbers`` fields); [] for any other step."""
    if step == ADD_SELECTED:
        return ids_in(",".join(form.found.data or []))
    if step == ADD_ALL:
        return ids_in(form.found_ids.data)
    if step == ADD_NUMBERS:
        return ids_in(form.add_numbers.data)
    return []


def version_number(field: HiddenField) -> int:
    """The record version a form was opened on (0 when missing or not a number: stale)."""
    value = (field.data or "").strip()
    return int(value) if value.isdecimal() else 0


def plan_task_choices(tasks, language: str) -> list[SelectChoice]:
    """Plan tasks as checkbox choices: "code. title" in the user's language."""
    return choices((task.code, f"{task.code}. {task.title(language)}") for task in tasks)


def start_entry(form: FlaskForm, task_codes: list[str]) -> None:
    """A new record's form, opened: a fresh ``entry_key`` (so a second click on "Save" creates
    nothing more) and the plan tasks asked for in the link (``?task=II.4``), when they exist."""
    form.entry_key.data = secrets.token_urlsafe(24)
    codes = {choice.value for choice in form.plan_tasks.choices}
    form.plan_tasks.data = [code for code in task_codes if code in codes]


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms 3.3 select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def safe_next(target: str | None) -> str | None:
    """Only local paths are followed after login: no scheme, no host, no ``//`` or ``\\``."""
    if not target:
        return None
    target = target.strip()
    if not target.startswith("/") or target.startswith(("//", "/\\")) or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
