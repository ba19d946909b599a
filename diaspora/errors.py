"""Domain errors raised by services; views map them onto forms, error pages or API problems.

Messages are lazy strings, so they are rendered in the language of whoever reads them.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a user can cause and understand."""

    status = 400

    def __init__(self, message: str = "", *, field: str | None = None) -> None:
        super().__init__(str(message) if message else self.__class__.__name__)
        self.message = message
        self.field = field


class ValidationFailed(DomainError):
    """One or more fields are wrong: ``errors`` maps field names to messages."""

    status = 422

    def __init__(self, errors: dict[str, list[str]]) -> None:
        first = next(iter(errors.values()), [""])
        super().__init__(first[0] if first else "")
        self.errors = errors

    @classmethod
    def single(cls, field: str, message: str) -> ValidationFailed:
        return cls({field: [message]})


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    """The record changed since it was read (optimistic locking) or the action clashes."""

    status = 409


class PermissionDenied(DomainError):
    status = 403


class TooManyAttempts(DomainError):
    status = 429
