"""Imports: the journey, matches, the all-or-nothing commit, undo, the command line, slices
of a large file, the duplicate screen and the search index during a commit.

Bad files, bad rows, encodings and the recognition of headers and values are in
``test_transfer_import_input.py``.
"""

from __future__ import annotations

import pytest

from diaspora.contacts import indexing
from diaspora.contacts.services import create_contact, update_contact
from diaspora.extensions import db as _db
from diaspora.models import Contact, ImportBatch, ImportRow
from diaspora.search.backends import INDEX_TABLE
from tests.contact_helpers import data, new_user
from tests.import_pages import (
    HEADER,
    ROWS,
    analysed,
    batch,
    batch_id,
    confirm_mapping,
    existing,
    import_file,
    messages,
    state,
    upload,
)
from tests.transfer_helpers import (
    csv_bytes,
    xlsx_bytes,
)

pytestmark = pytest.mark.usefixtures("seeded")


# --- the whole journey ---


def test_csv_import_journey(app, client, login_as):
    login_as("officer")
    bid = import_file(client, csv_bytes([HEADER, *ROWS]))
    page = analysed(client, bid)
    assert batch(app, bid).counts == {"new": 4, "match": 0, "error": 0}
    assert "Nguyễn Văn An" in page
    before = state(app)
    response = client.post(f"/imports/{bid}/commit", data={})
    assert response.status_code == 302
    with app.app_context():
        contacts = _db.session.scalars(_db.select(Contact).order_by(Contact.id)).all()
        assert [c.country for c in contacts] == ["JP", "JP", "DE", "JP"]
        an = contacts[0]
        assert an.source == "import" and f"Import #{bid}" in an.source_note
        assert an.legal_basis is None  # pending: the file has no consent column
        assert an.phone_numbers == ["+819012345678"]  # normalised with the row's country
        assert [row.field.name_vi for row in an.expertise] == ["Du lịch"]
    assert state(app) != before
    assert batch(app, bid).status == "committed"


def test_consent_columns_give_a_legal_basis(app, client, login_as):
    login_as("officer")
    header = ["Full name", "Country", "Consent", "Consent date", "Evidence"]
    body = csv_bytes([header, ["Helen Nguyen", "Australia", "yes", "15/03/2025", "Phiếu số 7"]])
    bid = import_file(client, body)
    client.post(f"/imports/{bid}/commit", data={})
    with app.app_context():
        contact = _db.session.scalar(_db.select(Contact))
        assert contact.legal_basis == "consent" and contact.country == "AU"
        assert contact.active_consent("store_process").evidence == "Phiếu số 7"


def test_xlsx_with_chosen_sheet(app, client, login_as):
    login_as("officer")
    body = xlsx_bytes([HEADER, ROWS[0]], sheet="Danh sách")
    wrong = upload(client, body, "list.xlsx", sheet="Khác")
    assert "Danh sách" in messages(wrong)
    bid = batch_id(upload(client, body, "list.xlsx", sheet="Danh sách"))
    confirm_mapping(client, bid)
    analysed(client, bid)
    assert batch(app, bid).counts["new"] == 1


def test_saved_mapping_is_proposed_for_the_same_shape(app, client, login_as):
    login_as("officer")
    header = ["Tên", "Nơi ở", "Ghi chú khác"]
    body = csv_bytes([header, ["Nguyễn Văn An", "JP", "x"]])
    bid = batch_id(upload(client, body))
    confirm_mapping(client, bid, column_0="full_name", column_1="country", mapping_name="Sứ quán")
    again = batch_id(upload(client, body, "other.csv"))
    assert batch(app, again).mapping_name == "Sứ quán"
    assert batch(app, again).targets[:2] == ["full_name", "country"]


# --- matches ---


@pytest.mark.parametrize(
    ("action", "city", "occupation", "count"),
    [
        ("fill", "Tokyo", "Cũ", 1),
        ("overwrite", "Tokyo", "Kỹ sư", 1),
        ("skip", "", "Cũ", 1),
        ("create", "", "Cũ", 2),
    ],
)
def test_match_actions(app, client, login_as, action, city, occupation, count):
    contact_id = existing(app)
    login_as("officer")
    bid = import_file(client, csv_bytes([HEADER, ROWS[0]]))
    page = analysed(client, bid)
    assert batch(app, bid).counts["match"] == 1
    assert f"/contacts/{contact_id}" in page
    client.post(f"/imports/{bid}/decisions", data={"default_action": action})
    client.post(f"/imports/{bid}/commit", data={})
    with app.app_context():
        contact = _db.session.get(Contact, contact_id)
        assert (contact.city, contact.occupation) == (city, occupation)
        assert _db.session.scalar(_db.select(_db.func.count(Contact.id))) == count


def test_undo_restores_updates_and_removes_creations(app, client, login_as):
    contact_id = existing(app)
    login_as("officer")
    before = state(app)
    bid = import_file(client, csv_bytes([HEADER, ROWS[0], ROWS[2]]))
    client.post(f"/imports/{bid}/decisions", data={"default_action": "overwrite"})
    client.post(f"/imports/{bid}/commit", data={})
    assert state(app) != before
    client.post(f"/imports/{bid}/undo", data={})
    assert batch(app, bid).status == "undone"
    with app.app_context():
        contact = _db.session.get(Contact, contact_id)
        assert (contact.city, contact.occupation) == ("", "Cũ")
        assert _db.session.scalar(_db.select(_db.func.count(Contact.id))) == 1


@pytest.mark.parametrize("action", ["fill", "overwrite"])
def test_two_rows_matching_the_same_record_commit_and_undo(app, client, login_as, action):
    """Two people of the file with the same name as one record (distinct by city and email):
    the second update is the batch's own change, not "the database changed"; undo restores
    the record as it was before the first."""
    contact_id = existing(app, emails=[])
    login_as("officer")
    before = state(app)
    first = ["Nguyễn Văn An", "Nhật Bản", "Tokyo", "an1@example.org", "", "", "Kỹ sư"]
    second = ["Nguyễn Văn An", "Nhật Bản", "Osaka", "an2@example.org", "", "", "Bác sĩ"]
    bid = import_file(client, csv_bytes([HEADER, first, second]))
    page = analysed(client, bid)
    # Each row says the other matches the same record (lines 2 and 3 of the file).
    assert "Dòng 3 của tệp này cũng khớp với chính hồ sơ này." in page
    assert "Dòng 2 của tệp này cũng khớp với chính hồ sơ này." in page
    with app.app_context():
        rows = _db.session.scalars(
            _db.select(ImportRow).where(ImportRow.batch_id == bid).order_by(ImportRow.position)
        ).all()
        assert [(row.status, row.match_id) for row in rows] == [("match", contact_id)] * 2
    client.post(f"/imports/{bid}/decisions", data={"default_action": action})
    response = client.post(f"/imports/{bid}/commit", data={}, follow_redirects=True)
    assert batch(app, bid).status == "committed", messages(response)
    with app.app_context():
        contact = _db.session.get(Contact, contact_id)
        expected = ("Tokyo", "Cũ") if action == "fill" else ("Osaka", "Bác sĩ")
        assert (contact.city, contact.occupation) == expected
        assert _db.session.scalar(_db.select(_db.func.count(Contact.id))) == 1
    client.post(f"/imports/{bid}/undo", data={})
    assert batch(app, bid).status == "undone"
    with app.app_context():
        contact = _db.session.get(Contact, contact_id)
        assert (contact.city, contact.occupation, contact.email_addresses) == ("", "Cũ", [])
    after = state(app)
    # Every table holds as many rows as before; the record's own row moved on (version).
    before.pop("contacts.rows"), after.pop("contacts.rows")
    assert after == before


def test_undo_refused_once_a_record_was_edited(app, client, login_as):
    login_as("officer")
    bid = import_file(client, csv_bytes([HEADER, ROWS[2]]))
    client.post(f"/imports/{bid}/commit", data={})
    with app.app_context():
        contact = _db.session.scalar(_db.select(Contact))
        update_contact(
            contact,
            data(full_name=contact.full_name, country="DE", city="Leipzig"),
            expected_version=contact.version,
            actor=new_user("officer"),
        )
        _db.session.commit()
    before = state(app)
    response = client.post(f"/imports/{bid}/undo", data={}, follow_redirects=True)
    assert "edited" in messages(response) or "chỉnh sửa" in messages(response)
    assert state(app) == before and batch(app, bid).status == "committed"


def test_same_file_again_needs_confirmation(app, client, login_as):
    login_as("officer")
    body = csv_bytes([HEADER, ROWS[2]])
    first = import_file(client, body)
    client.post(f"/imports/{first}/commit", data={})
    second = import_file(client, body)
    client.post(f"/imports/{second}/decisions", data={"default_action": "create"})
    before = state(app)
    client.post(f"/imports/{second}/commit", data={})
    assert state(app) == before and batch(app, second).status == "preview"
    client.post(f"/imports/{second}/commit", data={"confirm_again": "y"})
    assert batch(app, second).status == "committed"


# --- command line ---


def test_cli_import_dry_run_then_errors_then_commit(app, runner, make_user, tmp_path):
    make_user("admin")
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([HEADER, *ROWS]))
    result = runner.invoke(args=["contacts", "import", str(good), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "4 new" in result.output
    with app.app_context():
        assert _db.session.scalar(_db.select(_db.func.count(Contact.id))) == 0
        assert _db.session.scalar(_db.select(_db.func.count(ImportBatch.id))) == 0
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([HEADER, ROWS[0], ["X", "Atlantis", "", "", "", "", ""]]))
    result = runner.invoke(args=["contacts", "import", str(bad)])
    assert result.exit_code == 1 and "Atlantis" in result.output
    with app.app_context():
        assert _db.session.scalar(_db.select(_db.func.count(Contact.id))) == 0
    result = runner.invoke(args=["contacts", "import", str(bad), "--skip-errors"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert _db.session.scalar(_db.select(_db.func.count(Contact.id))) == 1


def test_viewers_cannot_import(client, login_as):
    login_as("viewer")
    assert client.get("/imports/new").status_code == 403


def test_large_imports_are_committed_from_the_command_line(app, client, runner, login_as):
    user = login_as("officer", locale="en")
    bid = import_file(client, csv_bytes([HEADER, *ROWS]))
    old = app.config["IMPORT_WEB_COMMIT_MAX_ROWS"]
    app.config["IMPORT_WEB_COMMIT_MAX_ROWS"] = 3
    try:
        assert f"contacts commit-import {bid}" in analysed(client, bid)
        before = state(app)
        response = client.post(f"/imports/{bid}/commit", data={}, follow_redirects=True)
        assert "command line" in messages(response)
        assert state(app) == before
    finally:
        app.config["IMPORT_WEB_COMMIT_MAX_ROWS"] = old
    result = runner.invoke(args=["contacts", "commit-import", str(bid), "--user", user.email])
    assert result.exit_code == 0, result.output
    assert "4 created" in result.output
    assert batch(app, bid).status == "committed"


def test_large_files_are_analysed_a_slice_per_request(app, client, login_as):
    login_as("officer", locale="en")
    rows = [[f"Nguyễn Văn Số {number}", "JP", "Tokyo", "", "", "", ""] for number in range(650)]
    bid = batch_id(upload(client, csv_bytes([HEADER, *rows])))
    confirm_mapping(client, bid)
    old = app.config["IMPORT_SECONDS_PER_REQUEST"]
    app.config["IMPORT_SECONDS_PER_REQUEST"] = 0
    try:
        first = analysed(client, bid)
        assert "500 of 650 rows checked" in first and 'id="continue-analysis"' in first
        second = analysed(client, bid)
    finally:
        app.config["IMPORT_SECONDS_PER_REQUEST"] = old
    assert 'id="import-counts"' in second
    assert batch(app, bid).counts == {"new": 650, "match": 0, "error": 0}
    listing = messages(client.get("/imports/"))
    assert "list.csv" in listing and "Ready to import" in listing


# --- the duplicate screen (preview and commit) ---


def test_the_screen_finds_what_find_duplicates_finds(app):
    from diaspora.contacts.duplicates import Probe, find_duplicates
    from diaspora.transfer.prefilter import DuplicateScreen

    with app.app_context():
        actor = new_user("officer")
        people = [
            ("Nguyễn Văn An", "JP", "Tokyo", 1980, ["an@example.org"], []),
            ("Nguyễn Văn Ân", "JP", "Osaka", 1980, [], ["+819012345678"]),
            ("Nguyen Van Anh", "JP", "Tokyo", 1975, [], []),
            ("Trần Thị Bình", "DE", "Berlin", None, ["binh@example.org"], []),
            ("Trần Thị Bình", "FR", "Paris", 1990, [], []),
        ]
        for name, country, city, year, emails, phones in people:
            create_contact(
                data(full_name=name, country=country, city=city, birth_year=year,
                     emails=emails, phones=phones),
                actor=actor, acknowledged=range(1, 10_000),
            )  # fmt: skip
        _db.session.commit()
        screen = DuplicateScreen()
        probes = [
            Probe("nguyen van an", country="JP", city_key="tokyo", birth_year=1980),
            Probe("nguyen van an", country="JP", city_key="kyoto", emails=["binh@example.org"]),
            Probe("tran thi binh", country="DE", phones=["+819012345678"]),
            Probe("le van cuong", country="US", city_key="boston", birth_year=1980),
            Probe("nguyen an van", country="JP", birth_year=1975),
        ]
        for probe in probes:
            expected = [(m.contact.id, m.strength, m.reasons) for m in find_duplicates(probe)]
            got = [(m.contact_id, m.strength, m.reasons) for m in screen.matches(probe)]
            assert got == expected, probe


@pytest.mark.parametrize("how", ["created", "edited"])
def test_a_duplicate_registered_after_the_preview_stops_the_commit(app, client, login_as, how):
    """The preview found the row new; by the commit someone registered the same email. The
    commit screens the registry as it is then: nothing is written and the officer is told."""
    other = existing(app, full_name="Hoàng Thị Mai", emails=[] if how == "edited" else ["x@e.org"])
    login_as("officer")
    bid = import_file(client, csv_bytes([HEADER, ROWS[2], ROWS[0]]))
    analysed(client, bid)
    assert batch(app, bid).counts["new"] == 2
    with app.app_context():
        actor = new_user("officer")
        if how == "created":
            create_contact(data(full_name="An Nguyễn", country="FR", emails=["an@example.org"]),
                           actor=actor)  # fmt: skip
        else:
            contact = _db.session.get(Contact, other)
            update_contact(
                contact,
                data(full_name="Hoàng Thị Mai", country="JP", emails=["an@example.org"]),
                expected_version=contact.version,
                actor=actor,
            )
        _db.session.commit()
    before = state(app, registry=False)
    response = client.post(f"/imports/{bid}/commit", data={}, follow_redirects=True)
    assert "2" in messages(response) and (
        "no longer" in messages(response) or "không còn" in messages(response)
    )
    assert state(app, registry=False) == before and batch(app, bid).status == "preview"


def test_the_screen_learns_what_the_commit_writes(app):
    """After ``learn`` the screen answers as ``find_duplicates`` does on the changed registry:
    a new record, an edited one (old email and name gone), and the record itself excluded."""
    from diaspora.contacts.duplicates import Probe, find_duplicates
    from diaspora.transfer.prefilter import DuplicateScreen

    with app.app_context():
        actor = new_user("officer")
        kept = create_contact(
            data(full_name="Nguyễn Văn An", country="JP", city="Tokyo", birth_year=1980,
                 emails=["an@example.org"]), actor=actor,
        )  # fmt: skip
        screen = DuplicateScreen()
        fresh = create_contact(
            data(full_name="Nguyễn Văn Ánh", country="JP", city="Tokyo", birth_year=1981,
                 phones=["+819012345678"]), actor=actor, acknowledged=[kept.id],
        )  # fmt: skip
        screen.learn(fresh)
        update_contact(
            kept,
            data(full_name="Trần Văn An", country="JP", city="Osaka", birth_year=1980,
                 emails=["an2@example.org"]),
            expected_version=kept.version, actor=actor, acknowledged=[fresh.id],
        )  # fmt: skip
        screen.learn(kept)
        probes = [
            Probe("nguyen van an", country="JP", city_key="tokyo", emails=["an@example.org"]),
            Probe("tran van an", country="JP", city_key="osaka", emails=["an2@example.org"]),
            Probe("x", country="DE", phones=["+819012345678"]),
            Probe("nguyen van anh", country="JP", birth_year=1981),
        ]
        for probe in probes:
            for exclude_id in (None, kept.id, fresh.id):
                expected = [
                    (m.contact.id, m.strength, m.reasons)
                    for m in find_duplicates(probe, exclude_id=exclude_id)
                ]
                got = [
                    (m.contact.id, m.strength, m.reasons)
                    for m in screen.find(probe, exclude_id=exclude_id)
                ]
                assert got == expected, (probe, exclude_id)
        # The edited record is no longer found by its old email and name.
        assert kept.id not in [m.contact.id for m in screen.find(probes[0])]
        _db.session.rollback()


# --- the search index during a commit ---


def _indexed() -> set[int]:
    column = "rowid" if _db.engine.dialect.name == "sqlite" else "contact_id"
    return set(_db.session.scalars(_db.text(f"SELECT {column} FROM {INDEX_TABLE}")))


def test_an_import_indexes_its_contacts_a_chunk_at_a_time(app, client, login_as):
    login_as("officer")
    bid = import_file(client, csv_bytes([HEADER, *ROWS]))
    assert client.post(f"/imports/{bid}/commit", data={}).status_code == 302
    with app.app_context():
        ids = set(_db.session.scalars(_db.select(Contact.id)))
        assert len(ids) == 4 and _indexed() == ids


def test_held_back_changes_are_sent_together_or_not_at_all(app):
    with app.app_context():
        actor = new_user()
        with indexing.held_back() as release:
            first = create_contact(data(full_name="Lê Văn Một"), actor=actor)
            assert first.id not in _indexed()  # held back
            release()
            assert first.id in _indexed()
            second = create_contact(data(full_name="Lê Văn Hai", city="Bonn"), actor=actor)
        assert second.id in _indexed()  # sent on leaving
        with pytest.raises(RuntimeError), indexing.held_back():
            third = create_contact(data(full_name="Lê Văn Ba", city="Köln"), actor=actor)
            raise RuntimeError("the transaction fails")
        assert third.id not in _indexed()  # nothing sent: the caller rolls back
        fourth = create_contact(data(full_name="Lê Văn Bốn", city="Hamburg"), actor=actor)
        assert fourth.id in _indexed()  # outside: indexed at once again
        _db.session.rollback()
