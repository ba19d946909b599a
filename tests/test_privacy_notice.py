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


def _notice_texts(html: str) -> list[str]:
    """The paragraphs and list items of the notice, without markup."""
    article = html[html.index('<article class="privacy-notice">') : html.index("</article>")]
    return [
        re.sub(r"\s+", " ", text).strip()
        for text in re.findall(r"<(?:p|li)>(.*?)</(?:p|li)>", article, flags=re.S)
    ]


def test_the_public_forms_show_the_same_notice_in_full(client):
    """One text: what /privacy says is what the registration form shows, in both languages."""
    for headers in ({}, {"Accept-Language": "en"}):
        page = _notice_texts(client.get("/privacy", headers=headers).get_data(as_text=True))
        form = client.get("/register", headers=headers).get_data(as_text=True)
        assert PRIVACY_NOTICE_VERSION in form
        assert len(page) > 15
        for text in page:
            assert text in form, text
