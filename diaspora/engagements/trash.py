"""The engagements' trash: deleting moves an engagement there; officers restore it,
administrators purge it for good (the audit event of a purge keeps no personal data)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from diaspora.audit import services as audit
from diaspora.engagements.errors import EngagementChanged
from diaspora.engagements.services import changes_since
from diaspora.errors import Conflict, NotFound
from diaspora.extensions import db
from diaspora.models import Engagement, User
from diaspora.trash import move_to_trash, take_out_of_trash


def delete_engagement(
    engagement: Engagement, *, actor: User, expected_version: int | None = None
) -> None:
    if engagement.is_deleted:
        raise Conflict(_l("This engagement is already in the trash."))
    if expected_version is not None and expected_version != engagement.version:
        raise EngagementChanged(
            engagement, expected_version, changes_since(engagement, expected_version)
        )
    move_to_trash(engagement, actor=actor, target_type="engagement")


def _trash_query():
    return (
        select(Engagement)
        .where(Engagement.deleted_at.is_not(None))
        .order_by(Engagement.deleted_at.desc(), Engagement.id.desc())
    )


def list_trash() -> list[Engagement]:
    return list(db.session.scalars(_trash_query()))


def trash_page(page: int, per_page: int):
    """One page of the trash, most recently deleted first."""
    return db.paginate(_trash_query(), page=page, per_page=per_page, error_out=False)


def get_trashed(engagement_id: int) -> Engagement:
    engagement = db.session.get(Engagement, engagement_id)
    if engagement is None or not engagement.is_deleted:
        raise NotFound(_l("This engagement is not in the trash."))
    return engagement


def restore_engagement(engagement: Engagement, *, actor: User) -> None:
    if not engagement.is_deleted:
        raise Conflict(_l("This engagement is not in the trash."))
    take_out_of_trash(engagement, actor=actor, target_type="engagement")


def purge_engagement(engagement: Engagement, *, actor: User) -> None:
    """Physically delete an engagement in the trash, with its participations and links."""
    if not engagement.is_deleted:
        raise Conflict(_l("Only an engagement in the trash can be purged."))
    engagement_id = engagement.id
    db.session.delete(engagement)
    db.session.flush()
    audit.record("engagement.purge", actor=actor, target_type="engagement", target_id=engagement_id)
