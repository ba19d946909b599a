"""Filling the registry with fictional people, fast: the demo command and the benchmarks.

Rows go in with bulk inserts (not one service call per person) and are marked ``fictional``;
the search index entries are built by the same ``build_document`` the services use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select

from diaspora.audit import services as audit
from diaspora.collation import name_sort_key
from diaspora.demo.generator import FictionalContact, generate
from diaspora.errors import Conflict
from diaspora.extensions import db
from diaspora.models import (
    Contact,
    ContactEmail,
    ContactExpertise,
    ContactLanguage,
    ExpertiseField,
    User,
)
from diaspora.search.backends import backend_for
from diaspora.search.documents import build_document
from diaspora.text import fold, word_key, word_prefix_text


def real_contact_count() -> int:
    return db.session.scalar(select(func.count(Contact.id)).where(Contact.fictional.is_(False)))


@dataclass
class _Field:
    id: int
    code: str
    codes: list[str]  # itself and its parent, for the index tags
    text: str  # names in both languages, its own and its parent's


def _leaf_fields() -> dict[str, _Field]:
    rows = db.session.scalars(select(ExpertiseField).where(ExpertiseField.active.is_(True))).all()
    leaves = {}
    for row in rows:
        if row.parent is None:
            continue
        leaves[row.code] = _Field(
            id=row.id,
            code=row.code,
            codes=[row.code, row.parent.code],
            text=" ".join([row.name_vi, row.name_en, row.parent.name_vi, row.parent.name_en]),
        )
    return leaves


def seed_demo(
    count: int,
    *,
    seed: int = 2026,
    actor: User | None = None,
    force: bool = False,
    batch: int = 2000,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Add ``count`` fictional contacts. Refuses when real contacts exist, unless forced."""
    if count < 1:
        raise Conflict(_l("Give a number of contacts of at least 1."))
    if not force and real_contact_count():
        raise Conflict(
            _l("The registry already holds real contacts; sample data is refused (use --force).")
        )
    fields = _leaf_fields()
    if not fields:
        raise Conflict(_l("Load the reference data first: flask --app diaspora seed reference"))
    people = generate(count, seed=seed, field_codes=sorted(fields))
    done = 0
    while done < count:
        chunk = [person for _, person in zip(range(min(batch, count - done)), people, strict=False)]
        _insert(chunk, fields, seed=seed, offset=done)
        done += len(chunk)
        if progress:
            progress(done, count)
    audit.record(
        "demo.seed", actor=actor, target_type="contact", details={"count": count, "seed": seed}
    )
    db.session.flush()
    return count


DEMO_LEGAL_NOTE = "Dữ liệu mẫu hư cấu / fictional sample data"


def _has_legal_basis(number: int) -> bool:
    """Three in four sample people have a legal basis, so exports and outreach have people to
    work with and the "pending" screens have some too. Taken from the number, not the random
    generator, so the same seed still gives the same people."""
    return number % 4 != 3


def _contact_row(person: FictionalContact, *, seed: int, number: int) -> dict:
    legal = _has_legal_basis(number)
    return {
        "full_name": person.full_name,
        "foreign_name": person.other_names[0] if person.other_names else "",
        "former_names": "",
        "gender": person.gender,
        "birth_year": person.birth_year,
        "origin_commune": "",
        "origin_district_old": person.origin_district,
        "country": person.country,
        "city": person.city,
        "occupation": person.occupation,
        "employer": person.employer,
        "preferred_language": "vi",
        "willing_advise": person.willing["advise"],
        "willing_invest": person.willing["invest"],
        "willing_host_delegation": person.willing["host_delegation"],
        "willing_promote_products": person.willing["promote_products"],
        "willing_teach": person.willing["teach"],
        "source": "import",
        "source_note": f"demo seed {seed} #{number}",
        "status": "active",
        "legal_basis": "state_function" if legal else None,
        "legal_basis_note": DEMO_LEGAL_NOTE if legal else "",
        "fictional": True,
        "name_folded": word_key(person.full_name)[:200],
        "names_folded": word_prefix_text(person.full_name, *person.other_names),
        "city_folded": word_key(person.city)[:120],
        "name_sort": name_sort_key(person.full_name),
    }


def _insert(people: list[FictionalContact], fields: dict[str, _Field], *, seed: int, offset: int):
    table = Contact.__table__
    rows = [_contact_row(p, seed=seed, number=offset + i) for i, p in enumerate(people)]
    ids = list(
        db.session.scalars(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
    )
    emails, languages, expertise, documents = [], [], [], []
    for number, (contact_id, person) in enumerate(zip(ids, people, strict=True), start=offset):
        if person.email:
            emails.append({"contact_id": contact_id, "email": person.email, "position": 0})
        for position, code in enumerate(person.languages):
            languages.append({"contact_id": contact_id, "code": code, "position": position})
        chosen = [fields[code] for code in person.field_codes]
        for entry in chosen:
            expertise.append({"contact_id": contact_id, "field_id": entry.id})
        searchable = " ".join(
            fold(part)
            for part in [
                person.full_name,
                *person.other_names,
                person.occupation,
                person.employer,
                person.city,
                *(entry.text for entry in chosen),
            ]
        )
        documents.append(
            build_document(
                contact_id,
                names=[person.full_name, *person.other_names],
                searchable=searchable,
                notes="",
                country=person.country,
                status="active",
                has_legal_basis=_has_legal_basis(number),
                field_codes=[code for entry in chosen for code in entry.codes],
                category_codes=[],
                language_codes=person.languages,
                willing=[flag for flag, on in person.willing.items() if on],
            )
        )
    for model, values in (
        (ContactEmail, emails),
        (ContactLanguage, languages),
        (ContactExpertise, expertise),
    ):
        if values:
            db.session.execute(insert(model.__table__), values)
    connection = db.session.connection()
    backend_for(connection.dialect.name).insert_many(connection, documents)
