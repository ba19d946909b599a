"""What a caller hands to the engagement services: plain data, the same from a form or the API.
Values are raw (strings as typed); the services clean and validate them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class ParticipantEntry:
    contact_id: int | str | None
    role: str = "participant"
    note: str = ""


@dataclass
class EngagementData:
    type: str = ""
    title: str = ""
    start_date: date | str | None = None
    end_date: date | str | None = None
    country: str = ""
    city: str = ""
    description: str = ""
    outcome: str = ""
    next_step: str = ""
    next_step_due: date | str | None = None
    next_step_owner_id: int | str | None = None
    next_step_done: bool = False
    participants: list[ParticipantEntry] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)  # names; new names are created
    plan_tasks: list[str] = field(default_factory=list)  # codes such as "II.4"
