"""Helpers shared by the privacy tests: a person whose marker is spread over the database."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from diaspora.audit import services as audit
from diaspora.contacts import merge, services, trash
from diaspora.contacts.data import ConsentInput, MembershipEntry, data_from_contact
from diaspora.engagements import services as engagement_services
from diaspora.engagements.data import ParticipantEntry
from diaspora.extensions import db
from diaspora.models import Contact, ImportBatch, ImportRow, Submission, User
from tests.contact_helpers import data
from tests.engagement_helpers import engagement_data

MARKER = "zqmarkx"
NAME = "Nguyễn Văn Zqmarkx"
PHONE = "+493098765432"


def marked_person(officer: User) -> Contact:
    """A person with the marker in their name, email, address, notes, consent evidence, change
    history, an engagement, a submission, a merged duplicate and another feature's audit event."""
    contact = services.create_contact(
        data(
            full_name=NAME,
            foreign_name="Zqmarkx Nguyen",
            emails=[f"{MARKER}@example.org"],
            phones=[PHONE],
            address=f"{MARKER.title()}straße 5\n10115 Berlin",
            notes=f"Met {MARKER} at the Tết gathering.",
            memberships=[MembershipEntry("Hội người Việt tại Berlin", f"Chair ({MARKER})")],
            categories=["intellectual"],
        ),
        actor=officer,
        consent=ConsentInput(
            purposes=["store_process", "outreach", "sharing"],
            method="paper",
            given_on=date(2026, 1, 5),
            evidence=f"Signed form of {MARKER}, filed in box 3",
            notice_version="2026-01",
        ),
    )
    db.session.flush()
    # An update that leaves history in the audit trail.
    values = data_from_contact(contact)
    values.city = f"{MARKER.title()}dorf"
    services.update_contact(contact, values, expected_version=contact.version, actor=officer)
    # A duplicate, merged into the record (it stays as a deleted row until erasure).
    twin = services.create_contact(
        data(full_name="Zqmarkx Văn Nguyễn", emails=[f"{MARKER}.2@example.org"]),
        actor=officer,
        acknowledged=[contact.id],
    )
    db.session.flush()
    merge.merge_contacts(
        contact,
        twin,
        {},
        survivor_version=contact.version,
        absorbed_version=twin.version,
        actor=officer,
    )
    # A copy of the person in the trash, with the same email: purged with the record.
    copy = services.create_contact(
        data(full_name="Nguyen Van Zqmarkx", country="FR", emails=[f"{MARKER}@example.org"]),
        actor=officer,
        acknowledged=[contact.id],
    )
    trash.delete_contact(copy, actor=officer)
    engagement_services.create_engagement(
        engagement_data(
            [contact],
            title="Meeting in Berlin",
            description=f"Talked with {NAME} about a school.",
            participants=[ParticipantEntry(contact.id, note=f"{MARKER} brought a friend")],
        ),
        actor=officer,
    )
    db.session.add(
        Submission(
            reference="HP-MARK-0001",
            kind="update",
            payload={"full_name": NAME, "notes": f"from {MARKER}"},
            contact_id=contact.id,
        )
    )
    # An import: the person's own row, and another person's row that mentions their email.
    batch = ImportBatch(file_name="hoi-nghi.csv", checksum="0" * 64, kind="csv")
    batch.rows = [
        ImportRow(position=0, line=2, cells=[NAME, f"{MARKER}@example.org"], contact_id=contact.id),
        ImportRow(position=1, line=3, cells=["Lê Văn Khác", f"friend of {MARKER}@example.org"]),
    ]
    db.session.add(batch)
    audit.record(
        "delegation.pack",
        actor=officer,
        target_type="delegation",
        target_id=1,
        details={"purpose": f"Call {NAME} in Berlin", "contacts": [contact.id]},
    )
    db.session.flush()
    return contact


def text_columns_containing(needle: str) -> list[str]:
    """PostgreSQL: every table and text/JSON column whose values contain ``needle``."""
    found = []
    columns = db.session.execute(
        text(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type IN "
            "('text', 'character varying', 'json', 'jsonb', 'ARRAY', 'tsvector')"
        )
    ).all()
    for table, column in columns:
        hit = db.session.scalar(
            text(f'SELECT count(*) FROM "{table}" WHERE CAST("{column}" AS text) ILIKE :n'),
            {"n": f"%{needle}%"},
        )
        if hit:
            found.append(f"{table}.{column}")
    return found
