"""Exports: CSV, XLSX, vCard and PDF; formula injection; who may export what; the audit trail."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import zipfile
from datetime import date
from html import unescape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader

from diaspora.contacts.consent import withdraw_consent
from diaspora.contacts.data import ConsentInput
from diaspora.contacts.services import create_contact
from diaspora.extensions import db as _db
from diaspora.models import AuditEvent, ConsentRecord
from diaspora.transfer import writers
from diaspora.transfer.records import load_records
from diaspora.transfer.safety import TRIGGERS, neutralise, restore
from tests.contact_helpers import data, new_user

pytestmark = pytest.mark.usefixtures("seeded")

STATE = {"legal_basis": "state_function", "legal_basis_note": "Nhiệm vụ của Sở"}


def make_contacts(app) -> dict[str, int]:
    with app.app_context():
        actor = new_user("admin")
        ids = {
            "nhung": create_contact(
                data(
                    emails=["nhung@example.org"],
                    phones=["+49 30 1234567"],
                    occupation='=HYPERLINK("http://x")',
                    languages=["vi", "de"],
                    expertise=[],
                    **STATE,
                ),
                actor=actor,
            ).id,
            "duc": create_contact(
                data(
                    full_name="Trần Văn Đức",
                    country="JP",
                    city="Tokyo",
                    phones=["+81 90-1234-5678"],
                    employer="Đại học Tokyo",
                    **STATE,
                ),
                actor=actor,
            ).id,
            "pending": create_contact(
                data(full_name="Lê Thị Chờ", country="FR", city="Paris"), actor=actor
            ).id,
        }
        withdrawn = create_contact(
            data(full_name="Phạm Quốc Rút", country="US", city="Boston", legal_basis="consent"),
            actor=actor,
            consent=ConsentInput(
                purposes=["store_process", "sharing"],
                method="paper",
                given_on="2025-01-02",
                evidence="Phiếu số 3",
            ),
        )
        ids["withdrawn"] = withdrawn.id
        _db.session.flush()
        sharing = _db.session.scalar(
            _db.select(ConsentRecord).where(
                ConsentRecord.contact_id == withdrawn.id, ConsentRecord.purpose == "sharing"
            )
        )
        withdraw_consent(sharing, withdrawn_on=date.today().isoformat(), actor=actor)
        _db.session.commit()
        return ids


def post_export(client, query: str = "", **form):
    values = {
        "format": "csv",
        "columns": ["full_name", "country", "city", "phones", "emails", "occupation"],
        "language": "vi",
        "purpose": "Đoàn công tác Nhật Bản 2026",
    }
    values.update(form)
    return client.post(f"/contacts/export{query}", data=values)


def csv_cells(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_csv_export_is_safe_and_readable(app, client, login_as):
    make_contacts(app)
    login_as("officer")
    response = post_export(client)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    rows = csv_cells(response)
    names = [row[0] for row in rows[1:]]
    assert sorted(names) == ["Nguyễn Thị Hồng Nhung", "Trần Văn Đức"]  # 2 left out
    nhung = rows[1 + names.index("Nguyễn Thị Hồng Nhung")]
    assert nhung[1] == "Đức" and nhung[2] == "Berlin"
    assert nhung[3] == "'+49 30 1234567"  # neutralised, still the number
    assert nhung[5].startswith("'=HYPERLINK")
    assert all(not cell or cell[0] not in TRIGGERS for row in rows for cell in row)


def test_export_logs_filters_columns_count_and_purpose(app, client, login_as):
    make_contacts(app)
    user = login_as("officer")
    response = post_export(client, "?country=JP&q=duc")
    assert len(csv_cells(response)) == 2
    with app.app_context():
        event = _db.session.scalar(
            _db.select(AuditEvent).where(AuditEvent.action == "contacts.export")
        )
        assert event.actor_id == user.id
        assert event.details["filters"] == {"text": "duc", "countries": ["JP"]}
        assert event.details["rows"] == 1
        assert event.details["purpose"] == "Đoàn công tác Nhật Bản 2026"
        assert event.details["columns"][:2] == ["full_name", "country"]


def test_export_page_says_how_many_are_left_out(app, client, login_as):
    make_contacts(app)
    login_as("officer", locale="en")
    html = unescape(client.get("/contacts/export").get_data(as_text=True))
    assert "2 contacts will be in the list." in html
    assert "Left out: 1 without a legal basis yet, 1 who withdrew their consent to sharing." in html
    japan = unescape(client.get("/contacts/export?country=JP").get_data(as_text=True))
    assert "1 contact will be in the list." in japan and "Left out" not in japan


def test_purpose_is_required(app, client, login_as):
    make_contacts(app)
    login_as("officer")
    response = post_export(client, purpose="  ")
    assert response.status_code == 200
    assert "attachment" not in response.headers.get("Content-Disposition", "")
    with app.app_context():
        assert not _db.session.scalar(
            _db.select(AuditEvent).where(AuditEvent.action == "contacts.export")
        )


def test_viewers_export_only_non_personal_columns(app, client, login_as):
    make_contacts(app)
    login_as("viewer")
    refused = post_export(client)
    assert "attachment" not in refused.headers.get("Content-Disposition", "")
    allowed = post_export(client, columns=["full_name", "country", "expertise", "languages"])
    assert len(csv_cells(allowed)[0]) == 4


def test_xlsx_has_no_formula_and_keeps_phones_as_text(app, client, login_as):
    make_contacts(app)
    login_as("admin")
    response = post_export(client, format="xlsx", language="en")
    body = response.get_data()
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    assert '<pane ySplit="1"' in sheet and "<autoFilter" in sheet
    workbook = load_workbook(io.BytesIO(body))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "Full name (family name first)"
    nhung = next(row for row in rows if row[0] == "Nguyễn Thị Hồng Nhung")
    assert nhung[3] == "+49 30 1234567"
    assert nhung[5] == '=HYPERLINK("http://x")'  # stored as a string, never evaluated


def test_vcard_keeps_diacritics_and_folds_lines(app, client, login_as):
    make_contacts(app)
    login_as("officer")
    response = post_export(
        client, format="vcf", columns=["full_name", "phones", "emails", "employer", "expertise"]
    )
    text = response.get_data().decode("utf-8")
    assert text.count("BEGIN:VCARD") == 2
    assert "FN:Trần Văn Đức" in text and "N:Trần;Đức;Văn;;" in text
    assert "TEL;TYPE=VOICE:+819012345678" in text
    assert "ORG:Đại học Tokyo" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_vcard_is_version_3_with_email_title_and_expertise_in_the_note(app, client, login_as):
    from diaspora.contacts.data import ExpertiseEntry

    with app.app_context():
        create_contact(
            data(
                full_name="Đặng Thị Mai",
                title="Phó Giáo sư",
                emails=["mai@example.org"],
                expertise=[ExpertiseEntry(field="1.2")],
                **STATE,
            ),
            actor=new_user("officer"),
        )
        _db.session.commit()
    login_as("officer", locale="en")
    columns = ["full_name", "emails", "title", "expertise", "country"]
    text = post_export(client, format="vcf", columns=columns, language="en").get_data()
    card = text.decode("utf-8").replace("\r\n ", "")
    assert card.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n")
    assert "EMAIL;TYPE=INTERNET:mai@example.org" in card
    assert "TITLE:Phó Giáo sư" in card
    assert "NOTE:Expertise: Computer and information sciences" in card
    assert "ADR;TYPE=HOME:;;;;;;Germany" in card


def test_vcard_line_folding_never_splits_a_letter():
    line = "NOTE:" + "Nguyễn Thị Hồng Nhung " * 10
    folded = writers.fold_line(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "").rstrip("\r\n") == line


def test_pdf_list_is_landscape_with_page_numbers(app, client, login_as):
    make_contacts(app)
    login_as("officer")
    response = post_export(client, format="pdf")
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.get_data()))
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height
    text = page.extract_text()
    assert "Trần Văn Đức" in text and "1 / 1" in text
    assert "Country of residence" in text  # the other language's header too


@given(st.text(max_size=40))
@settings(max_examples=300, deadline=None)
def test_csv_cells_never_start_a_formula(text):
    chunks = writers.csv_rows([[text, "+84 912 345 678"]], ["a", "b"])
    body = b"".join(chunks).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body, newline="")))
    cell = rows[1][0]
    assert not cell or cell[0] not in TRIGGERS
    assert not cell.lstrip(" \n")[:1] or cell.lstrip(" \n")[0] not in "=+-@" or cell[0] == "'"
    assert restore(cell) == text
    assert restore(rows[1][1]) == "+84 912 345 678"
    assert neutralise(restore(cell)) == cell


def test_cli_export(app, runner, tmp_path):
    make_contacts(app)
    target = tmp_path / "list.csv"
    result = runner.invoke(
        args=["contacts", "export", "--format", "csv", "--output", str(target), "--purpose",
              "Báo cáo", "--country", "JP", "--lang", "en"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(target.read_text("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["Trần Văn Đức"]


def test_load_records_streams_in_batches(app):
    ids = make_contacts(app)
    with app.app_context():
        calls = []
        records = list(
            load_records(
                [ids["duc"], ids["nhung"]], batch=1, between_batches=lambda: calls.append(1)
            )
        )
        assert [r.full_name for r in records] == ["Trần Văn Đức", "Nguyễn Thị Hồng Nhung"]
        assert len(calls) == 2


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)
def test_libreoffice_reads_the_xlsx_like_the_csv(app, client, login_as, tmp_path):
    make_contacts(app)
    login_as("admin")
    columns = ["id", "full_name", "foreign_name", "country", "city", "phones", "emails",
               "occupation", "employer", "languages", "birth_year", "status"]  # fmt: skip
    xlsx = post_export(client, format="xlsx", columns=columns).get_data()
    expected = csv_cells(post_export(client, format="csv", columns=columns))
    source = tmp_path / "list.xlsx"
    source.write_bytes(xlsx)
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path),
         str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    text = (tmp_path / "list.csv").read_text("utf-8")
    converted = list(csv.reader(io.StringIO(text, newline="")))
    assert len(converted) == len(expected)
    for got_row, want_row in zip(converted, expected, strict=True):
        assert [neutralise(cell) for cell in got_row] == want_row


@pytest.mark.parametrize(
    ("text", "formula"),
    [
        ("=1+1", True),
        ("  =A1", True),
        ("@SUM(1+1)*cmd|' /C calc'!A0", True),
        ("-2+3+cmd|' /C calc'!A0", True),
        ('+HYPERLINK("http://x")', True),
        ("+84 912 345 678", False),
        ("+1 (408) 555-1234", False),
        ("- Chủ tịch hội", False),
        ("-", False),
        ("@nhung_nguyen", False),
        ("Nguyễn Văn An", False),
    ],
)
def test_import_formula_detection(text, formula):
    from diaspora.transfer.safety import looks_like_formula

    assert looks_like_formula(text) is formula


def test_records_keep_types(app):
    with app.app_context():
        actor = new_user("admin")
        contact = create_contact(
            data(verified_on="2025-01-02", birth_year="1980", willing_invest=True, **STATE),
            actor=actor,
        )
        _db.session.commit()
        (record,) = load_records([contact.id])
        assert record.verified_on == date(2025, 1, 2) and record.birth_year == 1980
        assert record.willing_invest and not record.willing_teach
        csv_text = b"".join(
            writers.write_csv([record], ["verified_on", "birth_year", "willing"], "en")
        ).decode("utf-8-sig")
        assert csv_text.splitlines()[1] == "2025-01-02,1980,invest"


def test_xlsx_cells_are_typed_and_columns_sized(app, client, login_as):
    """Years are numbers, dates are dates, phones are text; every column has a width."""
    with app.app_context():
        create_contact(
            data(verified_on="2025-01-02", birth_year="1980", phones=["+84 912 345 678"], **STATE),
            actor=new_user("admin"),
        )
        _db.session.commit()
    login_as("officer", locale="en")
    columns = ["full_name", "birth_year", "verified_on", "phones"]
    body = post_export(client, format="xlsx", columns=columns, language="en").get_data()
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<col ") == len(columns) and 'customWidth="1"' in sheet
    row = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))[1]
    assert row[0] == "Nguyễn Thị Hồng Nhung"
    assert row[1] == 1980 and isinstance(row[1], int | float)
    assert row[2].date() == date(2025, 1, 2)
    assert row[3] == "+84 912 345 678"


def test_a_delegation_visit_can_be_the_purpose(app, client, login_as):
    from diaspora.models import DelegationVisit

    make_contacts(app)
    with app.app_context():
        visit = DelegationVisit(
            title="Đoàn Sở Ngoại vụ thăm Nhật Bản",
            country="JP",
            start_date=date(2026, 5, 4),
            end_date=date(2026, 5, 9),
        )
        _db.session.add(visit)
        _db.session.commit()
        visit_id = visit.id
    login_as("officer", locale="en")
    page = unescape(client.get("/contacts/export").get_data(as_text=True))
    assert "Đoàn Sở Ngoại vụ thăm Nhật Bản (2026-05-04)" in page
    refused = post_export(client, purpose="", visit="999999")
    assert "attachment" not in refused.headers.get("Content-Disposition", "")
    assert "Choose a visit from the list." in unescape(refused.get_data(as_text=True))
    response = post_export(client, purpose="", visit=str(visit_id))
    assert response.headers["Content-Disposition"].startswith("attachment")
    with app.app_context():
        events = _db.session.scalars(
            _db.select(AuditEvent).where(AuditEvent.action == "contacts.export")
        ).all()
        assert len(events) == 1
        assert events[0].details["purpose"] == "Delegation visit: Đoàn Sở Ngoại vụ thăm Nhật Bản"
        assert events[0].details["delegation_visit"] == visit_id
