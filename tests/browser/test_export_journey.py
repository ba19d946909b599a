"""An officer opens a delegation visit and exports its contact list as XLSX, once with the values
in Vietnamese and, after switching the interface to English, once in English. Each downloaded
file opens with openpyxl and holds the contacts, in the list's order, with bilingual headers;
phones and emails only for the contact who agreed to share them. Accessibility checks on every
page, the main actions reached with the keyboard alone, and a screenshot of the last page."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from diaspora.contacts.data import ExpertiseEntry
from diaspora.delegations import services as visit_services
from diaspora.extensions import db
from diaspora.models import AuditEvent, ExpertiseField, User
from tests.browser.a11y import check_page, tab_to
from tests.outreach_helpers import PackSheet, person, prepare, read_pack

VISIT = "Đoàn xúc tiến du lịch thăm Nhật Bản"


def _visit_with_contacts(app, officer_email: str) -> tuple[int, dict[str, str]]:
    """A visit to Tokyo with three contacts on its list; returns its id and the field's names."""
    with app.app_context(), app.test_request_context():
        officer = db.session.scalar(select(User).where(User.email == officer_email))
        tourism = db.session.scalar(
            select(ExpertiseField).where(ExpertiseField.name_en == "Tourism")
        )
        shared = person(
            officer, "Nguyễn Thị Hồng Nhung", consents=("sharing",), phones=["+81 90 1234 5678"],
            emails=["nhung@example.jp"], employer="Đại học Tokyo",
            expertise=[ExpertiseEntry(tourism.code)],
        )  # fmt: skip
        private = person(officer, "Trần Văn Kín", emails=["kin@example.jp"], city="Osaka")
        host = person(officer, "Lê Thị Chủ Nhà", willing_host_delegation=True)
        visit = prepare(officer, title=VISIT, fields=[tourism.code])
        visit_services.add_contacts(visit, [host.id, shared.id, private.id], actor=officer)
        db.session.commit()
        return visit.id, {"vi": tourism.name_vi, "en": tourism.name_en}


# The pack form's labels in each interface language.
LABELS = {
    "vi": ("Mục đích của tài liệu này", "Định dạng", "Ngôn ngữ của nội dung", "Tải tài liệu"),
    "en": ("Purpose of this pack", "Format", "Language of the values", "Download the pack"),
}


def _export(page, lang: str, purpose: str) -> PackSheet:
    """Fill in the pack form as XLSX, reach the download button with Tab, press Enter, and
    read the downloaded workbook. The values' language starts as the interface's."""
    purpose_label, format_label, language_label, button = LABELS[lang]
    check_page(page, lang)
    page.get_by_label(purpose_label).fill(purpose)
    page.get_by_label(format_label).select_option("xlsx")
    assert page.get_by_label(language_label).input_value() == lang
    tab_to(page, page.get_by_role("button", name=button))
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = read_pack(Path(download.value.path()).read_bytes())
    assert sheet.titles[0] == VISIT
    check_page(page, lang)
    return sheet


def test_officer_exports_delegation_list_as_xlsx(live_server, page):
    base = live_server.url
    officer = live_server.create_user("officer")
    visit_id, tourism = _visit_with_contacts(live_server.app, officer)
    live_server.sign_in(page, officer)

    # The list of visits, then the visit.
    page.goto(base + "/delegations/")
    check_page(page, "vi")
    visit_link = page.get_by_role("link", name=VISIT)
    tab_to(page, visit_link)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{base}/delegations/{visit_id}"
    check_page(page, "vi")
    pack_link = page.get_by_role("button", name="Tài liệu cho đoàn")
    tab_to(page, pack_link)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/delegations/{visit_id}/pack")

    # The contact list in Vietnamese.
    sheet = _export(page, "vi", "Các cuộc gặp của đoàn tại Tokyo")
    assert "Nhật Bản" in sheet.titles[1]
    assert sheet.header_vi[:2] == ["Số", "Họ và tên (họ viết trước)"]
    assert sheet.header_en[:2] == ["No.", "Full name (family name first)"]
    names = [row["Full name (family name first)"] for row in sheet.rows]
    assert names == ["Lê Thị Chủ Nhà", "Nguyễn Thị Hồng Nhung", "Trần Văn Kín"]  # the list's order
    assert [row["No."] for row in sheet.rows] == [1, 2, 3]
    nhung, kin = sheet.rows[1], sheet.rows[2]
    assert nhung["Phone numbers"] == "+81 90-1234-5678" and nhung["Email addresses"] == (
        "nhung@example.jp"
    )
    assert nhung["Organization"] == "Đại học Tokyo" and nhung["Expertise"] == tourism["vi"]
    assert kin["Email addresses"] is None  # did not agree to share

    # The interface in English: the same list with English values.
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.url.endswith(f"/delegations/{visit_id}/pack")
    sheet = _export(page, "en", "Briefing of the Japanese hosts")
    assert "Japan" in sheet.titles[1]
    assert sheet.header_vi[1] == "Họ và tên (họ viết trước)"  # headers stay bilingual
    english = {row["Full name (family name first)"]: row for row in sheet.rows}
    assert set(english) == set(names)
    assert english["Nguyễn Thị Hồng Nhung"]["Expertise"] == tourism["en"]
    live_server.screenshot(page, "delegation-export")

    with live_server.app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "delegation.pack").order_by(AuditEvent.id)
        ).all()
        assert [(event.details["language"], event.details["purpose"]) for event in events] == [
            ("vi", "Các cuộc gặp của đoàn tại Tokyo"),
            ("en", "Briefing of the Japanese hosts"),
        ]
