"""A quick first look for likely duplicates of many rows at once.

``find_duplicates`` runs several queries per record: right for a form, slow for 50,000 rows.
``DuplicateScreen`` loads what it compares by (emails, phones, and the names, cities and
birth years of live contacts) once, and answers "could this row have a duplicate?" without a
query. It is conservative: it says yes whenever ``find_duplicates`` could find something, and
the import then asks ``find_duplicates`` itself for the reasons, so the answer shown is the
registry's one rule.
"""

from __future__ import annotations

from collections import defaultdict

from rapidfuzz import fuzz, process
from sqlalchemy import select

from diaspora.contacts.duplicates import SIMILAR_NAME_SCORE, Probe
from diaspora.extensions import db
from diaspora.models import Contact, ContactEmail, ContactPhone


class DuplicateScreen:
    def __init__(self) -> None:
        live = (Contact.deleted_at.is_(None),)
        self.emails = set(db.session.scalars(select(ContactEmail.email).join(Contact).where(*live)))
        self.phones = set(db.session.scalars(select(ContactPhone.e164).join(Contact).where(*live)))
        self.names: set[tuple[str, str]] = set()
        self.by_city: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.by_year: dict[tuple[str, int], list[str]] = defaultdict(list)
        rows = db.session.execute(
            select(
                Contact.country, Contact.name_folded, Contact.city_folded, Contact.birth_year
            ).where(*live)
        )
        for country, name, city, year in rows:
            self.names.add((country, name))
            if city:
                self.by_city[(country, city)].append(name)
            if year:
                self.by_year[(country, year)].append(name)

    def may_match(self, probe: Probe) -> bool:
        if any(email in self.emails for email in probe.emails):
            return True
        if any(phone in self.phones for phone in probe.phones):
            return True
        if not (probe.country and probe.name_key):
            return False
        names = [probe.name_key] + ([probe.foreign_key] if probe.foreign_key else [])
        if any((probe.country, name) in self.names for name in names):
            return True
        buckets = []
        if probe.city_key:
            buckets.append(self.by_city.get((probe.country, probe.city_key), ()))
        if probe.birth_year:
            buckets.append(self.by_year.get((probe.country, probe.birth_year), ()))
        for bucket in buckets:
            if bucket and process.extractOne(
                probe.name_key,
                bucket,
                scorer=fuzz.token_sort_ratio,
                score_cutoff=SIMILAR_NAME_SCORE,
            ):
                return True
        return False
