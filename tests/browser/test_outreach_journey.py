"""An officer writes a bilingual Tết letter and takes its recipients from a saved search; an
administrator approves it and it is marked as sent. Then the officer prepares a delegation visit
to Japan, adds the suggested contacts and downloads the delegation pack as XLSX, which opens with
openpyxl. Accessibility checks on every page on the way."""

from __future__ import annotations

import re
from pathlib import Path

from diaspora.extensions import db
from diaspora.models import Engagement, Outreach, User
from tests.browser.a11y import check_page, tab_to
from tests.outreach_helpers import person, read_pack

PEOPLE = [
    ("Nguyễn Thị Hồng Nhung", "Tokyo", "vi", ("outreach", "sharing")),
    ("Trần Quốc Đạt", "Osaka", "en", ("outreach",)),
    ("Lê Văn Im", "Tokyo", "vi", ()),  # no consent to outreach: left out
]
BODY_VI = (
    "Kính gửi {{ salutation }} {{ name }},\n\nNhân dịp Tết Nguyên đán, chúc {{ salutation }} "
    "và gia đình tại {{ city }} an khang."
)
BODY_EN = "Dear {{ salutation }} {{ name }},\n\nHappy Tết to you and your family in {{ city }}."


def email_of(name: str) -> str:
    return f"person{[row[0] for row in PEOPLE].index(name)}@example.jp"


def _register_contacts(app) -> None:
    with app.app_context(), app.test_request_context():
        officer = db.session.scalar(db.select(User).where(User.role == "officer"))
        for name, city, language, consents in PEOPLE:
            person(
                officer,
                name,
                city=city,
                consents=consents,
                preferred_language=language,
                emails=[email_of(name)],
            )
        db.session.commit()


def test_approve_an_outreach_and_download_a_delegation_pack(live_server, page):
    base = live_server.url
    officer = live_server.create_user("officer")
    admin = live_server.create_user("admin")
    _register_contacts(live_server.app)

    # The officer writes the letter side by side and previews it.
    live_server.sign_in(page, officer)
    page.goto(base + "/outreach/")
    check_page(page, "vi")
    with page.expect_navigation():
        page.get_by_role("button", name="Soạn thư gửi kiều bào").click()
    check_page(page, "vi")
    page.locator("#occasion").select_option("tet")
    page.locator("#channel").select_option("email")
    page.locator("#title_vi").fill("Thư chúc Tết Bính Ngọ 2026")
    page.locator("#body_vi").fill(BODY_VI)
    page.locator("#title_en").fill("Tết greetings 2026")
    page.locator("#body_en").fill(BODY_EN)
    with page.expect_navigation():
        page.get_by_role("button", name="Xem trước cả hai bản").click()
    assert page.get_by_text("Kính gửi Ông/Bà Nguyễn Văn An,").is_visible()
    assert page.get_by_text("Dear Mr/Ms An Nguyen,").is_visible()
    check_page(page, "vi")
    live_server.screenshot(page, "outreach-preview")
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.wait_for_url(re.compile(r"/outreach/\d+/recipients$"))
    check_page(page, "vi")

    # Recipients from a saved search: everyone in Japan; the one without consent is left out.
    page.locator("#search").fill(base + "/search/?country=JP")
    with page.expect_navigation():
        page.get_by_role("button", name="Thêm tất cả những người tìm được").click()
    assert page.get_by_text(
        "Đã thêm 2 người nhận. 1 kiều bào không được thêm: 1 chưa có sự đồng ý nhận thư."
    ).is_visible()
    assert page.get_by_text("1 bằng tiếng Việt, 1 bằng tiếng Anh.").is_visible()
    check_page(page, "vi")
    live_server.screenshot(page, "outreach-recipients")
    outreach_url = page.url.rsplit("/recipients", 1)[0]
    page.goto(outreach_url)
    assert page.get_by_role("button", name="Duyệt").count() == 0  # officers need the right
    page.context.clear_cookies()

    # The administrator approves it, and it is marked as sent.
    live_server.sign_in(page, admin)
    page.goto(outreach_url)
    check_page(page, "vi")
    approve = page.get_by_role("button", name="Duyệt", exact=True)
    tab_to(page, approve)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("Thư “Thư chúc Tết Bính Ngọ 2026” đã được duyệt.").is_visible()
    check_page(page, "vi")
    live_server.screenshot(page, "outreach-approved")
    with page.expect_navigation():
        page.get_by_role("button", name="Đánh dấu đã gửi").click()
    check_page(page, "vi")
    with page.expect_navigation():
        page.get_by_role("button", name="Đánh dấu đã gửi").click()
    assert page.get_by_text("đã ghi nhận hoạt động gửi thư chúc mừng tới 2 người nhận").is_visible()
    with live_server.app.app_context():
        outreach = db.session.scalar(db.select(Outreach))
        assert outreach.status == "sent" and outreach.approved_by.email == admin
        assert db.session.scalar(db.select(Engagement)).type == "greeting_letter"
    page.context.clear_cookies()

    # The officer prepares a visit to Japan and downloads the delegation pack.
    live_server.sign_in(page, officer)
    page.goto(base + "/delegations/new")
    check_page(page, "vi")
    page.locator("#title").fill("Đoàn công tác thành phố thăm Nhật Bản")
    page.locator("#country").select_option("JP")
    page.locator("#cities").fill("Tokyo; Osaka")
    page.locator("#start_date").fill("2026-05-10")
    page.locator("#end_date").fill("2026-05-15")
    page.locator("#leader").fill("Phó Chủ tịch UBND thành phố")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"/delegations/\d+/contacts$"))
    check_page(page, "vi")
    for name, *_rest in PEOPLE[:2]:
        page.get_by_label(f"Thêm {name}").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Thêm những kiều bào đã chọn").first.click()
    assert page.get_by_text("Đã thêm 2 kiều bào vào danh sách.").is_visible()
    check_page(page, "vi")
    live_server.screenshot(page, "delegation-contacts")
    visit_link = page.get_by_role("link", name=re.compile("Đoàn công tác thành phố thăm Nhật Bản"))
    with page.expect_navigation():
        visit_link.first.click()
    assert re.search(r"/delegations/\d+$", page.url)
    check_page(page, "vi")
    with page.expect_navigation():
        page.get_by_role("button", name="Tài liệu cho đoàn").click()
    check_page(page, "vi")
    page.locator("#purpose").fill("Các cuộc gặp của đoàn tại Tokyo và Osaka")
    page.locator("#format").select_option("xlsx")
    download_button = page.get_by_role("button", name="Tải tài liệu")
    tab_to(page, download_button)  # the main action is reached with the keyboard alone
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    path = download.value.path()
    assert download.value.suggested_filename.endswith(".xlsx")
    pack = read_pack(Path(path).read_bytes())  # no extension on disk
    assert pack.titles[0] == "Đoàn công tác thành phố thăm Nhật Bản"
    assert pack.header_vi[1] == "Họ và tên (họ viết trước)" and "Số điện thoại" in pack.header_vi
    # In the order of the suggestions: Vietnamese name order (Đạt before Nhung).
    names = [row["Full name (family name first)"] for row in pack.rows]
    assert names == ["Trần Quốc Đạt", "Nguyễn Thị Hồng Nhung"]
    assert pack.rows[1]["Email addresses"] == email_of(PEOPLE[0][0])  # agreed to share
    assert pack.rows[0]["Email addresses"] is None  # did not
    check_page(page, "vi")
    live_server.screenshot(page, "delegation-pack")
