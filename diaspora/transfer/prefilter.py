"""Likely duplicates of many rows at once, without a query per row.

``find_duplicates`` runs several queries per record: right for a form, slow for 50,000 rows.
``DuplicateScreen`` loads what it compares by (emails, phones, and the folded names, cities
and birth years of live contacts) once, and applies the same rules as
``diaspora.contacts.duplicates.find_duplicates`` in memory: the same email or phone (strong);
the same folded name in the same country; a close name (``token_sort_ratio`` ≥
``SIMILAR_NAME_SCORE``) in the same country with the same city or birth year; with the same
reasons, strengths and order. The commit goes through ``create_contact``, which asks
``find_duplicates`` itself, so a difference could only stop a commit, never let a duplicate in.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import select

from diaspora.contacts.duplicates import MAX_MATCHES, POSSIBLE, SIMILAR_NAME_SCORE, STRONG, Probe
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
        live = (Contact.deleted_at.is_(None),)
        self.emails: dict[str, list[int]] = defaultdict(list)
        self.phones: dict[str, list[int]] = defaultdict(list)
        for email, contact_id in db.session.execute(
            select(ContactEmail.email, ContactEmail.contact_id).join(Contact).where(*live)
        ):
            self.emails[email].append(contact_id)
        for phone, contact_id in db.session.execute(
            select(ContactPhone.e164, ContactPhone.contact_id).join(Contact).where(*live)
        ):
            self.phones[phone].append(contact_id)
        self.names: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.by_city: dict[tuple[str, str], tuple[list[int], list[str]]] = {}
        self.by_year: dict[tuple[str, int], tuple[list[int], list[str]]] = {}
        self.details: dict[int, tuple[str, int | None, int]] = {}
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
            self.names[(country, name)].append(contact_id)
            self.details[contact_id] = (city, year, version)
            if city:
                ids, names = self.by_city.setdefault((country, city), ([], []))
                ids.append(contact_id)
                names.append(name)
            if year:
                ids, names = self.by_year.setdefault((country, year), ([], []))
                ids.append(contact_id)
                names.append(name)

    def matches(self, probe: Probe) -> list[ScreenMatch]:
        found: dict[int, tuple[set[str], float]] = {}

        def note(contact_id: int, reason: str, score: float) -> None:
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
            city, year, version = self.details.get(contact_id, ("", None, 0))
            if probe.city_key and city == probe.city_key:
                reasons.add("same_city")
            if probe.birth_year and year == probe.birth_year:
                reasons.add("same_birth_year")
            strength = STRONG if reasons & {"email", "phone"} else POSSIBLE
            ordered = [reason for reason in REASON_ORDER if reason in reasons]
            result.append(ScreenMatch(contact_id, version, strength, ordered, score))
        result.sort(key=lambda m: (m.strength != STRONG, -m.score, m.contact_id))
        return result[:MAX_MATCHES]
