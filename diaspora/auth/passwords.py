"""Password policy and hashing: scrypt hashes, 12–128 characters, no common passwords."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from diaspora.errors import ValidationFailed

MIN_LENGTH = 12
MAX_LENGTH = 128
_TRAILING_DIGITS_AND_SYMBOLS = re.compile(r"[\d\W_]+$")


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("diaspora.auth").joinpath("data/common-passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def is_common(password: str) -> bool:
    """A listed password, or a listed word padded with digits or symbols (``password1234``)."""
    lowered = password.lower()
    common = common_passwords()
    if lowered in common:
        return True
    stem = _TRAILING_DIGITS_AND_SYMBOLS.sub("", lowered)
    if stem and stem in common:
        return True
    return len(set(lowered)) <= 2


def check_policy(password: str, *, field: str = "password") -> None:
    if len(password) < MIN_LENGTH:
        raise ValidationFailed.single(
            field, _l("The password must have at least %(n)d characters.", n=MIN_LENGTH)
        )
    if len(password) > MAX_LENGTH:
        raise ValidationFailed.single(
            field, _l("The password must have at most %(n)d characters.", n=MAX_LENGTH)
        )
    if is_common(password):
        raise ValidationFailed.single(
            field, _l("This password is too common and easy to guess; choose another.")
        )


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)
