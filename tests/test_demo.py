"""Sample data: reproducible, marked fictional, indexed exactly as the services would index it."""

from __future__ import annotations

from sqlalchemy import func, select, text

from diaspora.extensions import db as _db
from diaspora.models import AuditEvent, Contact
from diaspora.search.backends import INDEX_TABLE
from diaspora.search.documents import document_for
from diaspora.search.index import reindex
from diaspora.search.query import SearchQuery
from diaspora.search.services import matching_ids
from tests.contact_helpers import new_user
from tests.search_helpers import add


def _index_rows() -> dict[int, tuple]:
    id_column = "rowid" if _db.session.get_bind().dialect.name == "sqlite" else "contact_id"
    rows = _db.session.execute(
        text(f"SELECT {id_column}, names, body, private FROM {INDEX_TABLE}")
    ).all()
    return {row[0]: tuple(row[1:]) for row in rows}


def test_demo_rows_are_indexed_like_service_rows(db, seeded, runner):
    result = runner.invoke(args=["demo", "seed", "--contacts", "40", "--seed", "7"])
    assert result.exit_code == 0, result.output
    bulk = _index_rows()
    assert len(bulk) == 40
    ids = list(db.session.scalars(select(Contact.id)))
    reindex(ids)  # the services' own path
    assert _index_rows() == bulk
    for contact in db.session.scalars(select(Contact)):
        document = document_for(contact)
        assert (document.names, document.body, document.private) == bulk[contact.id]
        assert contact.fictional


def test_same_seed_same_people(db, seeded, runner):
    runner.invoke(args=["demo", "seed", "--contacts", "5", "--seed", "3"])
    first = list(db.session.scalars(select(Contact.full_name).order_by(Contact.id)))
    db.session.execute(text(f"DELETE FROM {INDEX_TABLE}"))
    for table in ("contact_expertise", "contact_languages", "contact_emails", "contacts"):
        db.session.execute(text(f"DELETE FROM {table}"))
    db.session.commit()
    runner.invoke(args=["demo", "seed", "--contacts", "5", "--seed", "3"])
    assert list(db.session.scalars(select(Contact.full_name).order_by(Contact.id))) == first


def test_refuses_beside_real_contacts_unless_forced(db, seeded, runner):
    officer = new_user("officer")
    add(officer, full_name="Người Thật", country="JP")
    db.session.commit()
    result = runner.invoke(args=["demo", "seed", "--contacts", "5"])
    assert result.exit_code == 1
    assert "real contacts" in result.output or "thật" in result.output
    assert db.session.scalar(select(func.count(Contact.id))) == 1
    result = runner.invoke(args=["demo", "seed", "--contacts", "5", "--force"])
    assert result.exit_code == 0
    assert db.session.scalar(select(func.count(Contact.id))) == 6
    assert (
        db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "demo.seed"))
        == 1
    )


def test_bad_counts_are_refused(db, seeded, runner):
    for value in ("0", "-3", "many", "2000000"):
        result = runner.invoke(args=["demo", "seed", "--contacts", value])
        assert result.exit_code != 0
    assert db.session.scalar(select(func.count(Contact.id))) == 0


def test_demo_people_are_found(db, seeded, runner):
    runner.invoke(args=["demo", "seed", "--contacts", "200", "--seed", "11"])
    officer = new_user("officer")
    nguyen = matching_ids(SearchQuery(text="nguyen"), actor=officer)
    assert 0 < len(nguyen) < 200
    with_names = db.session.scalars(
        select(Contact.id).where(Contact.names_folded.like("% nguyen%"))
    ).all()
    assert sorted(nguyen) == sorted(with_names)


def test_search_rebuild_command(db, seeded, runner):
    runner.invoke(args=["demo", "seed", "--contacts", "10"])
    db.session.execute(text(f"DELETE FROM {INDEX_TABLE}"))
    db.session.commit()
    result = runner.invoke(args=["search", "rebuild", "--if-stale"])
    assert "rebuilt: 10" in result.output
    result = runner.invoke(args=["search", "rebuild", "--if-stale"])
    assert "up to date" in result.output


def test_most_demo_people_have_a_legal_basis_and_the_index_knows_it(db, seeded, runner):
    """Without a legal basis nobody could be exported or written to: a demo registry of only
    pending records would show empty exports."""
    runner.invoke(args=["demo", "seed", "--contacts", "40", "--seed", "7"])
    officer = new_user("officer")
    with_basis = set(db.session.scalars(select(Contact.id).where(Contact.legal_basis.is_not(None))))
    assert len(with_basis) == 30
    assert set(matching_ids(SearchQuery(legal_basis_present=True), actor=officer)) == with_basis
    pending = set(matching_ids(SearchQuery(legal_basis_present=False), actor=officer))
    assert len(pending) == 10 and not pending & with_basis
