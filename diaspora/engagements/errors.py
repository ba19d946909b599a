"""Domain errors of engagements; views turn each into its own page or message."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from diaspora.errors import Conflict


class EngagementChanged(Conflict):
    """Someone saved the engagement after the form was opened; ``events`` say what changed."""

    def __init__(self, engagement, since_version: int, events: list) -> None:
        super().__init__(
            _l(
                "Someone else changed this engagement after you opened it. Your changes have "
                "not been saved yet."
            )
        )
        self.engagement = engagement
        self.since_version = since_version
        self.events = events


class EngagementGone(Conflict):
    """The engagement was moved to the trash meanwhile."""

    def __init__(self, engagement) -> None:
        super().__init__(
            _l("This engagement was moved to the trash in the meantime. Nothing has been saved.")
        )
        self.engagement = engagement


class EngagementAlreadySaved(Conflict):
    """The same form was posted twice: the first post created ``engagement``."""

    def __init__(self, engagement) -> None:
        super().__init__(_l("This form was already saved; no second engagement was recorded."))
        self.engagement = engagement
