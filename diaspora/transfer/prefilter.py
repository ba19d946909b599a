"""Likely duplicates of many rows at once, without a query per row.

``find_duplicates`` runs several queries per record: right for a form, slow for 50,000 rows.
``DuplicateScreen`` loads what it compares by (emails, phones, and the folded names, cities
and birth years of live contacts) once, and applies the same rules as
``diaspora.contacts.duplicates.find_duplicates`` in memory: the same email or phone (strong);
the same folded name in the same country; a close name (``token_sort_ratio`` ≥
``SIMILAR_NAME_SCORE``) in the same country with the same city or birth year; with the same
reasons, strengths and order. The preview screens every row with it; the commit screens
again with a new screen loaded inside its own transaction (``find`` through
``contacts.duplicates.found_by``) and tells it of every record it writes (``learn``), so that
each row is compared with the registry as it is at that moment, as ``find_duplicates`` would.
``tests/test_transfer_import.py`` checks the two give the same answers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import select

from diaspora.contacts.duplicates import (
    MAX_MATCHES,
    POSSIBLE,
    SIMILAR_NAME_SCORE,
    STRONG,
    DuplicateMatch,
    Probe,
)
from diaspora.extensions import db
from diaspora.models import Contact, ContactEmail, ContactPhone

REASON_ORDER = ("email", "phone", "same_name", "similar_name", "same_city", "same_birth_year")


@dataclass
class ScreenMatch:
    contact_id: int
    version: int
    strength: str
    reasons: list[str]
    score: float


class DuplicateScreen:
    def __init__(self) -> None:
        live = (Contact.deleted_at.is_(None), Contact.erased_at.is_(None))
        self.emails: dict[str, list[int]] = defaultdict(list)
        self.phones: dict[str, list[int]] = defaultdict(list)
        # What each record is listed under, so that ``learn`` can take an edited one out.
        self.keys: dict[int, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
        for email, contact_id in db.session.execute(
            select(ContactEmail.email, ContactEmail.contact_id).join(Contact).where(*live)
        ):
            self.emails[email].append(contact_id)
            self.keys[contact_id][0].append(email)
        for phone, contact_id in db.session.execute(
            select(ContactPhone.e164, ContactPhone.contact_id).join(Contact).where(*live)
        ):
            self.phones[phone].append(contact_id)
            self.keys[contact_id][1].append(phone)
        self.names: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.by_city: dict[tuple[str, str], tuple[list[int], list[str]]] = {}
        self.by_year: dict[tuple[str, int], tuple[list[int], list[str]]] = {}
        # contact id → (country, folded name, folded city, birth year, version)
        self.details: dict[int, tuple[str, str, str, int | None, int]] = {}
        rows = db.session.execute(
            select(
                Contact.id,
                Contact.country,
                Contact.name_folded,
                Contact.city_folded,
                Contact.birth_year,
                Contact.version,
            ).where(*live)
        )
        for contact_id, country, name, city, year, version in rows:
            self._add(contact_id, country, name, city, year, version)

    def _add(
        self, contact_id: int, country: str, name: str, city: str, year: int | None, version: int
    ) -> None:
        self.names[(country, name)].append(contact_id)
        self.details[contact_id] = (country, name, city, year, version)
        if city:
            ids, names = self.by_city.setdefault((country, city), ([], []))
            ids.append(contact_id)
            names.append(name)
        if year:
            ids, names = self.by_year.setdefault((country, year), ([], []))
            ids.append(contact_id)
            names.append(name)

    def _forget(self, contact_id: int) -> None:
        emails, phones = self.keys.pop(contact_id, ([], []))
        for email in emails:
            self.emails[email].remove(contact_id)
        for phone in phones:
            self.phones[phone].remove(contact_id)
        if contact_id not in self.details:
            return
        country, name, city, year, _version = self.details.pop(contact_id)
        self.names[(country, name)].remove(contact_id)
        for bucket in (self.by_city.get((country, city)), self.by_year.get((country, year))):
            if bucket is not None and contact_id in bucket[0]:
                index = bucket[0].index(contact_id)
                del bucket[0][index], bucket[1][index]

    def learn(self, contact: Contact) -> None:
        """Take in a record as it is now (created or edited since the screen was loaded)."""
        self._forget(contact.id)
        if contact.is_deleted or contact.is_erased:
            return
        emails, phones = list(contact.email_addresses), list(contact.phone_numbers)
        for email in emails:
            self.emails[email].append(contact.id)
        for phone in phones:
            self.phones[phone].append(contact.id)
        self.keys[contact.id] = (emails, phones)
        self._add(
            contact.id,
            contact.country,
            contact.name_folded,
            contact.city_folded,
            contact.birth_year,
            contact.version,
        )

    def find(self, probe: Probe, *, exclude_id: int | None = None) -> list[DuplicateMatch]:
        """``find_duplicates`` answered from the screen (for ``contacts.duplicates.found_by``);
        only the records matched are read from the database."""
        matches = self.matches(probe, exclude_id=exclude_id)
        if not matches:
            return []
        contacts = {
            contact.id: contact
            for contact in db.session.scalars(
                select(Contact).where(Contact.id.in_([m.contact_id for m in matches]))
            )
        }
        return [
            DuplicateMatch(contacts[m.contact_id], m.strength, m.reasons, m.score)
            for m in matches
            if m.contact_id in contacts
        ]

    def matches(self, probe: Probe, *, exclude_id: int | None = None) -> list[ScreenMatch]:
        found: dict[int, tuple[set[str], float]] = {}

        def note(contact_id: int, reason: str, score: float) -> None:
            if contact_id == exclude_id:
                return
            reasons, best = found.setdefault(contact_id, (set(), 0.0))
            reasons.add(reason)
            found[contact_id] = (reasons, max(best, score))

        for email in probe.emails:
            for contact_id in self.emails.get(email, ()):
                note(contact_id, "email", 100)
        for phone in probe.phones:
            for contact_id in self.phones.get(phone, ()):
                note(contact_id, "phone", 100)
        if probe.country and probe.name_key:
            names = [probe.name_key] + ([probe.foreign_key] if probe.foreign_key else [])
            for name in names:
                for contact_id in self.names.get((probe.country, name), ()):
                    note(contact_id, "same_name", 100)
            buckets = []
            if probe.city_key:
                buckets.append(self.by_city.get((probe.country, probe.city_key)))
            if probe.birth_year:
                buckets.append(self.by_year.get((probe.country, probe.birth_year)))
            for bucket in buckets:
                if not bucket:
                    continue
                ids, bucket_names = bucket
                for name, score, index in process.extract(
                    probe.name_key,
                    bucket_names,
                    scorer=fuzz.token_sort_ratio,
                    score_cutoff=SIMILAR_NAME_SCORE,
                    limit=None,
                ):
                    if name != probe.name_key:
                        note(ids[index], "similar_name", score)
        result = []
        for contact_id, (reasons, score) in found.items():
            _country, _name, city, year, version = self.details.get(
                contact_id, ("", "", "", None, 0)
            )
            if probe.city_key and city == probe.city_key:
                reasons.add("same_city")
            if probe.birth_year and year == probe.birth_year:
                reasons.add("same_birth_year")
            strength = STRONG if reasons & {"email", "phone"} else POSSIBLE
            ordered = [reason for reason in REASON_ORDER if reason in reasons]
            result.append(ScreenMatch(contact_id, version, strength, ordered, score))
        result.sort(key=lambda m: (m.strength != STRONG, -m.score, m.contact_id))
        return result[:MAX_MATCHES]
