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
from diaspora.auth import two_factor as two_factor_service
from diaspora.auth.forms import (
    ActionForm,
    ChangePasswordForm,
    CodeForm,
    ConfirmCodeForm,
    LoginForm,
    PasswordConfirmForm,
    SetupForm,
)
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
            next_url = safe_next(form.next.data)
            if user.two_factor_enabled:
                db.session.commit()
                sessions.await_second_factor(user, next_url)
                return redirect(url_for("auth.second_factor"))
            services.complete_login(user, method="password")
            db.session.commit()
            return _signed_in(user, next_url)
    return render_template("auth/login.html", form=form), status


def _signed_in(user, next_url: str | None, notice: str | None = None):
    sessions.start(user)  # a fresh session: flash only after this
    flash(_("Welcome, %(name)s.", name=user.name), "success")
    if notice:
        flash(notice, "info")
    if two_factor_service.enrolment_required(user, current_app.config):
        return redirect(url_for("auth.two_factor"))
    return redirect(next_url or url_for("core.home"))


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit("60 per minute", methods=["POST"])
@public
def second_factor():
    pending = sessions.pending_second_factor()
    if pending is None:
        flash(_("Sign in again: the code must follow the password within a few minutes."), "info")
        return redirect(url_for("auth.login"))
    user, next_url = pending
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        try:
            method = two_factor_service.verify(
                user,
                form.code.data,
                address=request.remote_addr or "",
                throttle=current_app.extensions["diaspora.two_factor_throttle"],
            )
        except DomainError as error:
            db.session.commit()  # keep the audit record of the wrong code
            apply_errors(form, error)
            status = 429 if isinstance(error, TooManyAttempts) else 200
        else:
            services.complete_login(user, method=method)
            db.session.commit()
            notice = None
            if method == "recovery code":
                left = two_factor_service.remaining_recovery_codes(user)
                notice = _("Recovery code used; %(n)d left.", n=left)
            return _signed_in(user, safe_next(next_url), notice)
    return render_template("auth/second_factor.html", form=form), status


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


# --- the user's own second factor ----------------------------------------------------------


def _me():
    return current_user._get_current_object()


@bp.route("/account/two-factor")
@requires()
def two_factor():
    user = _me()
    return render_template(
        "auth/two_factor.html",
        user=user,
        required=two_factor_service.required_for(user, current_app.config),
        remaining=two_factor_service.remaining_recovery_codes(user),
        start_form=ActionForm(),
        codes_form=ConfirmCodeForm(),
        disable_form=PasswordConfirmForm(),
    )


@bp.route("/account/two-factor/start", methods=["POST"])
@requires()
def two_factor_start():
    if ActionForm().validate_on_submit():
        try:
            two_factor_service.start_enrolment(_me())
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return redirect(url_for("auth.two_factor"))
        db.session.commit()
        return redirect(url_for("auth.two_factor_setup"))
    return redirect(url_for("auth.two_factor"))


@bp.route("/account/two-factor/setup", methods=["GET", "POST"])
@requires()
def two_factor_setup():
    user = _me()
    if user.two_factor_enabled or not user.totp_pending_secret:
        return redirect(url_for("auth.two_factor"))
    form = ConfirmCodeForm()
    if form.validate_on_submit():
        try:
            codes = two_factor_service.confirm_enrolment(user, form.code.data)
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(_("Two-factor sign-in is on."), "success")
            # Shown once, in this response; never stored in clear, never put in a redirect.
            return render_template("auth/recovery_codes.html", codes=codes)
    secret = user.totp_pending_secret
    uri = two_factor_service.provisioning_uri(user, secret)
    return render_template(
        "auth/two_factor_setup.html",
        form=form,
        secret=secret,
        uri=uri,
        qr_code=two_factor_service.qr_code_data_uri(uri),
    )


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@requires()
def two_factor_recovery_codes():
    form = ConfirmCodeForm()
    if form.validate_on_submit():
        try:
            codes = two_factor_service.regenerate_recovery_codes(_me(), form.code.data)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            return render_template("auth/recovery_codes.html", codes=codes)
    else:
        flash(_("Enter the code."), "error")
    return redirect(url_for("auth.two_factor"))


@bp.route("/account/two-factor/disable", methods=["POST"])
@requires()
def two_factor_disable():
    form = PasswordConfirmForm()
    if form.validate_on_submit():
        try:
            two_factor_service.disable(
                _me(),
                form.password.data,
                settings=current_app.config,
                address=request.remote_addr or "",
                throttle=_throttle(),
            )
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Two-factor sign-in is off."), "info")
    else:
        flash(_("Enter your password."), "error")
    return redirect(url_for("auth.two_factor"))
