"""What the pages of the administrators' reference lists (contact categories, expertise fields)
share: adding a row, renaming it, deactivating or activating it, and deleting it, answered the
same way (through ``diaspora.saving``) and sending the administrator back to the list.

Each list names its own services, form page, list page and what it says (see ``rows`` for
the services they share).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import render_template, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from diaspora.forms import ConfirmForm
from diaspora.saving import confirmed_step, current_actor, save_form

# What the list says after a step, given the row's code.
Message = Callable[[str], str]


@dataclass(frozen=True)
class RowPages:
    """One reference list's pages: its services (``add(data, actor=)``,
    ``update(row, data, actor=)``, ``set_active(row, active, actor=)``,
    ``delete(row, actor=)``), the form's values for them (``data``), the form page
    (``template``, given ``form`` and ``row``), the list page's endpoint and its messages."""

    add: Callable[..., Any]
    update: Callable[..., dict]
    set_active: Callable[..., None]
    delete: Callable[..., None]
    data: Callable[[Any], Any]
    template: str
    list_endpoint: str
    added: Message
    saved: Message
    activated: Message
    deactivated: Message
    deleted: Message

    def new_page(self, form: FlaskForm) -> Response | str:
        """The "add" form, or the new row saved and the list."""
        answer = save_form(
            form,
            lambda: self.add(self.data(form), actor=current_actor()),
            done=lambda row: self.added(row.code),
            next_url=url_for(self.list_endpoint),
        )
        return answer or render_template(self.template, form=form, row=None)

    def edit_page(self, form: FlaskForm, row: Any) -> Response | str:
        """The "rename" form, or the row saved and the list (its new code in the message)."""
        answer = save_form(
            form,
            lambda: self.update(row, self.data(form), actor=current_actor()),
            done=lambda _changes: self.saved(row.code),
            next_url=url_for(self.list_endpoint),
        )
        return answer or render_template(self.template, form=form, row=row)

    def toggle(self, row: Any) -> Response:
        """Deactivate an active row, activate an inactive one; back to the list."""
        return confirmed_step(
            ConfirmForm(),
            lambda: self.set_active(row, not row.active, actor=current_actor()),
            done=lambda: (self.activated if row.active else self.deactivated)(row.code),
            next_url=url_for(self.list_endpoint),
        )

    def remove(self, row: Any) -> Response:
        """Delete a row (the service refuses one in use, with its reason); back to the list."""
        return confirmed_step(
            ConfirmForm(),
            lambda: self.delete(row, actor=current_actor()),
            done=self.deleted(row.code),
            next_url=url_for(self.list_endpoint),
        )
