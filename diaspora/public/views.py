"""Public pages, without an account: self-registration and personal profile-update links.

Abuse resistance: a limit on submissions per client address (counted on every post, keyed by a
hash of the address), a honeypot field, a small body limit and no file uploads. Whatever goes
wrong, the person's answers stay on the page.
"""

from __future__ import annotations

import secrets

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from diaspora.auth.permissions import public
from diaspora.contacts.labels import FIELD_LABELS
from diaspora.errors import DomainError, ValidationFailed
from diaspora.extensions import db
from diaspora.forms import apply_errors
from diaspora.i18n import current_language
from diaspora.models import SubmissionKind
from diaspora.privacy import notice
from diaspora.public import links
from diaspora.public import services as submissions
from diaspora.public.client import SubmissionThrottle, client_hash
from diaspora.public.errors import AlreadySent, LinkUnusable, TooManySubmissions
from diaspora.public.forms import PublicProfileForm, RegistrationForm, RequestForm, UpdateForm
from diaspora.public.payload import public_snapshot
from diaspora.reference.services import taxonomy

bp = Blueprint("public", __name__)

SEEN_SALT = "update-link-seen"


@bp.url_value_preprocessor
def _limit_body(endpoint, values) -> None:
    """Runs before every before_request hook (CSRF protection reads the body there)."""
    limit = current_app.config["PUBLIC_FORM_MAX_BYTES"]
    request.max_content_length = limit
    request.max_form_memory_size = limit


@bp.after_request
def _private(response):
    """Nothing typed or shown on these pages is kept by browsers, proxies or search engines."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _evidence() -> submissions.Evidence:
    return submissions.Evidence(
        language=current_language(),
        notice_version=notice.PRIVACY_NOTICE_VERSION,
        client_hash=_client_key(),
    )


def _client_key() -> str:
    return client_hash(request.remote_addr, current_app.config["SECRET_KEY"])


def _guard() -> None:
    """Refuse uploads, and count the post against the address's limit (refused when over)."""
    if request.files:
        raise ValidationFailed({None: [_("This form does not accept files.")]})
    throttle = SubmissionThrottle(current_app.config["SELF_REGISTRATION_RATE_LIMIT"])
    key = _client_key()
    wait = throttle.retry_after(key)
    if wait:
        current_app.logger.warning("Public submissions over the limit from one address")
        raise TooManySubmissions(wait)
    throttle.hit(key)


def _groups() -> list:
    """Active expertise groups that may be offered (a group with active subfields)."""
    return [
        group
        for group in taxonomy()
        if group.active or any(child.active for child in group.children)
    ]


def _prepare(form: PublicProfileForm) -> None:
    form.pad_rows()
    form.set_choices(current_language(), _groups())


def _refused(form: PublicProfileForm, error: DomainError) -> int:
    db.session.rollback()
    if isinstance(error, TooManySubmissions):
        form.form_errors.append(str(error.message))
        return 429
    apply_errors(form, error)
    return 200


def _trapped(form: RegistrationForm) -> None:
    """The honeypot was filled in: refuse, with the other answers' own messages too (a person
    whose browser filled the hidden field in sends again and gets through)."""
    current_app.logger.warning("Public registration refused: honeypot filled in")
    form.contact_url.data = ""
    errors = {None: [_("The form could not be sent. Check your answers and send it again.")]}
    try:
        submissions.validate_public(form.to_data(), form.chosen_purposes(), require_store=True)
    except ValidationFailed as error:
        errors.update(error.errors)
    raise ValidationFailed(errors)


@bp.route("/register", methods=["GET", "POST"])
@public
def register():
    form = RegistrationForm()
    _prepare(form)
    status = 200
    if not form.is_submitted():
        form.preferred_language.data = current_language()
        form.entry_key.data = secrets.token_urlsafe(24)
    else:
        try:
            _guard()
            if form.contact_url.data:
                _trapped(form)
            if form.validate():
                submission = submissions.submit_registration(
                    form.to_data(),
                    form.chosen_purposes(),
                    evidence=_evidence(),
                    entry_key=form.entry_key.data,
                )
                db.session.commit()
                session["submitted_references"] = [submission.reference]
                return redirect(url_for(".registered"))
        except AlreadySent:
            db.session.rollback()
            earlier = submissions.find_by_entry_key(form.entry_key.data)
            session["submitted_references"] = [earlier.reference] if earlier else []
            return redirect(url_for(".registered"))
        except DomainError as error:
            status = _refused(form, error)
    return render_template("public/register.html", form=form, **notice.context()), status


@bp.route("/register/done")
@public
def registered():
    references = session.get("submitted_references")
    if not references:
        return redirect(url_for(".register"))
    return render_template("public/registered.html", references=references, kind="registration")


# --- profile-update links ---


def _seen_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SEEN_SALT)


def _unsign(value: str | None) -> dict | None:
    if not value:
        return None
    try:
        seen = _seen_serializer().loads(value)
    except BadSignature:
        return None
    return seen if isinstance(seen, dict) else None


def _field_ids() -> dict[str, int]:
    return {
        row.code: row.id
        for group in taxonomy(include_inactive=True)
        for row in (group, *group.children)
    }


def _typed_answers(form: PublicProfileForm) -> list[tuple[str, str]]:
    """What the person typed, to copy from the page when the link can no longer take it."""
    answers = []
    for key in ("full_name", "foreign_name", "country", "city", "emails", "phones", "address"):
        value = getattr(form, key).data
        if value:
            answers.append((str(FIELD_LABELS[key]), str(value)))
    for key in ("occupation", "title", "employer", "website"):
        value = getattr(form, key).data
        if value:
            answers.append((str(FIELD_LABELS[key]), str(value)))
    return answers


def _link_error(error: LinkUnusable, form: PublicProfileForm | None = None):
    status = 404 if error.reason == "unknown" else 410
    answers = _typed_answers(form) if form is not None else []
    return render_template("public/link_error.html", message=error.message, answers=answers), status


def _update_page(form, link, contact, token: str, status: int = 200, request_form=None):
    return render_template(
        "public/update.html",
        form=form,
        request_form=request_form or RequestForm(formdata=None),
        link=link,
        contact=contact,
        token=token,
        **notice.context(),
    ), status


@bp.route("/update/<token>", methods=["GET", "POST"])
@public
def update(token: str):
    form = UpdateForm()
    try:
        link, contact = links.resolve_link(token)
    except LinkUnusable as error:
        return _link_error(error, form if form.is_submitted() else None)
    if not form.is_submitted():
        values = public_snapshot(contact)
        form.load(values, _field_ids(), links.active_purposes(contact))
        form.seen.data = _seen_serializer().dumps(values)
        links.record_view(link, contact)
        db.session.commit()
        _prepare(form)
        return _update_page(form, link, contact, token)
    _prepare(form)
    status = 200
    try:
        _guard()
        if form.validate():
            made = links.submit_update(
                link,
                contact,
                form.to_data(),
                form.chosen_purposes(),
                seen=_unsign(form.seen.data),
                copy_requested=bool(form.copy_requested.data),
                evidence=_evidence(),
            )
            db.session.commit()
            session["submitted_references"] = [submission.reference for submission in made]
            return redirect(url_for(".updated"))
    except LinkUnusable as error:
        db.session.rollback()
        return _link_error(error, form)
    except DomainError as error:
        status = _refused(form, error)
    return _update_page(form, link, contact, token, status)


@bp.route("/update/<token>/request", methods=["POST"])
@public
def update_request(token: str):
    """A copy of the data, or deletion: each is one post that uses the link up."""
    form = RequestForm()
    try:
        link, contact = links.resolve_link(token)
    except LinkUnusable as error:
        return _link_error(error)
    kinds = {"copy": SubmissionKind.COPY, "erasure": SubmissionKind.ERASURE}
    kind = kinds.get(form.request.data or "")
    if not form.validate() or kind is None:
        return redirect(url_for(".update", token=token))
    if kind == SubmissionKind.ERASURE and not form.confirm_erasure.data:
        values = public_snapshot(contact)
        page_form = UpdateForm(formdata=None)
        page_form.load(values, _field_ids(), links.active_purposes(contact))
        page_form.seen.data = _seen_serializer().dumps(values)
        _prepare(page_form)
        request_form = RequestForm(formdata=None)
        request_form.confirm_erasure.errors = [
            _("Tick the box to confirm that you want your profile deleted.")
        ]
        links.record_view(link, contact)
        db.session.commit()
        return _update_page(page_form, link, contact, token, 200, request_form)
    try:
        _guard()
        submission = links.submit_request(link, contact, kind, evidence=_evidence())
    except LinkUnusable as error:
        db.session.rollback()
        return _link_error(error)
    except TooManySubmissions as error:
        db.session.rollback()
        return render_template("public/link_error.html", message=error.message, answers=[]), 429
    db.session.commit()
    session["submitted_references"] = [submission.reference]
    return redirect(url_for(".updated"))


@bp.route("/update/done")
@public
def updated():
    references = session.get("submitted_references")
    if not references:
        return redirect(url_for(".register"))
    return render_template("public/registered.html", references=references, kind="update")
