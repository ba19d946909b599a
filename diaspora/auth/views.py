"""Sign-in, sign-out, first-run setup and the user's own password."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from diaspora.auth import services, sessions
from diaspora.auth.forms import ChangePasswordForm, LoginForm, SetupForm
from diaspora.auth.permissions import public, requires
from diaspora.errors import DomainError, TooManyAttempts
from diaspora.extensions import db, limiter
from diaspora.forms import apply_errors, safe_next

bp = Blueprint("auth", __name__)
PREFILL_EMAIL = "login_email"


def _throttle():
    return current_app.extensions["diaspora.login_throttle"]


@bp.route("/setup", methods=["GET", "POST"])
@public
def setup():
    if not services.setup_needed():
        abort(404)
    form = SetupForm()
    if form.validate_on_submit():
        data = services.UserData(email=form.email.data, name=form.name.data, locale=_locale())
        try:
            user = services.create_first_admin(data, form.password.data)
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(_("The administrator account is ready. Sign in to continue."), "success")
            # Pre-filled from the session, not the URL: addresses in URLs end up in access logs.
            session[PREFILL_EMAIL] = user.email
            return redirect(url_for("auth.login"))
    return render_template("auth/setup.html", form=form)


def _locale() -> str:
    return str(get_locale() or "vi")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("60 per minute", methods=["POST"])
@public
def login():
    if services.setup_needed():
        return redirect(url_for("auth.setup"))
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    if request.method == "GET":
        form.email.data = session.pop(PREFILL_EMAIL, "")
        form.next.data = request.args.get("next", "")
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.email.data,
                form.password.data,
                address=request.remote_addr or "",
                throttle=_throttle(),
            )
        except DomainError as error:
            db.session.commit()  # keep the audit record of the failed attempt
            apply_errors(form, error)
            status = 429 if isinstance(error, TooManyAttempts) else 200
        else:
            db.session.commit()
            sessions.start(user)
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return redirect(safe_next(form.next.data) or url_for("core.home"))
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@requires()
def logout():
    services.end_sessions(current_user._get_current_object())
    db.session.commit()
    sessions.end()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@requires()
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_own_password(user, form.current_password.data, form.password.data)
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            sessions.end()
            flash(_("Your password has been changed. Sign in again with the new one."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/password.html", form=form)
