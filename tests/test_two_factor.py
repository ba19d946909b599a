"""Optional TOTP two-factor sign-in: enrolment, the code step, recovery codes, throttling,
mandatory roles and the administrator's reset."""

from __future__ import annotations

import re

import pyotp
import pytest
from sqlalchemy import func, select

from diaspora import create_app
from diaspora.extensions import db as _db
from diaspora.models import AuditEvent, RecoveryCode, User
from tests.conftest import PASSWORD, login


def user_row(app, user_id: int) -> User:
    with app.app_context():
        user = _db.session.get(User, user_id)
        _db.session.expunge(user)
        return user


def actions(app) -> list[str]:
    with app.app_context():
        return list(_db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def code_at(secret: str, clock, *, offset: int = 0) -> str:
    return pyotp.TOTP(secret).at(clock.now.timestamp() + offset)


def enrol(client, clock, app, user_id: int) -> tuple[str, list[str]]:
    """Go through the set-up pages; returns the secret and the recovery codes shown."""
    assert client.post("/account/two-factor/start").status_code == 302
    page = client.get("/account/two-factor/setup").get_data(as_text=True)
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page).group(1)
    response = client.post("/account/two-factor/setup", data={"code": code_at(secret, clock)})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([A-Z0-9]{5}-[A-Z0-9]{5})</code></li>", response.get_data(True))
    assert len(codes) == 10
    return secret, codes


def signed_in(client) -> bool:
    # A page every signed-in role gets (the home page sends viewers elsewhere).
    return client.get("/account/password").status_code == 200


@pytest.fixture
def enrolled(app, client, login_as, clock):
    """An officer with two-factor sign-in on, signed out again; (user, secret, codes)."""
    user = login_as("officer", locale="en")
    secret, codes = enrol(client, clock, app, user.id)
    client.post("/logout")
    clock.advance(seconds=60)  # the enrolment code's step is used up
    return user, secret, codes


# --- enrolment -------------------------------------------------------------------------------


def test_enrolment_shows_secret_uri_and_qr_code(app, client, login_as, clock):
    user = login_as("officer", locale="en")
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "Set up two-factor sign-in" in page
    client.post("/account/two-factor/start")
    page = client.get("/account/two-factor/setup").get_data(as_text=True)
    secret = user_row(app, user.id).totp_pending_secret
    assert secret and f'<code id="totp-secret">{secret}</code>' in page
    assert "otpauth://totp/" in page and f"secret={secret}" in page
    assert 'src="data:image/svg+xml' in page
    assert user_row(app, user.id).totp_secret is None  # not on until confirmed


@pytest.mark.parametrize("code", ["000000", "12345", "abcdef", "", "1234567"])
def test_wrong_confirmation_code_changes_nothing(app, client, login_as, clock, code):
    user = login_as("officer", locale="en")
    client.post("/account/two-factor/start")
    before = user_row(app, user.id)
    events = actions(app)
    response = client.post("/account/two-factor/setup", data={"code": code})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    after = user_row(app, user.id)
    assert after.totp_secret is None
    assert after.totp_pending_secret == before.totp_pending_secret
    assert actions(app) == events
    with app.app_context():
        assert _db.session.scalar(select(func.count(RecoveryCode.id))) == 0


def test_confirmation_turns_it_on_with_hashed_recovery_codes(app, client, login_as, clock):
    user = login_as("officer", locale="en")
    secret, codes = enrol(client, clock, app, user.id)
    row = user_row(app, user.id)
    assert row.totp_secret == secret and row.totp_pending_secret is None
    assert row.totp_enabled_at is not None
    with app.app_context():
        stored = list(_db.session.scalars(select(RecoveryCode.code_hash)))
    assert len(stored) == 10
    assert not any(code in stored or code.replace("-", "") in stored for code in codes)
    assert "user.2fa_enabled" in actions(app)
    # Starting again while it is on is refused.
    client.post("/account/two-factor/start")
    assert user_row(app, user.id).totp_pending_secret is None
    assert client.get("/account/two-factor/setup").status_code == 302


# --- signing in ------------------------------------------------------------------------------


def test_sign_in_asks_for_the_code(app, client, enrolled, clock):
    user, secret, _codes = enrolled
    response = login(client, user.email)
    assert response.headers["Location"] == "/login/code"
    assert not signed_in(client)  # the password alone is not a session
    assert client.get("/admin/audit/").status_code == 302
    response = client.post("/login/code", data={"code": code_at(secret, clock)})
    assert response.status_code == 302
    assert signed_in(client)
    with app.app_context():
        event = _db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "login").order_by(AuditEvent.id.desc())
        ).first()
        assert event.details == {"method": "totp"}


def test_wrong_code_is_refused_and_audited(app, client, enrolled, clock):
    user, secret, _codes = enrolled
    login(client, user.email)
    before = user_row(app, user.id)
    response = client.post("/login/code", data={"code": code_at(secret, clock, offset=-300)})
    assert response.status_code == 200
    assert "Mã không đúng hoặc đã được sử dụng." in response.get_data(as_text=True)
    assert not signed_in(client)
    assert actions(app)[-1] == "login.2fa_failed"
    assert user_row(app, user.id).last_login_at == before.last_login_at


def test_codes_of_the_neighbouring_steps_are_accepted(app, client, enrolled, clock):
    user, secret, _codes = enrolled
    login(client, user.email)
    assert client.post("/login/code", data={"code": code_at(secret, clock, offset=30)}).status_code
    assert signed_in(client)


def test_a_code_is_never_accepted_twice(app, client, enrolled, clock):
    user, secret, _codes = enrolled
    code = code_at(secret, clock)
    login(client, user.email)
    client.post("/login/code", data={"code": code})
    assert signed_in(client)
    client.post("/logout")
    login(client, user.email)
    response = client.post("/login/code", data={"code": code})
    assert "Mã không đúng hoặc đã được sử dụng." in response.get_data(as_text=True)
    assert not signed_in(client)


def test_recovery_code_works_once(app, client, enrolled, clock):
    user, _secret, codes = enrolled
    login(client, user.email)
    client.post("/login/code", data={"code": codes[3].lower().replace("-", " ")})
    home = client.get("/")
    assert home.status_code == 200
    assert "còn lại 9 mã" in home.get_data(as_text=True)
    client.post("/logout")
    login(client, user.email)
    client.post("/login/code", data={"code": codes[3]})
    assert not signed_in(client)


def test_wrong_codes_are_throttled(app, client, enrolled, clock):
    user, secret, _codes = enrolled
    login(client, user.email)
    for _ in range(5):
        client.post("/login/code", data={"code": "000000"})
    response = client.post("/login/code", data={"code": code_at(secret, clock)})
    assert response.status_code == 429
    assert "Nhập sai mã quá nhiều lần" in response.get_data(as_text=True)
    assert not signed_in(client)
    assert actions(app).count("login.2fa_failed") == 5


def test_the_code_must_follow_the_password_quickly(app, client, enrolled, clock):
    user, secret, _codes = enrolled
    login(client, user.email)
    clock.advance(minutes=6)
    response = client.post("/login/code", data={"code": code_at(secret, clock)})
    assert response.headers["Location"] == "/login"
    assert not signed_in(client)


def test_code_page_without_a_password_step_goes_to_login(client, enrolled):
    assert client.get("/login/code").headers["Location"] == "/login"
    assert client.post("/login/code", data={"code": "123456"}).headers["Location"] == "/login"


def test_next_is_kept_through_the_code_step(app, client, enrolled, clock):
    user, secret, _codes = enrolled
    client.post("/login", data={"email": user.email, "password": PASSWORD, "next": "/plan/"})
    response = client.post("/login/code", data={"code": code_at(secret, clock)})
    assert response.headers["Location"] == "/plan/"


# --- managing it -----------------------------------------------------------------------------


def test_new_recovery_codes_replace_the_old(app, client, enrolled, clock):
    user, secret, old_codes = enrolled
    login(client, user.email)
    client.post("/login/code", data={"code": code_at(secret, clock)})
    clock.advance(seconds=30)
    with app.app_context():
        before = sorted(_db.session.scalars(select(RecoveryCode.code_hash)))
    client.post("/account/two-factor/recovery-codes", data={"code": "111111"})
    with app.app_context():
        assert sorted(_db.session.scalars(select(RecoveryCode.code_hash))) == before
    response = client.post(
        "/account/two-factor/recovery-codes", data={"code": code_at(secret, clock)}
    )
    new_codes = re.findall(r"<code>([A-Z0-9]{5}-[A-Z0-9]{5})</code>", response.get_data(True))
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    client.post("/logout")
    login(client, user.email)
    client.post("/login/code", data={"code": old_codes[0]})
    assert not signed_in(client)


def test_user_turns_it_off_with_password(app, client, enrolled, clock):
    user, secret, _codes = enrolled
    login(client, user.email)
    client.post("/login/code", data={"code": code_at(secret, clock)})
    client.post("/account/two-factor/disable", data={"password": "wrong password"})
    assert user_row(app, user.id).totp_secret == secret
    client.post("/account/two-factor/disable", data={"password": PASSWORD})
    assert user_row(app, user.id).totp_secret is None
    with app.app_context():
        assert _db.session.scalar(select(func.count(RecoveryCode.id))) == 0
    assert "user.2fa_disabled" in actions(app)
    client.post("/logout")
    assert login(client, user.email).headers["Location"] == "/"


def test_guessing_the_password_to_turn_it_off_is_throttled(app, client, enrolled, clock):
    user, secret, _codes = enrolled
    login(client, user.email)
    client.post("/login/code", data={"code": code_at(secret, clock)})
    for _ in range(5):
        client.post("/account/two-factor/disable", data={"password": "a wrong guess!"})
    client.post("/account/two-factor/disable", data={"password": PASSWORD})
    assert user_row(app, user.id).totp_secret == secret
    assert "user.2fa_disabled" not in actions(app)


def test_admin_resets_a_users_second_factor(app, client, enrolled, make_user, clock):
    user, secret, _codes = enrolled
    victim = app.test_client()
    login(victim, user.email)
    victim.post("/login/code", data={"code": code_at(secret, clock)})
    assert signed_in(victim)
    admin = make_user("admin")
    login(client, admin.email)
    page = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert f"/admin/users/{user.id}/two-factor/reset" in page
    assert client.post(f"/admin/users/{user.id}/two-factor/reset").status_code == 302
    row = user_row(app, user.id)
    assert row.totp_secret is None
    assert not signed_in(victim)  # their sessions ended
    with app.app_context():
        event = _db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "user.2fa_reset")
        ).one()
        assert event.actor_id == admin.id and event.target_id == user.id
    # A second reset has nothing to remove and changes nothing.
    events = actions(app)
    client.post(f"/admin/users/{user.id}/two-factor/reset")
    assert actions(app) == events
    assert user_row(app, user.id).session_epoch == row.session_epoch


def test_only_admins_reset(app, client, enrolled, login_as):
    user, _secret, _codes = enrolled
    login_as("officer")
    assert client.post(f"/admin/users/{user.id}/two-factor/reset").status_code == 403
    assert user_row(app, user.id).totp_secret is not None


# --- mandatory for some roles ----------------------------------------------------------------


def test_required_roles_must_enrol_before_anything_else(app, client, make_user, clock, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_REQUIRED_ROLES", "admin,officer")
    officer = make_user("officer", locale="en")
    response = login(client, officer.email)
    assert response.headers["Location"] == "/account/two-factor"
    for url in ("/", "/plan/", "/account/password"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"] == "/account/two-factor"
    assert client.get("/about").status_code == 200  # public pages stay public
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "Your role must use two-factor sign-in." in page
    secret, _codes = enrol(client, clock, app, officer.id)
    assert signed_in(client)
    # It cannot be turned off while the role needs it.
    client.post("/account/two-factor/disable", data={"password": PASSWORD})
    assert user_row(app, officer.id).totp_secret == secret


def test_other_roles_are_not_forced(app, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_REQUIRED_ROLES", "admin,officer")
    viewer = make_user("viewer")
    assert login(client, viewer.email).headers["Location"] == "/"
    assert signed_in(client)


def test_logout_stays_possible_before_enrolment(app, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_REQUIRED_ROLES", "officer")
    officer = make_user("officer")
    login(client, officer.email)
    assert client.post("/logout").headers["Location"] == "/login"
    assert not signed_in(client)


def test_unknown_required_role_stops_the_app(app):
    with pytest.raises(RuntimeError, match="unknown roles boss"):
        create_app(
            "testing",
            {
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "TWO_FACTOR_REQUIRED_ROLES": "admin,boss",
            },
        )
