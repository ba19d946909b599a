"""What a caller hands to the outreach services: plain data, as typed; the services clean it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class OutreachData:
    title_vi: str = ""
    title_en: str = ""
    body_vi: str = ""
    body_en: str = ""
    single_language: str = ""  # "" (both), "vi" or "en"
    occasion: str = "other"
    channel: str = "letter"
    document_number: str = ""
    signatory: str = ""
    plan_tasks: list[str] = field(default_factory=list)  # codes such as "II.4"
