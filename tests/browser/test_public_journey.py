"""A compatriot registers in English with the keyboard; an officer approves the submission in
Vietnamese, and the new contact is found by search."""

from __future__ import annotations

import re

from tests.browser.a11y import check_page, tab_to


def test_self_registration_review_and_search(live_server, browser, page):
    # The compatriot's browser asks for English; no account.
    visitor = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    public = visitor.new_page()
    public.set_default_timeout(15000)
    try:
        public.goto(live_server.url + "/register")
        check_page(public, "en")
        assert public.get_by_role("heading", name="Privacy notice").is_visible()
        public.get_by_label("Full name (family name first)").fill("Lê Thị Hạnh")
        public.get_by_label("Adopted or foreign name").fill("Hannah Le")
        public.get_by_label("Country of residence").select_option("DE")
        public.get_by_label("City", exact=True).fill("Hamburg")
        public.get_by_label("Email addresses").fill("hanh.le@example.de")
        public.get_by_label("Occupation", exact=True).fill("Logistics manager")
        public.get_by_label("I agree that the Department of Foreign Affairs").check()
        public.get_by_label("I agree to be contacted").check()
        assert not public.get_by_label("I agree that my name, field and city").is_checked()
        # Keyboard alone: Tab to the send button, press Enter.
        tab_to(public, public.get_by_role("button", name="Send my registration"))
        public.keyboard.press("Enter")
        public.wait_for_url(re.compile(r"/register/done$"))
        check_page(public, "en")
        reference = public.locator(".reference-code").inner_text()
        assert re.fullmatch(r"HP-[A-Z2-9]{4}-[A-Z2-9]{4}", reference)
        live_server.screenshot(public, "public-registration-received")
    finally:
        visitor.close()

    # The officer works in Vietnamese.
    officer = live_server.create_user("officer")
    live_server.sign_in(page, officer)
    page.goto(live_server.url + "/register")  # the public form in Vietnamese passes too
    check_page(page, "vi")
    page.goto(live_server.url + "/search/?q=le+thi+hanh")
    assert page.get_by_text("Lê Thị Hạnh").count() == 0  # not before review
    queue = page.get_by_role("link", name=re.compile("Hàng chờ duyệt"))
    assert "1 đang chờ" in queue.inner_text()
    with page.expect_navigation():
        queue.click()
    check_page(page, "vi")
    with page.expect_navigation():
        page.get_by_role("link", name=reference).click()
    check_page(page, "vi")
    assert page.get_by_text("hanh.le@example.de").is_visible()
    tab_to(page, page.get_by_role("button", name="Duyệt thành hồ sơ mới"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/contacts/\d+$"))
    assert page.locator("h1").inner_text().startswith("Lê Thị Hạnh")
    assert page.get_by_text("Tự đăng ký").first.is_visible()
    check_page(page, "vi")

    page.goto(live_server.url + "/search/")
    page.locator("#q").fill("le thi hanh hamburg")
    page.get_by_role("button", name="Tìm kiếm", exact=True).click()
    page.wait_for_url(re.compile(r"/search/\?"))
    assert page.get_by_role("link", name="Lê Thị Hạnh").is_visible()
    check_page(page, "vi")
    live_server.screenshot(page, "public-registration-approved-and-found")
