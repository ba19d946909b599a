"""The privacy notice shown in full on the public forms, and its version.

Every submission records the version the person was shown, and so does every consent record
made from it. Change ``templates/public/_privacy_notice.html`` only together with a new version
here. (To be reconciled with the registry-wide notice at ``/privacy`` when both are merged.)
"""

from __future__ import annotations

NOTICE_VERSION = "reg-2026-11"
