"""What a caller hands to the delegation services: plain data, as typed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class VisitData:
    title: str = ""
    country: str = ""
    cities: str = ""  # separated by ";" or new lines, in the order of the visit
    start_date: date | str | None = None
    end_date: date | str | None = None
    purpose: str = ""
    leader: str = ""
    members: str = ""  # one a line
    fields: list[str] = field(default_factory=list)  # expertise field codes
    plan_tasks: list[str] = field(default_factory=list)  # codes such as "IV.3"
