"""What the administrators' reference lists (contact categories, expertise fields) share: a
code and a name in both languages, checked the same way; adding and renaming with an audit
event; deactivating rather than deleting a row in use.

Each list keeps its own rules (the shape of its codes, its messages, what counts as "in use").
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from diaspora.audit import services as audit
from diaspora.errors import Conflict
from diaspora.extensions import db
from diaspora.models import User
from diaspora.reference.events import notify_reference_change
from diaspora.text import clean

MAX_NAME = 200


def code_and_names(
    model: type,
    data: Any,
    code: str,
    *,
    current: Any | None,
    fits: bool,
    misfit: Any,
    clash: Any,
) -> tuple[dict[str, Any], dict[str, list]]:
    """The cleaned ``code`` (``fits`` its list's shape, else ``misfit``; unused by another row,
    else ``clash``) and names, with the errors found."""
    errors: dict[str, list] = {}
    if not fits:
        errors["code"] = [misfit]
    else:
        other = db.session.scalar(db.select(model).where(model.code == code))
        if other is not None and other is not current:
            errors["code"] = [clash]
    values: dict[str, Any] = {"code": code}
    for key in ("name_vi", "name_en"):
        text = clean(getattr(data, key))
        if not text:
            errors[key] = [_l("Enter the name in both languages.")]
        elif len(text) > MAX_NAME:
            errors[key] = [_l("At most %(n)d characters.", n=MAX_NAME)]
        values[key] = text
    return values, errors


def add_row(row: Any, values: dict, *, actor: User, action: str, target_type: str) -> Any:
    """Add an administrator's new row; the audit event holds the values it was given."""
    db.session.add(row)
    db.session.flush()
    audit.record(action, actor=actor, target_type=target_type, target_id=row.id, details=values)
    return row


def update_row(
    row: Any, values: dict, *, actor: User, action: str, target_type: str, kind: str
) -> dict:
    """Rename or recode a row; when anything changed, the records that show it are told."""
    changes = audit.apply_changes(row, values, action=action, actor=actor, target_type=target_type)
    if changes:
        notify_reference_change(kind, row.id)
    return changes


def set_active(row: Any, active: bool, *, actor: User, prefix: str, target_type: str) -> None:
    """Deactivation hides a row from choices; records that have it keep it."""
    if row.active == active:
        return
    row.active = active
    db.session.flush()
    audit.record(
        f"{prefix}.activate" if active else f"{prefix}.deactivate",
        actor=actor,
        target_type=target_type,
        target_id=row.id,
    )


def delete_unused(
    row: Any, *, in_use: bool, refusal: Any, actor: User, action: str, target_type: str
) -> None:
    """Delete a row nothing uses (else ``refusal``); the audit event keeps its code and names."""
    if in_use:
        raise Conflict(refusal)
    snapshot = {"code": row.code, "name_vi": row.name_vi, "name_en": row.name_en}
    row_id = row.id
    db.session.delete(row)
    db.session.flush()
    audit.record(action, actor=actor, target_type=target_type, target_id=row_id, details=snapshot)
