"""The yearly implementation report: period, grouping, totals, XLSX read back with openpyxl,
PDF text extracted with pypdf (Vietnamese intact), the page, the downloads and the CLI."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import render_template
from openpyxl import load_workbook
from pypdf import PdfReader

from diaspora.extensions import db as _db
from diaspora.models import AuditEvent, Contact, Engagement, EngagementParticipant, PlanTask
from diaspora.reports.annual import build_annual_report
from diaspora.reports.period import PeriodSettingError, current_period, period_for
from diaspora.reports.render import neutralise, render_pdf, render_xlsx
from diaspora.reports.services import annual_report
from tests.conftest import POSTGRES_URL
from tests.contact_helpers import database_state, new_user
from tests.engagement_helpers import person, record

pytestmark = pytest.mark.usefixtures("seeded")
ZONE = "Asia/Ho_Chi_Minh"


def pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def cells(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def ctx(app):
    with app.app_context(), app.test_request_context():
        yield


@pytest.fixture
def year_2026(app):
    """Activities around the 2026 period (16 Nov 2025 – 15 Nov 2026)."""
    with app.app_context(), app.test_request_context():
        _record_year_2026()


def _record_year_2026() -> None:
    officer = new_user(name="Cán bộ")
    lan = person(officer, "Trần Thị Lan")
    minh = person(officer, "Lê Văn Minh", country="KR", city="Seoul")
    hoa = person(officer, "Vũ Thị Hoa", country="DE", city="Berlin")
    record(
        officer,
        [lan, minh],
        title="Lễ hội Hoa Phượng Đỏ",
        type="event_attendance",
        start_date=date(2026, 5, 10),
        plan_tasks=["II.2", "II.4"],
    )
    record(officer, [hoa], title='=HYPERLINK("http://x")', start_date=date(2025, 11, 16))
    record(officer, [hoa], title="Chưa gắn nhiệm vụ", start_date=date(2026, 11, 15), plan_tasks=[])
    record(officer, [lan], title="Năm trước", start_date=date(2025, 11, 15))
    record(officer, [lan], title="Năm sau", start_date=date(2026, 11, 16))
    _db.session.commit()


# --- the period --------------------------------------------------------------------------------


def test_period_default_and_calendar_year():
    assert period_for(2026, "11-16").start == date(2025, 11, 16)
    assert period_for(2026, "11-16").end == date(2026, 11, 15)
    assert period_for(2026, "01-01").start == date(2026, 1, 1)
    assert period_for(2026, "01-01").end == date(2026, 12, 31)
    assert period_for(2028, "03-01").end == date(2028, 2, 29)
    assert current_period(date(2026, 11, 15), "11-16").year == 2026
    assert current_period(date(2026, 11, 16), "11-16").year == 2027
    for bad in ("02-29", "13-01", "11/16", "", "1116"):
        with pytest.raises(PeriodSettingError):
            period_for(2026, bad)


def test_a_mistyped_period_setting_stops_the_app(database_url):
    from diaspora import create_app

    with pytest.raises(PeriodSettingError, match="REPORT_PERIOD_START"):
        create_app(
            "testing",
            {"SQLALCHEMY_DATABASE_URI": database_url, "REPORT_PERIOD_START": "31-11"},
        )


def test_report_groups_by_task_and_counts_once(year_2026, ctx):
    report = annual_report(2026)
    titles = [activity.title for activity in report.activities]
    assert titles == ['=HYPERLINK("http://x")', "Lễ hội Hoa Phượng Đỏ", "Chưa gắn nhiệm vụ"]
    sections = {s.task.code: s for s in report.tasks}
    assert [a.title for a in sections["II.2"].activities] == ["Lễ hội Hoa Phượng Đỏ"]
    assert sections["II.4"].count == 2 and sections["II.4"].contacts == 3
    assert sections["II.4"].countries == ["DE", "JP", "KR"]
    assert sections["IV.1"].count == 0
    assert [a.title for a in report.unlinked.activities] == ["Chưa gắn nhiệm vụ"]
    assert len(report.activities) == 3 and report.total_contacts == 3  # festival counted once


def test_new_contacts_follow_local_days(ctx):
    officer = new_user()
    early = person(officer, "Sớm Một Chút")
    late = person(officer, "Muộn Một Chút", city="Kyoto")
    # 16 Nov 2025 00:30 in Hải Phòng is still 15 Nov in UTC; 16 Nov 2026 00:30 is the next period.
    early.created_at = datetime(2025, 11, 15, 17, 30, tzinfo=UTC)
    late.created_at = datetime(2026, 11, 15, 17, 30, tzinfo=UTC)
    _db.session.commit()
    assert build_annual_report(2026, period_start="11-16", zone=ZONE).new_contacts == 1
    assert build_annual_report(2027, period_start="11-16", zone=ZONE).new_contacts == 1


def test_configured_calendar_year(app, year_2026, ctx):
    app.config["REPORT_PERIOD_START"] = "01-01"
    try:
        titles = [a.title for a in annual_report(2026).activities]
    finally:
        app.config["REPORT_PERIOD_START"] = "11-16"
    assert titles == ["Lễ hội Hoa Phượng Đỏ", "Chưa gắn nhiệm vụ", "Năm sau"]


# --- XLSX --------------------------------------------------------------------------------------


def test_xlsx_read_back_in_vietnamese_and_english(year_2026, ctx):
    report = annual_report(2026)
    book = load_workbook(io.BytesIO(render_xlsx(report, "vi")))
    assert book.sheetnames == ["Tổng hợp", "Hoạt động"]
    summary = cells(book["Tổng hợp"])
    assert "16/11/2025" in summary[1][0] and "15/11/2026" in summary[1][0]
    task_rows = {row[0]: row for row in summary if row[0] in ("II.2", "II.4", "IV.1", "—")}
    assert task_rows["II.4"][2:5] == [2, 3, 3]
    assert task_rows["II.4"][1].startswith("Tiếp tục đẩy mạnh công tác văn hóa đối ngoại")
    assert task_rows["IV.1"][2] == 0
    assert task_rows["—"][1] == "Chưa gắn với nhiệm vụ nào"
    total = next(row for row in summary if row[1] and str(row[1]).startswith("Tổng cộng"))
    assert total[2:5] == [3, 3, 3]
    activities = cells(book["Hoạt động"])
    assert activities[0][:5] == ["Mã", "Nhiệm vụ của Kế hoạch", "Ngày", "Ngày kết thúc", "Tên"]
    festival = [row for row in activities if row[4] == "Lễ hội Hoa Phượng Đỏ"]
    assert [row[0] for row in festival] == ["II.2", "II.4"]
    assert festival[0][2] == datetime(2026, 5, 10)
    assert festival[0][7] == 2 and festival[0][8] == "Trần Thị Lan; Lê Văn Minh"
    # Text that looks like a formula stays text: never evaluated by a spreadsheet.
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
    assert '\'=HYPERLINK("http://x")' in [row[4] for row in activities]
    english = load_workbook(io.BytesIO(render_xlsx(report, "en")))
    assert english.sheetnames == ["Summary", "Activities"]
    assert cells(english["Activities"])[0][4] == "Title"


@pytest.mark.parametrize("text", ["=1+1", "+84 90", "-2", "@SUM(A1)", "\tx"])
def test_neutralise_formula_starts(text):
    assert neutralise(text) == "'" + text
    assert neutralise("Hải Phòng = quê hương") == "Hải Phòng = quê hương"


# --- PDF ---------------------------------------------------------------------------------------


def test_pdf_text_keeps_vietnamese(year_2026, ctx):
    report = annual_report(2026)
    _pages, text = pdf_text(render_pdf(report, "vi"))
    for expected in (
        "Lễ hội Hoa Phượng Đỏ",
        "Trần Thị Lan",
        "Lê Văn Minh",
        "Sở Văn hóa và Thể thao",
        "Kỳ báo cáo: 16/11/2025 đến 15/11/2026",
        "Tiếp tục đẩy mạnh công tác văn hóa đối ngoại",
    ):
        assert expected in " ".join(text.split()), expected
    _pages, english = pdf_text(render_pdf(report, "en"))
    assert "Reporting period: 16 Nov 2025 to 15 Nov 2026" in " ".join(english.split())
    assert "Lễ hội Hoa Phượng Đỏ" in english


def test_a_year_with_no_data_says_so(ctx):
    report = annual_report(2024)
    assert report.is_empty
    _pages, text = pdf_text(render_pdf(report, "en"))
    assert "No activities were recorded in this period." in text
    book = load_workbook(io.BytesIO(render_xlsx(report, "vi")))
    assert any(
        "Không có hoạt động nào được ghi nhận trong kỳ này." in str(value)
        for row in cells(book["Tổng hợp"])
        for value in row
    )


def _bulk_activities(count: int) -> None:
    officer = new_user()
    people = [person(officer, f"Nguyễn Văn Khách {n}", city=f"Tokyo {n}") for n in range(10)]
    task = _db.session.scalar(_db.select(PlanTask).where(PlanTask.code == "II.4"))
    for n in range(count):
        engagement = Engagement(
            type="meeting",
            title=f"Hoạt động số {n:04d} với kiều bào",
            start_date=date(2026, 1, 1) + timedelta(days=n % 300),
            city="Tokyo",
            country="JP",
            recorded_by_id=officer.id,
        )
        engagement.participants = [EngagementParticipant(contact=people[n % 10])]
        engagement.plan_tasks = [task]
        _db.session.add(engagement)
    _db.session.commit()


@pytest.mark.slow
def test_two_thousand_activities_are_paged_not_truncated(ctx):
    _bulk_activities(2000)
    report = annual_report(2026)
    assert len(report.activities) == 2000
    rows = cells(load_workbook(io.BytesIO(render_xlsx(report, "vi")))["Hoạt động"])
    assert len(rows) == 2001
    if POSTGRES_URL:
        return  # rendering does not depend on the database: the SQLite pass checks the PDF
    pages, text = pdf_text(render_pdf(report, "vi"))
    assert pages > 40
    flat = " ".join(text.split())
    missing = [n for n in range(2000) if f"Hoạt động số {n:04d} với kiều bào" not in flat]
    assert missing == []


# --- pages, downloads and the command line -----------------------------------------------------


def test_report_page_and_downloads(app, client, login_as, year_2026):
    login_as("viewer", locale="en")
    page = client.get("/reports/annual?year=2026").get_data(as_text=True)
    assert "Lễ hội Hoa Phượng Đỏ" in page and "Not linked to a plan task" in page
    assert "16 Nov 2025" in page
    empty = client.get("/reports/annual?year=2023").get_data(as_text=True)
    assert "No activities were recorded in this period." in empty
    assert client.get("/reports/annual?year=abc").status_code == 200
    response = client.get("/reports/annual/2026.xlsx?lang=en")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert 'filename="bao-cao-chi-thi-25-2026-en.xlsx"' in response.headers["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.data)).sheetnames == ["Summary", "Activities"]
    pdf = client.get("/reports/annual/2026.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert client.get("/reports/annual/2026.doc").status_code == 404
    assert client.get("/reports/annual/99999.pdf").status_code == 404
    with app.app_context():
        exports = _db.session.scalars(
            _db.select(AuditEvent).where(AuditEvent.action == "report.export")
        ).all()
        assert [(e.details["format"], e.details["language"]) for e in exports] == [
            ("xlsx", "en"),
            ("pdf", "vi"),
        ]


def test_yearly_report_download_is_a_private_attachment(client, login_as, year_2026):
    login_as("viewer", locale="en")
    for path, name in (
        ("/reports/annual/2026.pdf", "bao-cao-chi-thi-25-2026-vi.pdf"),
        ("/reports/annual/2026.xlsx?lang=en", "bao-cao-chi-thi-25-2026-en.xlsx"),
    ):
        response = client.get(path)
        assert response.status_code == 200
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert f'filename="{name}"' in disposition
        assert f"filename*=UTF-8''{name}" in disposition
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_cli_writes_each_format(app, runner, tmp_path, year_2026):
    for fmt, lang in (("xlsx", "vi"), ("pdf", "en"), ("html", "vi")):
        out = tmp_path / f"report.{fmt}"
        result = runner.invoke(
            args=[
                "report",
                "annual",
                "--year",
                "2026",
                "--format",
                fmt,
                "--output",
                str(out),
                "--lang",
                lang,
            ]
        )
        assert result.exit_code == 0, result.output
        assert "3 activities from 2025-11-16 to 2026-11-15" in result.output
        assert out.stat().st_size > 1000
    html = (tmp_path / "report.html").read_text("utf-8")
    assert "<style>" in html and "Lễ hội Hoa Phượng Đỏ" in html and 'lang="vi"' in html
    _pages, text = pdf_text((tmp_path / "report.pdf").read_bytes())
    assert "Summary by plan task" in text


def test_cli_empty_year_and_bad_input(app, runner, tmp_path):
    out = tmp_path / "empty.xlsx"
    with app.app_context():
        before = database_state()
    result = runner.invoke(
        args=["report", "annual", "--year", "2023", "--format", "xlsx", "--output", str(out)]
    )
    assert result.exit_code == 0
    assert "No activities were recorded in this period." in result.output
    bad = runner.invoke(
        args=["report", "annual", "--year", "1800", "--format", "pdf", "--output", str(out)]
    )
    assert bad.exit_code == 1 and "year" in bad.output
    wrong = runner.invoke(
        args=["report", "annual", "--year", "2026", "--format", "doc", "--output", str(out)]
    )
    assert wrong.exit_code == 2
    with app.app_context():
        after = database_state()
    assert after["audit_events"] == before["audit_events"] + 1  # the one export
    assert {k: v for k, v in after.items() if k != "audit_events"} == {
        k: v for k, v in before.items() if k != "audit_events"
    }


def test_new_contacts_of_the_period_in_every_format(year_2026, ctx):
    """The count of contacts registered in the period reaches the page, the XLSX and the PDF."""
    hoa = _db.session.scalar(_db.select(Contact).where(Contact.full_name == "Vũ Thị Hoa"))
    hoa.created_at = datetime(2025, 12, 1, 3, tzinfo=UTC)  # inside the 2026 period
    _db.session.commit()
    report = annual_report(2026)
    assert report.new_contacts == 1
    summary = cells(load_workbook(io.BytesIO(render_xlsx(report, "vi")))["Tổng hợp"])
    row = next(r for r in summary if r[1] == "Kiều bào mới được đăng ký trong kỳ")
    assert row[2] == 1
    english = cells(load_workbook(io.BytesIO(render_xlsx(report, "en")))["Summary"])
    assert next(r for r in english if r[1] == "New contacts registered in the period")[2] == 1
    _pages, text = pdf_text(render_pdf(report, "vi"))
    flat = " ".join(text.split())
    assert "Kiều bào mới được đăng ký trong kỳ" in flat
    # The totals' values follow their labels in the extracted text; the last one is this count.
    assert "3 3 Đức, Nhật Bản, Hàn Quốc 1 Hoạt động theo nhiệm vụ" in flat
    page = render_template("reports/_content.html", report=report)
    assert re.search(r"Kiều bào mới được đăng ký trong kỳ</dt><dd>1</dd>", page)


def test_cli_output_that_cannot_be_written_is_explained(app, runner, tmp_path):
    """An output in a missing folder is a clear error, not a traceback; nothing is recorded."""
    with app.app_context():
        before = database_state()
    missing = tmp_path / "no-such-folder" / "report.pdf"
    result = runner.invoke(
        args=["report", "annual", "--year", "2026", "--format", "pdf", "--output", str(missing)]
    )
    assert result.exit_code == 1
    assert f"Error: cannot write {missing}" in result.output
    assert "Traceback" not in result.output and not missing.exists()
    with app.app_context():
        assert database_state() == before
