"""Both catalogs complete and current; language chosen by preference, switcher, then browser."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from diaspora.extensions import db as _db
from diaspora.i18n_tools import untranslated
from diaspora.models import User
from tests.conftest import csrf_token

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "translations"


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_catalog_is_complete(locale):
    missing = untranslated(CATALOGS / locale / "LC_MESSAGES" / "messages.po", locale)
    assert missing == [], f"untranslated in {locale}: {missing[:10]}"


def _ids(path: Path) -> set:
    with path.open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


def test_extracted_template_is_current(tmp_path):
    """Strings in the code and the catalogs are the same set: none missing, none stale."""
    fresh = tmp_path / "fresh.pot"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            "--omit-header",
            "--ignore-dirs",
            ".*",  # pybabel also skips "_*" folders by default: templates/_macros has strings
            "-o",
            str(fresh),
            "diaspora",
            "templates",
        ],
        cwd=ROOT,
        check=True,
    )
    in_code = _ids(fresh)
    assert in_code == _ids(CATALOGS / "messages.pot"), "run `make translations`"
    for locale in ("vi", "en"):
        in_catalog = _ids(CATALOGS / locale / "LC_MESSAGES" / "messages.po")
        assert in_code - in_catalog == set(), f"missing in {locale}: run `make translations`"
        assert in_catalog - in_code == set(), f"stale in {locale}: run `make translations`"


def test_vietnamese_is_the_default(client):
    html = client.get("/about").get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert "Giới thiệu cơ sở dữ liệu" in html


def test_browser_language_is_used(client):
    html = client.get("/about", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(
        as_text=True
    )
    assert '<html lang="en">' in html
    assert "About this registry" in html


def test_switcher_is_remembered_and_beats_the_browser(app):
    client = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        token = csrf_token(client.get("/about").get_data(as_text=True))
        response = client.post(
            "/language", data={"lang": "en", "next": "/about", "csrf_token": token}
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.headers["Location"] == "/about"
    html = client.get("/about", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert '<html lang="en">' in html


def test_language_switch_without_csrf_token_is_refused(app):
    client = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/language", data={"lang": "en", "next": "/about"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert "Mã bảo mật của biểu mẫu" in response.get_data(as_text=True)
    assert '<html lang="vi">' in client.get("/about").get_data(as_text=True)


def test_unknown_language_code_is_explained(client):
    response = client.post("/language", data={"lang": "xx", "next": "/about"})
    assert response.status_code == 302
    html = client.get("/about").get_data(as_text=True)
    assert "Ngôn ngữ không được hỗ trợ" in html
    assert '<html lang="vi">' in html


def test_user_preference_wins_and_switcher_updates_it(app, client, login_as):
    user = login_as("viewer", locale="en")
    html = client.get("/plan/", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    client.post("/language", data={"lang": "vi", "next": "/plan/"})
    with app.app_context():
        assert _db.session.get(User, user.id).locale == "vi"
    assert '<html lang="vi">' in client.get("/plan/").get_data(as_text=True)


def test_dates_and_numbers_follow_the_locale(app):
    from flask_babel import force_locale

    from diaspora.i18n import format_date, format_number, format_timestamp

    with app.test_request_context():
        with force_locale("vi"):
            assert format_date(date(2026, 11, 26)) == "26/11/2026"
            assert format_number(1234567.5) == "1.234.567,5"
        with force_locale("en"):
            assert format_date(date(2026, 11, 26)) == "26 Nov 2026"
            assert format_number(1234567.5) == "1,234,567.5"
            from datetime import UTC

            # 17:30 UTC is 00:30 next day in Hải Phòng (UTC+7)
            assert (
                format_timestamp(datetime(2026, 11, 26, 17, 30, tzinfo=UTC)) == "27 Nov 2026, 00:30"
            )
