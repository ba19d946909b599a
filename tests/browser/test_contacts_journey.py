"""Officers register contacts (names typed decomposed, as a Mac sends them), meet the duplicate
warning and merge the two records with the keyboard; a viewer finds an expert by field and
country typing without diacritics and sees no personal details. Every page passes the
accessibility checks."""

from __future__ import annotations

import re
import unicodedata

from tests.browser.a11y import check_page, tab_to


def test_register_duplicate_warning_then_merge(live_server, page):
    email = live_server.create_user("officer")
    live_server.sign_in(page, email)
    page.goto(live_server.url + "/contacts/new")
    check_page(page, "vi")
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
    first_id = int(first_profile.rsplit("/", 1)[1])

    page.goto(live_server.url + "/contacts/new")
    page.locator("#full_name").fill("Nguyen Van Duc")
    page.locator("#country").select_option("JP")
    page.locator("#city").fill("Tokyo")
    page.locator("#phones").fill("090-1234-5678")
    page.get_by_role("button", name="Lưu").last.click()
    page.wait_for_load_state()
    assert page.get_by_text("Người này có thể đã có trong cơ sở dữ liệu").is_visible()
    check_page(page, "vi")
    live_server.screenshot(page, "contacts-duplicate-warning")
    existing = page.get_by_role("link", name="Mở hồ sơ đã có").first
    assert first_profile.endswith(existing.get_attribute("href"))

    # Keyboard only: Tab to "save, then merge" and press Enter; then the same on the merge page.
    merge = page.get_by_role("button", name=f"Lưu, rồi hợp nhất với hồ sơ số {first_id}")
    tab_to(page, merge)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/contacts/merge\?"))
    assert page.get_by_role("heading", name="Hợp nhất hai hồ sơ").is_visible()
    check_page(page, "vi")
    tab_to(page, page.get_by_role("button", name="Hợp nhất hồ sơ"))
    page.keyboard.press("Enter")
    page.wait_for_url(first_profile)
    assert page.get_by_text("Đã hợp nhất hồ sơ số").is_visible()
    assert page.locator("h1").inner_text().startswith("Nguyễn Văn Đức")
    content = page.content()
    assert "duc.nguyen@example.jp" in content and "+81 90-1234-5678" in content
    check_page(page, "vi")
    live_server.screenshot(page, "contacts-merged")


def test_viewer_finds_expert_by_field_and_country_without_diacritics(live_server, page):
    officer = live_server.create_user("officer")
    live_server.sign_in(page, officer)
    page.goto(live_server.url + "/contacts/new")
    page.locator("#full_name").fill("Trần Thị Thu Hương")
    page.locator("#country").select_option("FR")
    page.locator("#city").fill("Lyon")
    page.locator("#emails").fill("huong.private@example.fr")
    page.locator("#occupation").fill("Bác sĩ tim mạch")
    clinical = page.locator("#expertise-0-field option", has_text="3.2 Y học lâm sàng")
    page.locator("#expertise-0-field").select_option(clinical.get_attribute("value"))
    page.get_by_role("button", name="Lưu").last.click()
    page.wait_for_load_state()
    page.locator("summary", has_text="Test Officer").click()
    page.get_by_role("button", name="Đăng xuất").click()

    viewer = live_server.create_user("viewer", locale="en")
    live_server.sign_in(page, viewer)
    assert "/search/" in page.url  # viewers land on the search page
    check_page(page, "en")
    page.locator("#q").fill("tran thi thu huong bac si")
    page.locator("summary", has_text="More filters").click()
    page.locator("#add-country").select_option("FR")
    page.locator("#add-field").select_option("3.2")  # "Clinical medicine"
    tab_to(page, page.get_by_role("button", name="Search", exact=True))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?"))
    assert page.get_by_role("heading", name="1 contact found").is_visible()
    check_page(page, "en")
    page.get_by_role("link", name="Trần Thị Thu Hương").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("Trần Thị Thu Hương")
    assert "Clinical medicine" in page.content()
    assert "huong.private@example.fr" not in page.content()
    check_page(page, "en")
    live_server.screenshot(page, "viewer-profile-without-personal-details")
