"""The privacy notice: its version is recorded with every consent given under it.

The text is ``templates/privacy/_notice_body.html``, shown on the page ``/privacy`` and in full
on the public registration form and the profile-update page. Change it only together with a new
version here (and keep the old text in the repository history): a submission and every consent
record made from it name the version the person saw.
"""

from __future__ import annotations

import sys
from datetime import date
from types import ModuleType

PRIVACY_NOTICE_VERSION = "2026-11"
PRIVACY_NOTICE_EFFECTIVE = date(2026, 11, 26)

# Legal deadlines for requests from data subjects (Law 91/2025/QH15, Decree 356/2025/ND-CP),
# shown in the notice and used by the request register.
REPLY_WORKING_DAYS = 2
ACCESS_DAYS = 10
ACCESS_EXTENSION_DAYS = 10
ERASURE_DAYS = 20
ERASURE_EXTENSION_DAYS = 20


def context() -> dict[str, str | date | ModuleType]:
    """What the notice's template needs: its version, its date and the deadlines it states."""
    return {
        "notice_version": PRIVACY_NOTICE_VERSION,
        "notice_effective": PRIVACY_NOTICE_EFFECTIVE,
        "notice_deadlines": sys.modules[__name__],
    }
