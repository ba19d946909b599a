"""Error pages in the user's language, and RFC 9457 problem responses for the API.

Nothing here ever shows a traceback: unexpected errors are logged and answered with 500.
"""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from diaspora.errors import DomainError, ValidationFailed
from diaspora.extensions import db

TITLES = {
    400: _l("Bad request"),
    401: _l("Sign-in required"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("File or request too large"),
    422: _l("Invalid data"),
    429: _l("Too many requests"),
    500: _l("Internal error"),
}
EXPLANATIONS = {
    400: _l("The request could not be understood. Go back, check the form and try again."),
    401: _l("Sign in, or send a valid API token."),
    403: _l("Your account does not have permission to open this page."),
    404: _l("The page or record you asked for does not exist, or has been removed."),
    405: _l("This address does not accept that kind of request."),
    409: _l("The record was changed by someone else in the meantime. Reload it and try again."),
    413: _l("The upload or form is larger than the registry accepts."),
    422: _l("Some of the data is not valid."),
    429: _l("Too many requests in a short time. Wait a moment and try again."),
    500: _l("Something went wrong on our side. The error has been logged; try again later."),
}
CSRF_MESSAGE = _l(
    "The form's security token is missing or has expired. Reload the page and submit it again."
)


def wants_problem_json() -> bool:
    return request.path.startswith("/api/")


def render_error(status: int, detail: str | None = None, errors: dict | None = None):
    title = str(TITLES.get(status, TITLES[500]))
    detail = str(detail or EXPLANATIONS.get(status, EXPLANATIONS[500]))
    if wants_problem_json():
        body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
        if errors:
            body["errors"] = {key: [str(m) for m in value] for key, value in errors.items()}
        response = jsonify(body)
        response.status_code = status
        response.mimetype = "application/problem+json"
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="diaspora"'
        return response
    return render_template("errors/error.html", status=status, title=title, detail=detail), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, CSRF_MESSAGE)

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        errors = error.errors if isinstance(error, ValidationFailed) else None
        return render_error(error.status, error.message or None, errors)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        if status not in TITLES:
            return error
        return render_error(status)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return render_error(500)

    @app.errorhandler(InternalServerError)
    def internal_error(error: InternalServerError):
        db.session.rollback()
        return render_error(500)
