"""Pages where users manage their own API tokens, and administrators revoke anyone's."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from diaspora.api import tokens
from diaspora.api.forms import TokenForm
from diaspora.auth.permissions import Permission, requires
from diaspora.errors import DomainError
from diaspora.extensions import db
from diaspora.forms import ConfirmForm, apply_errors, safe_next

bp = Blueprint("tokens", __name__)


@bp.route("/account/tokens", methods=["GET", "POST"])
@requires()
def mine():
    user = current_user._get_current_object()
    form = TokenForm()
    issued = None
    if form.validate_on_submit():
        try:
            issued = tokens.issue_token(user, form.name.data, actor=user)
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            form = TokenForm(formdata=None)
    return render_template(
        "api/tokens.html",
        form=form,
        issued=issued,
        tokens=tokens.tokens_of(user),
        confirm_form=ConfirmForm(),
        admin_view=False,
    )


@bp.route("/admin/tokens")
@requires(Permission.MANAGE_USERS)
def everyone():
    return render_template(
        "api/tokens.html",
        form=None,
        issued=None,
        tokens=tokens.all_tokens(),
        confirm_form=ConfirmForm(),
        admin_view=True,
    )


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@requires()
def revoke(token_id: int):
    form = ConfirmForm()
    if form.validate_on_submit():
        token = tokens.revoke_token(token_id, actor=current_user._get_current_object())
        db.session.commit()
        flash(_("Token “%(name)s” revoked.", name=token.name), "success")
    return redirect(safe_next(form.next.data) or url_for("tokens.mine"))
