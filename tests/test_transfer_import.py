"""Imports: safe reading, encodings, mapping, preview, all-or-nothing commit, undo, CLI.

Every bad input is refused with a message, and the registry is checked unchanged.
"""

from __future__ import annotations

import io
import re
from html import unescape

import pytest

from diaspora.contacts import indexing
from diaspora.contacts.services import create_contact, update_contact
from diaspora.extensions import db as _db
from diaspora.models import Contact, ImportBatch, ImportRow
from diaspora.search.backends import INDEX_TABLE
from diaspora.text import word_key
from diaspora.transfer.encodings import encode_tcvn3, encode_vni
from tests.conftest import login
from tests.contact_helpers import data, new_user
from tests.transfer_helpers import (
    cp1258,
    csv_bytes,
    full_state,
    registry_state,
    rezip,
    xlsx_bytes,
)

pytestmark = pytest.mark.usefixtures("seeded")

HEADER = ["Họ và tên", "Quốc gia", "Thành phố", "Email", "Điện thoại", "Lĩnh vực", "Nghề nghiệp"]
ROWS = [
    ["Nguyễn Văn An", "Nhật Bản", "Tokyo", "an@example.org", "090-1234-5678", "Du lịch", "Kỹ sư"],
    ["Trần Thị Bình", "Japan", "Osaka", "binh@example.org", "+81 80 1111 2222", "", "Bác sĩ"],
    ["Lê Minh Châu", "DE", "Berlin", "", "", "", ""],
    ["Phạm Quốc Dũng", "Nhật", "Nagoya", "", "", "", ""],
]


def upload(client, body: bytes, name: str = "list.csv", sheet: str = ""):
    return client.post(
        "/imports/new",
        data={"file": (io.BytesIO(body), name), "sheet": sheet},
        content_type="multipart/form-data",
    )


def batch_id(response) -> int:
    assert response.status_code == 302, messages(response)
    return int(re.search(r"/imports/(\d+)", response.headers["Location"]).group(1))


def messages(response) -> str:
    return unescape(response.get_data(as_text=True))


def confirm_mapping(client, bid: int, **overrides):
    page = client.get(f"/imports/{bid}/mapping").get_data(as_text=True)
    chosen = dict(
        re.findall(r'<select id="(column_\d+)".*?<option selected value="([^"]*)"', page, re.S)
    )
    chosen.update(overrides)
    return client.post(f"/imports/{bid}/mapping", data=chosen)


def analysed(client, bid: int) -> str:
    return messages(client.get(f"/imports/{bid}"))


def import_file(client, body: bytes, name: str = "list.csv", **mapping) -> int:
    bid = batch_id(upload(client, body, name))
    assert confirm_mapping(client, bid, **mapping).status_code == 302
    analysed(client, bid)
    return bid


def state(app, registry: bool = True) -> dict:
    with app.app_context():
        return registry_state() if registry else full_state()


def batch(app, bid: int) -> ImportBatch:
    with app.app_context():
        row = _db.session.get(ImportBatch, bid)
        _db.session.expunge(row)
        return row


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


def existing(app, **overrides) -> int:
    with app.app_context():
        actor = new_user("officer")
        values = {"full_name": "Nguyễn Văn An", "country": "JP", "city": "", "occupation": "Cũ",
                  "emails": ["an@example.org"]}  # fmt: skip
        values.update(overrides)
        contact = create_contact(data(**values), actor=actor)
        _db.session.commit()
        return contact.id


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


# --- bad input: refused at upload, nothing written at all ---


def zip_bomb() -> bytes:
    base = xlsx_bytes([HEADER, ROWS[0]])
    return rezip(base, add={"xl/media/padding.bin": b"\0" * 30_000_000})


def entity_bomb() -> bytes:
    base = xlsx_bytes([HEADER, ROWS[0]])
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    return rezip(base, replace={"xl/worksheets/sheet1.xml": bomb})


def macro_workbook() -> bytes:
    return rezip(xlsx_bytes([HEADER, ROWS[0]]), add={"xl/vbaProject.bin": b"\x01" * 100})


@pytest.mark.parametrize(
    ("name", "body", "expected"),
    [
        ("empty.csv", b"", "empty|trống"),
        ("headers.csv", csv_bytes([HEADER]), "no rows|không có dòng"),
        ("wide.csv", ("," * 100_000 + "\n1,2\n").encode(), "100001|100,001|100.001"),
        ("report.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        ("report.xlsx", b"%PDF-1.7\n1 0 obj", "PDF"),
        ("list.xlsm", xlsx_bytes([HEADER]), "macro"),
        ("list.xlsx", None, "zip bomb|quả bom zip"),
        ("list.xlsx", "entity", "entity|thực thể"),
        ("list.xlsx", "macro", "macro"),
        ("list.csv", "zipped", "zip"),
        ("photo.png", b"\x89PNG\r\n", ".csv|.xlsx"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_written(app, client, login_as, name, body, expected):
    login_as("officer", locale="en")
    if body is None:
        body = zip_bomb()
    elif body == "entity":
        body = entity_bomb()
    elif body == "macro":
        body = macro_workbook()
    elif body == "zipped":
        body = xlsx_bytes([HEADER, ROWS[0]])
    before = state(app, registry=False)
    response = upload(client, body, name)
    assert response.status_code == 422
    assert re.search(expected, messages(response), re.I), messages(response)[-2000:]
    assert state(app, registry=False) == before


def test_file_larger_than_the_limit(app, client, login_as):
    login_as("officer", locale="en")
    before = state(app, registry=False)
    old = app.config["IMPORT_MAX_BYTES"]
    app.config["IMPORT_MAX_BYTES"] = 1000
    try:
        response = upload(client, csv_bytes([HEADER] + [ROWS[0]] * 50))
    finally:
        app.config["IMPORT_MAX_BYTES"] = old
    assert response.status_code == 422 and "larger than" in messages(response)
    assert state(app, registry=False) == before


def test_huge_upload_gets_the_413_page(app, client, login_as):
    login_as("officer", locale="en")
    before = state(app, registry=False)
    old = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 2000
    try:
        response = upload(client, b"a,b\n" * 5000)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = old
    assert response.status_code == 413
    assert "too large" in messages(response)
    assert state(app, registry=False) == before


def test_a_file_near_the_limit_gets_the_import_message_not_a_413(app, make_app, make_user):
    """The multipart body is larger than the file in it: the request limit leaves room."""
    user = make_user("officer", locale="en")
    # Small figures: bodies over 500 kB would be spooled to temporary files by the test client.
    other = make_app(IMPORT_MAX_BYTES=20_000, UPLOAD_OVERHEAD_BYTES=4096, MAX_CONTENT_LENGTH=None)
    assert other.config["MAX_CONTENT_LENGTH"] == 24_096
    client = other.test_client()
    login(client, user.email)
    row = csv_bytes([ROWS[0]])
    at_limit = csv_bytes([HEADER]) + row * ((20_000 - len(csv_bytes([HEADER]))) // len(row))
    at_limit += b" " * (20_000 - len(at_limit))
    before = state(app, registry=False)
    response = upload(client, at_limit)
    assert response.status_code == 302, messages(response)[-2000:]  # read, to the mapping step
    over = upload(client, at_limit + b"x")
    assert over.status_code == 422 and "larger than" in messages(over)
    huge = upload(client, b"a,b\n" * (other.config["MAX_CONTENT_LENGTH"] // 4 + 1))
    assert huge.status_code == 413 and "too large" in messages(huge)
    after = state(app, registry=False)
    assert after["contacts"] == before["contacts"]


def test_mixed_encodings_are_refused(app, client, login_as):
    login_as("officer", locale="en")
    body = csv_bytes([HEADER, ROWS[0]]) + cp1258("Ngô Thị Lan,Úc,Sydney,,,,\r\n")
    before = state(app, registry=False)
    response = upload(client, body)
    assert response.status_code == 422 and "mixes text encodings" in messages(response)
    assert state(app, registry=False) == before


# --- bad rows: shown in the preview; the commit writes nothing ---


def test_bad_rows_block_the_commit(app, client, login_as):
    login_as("officer", locale="en")
    rows = [
        HEADER,
        ROWS[0],
        ['=HYPERLINK("http://evil","x")', "JP", "", "", "", "", ""],
        ["Đỗ Văn Em", "Atlantis", "", "", "", "", ""],
        ["Hồ Thị Gấm", "JP", "", "", "", "", "@SUM(1+1)*cmd|' /C calc'!A0"],
        ROWS[0],  # the same person twice
        ["Vũ Thị Hoa", "JP", "", "not-an-email", "123", "Thuật giả kim", ""],
    ]
    bid = import_file(client, csv_bytes(rows))
    page = analysed(client, bid)
    assert batch(app, bid).counts == {"new": 1, "match": 0, "error": 5}
    for text in ("formula", "“Atlantis” is not a country", "same person as row 2",
                 "not a valid email", "Thuật giả kim"):  # fmt: skip
        assert text.lower() in page.lower(), text
    before = state(app)
    response = client.post(f"/imports/{bid}/commit", data={}, follow_redirects=True)
    assert "5 rows are in error" in messages(response)
    assert state(app) == before
    failed = client.get(f"/imports/{bid}/failed.csv")
    assert failed.headers["Content-Disposition"].startswith("attachment")
    text = failed.get_data().decode("utf-8-sig")
    assert "Atlantis" in text and "'=HYPERLINK" in text and text.count("\r\n") == 6
    client.post(f"/imports/{bid}/commit", data={"skip_errors": "y"})
    with app.app_context():
        assert _db.session.scalar(_db.select(_db.func.count(Contact.id))) == 1


def test_formula_cells_in_xlsx_are_refused(app, client, login_as):
    login_as("officer", locale="en")
    bid = import_file(
        client, xlsx_bytes([HEADER, ["Lý Văn Phúc", "JP", "=A1", "", "", "", ""]]), "f.xlsx"
    )
    assert "formula" in analysed(client, bid)
    assert batch(app, bid).counts["error"] == 1


# --- encodings ---

NAMES = [
    ["Họ và tên", "Quốc gia"],
    ["Nguyễn Văn Đức", "Nhật Bản"],
    ["Trần Thị Hồng Nhung", "Hàn Quốc"],
    ["Phạm Thị Thu Hường", "Đức"],
]


@pytest.mark.parametrize(
    ("body", "encoding"),
    [
        (csv_bytes(NAMES, "utf-8-sig"), "UTF-8 (BOM)"),
        (csv_bytes(NAMES, "utf-16"), "UTF-16"),
        (cp1258(csv_bytes(NAMES).decode()), "Windows-1258"),
        (encode_tcvn3(csv_bytes(NAMES).decode()), "TCVN3 (ABC)"),
        (encode_vni(csv_bytes(NAMES).decode()).encode("cp1252"), "VNI"),
        (encode_tcvn3(csv_bytes(NAMES).decode()).decode("cp1252").encode("utf-8"), "TCVN3 (ABC)"),
    ],
)
def test_encodings_are_detected_and_converted(app, client, login_as, body, encoding):
    login_as("officer")
    bid = batch_id(upload(client, body))
    found = batch(app, bid)
    assert found.encoding == encoding
    assert found.headers == ["Họ và tên", "Quốc gia"]
    confirm_mapping(client, bid)
    page = analysed(client, bid)
    assert "Phạm Thị Thu Hường" in page and "Nguyễn Văn Đức" in page
    assert batch(app, bid).counts["new"] == 3


def test_windows_1252_is_not_read_as_windows_1258(app, client, login_as):
    """Western European Excel saves CSV as Windows-1252: ã, õ, ì, ý stay what they are."""
    login_as("officer")
    rows = [
        ["Full name", "Country", "City"],
        ["João Gonçalves", "BR", "São Paulo"],
        ["Inês Simões", "PT", "Lisboa"],
        ["Niccolò Lunedì", "IT", "Forlì"],
        ["Ýrr Þórsdóttir", "IS", "Reykjavík"],
    ]
    bid = batch_id(upload(client, csv_bytes(rows, "cp1252")))
    assert batch(app, bid).encoding == "Windows-1252"
    confirm_mapping(client, bid)
    page = analysed(client, bid)
    for name in ("João Gonçalves", "Inês Simões", "Niccolò Lunedì", "Ýrr Þórsdóttir"):
        assert name in page
    # Vietnamese saved by Vietnamese Windows (tone marks combined) is still Windows-1258.
    bid = batch_id(
        upload(client, cp1258(csv_bytes([*rows[:1], ["Ngô Thị Lan", "AU", "Úc"]]).decode()))
    )
    assert batch(app, bid).encoding == "Windows-1258"


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


def test_headers_are_recognised_in_both_languages():
    from diaspora.transfer.mapping import propose

    headers = ["STT", "Họ tên", "Nước", "SĐT", "E-mail", "Chuyên môn", "Nghề nghiệp",
               "Đơn vị công tác", "Full name", "Country", "Phone", "Lĩnh vực"]  # fmt: skip
    assert propose(headers) == [
        "", "full_name", "country", "phone", "email", "expertise", "occupation", "employer",
        "", "", "phone", "expertise",
    ]  # fmt: skip
    assert propose(["Full name", "Country of residence", "Mobile phone"]) == [
        "full_name",
        "country",
        "phone",
    ]


@pytest.mark.parametrize(
    ("text", "code"),
    [("Nhật Bản", "JP"), ("Nhật", "JP"), ("Japan", "JP"), ("JP", "JP"), ("jp", "JP"),
     ("Hoa Kỳ", "US"), ("Mỹ", "US"), ("CHLB Đức", "DE"), ("Quần đảo Atlantis", None),
     ("Đức", "DE"), ("Germany", "DE"),
     ("Atlantis", None), ("Cộng hòa Séc", "CZ")],
)  # fmt: skip
def test_countries_are_recognised(text, code):
    from diaspora.transfer.mapping import recognise_country

    assert recognise_country(text) == code


def test_expertise_is_recognised_by_name_in_either_language_or_by_code():
    from types import SimpleNamespace

    from diaspora.transfer.mapping import Reference

    tourism = SimpleNamespace(code="S.5", name_vi="Du lịch", name_en="Tourism")
    reference = Reference.load([tourism], [])
    for text in ("Du lịch", "du lich", "DU LỊCH", "Tourism", "tourism", "S.5", "s.5"):
        code = reference.fields.get(text.lower()) or reference.fields.get(word_key(text))
        assert code == "S.5", text
    assert reference.fields.get(word_key("Thuật giả kim")) is None


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


@pytest.mark.parametrize(
    ("name", "stored", "ascii_name"),
    [
        ("../../tmp/evil.csv", "evil.csv", "evil-errors.csv"),
        # as a browser sends them: a whole Windows path (backslashes escaped), a quote as %22
        ("C:\\\\Users\\\\An\\\\Danh sách mới.csv", "Danh sách mới.csv", "Danh sach moi-errors.csv"),
        ("Danh %22mới%22.csv", "Danh mới.csv", "Danh moi-errors.csv"),
    ],
)
def test_uploaded_file_names_are_never_paths_nor_break_headers(
    app, client, login_as, name, stored, ascii_name
):
    login_as("officer", locale="en")
    body = csv_bytes([HEADER, ["Đỗ Văn Em", "Atlantis", "", "", "", "", ""]])
    bid = import_file(client, body, name)
    assert batch(app, bid).file_name == stored
    response = client.get(f"/imports/{bid}/failed.csv")
    response.get_data()
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith(f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''")
    assert disposition.count('"') == 2 and "/" not in disposition and "\\" not in disposition
