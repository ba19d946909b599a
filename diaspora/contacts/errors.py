"""Domain errors of the contact registry; views turn each into its own page or message."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from diaspora.errors import Conflict


class DuplicatesFound(Conflict):
    """Likely duplicates exist: the officer must open one, merge, or confirm a new person."""

    def __init__(self, matches: list) -> None:
        super().__init__(_l("This person may already be in the registry."))
        self.matches = matches


class StaleVersion(Conflict):
    """Someone saved the record after the form was opened; ``events`` say what they changed."""

    def __init__(self, contact, since_version: int, events: list) -> None:
        super().__init__(
            _l(
                "Someone else changed this record after you opened it. Your changes have not "
                "been saved yet."
            )
        )
        self.contact = contact
        self.since_version = since_version
        self.events = events


class ContactGone(Conflict):
    """The record was moved to the trash or merged into another one meanwhile."""

    def __init__(self, contact, message=None) -> None:
        super().__init__(
            message
            or _l(
                "This record was moved to the trash or merged into another record in the "
                "meantime. Nothing has been saved."
            )
        )
        self.contact = contact


class AlreadySaved(Conflict):
    """The same form was posted twice: the first post created ``contact``."""

    def __init__(self, contact) -> None:
        super().__init__(_l("This form was already saved; no second record was created."))
        self.contact = contact


class ContactErased(Conflict):
    """The record was erased: it holds no personal data any more and is never edited again."""

    def __init__(self, contact, message=None) -> None:
        super().__init__(
            message
            or _l(
                "This record was erased at the person's request: it can no longer be changed. "
                "Nothing has been saved."
            )
        )
        self.contact = contact
