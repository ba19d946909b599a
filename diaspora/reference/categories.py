"""Contact categories: seeded defaults, and the administrators' additions and renames.

Like the expertise taxonomy, seeding matches rows by code and never overwrites what an
administrator renamed; a category in use cannot be deleted, only deactivated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from diaspora.audit import services as audit
from diaspora.errors import Conflict, NotFound, ValidationFailed
from diaspora.extensions import db
from diaspora.models import Category, User, contact_categories
from diaspora.reference.events import notify_reference_change
from diaspora.text import clean

MAX_NAME = 200
MAX_CODE = 32


def seed_categories() -> tuple[int, int]:
    """Add the default categories that are missing; returns (added, updated)."""
    text = resources.files("diaspora.reference").joinpath("data/categories.json").read_text("utf-8")
    existing = {row.code: row for row in db.session.scalars(db.select(Category))}
    added = 0
    for item in json.loads(text):
        if item["code"] in existing:
            continue
        row = Category(
            code=item["code"],
            name_vi=item["name_vi"],
            name_en=item["name_en"],
            position=item["position"],
            seeded=True,
        )
        db.session.add(row)
        existing[row.code] = row
        added += 1
    db.session.flush()
    return added, 0


def list_categories(*, include_inactive: bool = False) -> list[Category]:
    query = db.select(Category)
    if not include_inactive:
        query = query.where(Category.active.is_(True))
    return list(db.session.scalars(query.order_by(Category.position, Category.code)))


def get_category(category_id: int) -> Category:
    row = db.session.get(Category, category_id)
    if row is None:
        raise NotFound(_l("This category does not exist."))
    return row


def category_usage(row: Category) -> int:
    return (
        db.session.scalar(db.select(func.count()).where(contact_categories.c.category_id == row.id))
        or 0
    )


@dataclass
class CategoryData:
    code: str
    name_vi: str
    name_en: str


def _validate(data: CategoryData, *, current: Category | None = None) -> dict:
    errors: dict[str, list] = {}
    code = clean(data.code).lower()
    if not code or len(code) > MAX_CODE or not all(ch.isalnum() or ch in "-_" for ch in code):
        errors["code"] = [_l("Use 1 to 32 letters, digits, dashes or underscores.")]
    else:
        clash = db.session.scalar(db.select(Category).where(Category.code == code))
        if clash is not None and clash is not current:
            errors["code"] = [_l("Another category already uses this code.")]
    values = {"code": code}
    for key in ("name_vi", "name_en"):
        text = clean(getattr(data, key))
        if not text:
            errors[key] = [_l("Enter the name in both languages.")]
        elif len(text) > MAX_NAME:
            errors[key] = [_l("At most %(n)d characters.", n=MAX_NAME)]
        values[key] = text
    if errors:
        raise ValidationFailed(errors)
    return values


def add_category(data: CategoryData, *, actor: User) -> Category:
    values = _validate(data)
    last = db.session.scalar(db.select(func.max(Category.position))) or 0
    row = Category(**values, position=last + 1, seeded=False)
    db.session.add(row)
    db.session.flush()
    audit.record(
        "category.create", actor=actor, target_type="category", target_id=row.id, details=values
    )
    return row


def update_category(row: Category, data: CategoryData, *, actor: User) -> dict:
    values = _validate(data, current=row)
    changes = audit.apply_changes(
        row, values, action="category.update", actor=actor, target_type="category"
    )
    if changes:
        notify_reference_change("category", row.id)
    return changes


def set_category_active(row: Category, active: bool, *, actor: User) -> None:
    """A deactivated category is no longer offered; contacts that have it keep it."""
    if row.active == active:
        return
    row.active = active
    db.session.flush()
    audit.record(
        "category.activate" if active else "category.deactivate",
        actor=actor,
        target_type="category",
        target_id=row.id,
    )


def delete_category(row: Category, *, actor: User) -> None:
    if category_usage(row):
        raise Conflict(_l("This category is in use; deactivate it instead of deleting it."))
    snapshot = {"code": row.code, "name_vi": row.name_vi, "name_en": row.name_en}
    category_id = row.id
    db.session.delete(row)
    db.session.flush()
    audit.record(
        "category.delete",
        actor=actor,
        target_type="category",
        target_id=category_id,
        details=snapshot,
    )
