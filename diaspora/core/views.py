"""Home page, language switcher and health check."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField

from diaspora.auth import services as auth_services
from diaspora.auth.permissions import Permission, can, public, requires
from diaspora.errors import DomainError
from diaspora.extensions import db
from diaspora.forms import safe_next

bp = Blueprint("core", __name__)

# The icon's address is fixed, so browsers keep it for a year rather than ask on every page.
FAVICON_MAX_AGE = 365 * 24 * 3600


class LanguageForm(FlaskForm):
    lang = HiddenField()
    next = HiddenField()


@bp.app_context_processor
def inject_language_form() -> dict:
    # formdata=None: the header must render even when the request body was refused (413).
    return {"language_form": lambda: LanguageForm(formdata=None)}


@bp.route("/")
@requires()
def home():
    """Officers and administrators start on their dashboard; viewers (officials of other
    departments) come to search experts: that is their home."""
    if can(current_user, Permission.VIEW_DASHBOARD):
        return redirect(url_for("dashboard.index"))
    if current_user.role == "viewer":
        return redirect(url_for("search.index"))
    return render_template("core/home.html")


@bp.route("/language", methods=["POST"])
@public
def set_language():
    form = LanguageForm()
    back = safe_next(form.next.data) or url_for("core.home")
    if not form.validate_on_submit():
        flash(_("The language could not be changed: reload the page and try again."), "error")
        return redirect(back)
    lang = form.lang.data or ""
    if lang not in ("vi", "en"):
        flash(_("Unknown language. Choose Tiếng Việt or English."), "error")
        return redirect(back)
    session["lang"] = lang
    if current_user.is_authenticated:
        try:
            auth_services.set_locale(current_user._get_current_object(), lang)
        except DomainError:
            db.session.rollback()
        else:
            db.session.commit()
    return redirect(back)


@bp.route("/health")
@public
def health():
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}


@bp.route("/about")
@public
def about():
    return render_template("core/about.html", next=request.path)


@bp.route("/favicon.ico")
@public
def favicon():
    """Browsers ask for ``/favicon.ico`` by themselves, on every site; answer with the icon
    rather than a logged 404. ``private``: a signed-in session may set a cookie on the way."""
    icon = Path(current_app.static_folder or "") / "favicon.ico"
    response = current_app.response_class(icon.read_bytes(), mimetype="image/vnd.microsoft.icon")
    response.cache_control.max_age = FAVICON_MAX_AGE
    response.cache_control.private = True
    response.add_etag()
    return response.make_conditional(request)
