"""Imports: what is refused and how it is read — bad files (refused at upload, nothing written),
bad rows (shown in the preview, the commit writes nothing), encodings, the recognition of
headers, countries and fields, and uploaded file names. Every bad input is refused with a
message, and the registry is checked unchanged.
"""

from __future__ import annotations

import re

import pytest

from diaspora.extensions import db as _db
from diaspora.models import Contact
from diaspora.text import word_key
from diaspora.transfer.encodings import encode_tcvn3, encode_vni
from tests.conftest import login
from tests.import_pages import (
    HEADER,
    ROWS,
    analysed,
    batch,
    batch_id,
    confirm_mapping,
    import_file,
    messages,
    state,
    upload,
)
from tests.transfer_helpers import (
    cp1258,
    csv_bytes,
    rezip,
    xlsx_bytes,
)

pytestmark = pytest.mark.usefixtures("seeded")


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
