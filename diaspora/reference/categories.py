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

from diaspora.errors import NotFound, ValidationFailed
from diaspora.extensions import db
from diaspora.models import Category, User, contact_categories
from diaspora.reference.rows import (
    add_row,
    code_and_names,
    delete_unused,
    set_active,
    update_row,
)
from diaspora.text import clean

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
    code = clean(data.code).lower()
    values, errors = code_and_names(
        Category,
        data,
        code,
        current=current,
        fits=0 < len(code) <= MAX_CODE and all(ch.isalnum() or ch in "-_" for ch in code),
        misfit=_l("Use 1 to 32 letters, digits, dashes or underscores."),
        clash=_l("Another category already uses this code."),
    )
    if errors:
        raise ValidationFailed(errors)
    return values


def add_category(data: CategoryData, *, actor: User) -> Category:
    values = _validate(data)
    last = db.session.scalar(db.select(func.max(Category.position))) or 0
    row = Category(**values, position=last + 1, seeded=False)
    return add_row(row, values, actor=actor, action="category.create", target_type="category")


def update_category(row: Category, data: CategoryData, *, actor: User) -> dict:
    values = _validate(data, current=row)
    return update_row(
        row, values, actor=actor, action="category.update", target_type="category", kind="category"
    )


def set_category_active(row: Category, active: bool, *, actor: User) -> None:
    """A deactivated category is no longer offered; contacts that have it keep it."""
    set_active(row, active, actor=actor, prefix="category", target_type="category")


def delete_category(row: Category, *, actor: User) -> None:
    delete_unused(
        row,
        in_use=bool(category_usage(row)),
        refusal=_l("This category is in use; deactivate it instead of deleting it."),
        actor=actor,
        action="category.delete",
        target_type="category",
    )
