"""Domain errors of the public pages and the review queue."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from diaspora.errors import Conflict, DomainError


class AlreadyDecided(Conflict):
    """The submission was decided already (another officer, a replayed or forged request)."""

    def __init__(self, submission) -> None:
        super().__init__(_l("This submission has already been decided. Nothing has been changed."))
        self.submission = submission


class AlreadySent(Conflict):
    """The same registration form was posted twice at the same moment."""

    def __init__(self) -> None:
        super().__init__(_l("This form has already been sent."))


class LinkUnusable(DomainError):
    """A profile-update link that cannot be used: unknown, expired, used, revoked."""

    status = 410
    reason = "unknown"

    MESSAGES = {
        "unknown": _l("This link is not valid. Check that you copied the whole address."),
        "expired": _l("This link has expired."),
        "used": _l(
            "This link has already been used: each link works once. If you have just sent the "
            "form, it has arrived."
        ),
        "revoked": _l("This link has been withdrawn by the Department."),
        "gone": _l("The profile this link was made for is no longer in the registry."),
    }

    def __init__(self, reason: str) -> None:
        super().__init__(self.MESSAGES.get(reason, self.MESSAGES["unknown"]))
        self.reason = reason


class TooManySubmissions(DomainError):
    status = 429

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, -(-retry_after // 60))
        super().__init__(
            _l(
                "Too many forms have been sent from your network in a short time. Nothing has "
                "been lost: your answers are still below. Wait %(minutes)d minutes and send "
                "the form again.",
                minutes=minutes,
            )
        )
        self.retry_after = retry_after
