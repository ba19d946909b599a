"""Validating a delegation visit: every field at once, one ``ValidationFailed``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l

from diaspora.countries import is_country
from diaspora.delegations.data import VisitData
from diaspora.errors import ValidationFailed
from diaspora.extensions import db
from diaspora.models import ExpertiseField, PlanTask
from diaspora.plan.services import checked_plan_tasks
from diaspora.text import clean, clean_lines, distinct_codes, strip_controls
from diaspora.validation import Errors, add, read_date

LIMITS = {"title": 300, "city": 120, "purpose": 5000, "leader": 200, "members": 5000}
MAX_CITIES = 10
MAX_MEMBERS = 100
MAX_FIELDS = 20
EARLIEST = date(2000, 1, 1)
LATEST_YEARS_AHEAD = 5


@dataclass
class VisitValues:
    scalars: dict
    fields: list[ExpertiseField] = field(default_factory=list)
    plan_tasks: list[PlanTask] = field(default_factory=list)


def _text(value, name: str, errors: Errors, *, multiline: bool = False) -> str:
    raw = value if isinstance(value, str) else ""
    cleaned = clean_lines(raw) if multiline else strip_controls(clean(raw))
    limit = LIMITS[name]
    if len(cleaned) > limit:
        add(
            errors,
            name,
            _l("At most %(n)d characters; this has %(count)d.", n=limit, count=len(cleaned)),
        )
    return cleaned


def _date(value, name: str, errors: Errors, today: date) -> date | None:
    parsed = read_date(value, name, errors, required=True)
    if parsed is None:
        return None
    if parsed < EARLIEST:
        add(errors, name, _l("The date is too far in the past."))
        return None
    if parsed.year > today.year + LATEST_YEARS_AHEAD:
        add(errors, name, _l("The date is more than five years ahead; check the year."))
        return None
    return parsed


def _cities(value, errors: Errors) -> str:
    raw = value if isinstance(value, str) else ""
    names: list[str] = []
    for part in raw.replace("\n", ";").split(";"):
        name = strip_controls(clean(part))
        if name and name.casefold() not in {item.casefold() for item in names}:
            names.append(name)
    if any(len(name) > LIMITS["city"] for name in names):
        add(errors, "cities", _l("A city name has at most %(n)d characters.", n=LIMITS["city"]))
    if len(names) > MAX_CITIES:
        add(errors, "cities", _l("At most %(n)d cities.", n=MAX_CITIES))
    return "; ".join(names)


def _members(value, errors: Errors) -> str:
    text = _text(value, "members", errors, multiline=True)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_MEMBERS:
        add(errors, "members", _l("At most %(n)d members.", n=MAX_MEMBERS))
    return "\n".join(lines)


def _fields(codes: list, errors: Errors) -> list[ExpertiseField]:
    wanted = distinct_codes(codes)
    if not wanted:
        return []
    if len(wanted) > MAX_FIELDS:
        add(errors, "fields", _l("At most %(n)d fields.", n=MAX_FIELDS))
        return []
    found = {
        row.code: row
        for row in db.session.scalars(
            db.select(ExpertiseField).where(ExpertiseField.code.in_(wanted))
        )
    }
    missing = [code for code in wanted if code not in found]
    if missing:
        add(
            errors,
            "fields",
            _l("Unknown expertise field: %(codes)s.", codes=", ".join(c[:16] for c in missing[:5])),
        )
    return sorted(found.values(), key=lambda row: (row.position, row.code))


def validate_visit(data: VisitData, *, today: date) -> VisitValues:
    errors: Errors = {}
    title = _text(data.title, "title", errors)
    if not title and "title" not in errors:
        add(errors, "title", _l("Name the visit, e.g. Delegation of the city to Japan, May 2026."))
    country = clean(data.country if isinstance(data.country, str) else "").upper()
    if not country:
        add(errors, "country", _l("Choose the destination country."))
    elif not is_country(country):
        add(
            errors,
            "country",
            _l(
                "“%(code)s” is not a country code; choose a country from the list.",
                code=country[:10],
            ),
        )
    start = _date(data.start_date, "start_date", errors, today)
    end = _date(data.end_date, "end_date", errors, today)
    if start and end and end < start:
        add(
            errors,
            "end_date",
            _l("The visit cannot end before it starts: the last day is before the first day."),
        )
    scalars = {
        "title": title,
        "country": country if is_country(country) else "",
        "cities": _cities(data.cities, errors),
        "start_date": start,
        "end_date": end,
        "purpose": _text(data.purpose, "purpose", errors, multiline=True),
        "leader": _text(data.leader, "leader", errors),
        "members": _members(data.members, errors),
    }
    values = VisitValues(
        scalars=scalars,
        fields=_fields(list(data.fields or []), errors),
        plan_tasks=checked_plan_tasks(list(data.plan_tasks or []), errors),
    )
    if errors:
        raise ValidationFailed(errors)
    return values
