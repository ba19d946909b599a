"""Reference data: seeding from the files in ``data/`` and the admins' taxonomy changes.

Seeding is idempotent: rows are matched by code, missing ones are added, seeded texts are
brought up to date, and nothing an administrator added or renamed is overwritten.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from diaspora.errors import NotFound, ValidationFailed
from diaspora.extensions import db
from diaspora.models import Agency, ExpertiseField, PlanTask, PlanTaskAgency, User
from diaspora.reference.categories import seed_categories
from diaspora.reference.rows import (
    add_row,
    code_and_names,
    delete_unused,
    set_active,
    update_row,
)
from diaspora.text import clean

FIELD_IN_USE_CHECKS: list = []  # callables(field_id) -> int, registered by features using fields


def _load(name: str) -> list[dict]:
    text = resources.files("diaspora.reference").joinpath(f"data/{name}").read_text("utf-8")
    return json.loads(text)


def seeded_plan_task_codes() -> list[str]:
    """The plan's task codes (II.1 … IV.10), in order, as the seed data defines them."""
    return [item["code"] for item in sorted(_load("plan_tasks.json"), key=lambda i: i["position"])]


@dataclass
class SeedReport:
    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(self.added.values()) or any(self.updated.values())


def _apply(row, values: dict) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return changed


def seed_reference() -> SeedReport:
    report = SeedReport()
    agencies = _seed_agencies(report)
    _seed_plan_tasks(report, agencies)
    _seed_fields(report)
    report.added["categories"], report.updated["categories"] = seed_categories()
    db.session.flush()
    return report


def _seed_agencies(report: SeedReport) -> dict[str, Agency]:
    existing = {a.code: a for a in db.session.scalars(db.select(Agency))}
    added = updated = 0
    for item in _load("agencies.json"):
        values = {"name_vi": item["name_vi"], "name_en": item["name_en"]}
        agency = existing.get(item["code"])
        if agency is None:
            agency = Agency(code=item["code"], **values)
            db.session.add(agency)
            existing[agency.code] = agency
            added += 1
        elif _apply(agency, values):
            updated += 1
    report.added["agencies"], report.updated["agencies"] = added, updated
    db.session.flush()
    return existing


def _seed_plan_tasks(report: SeedReport, agencies: dict[str, Agency]) -> None:
    existing = {t.code: t for t in db.session.scalars(db.select(PlanTask))}
    added = updated = 0
    for item in _load("plan_tasks.json"):
        values = {
            key: item.get(key, "")
            for key in (
                "section",
                "position",
                "title_vi",
                "title_en",
                "description_vi",
                "description_en",
                "coordination_note_vi",
                "coordination_note_en",
            )
        }
        task = existing.get(item["code"])
        is_new = task is None
        changed = False
        if task is None:
            task = PlanTask(code=item["code"], **values)
            db.session.add(task)
            added += 1
        else:
            changed = _apply(task, values)
        wanted = [("lead", code) for code in item["lead"]] + [
            ("coordinating", code) for code in item["coordinating"]
        ]
        current = [(link.role, link.agency.code) for link in task.agency_links]
        if current != wanted:
            task.agency_links.clear()
            db.session.flush()
            for role, code in wanted:
                task.agency_links.append(PlanTaskAgency(role=role, agency=agencies[code]))
            changed = True
        updated += int(changed and not is_new)
    report.added["plan_tasks"], report.updated["plan_tasks"] = added, updated


def _seed_fields(report: SeedReport) -> None:
    existing = {f.code: f for f in db.session.scalars(db.select(ExpertiseField))}
    added = 0
    for item in _load("expertise_fields.json"):
        if item["code"] in existing:
            continue
        parent = existing.get(item["parent"]) if item["parent"] else None
        row = ExpertiseField(
            code=item["code"],
            parent=parent,
            name_vi=item["name_vi"],
            name_en=item["name_en"],
            position=item["position"],
            seeded=True,
        )
        db.session.add(row)
        existing[row.code] = row
        added += 1
    report.added["expertise_fields"], report.updated["expertise_fields"] = added, 0


# --- expertise taxonomy ------------------------------------------------------------------------


def taxonomy(*, include_inactive: bool = False) -> list[ExpertiseField]:
    """Top-level fields, each with ``children`` loaded, in their display order."""
    query = db.select(ExpertiseField).where(ExpertiseField.parent_id.is_(None))
    if not include_inactive:
        query = query.where(ExpertiseField.active.is_(True))
    return list(db.session.scalars(query.order_by(ExpertiseField.position, ExpertiseField.code)))


def get_field(field_id: int) -> ExpertiseField:
    row = db.session.get(ExpertiseField, field_id)
    if row is None:
        raise NotFound(_l("This expertise field does not exist."))
    return row


@dataclass
class FieldData:
    code: str
    name_vi: str
    name_en: str
    parent_id: int | None = None


def _validate_field(data: FieldData, *, current: ExpertiseField | None = None) -> dict:
    code = clean(data.code).upper()
    values, errors = code_and_names(
        ExpertiseField,
        data,
        code,
        current=current,
        fits=0 < len(code) <= 16 and all(ch.isalnum() or ch in ".-_" for ch in code),
        misfit=_l("Use 1 to 16 letters, digits, dots or dashes."),
        clash=_l("Another field already uses this code."),
    )
    parent = None
    if data.parent_id:
        parent = db.session.get(ExpertiseField, data.parent_id)
        if parent is None or parent.parent_id is not None:
            errors["parent_id"] = [_l("Choose a top-level field as the parent.")]
        elif current is not None and (parent.id == current.id or current.children):
            errors["parent_id"] = [
                _l("A top-level field with subfields cannot move under another.")
            ]
    values["parent_id"] = parent.id if parent else None
    if errors:
        raise ValidationFailed(errors)
    return values


def add_field(data: FieldData, *, actor: User) -> ExpertiseField:
    values = _validate_field(data)
    siblings = db.session.scalar(
        db.select(func.count(ExpertiseField.id)).where(
            ExpertiseField.parent_id.is_(values["parent_id"])
            if values["parent_id"] is None
            else ExpertiseField.parent_id == values["parent_id"]
        )
    )
    row = ExpertiseField(**values, position=(siblings or 0) + 1, seeded=False)
    return add_row(row, values, actor=actor, action="field.create", target_type="expertise_field")


def update_field(row: ExpertiseField, data: FieldData, *, actor: User) -> dict:
    values = _validate_field(data, current=row)
    return update_row(
        row,
        values,
        actor=actor,
        action="field.update",
        target_type="expertise_field",
        kind="field",
    )


def field_usage(row: ExpertiseField) -> int:
    return sum(check(row.id) for check in FIELD_IN_USE_CHECKS)


def set_field_active(row: ExpertiseField, active: bool, *, actor: User) -> None:
    """Deactivation hides a field from choices; rows using it keep it."""
    set_active(row, active, actor=actor, prefix="field", target_type="expertise_field")


def delete_field(row: ExpertiseField, *, actor: User) -> None:
    """Only a field nobody uses and with no subfields can be deleted; otherwise deactivate it."""
    delete_unused(
        row,
        in_use=bool(row.children or field_usage(row)),
        refusal=_l("This field is in use; deactivate it instead of deleting it."),
        actor=actor,
        action="field.delete",
        target_type="expertise_field",
    )
