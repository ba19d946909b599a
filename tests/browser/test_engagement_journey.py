"""An officer records an event with three participants picked from a search, then finds it on
each participant's profile and on the plan task's page."""

from __future__ import annotations

from diaspora.contacts import services as contact_services
from diaspora.contacts.data import ContactData
from diaspora.extensions import db
from diaspora.models import User
from tests.conftest import PASSWORD

PARTICIPANTS = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]
EVENT = "Lễ hội Hoa Phượng Đỏ 2026 — đoàn kiều bào Nhật Bản"


def _setup_and_sign_in(page, base: str) -> None:
    page.goto(base + "/")
    page.get_by_label("Email").fill("admin@haiphong.gov.vn")
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Quản Trị")
    page.get_by_label("Mật khẩu mới").fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Tạo quản trị viên").click()
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def _register_contacts(app) -> list[int]:
    with app.app_context(), app.test_request_context():
        officer = db.session.scalar(db.select(User))
        ids = []
        for number, name in enumerate(PARTICIPANTS):
            contact = contact_services.create_contact(
                ContactData(full_name=name, country="JP", city=f"Tokyo {number}"), actor=officer
            )
            ids.append(contact.id)
        contact_services.create_contact(
            ContactData(full_name="Phạm Thị Seoul", country="KR", city="Seoul"), actor=officer
        )
        db.session.commit()
        return ids


def test_record_an_event_with_three_participants(live_server, page):
    base = live_server.url
    _setup_and_sign_in(page, base)
    # Officers and administrators start on their dashboard.
    assert page.get_by_role("heading", name="Bảng điều khiển").is_visible()
    ids = _register_contacts(live_server.app)

    page.get_by_role("link", name="Hoạt động", exact=True).first.click()
    page.get_by_role("button", name="Ghi nhận hoạt động").first.click()
    page.locator("#type").select_option("event_attendance")
    page.locator("#title").fill(EVENT)
    page.locator("#start_date").fill("2026-05-10")
    page.locator("#end_date").fill("2026-05-12")
    page.locator("#country").select_option("VN")
    page.locator("#city").fill("Hải Phòng")
    page.locator("#outcome").fill("Ba kiều bào nhận lời tham gia Hội đồng tư vấn du lịch.")
    page.get_by_label("II.4. Tiếp tục đẩy mạnh công tác văn hóa đối ngoại", exact=False).check()

    # Pick the participants from a search: everyone in Japan.
    page.locator("#find_country").select_option("JP")
    page.get_by_role("button", name="Tìm kiều bào").click()
    assert page.get_by_text("Tìm thấy 3 kiều bào.").is_visible()
    assert page.locator("#title").input_value() == EVENT  # nothing typed was lost
    live_server.screenshot(page, "engagement-finder")
    page.get_by_role("button", name="Thêm cả 3 kiều bào tìm thấy").click()
    assert page.get_by_text("Đã thêm 3 kiều bào vào hoạt động").is_visible()
    page.get_by_role("button", name="Lưu", exact=True).click()

    assert page.get_by_text(f"Đã ghi nhận hoạt động “{EVENT}”.").is_visible()
    assert page.get_by_role("heading", name=EVENT).is_visible()
    for name in PARTICIPANTS:
        assert page.get_by_role("link", name=name).is_visible()
    live_server.screenshot(page, "engagement-recorded")

    for contact_id, name in zip(ids, PARTICIPANTS, strict=True):
        page.goto(f"{base}/contacts/{contact_id}")
        assert page.get_by_role("heading", name=name).is_visible()
        timeline = page.locator("ol.timeline")
        assert timeline.get_by_role("link", name=EVENT).is_visible()
        assert page.get_by_text("Hoạt động gần nhất: 10/05/2026.").is_visible()
    live_server.screenshot(page, "engagement-on-profile")

    page.goto(f"{base}/plan/II.4")
    assert page.get_by_role("heading", name="Hoạt động thực hiện nhiệm vụ này").is_visible()
    assert page.get_by_role("link", name=EVENT).is_visible()
    assert page.get_by_text("1 hoạt động · 3 kiều bào được kết nối").is_visible()
    live_server.screenshot(page, "engagement-on-plan-task")

    page.goto(f"{base}/dashboard")
    assert page.locator("svg.bar-chart").first.is_visible()
    live_server.screenshot(page, "dashboard")
