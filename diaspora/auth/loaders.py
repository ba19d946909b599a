"""How a request becomes a user: the session cookie on pages, a bearer token on the API.

The API never accepts the session cookie (it is exempt from CSRF, so a cookie there would let
any web page act for a signed-in officer), and pages never accept tokens.
"""

from __future__ import annotations

from flask import Request, has_request_context, request

from diaspora.api.tokens import resolve_token
from diaspora.auth.services import load_session_user
from diaspora.models import User

API_PREFIX = "/api/"


def is_api_request() -> bool:
    return has_request_context() and request.path.startswith(API_PREFIX)


def user_from_session(session_id: str) -> User | None:
    if is_api_request():
        return None
    return load_session_user(session_id)


def user_from_token(incoming: Request) -> User | None:
    if not incoming.path.startswith(API_PREFIX):
        return None
    scheme, _, secret = incoming.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return resolve_token(secret.strip())
