"""An administrator deactivates an account; the session that account had open is refused at once,
and signing in again is refused too."""

from __future__ import annotations

import re

from tests.browser.a11y import check_page, tab_to


def test_deactivated_user_is_refused(live_server, browser, page):
    # A viewer is working in English in their own browser.
    viewer_email = live_server.create_user("viewer", locale="en")
    other = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    viewer = other.new_page()
    viewer.set_default_timeout(15000)
    try:
        live_server.sign_in(viewer, viewer_email)
        assert "/search/" in viewer.url

        # The administrator works in Vietnamese.
        admin = live_server.create_user("admin")
        live_server.sign_in(page, admin)
        with page.expect_navigation():
            page.get_by_role("link", name="Tài khoản").first.click()
        check_page(page, "vi")
        row = page.get_by_role("row", name=re.compile(re.escape(viewer_email)))
        with page.expect_navigation():
            row.get_by_role("link").click()
        check_page(page, "vi")
        active = page.get_by_label("Đang hoạt động")
        assert active.is_checked()
        tab_to(page, active)
        page.keyboard.press("Space")  # keyboard alone
        assert not active.is_checked()
        tab_to(page, page.get_by_role("button", name="Lưu"))
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/admin/users/$"))
        row = page.get_by_role("row", name=re.compile(re.escape(viewer_email)))
        assert "ngừng hoạt động" in row.inner_text()
        live_server.screenshot(page, "accounts-deactivated")

        # The viewer's open session no longer works.
        viewer.reload()
        viewer.wait_for_load_state()
        assert "/login" in viewer.url
        check_page(viewer, "en")
        live_server.sign_in(viewer, viewer_email)
        assert "/login" in viewer.url
        assert viewer.get_by_text("This account has been deactivated").is_visible()
        check_page(viewer, "en")
        live_server.screenshot(viewer, "accounts-deactivated-session-refused")
    finally:
        other.close()
