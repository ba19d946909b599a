"""The public privacy notice: bilingual, versioned, and explicit about what is never collected."""

from __future__ import annotations

import re

from diaspora.privacy.notice import PRIVACY_NOTICE_VERSION


def test_version_is_a_year_and_month():
    assert re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", PRIVACY_NOTICE_VERSION)


def test_notice_is_public_and_vietnamese_by_default(client):
    response = client.get("/privacy")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert "Thông báo về xử lý dữ liệu cá nhân" in html
    assert PRIVACY_NOTICE_VERSION in html
    assert "91/2025/QH15" in html and "356/2025/NĐ-CP" in html
    for word in ("dân tộc", "tôn giáo", "chính trị", "sức khỏe", "giấy tờ tùy thân"):
        assert word in html, word


def test_notice_in_english(client):
    html = client.get("/privacy", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Privacy notice" in html
    assert f"version {PRIVACY_NOTICE_VERSION}" in html
    for phrase in (
        "ethnicity",
        "religion",
        "political views",
        "health",
        "identity document",
        "within 2 working days",
        "within 10 days (10 more",
        "within 20 days (20 more",
        "withdraw a consent at any time",
    ):
        assert phrase in html, phrase


def test_every_page_links_to_the_notice(client):
    assert 'href="/privacy"' in client.get("/about").get_data(as_text=True)
