"""Officers register contacts (names typed decomposed, as a Mac sends them), meet the duplicate
warning and merge the two records with the keyboard; a viewer finds an expert by field and
country typing without diacritics and sees no personal details. Every page passes the
accessibility checks."""

from __future__ import annotations

import re
import unicodedata

import pytest

from tests.browser.a11y import check_page, tab_to

# What the journeys read and press, in each interface language.
TEXT = {
    "vi": {
        "save": "Lưu",
        "maybe": "Người này có thể đã có trong cơ sở dữ liệu",
        "open_existing": "Mở hồ sơ đã có",
        "save_merge": "Lưu, rồi hợp nhất với hồ sơ số {id}",
        "merge_heading": "Hợp nhất hai hồ sơ",
        "merge_button": "Hợp nhất hồ sơ",
        "merged": "Đã hợp nhất hồ sơ số",
        "sign_out": "Đăng xuất",
        "more_filters": "Bộ lọc khác",
        "search": "Tìm kiếm",
        "found_one": "Tìm thấy 1 người",
        "clinical": "Y học lâm sàng",
    },
    "en": {
        "save": "Save",
        "maybe": "This person may already be in the registry",
        "open_existing": "Open the existing record",
        "save_merge": "Save, then merge with no. {id}",
        "merge_heading": "Merge two records",
        "merge_button": "Merge the records",
        "merged": "was merged into Nguyễn Văn Đức",
        "sign_out": "Sign out",
        "more_filters": "More filters",
        "search": "Search",
        "found_one": "1 contact found",
        "clinical": "Clinical medicine",
    },
}
LANGUAGES = pytest.mark.parametrize("lang", ["vi", "en"])


@LANGUAGES
def test_register_duplicate_warning_then_merge(live_server, page, lang):
    t = TEXT[lang]
    email = live_server.create_user("officer", locale=lang)
    live_server.sign_in(page, email)
    page.goto(live_server.url + "/contacts/new")
    check_page(page, lang)
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Đức")
    assert decomposed != "Nguyễn Văn Đức"
    page.locator("#full_name").fill(decomposed)
    page.locator("#country").select_option("JP")
    page.locator("#city").fill("Tokyo")
    page.locator("#emails").fill("duc.nguyen@example.jp")
    with page.expect_navigation():
        page.get_by_role("button", name=t["save"], exact=True).last.click()
    heading = page.locator("h1").inner_text()
    assert heading.startswith("Nguyễn Văn Đức")  # stored and shown composed (NFC)
    first_profile = page.url
    first_id = int(first_profile.rsplit("/", 1)[1])

    page.goto(live_server.url + "/contacts/new")
    page.locator("#full_name").fill("Nguyen Van Duc")
    page.locator("#country").select_option("JP")
    page.locator("#city").fill("Tokyo")
    page.locator("#phones").fill("090-1234-5678")
    with page.expect_navigation():
        page.get_by_role("button", name=t["save"], exact=True).last.click()
    assert page.get_by_text(t["maybe"]).first.is_visible()
    check_page(page, lang)
    live_server.screenshot(page, f"contacts-duplicate-warning-{lang}")
    existing = page.get_by_role("link", name=t["open_existing"]).first
    assert first_profile.endswith(existing.get_attribute("href"))

    # Keyboard only: Tab to "save, then merge" and press Enter; then the same on the merge page.
    merge = page.get_by_role("button", name=t["save_merge"].format(id=first_id))
    tab_to(page, merge)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/contacts/merge\?"))
    assert page.get_by_role("heading", name=t["merge_heading"]).is_visible()
    check_page(page, lang)
    tab_to(page, page.get_by_role("button", name=t["merge_button"], exact=True))
    page.keyboard.press("Enter")
    page.wait_for_url(first_profile)
    assert page.locator(".flash-success", has_text=t["merged"]).is_visible()
    assert page.locator("h1").inner_text().startswith("Nguyễn Văn Đức")
    content = page.content()
    assert "duc.nguyen@example.jp" in content and "+81 90-1234-5678" in content
    check_page(page, lang)
    live_server.screenshot(page, f"contacts-merged-{lang}")


@LANGUAGES
def test_viewer_finds_expert_by_field_and_country_without_diacritics(live_server, page, lang):
    # The officer works in the other language than the viewer.
    t, o = TEXT[lang], TEXT["en" if lang == "vi" else "vi"]
    officer = live_server.create_user("officer", locale="en" if lang == "vi" else "vi")
    live_server.sign_in(page, officer)
    page.goto(live_server.url + "/contacts/new")
    page.locator("#full_name").fill("Trần Thị Thu Hương")
    page.locator("#country").select_option("FR")
    page.locator("#city").fill("Lyon")
    page.locator("#emails").fill("huong.private@example.fr")
    page.locator("#occupation").fill("Bác sĩ tim mạch")
    clinical = page.locator("#expertise-0-field option", has_text=f"3.2 {o['clinical']}")
    page.locator("#expertise-0-field").select_option(clinical.get_attribute("value"))
    with page.expect_navigation():
        page.get_by_role("button", name=o["save"], exact=True).last.click()
    page.locator("summary", has_text="Test Officer").click()
    page.get_by_role("button", name=o["sign_out"]).click()

    viewer = live_server.create_user("viewer", locale=lang)
    live_server.sign_in(page, viewer)
    assert "/search/" in page.url  # viewers land on the search page
    check_page(page, lang)
    page.locator("#q").fill("tran thi thu huong bac si")
    page.locator("summary", has_text=t["more_filters"]).click()
    page.locator("#add-country").select_option("FR")
    page.locator("#add-field").select_option("3.2")
    tab_to(page, page.get_by_role("button", name=t["search"], exact=True))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?"))
    assert page.get_by_role("heading", name=t["found_one"]).is_visible()
    check_page(page, lang)
    with page.expect_navigation():
        page.get_by_role("link", name="Trần Thị Thu Hương").click()
    assert page.locator("h1").inner_text().startswith("Trần Thị Thu Hương")
    assert t["clinical"] in page.content()
    assert "huong.private@example.fr" not in page.content()
    check_page(page, lang)
    live_server.screenshot(page, f"viewer-profile-without-personal-details-{lang}")
