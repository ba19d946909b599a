"""An administrator turns on two-factor sign-in, signs in with a code, reads the audit trail and
the privacy notice — in a real browser, with CSRF on and no CSP violation."""

from __future__ import annotations

import pyotp

from diaspora.auth import services as auth_services
from diaspora.extensions import db
from tests.conftest import PASSWORD


def test_two_factor_audit_and_privacy_notice(live_server, page):
    with live_server.app.app_context():
        auth_services.create_user(
            auth_services.UserData(
                email="admin@haiphong.gov.vn", name="Trần Văn Quản", role="admin", locale="vi"
            ),
            PASSWORD,
            actor=None,
        )
        db.session.commit()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    base = live_server.url
    page.goto(base + "/login")
    page.get_by_label("Email").fill("admin@haiphong.gov.vn")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    page.goto(base + "/account/two-factor")
    page.get_by_role("button", name="Thiết lập xác thực hai lớp").click()
    assert page.get_by_role("img", name="Mã QR của khóa thiết lập").is_visible()
    secret = page.locator("#totp-secret").inner_text()
    live_server.screenshot(page, "two-factor-setup")
    page.get_by_label("Mã trên ứng dụng").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Xác nhận và bật").click()
    assert page.get_by_role("heading", name="Mã khôi phục").is_visible()
    assert page.locator(".recovery-codes li").count() == 10
    recovery_code = page.locator(".recovery-codes li").first.inner_text()
    live_server.screenshot(page, "two-factor-recovery-codes")

    page.locator("summary", has_text="Trần Văn Quản").click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_label("Email").fill("admin@haiphong.gov.vn")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    assert "/login/code" in page.url
    page.goto(base + "/")
    assert "/login" in page.url  # the password alone is no session
    page.goto(base + "/login/code")
    live_server.screenshot(page, "two-factor-code")
    # The enrolment used this step's code; a recovery code signs in without waiting for the next.
    page.get_by_label("Mã").fill(recovery_code)
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_text("còn lại 9 mã").is_visible()
    page.goto(base + "/admin/audit/")
    assert page.locator("td code", has_text="user.2fa_enabled").is_visible()

    page.goto(base + "/privacy")
    assert page.get_by_role("heading", name="Thông báo về xử lý dữ liệu cá nhân").is_visible()
    page.get_by_role("button", name="English").click()
    assert page.get_by_role("heading", name="Privacy notice").is_visible()
    live_server.screenshot(page, "privacy-notice")
    assert violations == []


def test_audit_trail_in_the_browser(live_server, page):
    with live_server.app.app_context():
        auth_services.create_user(
            auth_services.UserData(
                email="admin@haiphong.gov.vn", name="Trần Văn Quản", role="admin", locale="en"
            ),
            PASSWORD,
            actor=None,
        )
        db.session.commit()
    base = live_server.url
    page.goto(base + "/login")
    page.get_by_label("Email").fill("admin@haiphong.gov.vn")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("link", name="Audit trail").click()
    assert page.get_by_role("heading", name="Audit trail").is_visible()
    page.get_by_label("Action").select_option("login")
    page.get_by_role("button", name="Filter").click()
    assert "action=login" in page.url
    assert page.locator("td code", has_text="login").first.is_visible()
    live_server.screenshot(page, "audit-trail")
    page.get_by_label("Purpose of the export").fill("Quarterly review")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    assert download.value.suggested_filename.startswith("audit-")
