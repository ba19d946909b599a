"""Helpers shared by the tests of self-registration, the review queue and update links."""

from __future__ import annotations

import re
from html import unescape

from diaspora.extensions import db
from diaspora.models import AuditEvent, Contact, Submission
from diaspora.search import services as search
from diaspora.search.query import SearchQuery


def registration(**overrides) -> dict:
    """A valid public registration, as the form posts it."""
    values = {
        "full_name": "Nguyễn Thị Lan",
        "foreign_name": "Lan Nguyen",
        "country": "DE",
        "city": "Leipzig",
        "emails": "lan.nguyen@example.de",
        "occupation": "Kỹ sư môi trường",
        "preferred_language": "en",
        "consent_store_process": "y",
        "consent_outreach": "y",
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


def errors(response) -> list[str]:
    html = response.get_data(as_text=True)
    found = re.findall(r'class="field-error"[^>]*>([^<]*)<', html)
    found += re.findall(r'class="flash flash-error"[^>]*>\s*(?:<p>)?([^<]*)<', html)
    return [unescape(message).strip() for message in found if message.strip()]


def submissions() -> list[Submission]:
    return list(db.session.scalars(db.select(Submission).order_by(Submission.id)))


def contact_count() -> int:
    return db.session.scalar(db.select(db.func.count(Contact.id))) or 0


def found_by_search(text: str) -> list[int]:
    return search.matching_ids(SearchQuery(text=text), actor=None)


def audit_actions() -> list[str]:
    return list(db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)))


def reference_of(response) -> str:
    match = re.search(r'reference-code">([^<]+)<', response.get_data(as_text=True))
    assert match, "no reference on the page"
    return match.group(1)
