"""Security headers on every response, and the only allowed CSRF exemption."""

from __future__ import annotations

from flask import Blueprint, Flask, Response

from diaspora.extensions import csrf

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def set_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


API_PREFIX = "/api/"


def exempt_api_from_csrf(blueprint: Blueprint) -> Blueprint:
    """The one allowed CSRF exemption: a token-authenticated blueprint mounted under ``/api/``.

    Browsers send cookies, not API tokens, on their own, so a cross-site page cannot forge an
    API call; every other state-changing route keeps its CSRF check.
    """
    prefix = (blueprint.url_prefix or "").rstrip("/") + "/"
    if not prefix.startswith(API_PREFIX):
        raise ValueError(f"only blueprints under {API_PREFIX} may skip CSRF: {blueprint.name}")
    csrf.exempt(blueprint)
    return blueprint
