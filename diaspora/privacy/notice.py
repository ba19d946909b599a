"""The public privacy notice: its version is recorded with every consent given under it.

Change the text of ``templates/privacy/notice.html`` only together with a new version here (and
keep the old text in the repository history): a consent record names the version the person saw.
"""

from __future__ import annotations

from datetime import date

PRIVACY_NOTICE_VERSION = "2026-11"
PRIVACY_NOTICE_EFFECTIVE = date(2026, 11, 26)

# Legal deadlines for requests from data subjects (Law 91/2025/QH15, Decree 356/2025/ND-CP),
# shown in the notice and used by the request register.
REPLY_WORKING_DAYS = 2
ACCESS_DAYS = 10
ACCESS_EXTENSION_DAYS = 10
ERASURE_DAYS = 20
ERASURE_EXTENSION_DAYS = 20
