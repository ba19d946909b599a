"""The site's icon: browsers' own ``/favicon.ico`` request gets the icon, not a 404."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from diaspora.core.views import FAVICON_MAX_AGE

SVG = "{http://www.w3.org/2000/svg}"


def _check_icon(response) -> None:
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert response.cache_control.max_age == FAVICON_MAX_AGE >= 30 * 24 * 3600
    assert response.cache_control.private and not response.cache_control.public
    icon = Image.open(io.BytesIO(response.get_data()))
    assert icon.format == "ICO"
    assert {(16, 16), (32, 32)} <= set(icon.info["sizes"])


def test_favicon_ico_for_anonymous_visitors(client):
    _check_icon(client.get("/favicon.ico"))


def test_favicon_head_request(client):
    with client.head("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/vnd.microsoft.icon"
        assert response.get_data() == b""


def test_favicon_revalidates_with_its_etag(client):
    etag = client.get("/favicon.ico").headers["ETag"]
    again = client.get("/favicon.ico", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""


def test_favicon_for_a_user_who_must_still_set_up_two_factor(app, client, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_REQUIRED_ROLES", "officer")
    login_as("officer")
    assert client.get("/contacts/").status_code == 302  # everything else waits for enrolment
    _check_icon(client.get("/favicon.ico"))


def test_favicon_svg_is_a_square_svg(client):
    with client.get("/static/favicon.svg") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/svg+xml"
        root = ET.fromstring(response.get_data())  # noqa: S314 (the repository's own file)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 32 32"
    assert root.find(f"{SVG}script") is None


def _icon_links(html: str) -> list[str]:
    return [line.strip() for line in html.splitlines() if 'rel="icon"' in line]


@pytest.mark.parametrize("path", ["/login", "/register", "/about", "/no-such-page"])
def test_every_kind_of_page_links_both_icons(client, seeded, make_user, path):
    make_user("admin")  # else the sign-in page sends to the first-account setup
    response = client.get(path)
    assert response.status_code == (404 if path == "/no-such-page" else 200)
    links = _icon_links(response.get_data(as_text=True))
    assert any('href="/favicon.ico"' in link for link in links), links
    assert any('href="/static/favicon.svg"' in link and "image/svg+xml" in link for link in links)


def test_signed_in_pages_link_the_icon(client, login_as):
    login_as("officer", locale="en")
    html = client.get("/contacts/").get_data(as_text=True)
    assert len(_icon_links(html)) == 2
