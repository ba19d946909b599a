"""Officers register contacts (names typed decomposed, as a Mac sends them) and meet the duplicate
warning; a viewer finds an expert typing without diacritics and sees no personal details."""

from __future__ import annotations

import unicodedata


def test_register_decomposed_name_then_duplicate_warning(live_server, page):
    email = live_server.create_user("officer")
    live_server.sign_in(page, email)
    page.goto(live_server.url + "/contacts/new")
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Đức")
    assert decomposed != "Nguyễn Văn Đức"
    page.locator("#full_name").fill(decomposed)
    page.locator("#country").select_option("JP")
    page.locator("#city").fill("Tokyo")
    page.locator("#emails").fill("duc.nguyen@example.jp")
    page.get_by_role("button", name="Lưu").last.click()
    page.wait_for_load_state()
    heading = page.locator("h1").inner_text()
    assert heading.startswith("Nguyễn Văn Đức")  # stored and shown composed (NFC)
    first_profile = page.url

    page.goto(live_server.url + "/contacts/new")
    page.locator("#full_name").fill("Nguyen Van Duc")
    page.locator("#country").select_option("JP")
    page.locator("#city").fill("Tokyo")
    page.get_by_role("button", name="Lưu").last.click()
    page.wait_for_load_state()
    assert page.get_by_text("Người này có thể đã có trong cơ sở dữ liệu").is_visible()
    live_server.screenshot(page, "contacts-duplicate-warning")
    page.get_by_role("link", name="Mở hồ sơ đã có").first.click()
    page.wait_for_load_state()
    assert page.url == first_profile
    assert page.locator("h1").inner_text().startswith("Nguyễn Văn Đức")


def test_viewer_finds_expert_without_diacritics(live_server, page):
    officer = live_server.create_user("officer")
    live_server.sign_in(page, officer)
    page.goto(live_server.url + "/contacts/new")
    page.locator("#full_name").fill("Trần Thị Thu Hương")
    page.locator("#country").select_option("FR")
    page.locator("#city").fill("Lyon")
    page.locator("#emails").fill("huong.private@example.fr")
    page.locator("#occupation").fill("Bác sĩ tim mạch")
    page.get_by_role("button", name="Lưu").last.click()
    page.wait_for_load_state()
    page.locator("summary", has_text="Test Officer").click()
    page.get_by_role("button", name="Đăng xuất").click()

    viewer = live_server.create_user("viewer", locale="en")
    live_server.sign_in(page, viewer)
    assert "/search/" in page.url  # viewers land on the search page
    page.locator("#q").fill("tran thi thu huong bac si")
    page.locator("summary", has_text="More filters").click()
    page.locator("#add-country").select_option("FR")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="1 contact found").is_visible()
    page.get_by_role("link", name="Trần Thị Thu Hương").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("Trần Thị Thu Hương")
    assert "huong.private@example.fr" not in page.content()
    live_server.screenshot(page, "viewer-profile-without-personal-details")
