"""A newcomer's first minutes: setup → sign in → switch language → browse → sign out."""

from __future__ import annotations

from tests.conftest import PASSWORD


def test_setup_login_switch_language_logout(live_server, page):
    base = live_server.url
    page.goto(base + "/")
    assert page.url.endswith("/setup")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.get_by_label("Email").fill("admin@haiphong.gov.vn")
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Quản Trị")
    page.get_by_label("Mật khẩu mới").fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Tạo quản trị viên").click()

    assert "/login" in page.url
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_text("Xin chào, Nguyễn Thị Quản Trị.").is_visible()

    page.get_by_role("link", name="Nhiệm vụ của Kế hoạch").first.click()
    assert page.get_by_role("link", name="II.4").is_visible()

    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Plan tasks").is_visible()
    page.get_by_role("link", name="II.4").click()
    assert page.get_by_text("Department of Foreign Affairs").first.is_visible()

    page.get_by_role("link", name="Expertise fields").first.click()
    assert page.get_by_text("Natural sciences").first.is_visible()

    page.locator("summary", has_text="Nguyễn Thị Quản Trị").click()
    page.get_by_role("button", name="Sign out").click()
    assert "/login" in page.url
    assert page.get_by_text("You have signed out.").is_visible()
    live_server.screenshot(page, "foundation-journey")

    # The page works on a phone too: the sign-in form is reachable without horizontal scrolling.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "/login")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    live_server.screenshot(page, "login-phone")
