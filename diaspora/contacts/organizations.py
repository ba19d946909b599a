"""Organizations that contacts belong to, matched by folded name."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from diaspora.audit import services as audit
from diaspora.contacts import validation
from diaspora.errors import NotFound, ValidationFailed
from diaspora.extensions import db
from diaspora.models import Contact, Membership, Organization, OrganizationKind, User
from diaspora.text import word_key


def find_organization(name: str, country: str | None = None) -> Organization | None:
    """The organization with this name (case and diacritics ignored), preferring the country."""
    rows = list(
        db.session.scalars(
            db.select(Organization)
            .where(Organization.name_folded == word_key(name))
            .order_by(Organization.id)
        )
    )
    for row in rows:
        if row.country == country:
            return row
    return rows[0] if rows else None


def find_or_create_organization(name: str, *, country: str | None, actor: User) -> Organization:
    row = find_organization(name, country)
    if row is None:
        row = Organization(name=name, name_folded=word_key(name), country=country)
        db.session.add(row)
        db.session.flush()
        audit.record(
            "organization.create",
            actor=actor,
            target_type="organization",
            target_id=row.id,
            details={"name": name, "country": country},
        )
    return row


def list_organizations() -> list[tuple[Organization, int]]:
    """Every organization with the number of live contacts that belong to it."""
    members = (
        db.select(Membership.organization_id, func.count(Membership.id).label("n"))
        .join(Contact, Contact.id == Membership.contact_id)
        .where(Contact.deleted_at.is_(None))
        .group_by(Membership.organization_id)
        .subquery()
    )
    query = (
        db.select(Organization, func.coalesce(members.c.n, 0))
        .outerjoin(members, members.c.organization_id == Organization.id)
        .order_by(Organization.name_folded, Organization.id)
    )
    return [(row, count) for row, count in db.session.execute(query)]


def get_organization(organization_id: int) -> Organization:
    row = db.session.get(Organization, organization_id)
    if row is None:
        raise NotFound(_l("This organization does not exist."))
    return row


def members(organization: Organization) -> list[Membership]:
    return list(
        db.session.scalars(
            db.select(Membership)
            .join(Contact, Contact.id == Membership.contact_id)
            .where(Membership.organization_id == organization.id, Contact.deleted_at.is_(None))
            .order_by(Contact.name_folded)
        )
    )


@dataclass
class OrganizationData:
    name: str
    kind: str = OrganizationKind.OTHER.value
    country: str = ""
    city: str = ""
    website: str = ""


def update_organization(row: Organization, data: OrganizationData, *, actor: User) -> dict:
    errors: dict[str, list] = {}
    values = {
        "name": validation.text(data.name, "organization", errors),
        "kind": validation.choice(
            data.kind,
            "kind",
            list(OrganizationKind),
            errors,
            _l("Choose the kind of organization."),
        ),
        "country": validation.country(data.country, errors) if data.country else None,
        "city": validation.text(data.city, "city", errors),
        "website": validation.website(data.website, errors),
    }
    if "organization" in errors:
        errors["name"] = errors.pop("organization")
    if not values["name"]:
        errors.setdefault("name", []).append(_l("Enter the organization's name."))
    if errors:
        raise ValidationFailed(errors)
    before = {key: getattr(row, key) for key in values}
    for key, value in values.items():
        setattr(row, key, value)
    row.name_folded = word_key(row.name)
    changes = audit.diff(before, values)
    if changes:
        db.session.flush()
        audit.record(
            "organization.update",
            actor=actor,
            target_type="organization",
            target_id=row.id,
            details={"changes": changes},
        )
    return changes
