"""Accounts: first-run setup, sign-in, throttling, session revocation, admin pages and CLI."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from diaspora.extensions import db as _db
from diaspora.models import AuditEvent, User
from tests.account_helpers import account_form, new_account_form
from tests.conftest import PASSWORD, login


def signed_out(client) -> bool:
    """The home page sends the client to the sign-in page (not, say, a viewer to search)."""
    response = client.get("/")
    return response.status_code == 302 and "/login" in response.headers["Location"]


def count(app, model=User) -> int:
    with app.app_context():
        return _db.session.scalar(select(func.count()).select_from(model))


def test_setup_creates_the_first_admin_then_disappears(app, client):
    assert client.get("/").headers["Location"].startswith("/login")
    assert client.get("/login").headers["Location"] == "/setup"
    response = client.post(
        "/setup",
        data={
            "email": "Admin@HaiPhong.gov.vn",
            "name": "Quản trị",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert response.status_code == 302
    with app.app_context():
        admin = _db.session.scalar(select(User))
        assert admin.email == "admin@haiphong.gov.vn"
        assert admin.role == "admin"
    assert client.get("/setup").status_code == 404
    assert client.post("/setup", data={"email": "x@y.org"}).status_code == 404
    assert count(app) == 1


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1!", "ít nhất 12 ký tự"),
        ("x" * 129, "Mật khẩu quá dài"),
        ("password1234", "quá phổ biến"),
        ("123456789012", "quá phổ biến"),
    ],
)
def test_setup_refuses_bad_passwords(app, client, password, message):
    response = client.post(
        "/setup",
        data={"email": "a@b.org", "name": "A", "password": password, "confirm": password},
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count(app) == 0


def test_setup_refuses_mismatched_confirmation_and_bad_email(app, client):
    response = client.post(
        "/setup",
        data={"email": "not an email", "name": "A", "password": PASSWORD, "confirm": "other"},
    )
    html = response.get_data(as_text=True)
    assert "Hai mật khẩu không khớp nhau" in html
    assert count(app) == 0
    response = client.post(
        "/setup",
        data={"email": "a b@c.org", "name": "A", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert "Nhập địa chỉ email hợp lệ" in response.get_data(as_text=True)
    assert count(app) == 0


def test_login_and_logout(app, client, make_user):
    user = make_user("officer")
    response = login(client, user.email.upper())
    assert response.status_code == 302
    assert client.get("/").headers["Location"] == "/dashboard"  # officers start there
    assert client.get("/dashboard").status_code == 200
    with app.app_context():
        assert _db.session.get(User, user.id).last_login_at is not None
    response = client.post("/logout")
    assert response.status_code == 302
    assert signed_out(client)


@pytest.mark.parametrize("case", ["wrong password", "unknown email", "empty"])
def test_login_failures_are_explained(app, client, make_user, case):
    user = make_user("viewer")
    data = {
        "wrong password": {"email": user.email, "password": "not the password!"},
        "unknown email": {"email": "nobody@example.org", "password": PASSWORD},
        "empty": {"email": "", "password": ""},
    }[case]
    response = client.post("/login", data=data, headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    if case == "empty":
        assert "Enter your email address." in html
        assert "Enter your password." in html
    else:
        assert "Wrong email address or password." in html
    assert signed_out(client)


def test_inactive_user_cannot_sign_in(app, client, make_user):
    user = make_user("officer")
    with app.app_context():
        _db.session.get(User, user.id).active = False
        _db.session.commit()
    response = login(client, user.email)
    assert response.status_code == 200
    assert "đã bị vô hiệu hóa" in response.get_data(as_text=True)


def test_failed_logins_are_throttled_per_account(app, client, make_user):
    user = make_user("officer")
    for _ in range(5):
        assert login(client, user.email, "wrong password!!").status_code == 200
    response = login(client, user.email)  # the right password, but too late
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.get_data(as_text=True)
    with app.app_context():
        failures = _db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "login.failed")
        )
    assert failures == 5


def test_failed_logins_are_throttled_per_address(app, client, make_user):
    make_user("admin")
    for number in range(20):
        login(client, f"someone{number}@example.org", "wrong password!!")
    other = make_user("viewer")
    assert login(client, other.email).status_code == 429


def test_captured_session_cookie_stops_working_after_logout(app, make_user):
    user = make_user("officer")
    browser = app.test_client()
    login(browser, user.email)
    cookie = browser.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    browser.post("/logout")
    attacker = app.test_client()
    attacker.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    response = attacker.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_deactivation_ends_existing_sessions(app, make_user):
    admin = make_user("admin")
    officer = make_user("officer")
    officer_client = app.test_client()
    login(officer_client, officer.email)
    assert officer_client.get("/dashboard").status_code == 200
    admin_client = app.test_client()
    login(admin_client, admin.email)
    response = admin_client.post(
        f"/admin/users/{officer.id}",
        data=account_form(officer, active=None),  # "active" unticked
    )
    assert response.status_code == 302
    assert signed_out(officer_client)


def test_password_change_ends_sessions(app, make_user):
    user = make_user("viewer")
    first, second = app.test_client(), app.test_client()
    login(first, user.email)
    login(second, user.email)
    new_password = "a brand new passphrase 2026"
    response = first.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": new_password, "confirm": new_password},
    )
    assert response.status_code == 302
    assert signed_out(second)
    assert signed_out(first)
    assert login(first, user.email, new_password).status_code == 302


def test_password_change_with_wrong_current_password(app, client, login_as):
    login_as("viewer")
    response = client.post(
        "/account/password",
        data={
            "current_password": "wrong!",
            "password": "another long pass 77",
            "confirm": "another long pass 77",
        },
    )
    assert "Mật khẩu hiện tại không đúng" in response.get_data(as_text=True)


def test_next_only_follows_local_paths(client, make_user):
    user = make_user("viewer")
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "next": "//evil.example/x"}
    )
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "next": "/plan/"}
    )
    assert response.headers["Location"] == "/plan/"


def test_admin_creates_user_and_duplicate_email_is_refused(app, client, login_as):
    login_as("admin")
    data = new_account_form("Nguyen.Van.A@haiphong.gov.vn", "Nguyễn Văn A")
    assert client.post("/admin/users/new", data=data).status_code == 302
    before = count(app)
    response = client.post(
        "/admin/users/new", data={**data, "email": "NGUYEN.VAN.A@HAIPHONG.GOV.VN"}
    )
    assert "Đã có tài khoản dùng địa chỉ email này" in response.get_data(as_text=True)
    assert count(app) == before


def test_admin_cannot_demote_themselves(app, client, login_as):
    admin = login_as("admin")
    response = client.post(
        f"/admin/users/{admin.id}",
        data=account_form(admin, name="X", role="viewer"),
    )
    assert "không thể tự bỏ quyền quản trị" in response.get_data(as_text=True)
    with app.app_context():
        assert _db.session.get(User, admin.id).role == "admin"


def test_admin_sets_a_new_password(app, client, login_as, make_user):
    login_as("admin")
    other = make_user("officer")
    new_password = "set by the administrator 9"
    response = client.post(
        f"/admin/users/{other.id}/password",
        data={"password": new_password, "confirm": new_password},
    )
    assert response.status_code == 302
    assert login(app.test_client(), other.email, new_password).status_code == 302


def test_extra_form_fields_cannot_escalate(app, client, login_as):
    user = login_as("viewer")
    client.post(
        "/account/password",
        data={"current_password": "nope", "password": "x", "confirm": "x", "role": "admin"},
    )
    with app.app_context():
        assert _db.session.get(User, user.id).role == "viewer"


def test_cli_create_and_list_users(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "cli@haiphong.gov.vn",
            "--name",
            "Cán bộ CLI",
            "--role",
            "officer",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created officer cli@haiphong.gov.vn" in result.output
    result = runner.invoke(args=["users", "list"])
    assert "cli@haiphong.gov.vn\tofficer\tactive" in result.output


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["bad-email", "--name", "X", "--role", "viewer", "--password-stdin"], PASSWORD, "email"),
        (["a@b.org", "--name", "X", "--role", "viewer", "--password-stdin"], "short", "12"),
        (["a@b.org", "--name", "X", "--role", "boss", "--password-stdin"], PASSWORD, "boss"),
        (["a@b.org", "--name", "X", "--role", "viewer"], PASSWORD, "--password-stdin"),
    ],
)
def test_cli_refuses_bad_input(app, runner, args, stdin, message):
    result = runner.invoke(args=["users", "create", *args], input=stdin + "\n")
    assert result.exit_code != 0
    assert message in result.output
    assert count(app) == 0


def test_cli_refuses_duplicate_email(app, runner, make_user):
    user = make_user("viewer")
    result = runner.invoke(
        args=[
            "users",
            "create",
            user.email.upper(),
            "--name",
            "X",
            "--role",
            "viewer",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 1
    assert count(app) == 1


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1!", "The password must have at least 12 characters."),
        ("x" * 129, "The password is too long."),
        ("password1234", "This password is too common and easy to guess; choose another."),
    ],
)
def test_bad_passwords_are_explained_in_english(app, client, password, message):
    """Issue 2 bad input: the English interface explains a bad password in English."""
    response = client.post(
        "/setup",
        data={"email": "a@b.org", "name": "A", "password": password, "confirm": password},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html and "Mật khẩu" not in html
    assert count(app) == 0


def test_account_errors_are_explained_in_english(app, client, make_user, login_as):
    """Inactive account, throttled sign-in and a duplicate email in another case, in English."""
    inactive = make_user("officer", locale="en")
    with app.app_context():
        _db.session.get(User, inactive.id).active = False
        _db.session.commit()
    english = {"Accept-Language": "en"}
    response = client.post(
        "/login", data={"email": inactive.email, "password": PASSWORD}, headers=english
    )
    assert "This account has been deactivated." in response.get_data(as_text=True)
    assert signed_out(client)
    target = make_user("viewer")
    for _ in range(5):
        client.post("/login", data={"email": target.email, "password": "wrong password!!"})
    response = client.post(
        "/login", data={"email": target.email, "password": PASSWORD}, headers=english
    )
    assert response.status_code == 429
    assert "Too many failed sign-in attempts." in response.get_data(as_text=True)
    login_as("admin", locale="en")
    before = count(app)
    response = client.post(
        "/admin/users/new",
        data=new_account_form(target.email.upper(), "Trùng"),
    )
    assert "An account with this email address already exists." in response.get_data(as_text=True)
    assert count(app) == before


def test_accounts_page_is_paged(app, client, login_as, make_user):
    login_as("admin", locale="en")
    made = [make_user("viewer", name=f"Cán bộ {letter}") for letter in "ABC"]
    app.config["PER_PAGE"], per_page = 2, app.config["PER_PAGE"]
    try:
        first = client.get("/admin/users/").get_data(as_text=True)
        second = client.get("/admin/users/?page=2").get_data(as_text=True)
    finally:
        app.config["PER_PAGE"] = per_page
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    for user in made:
        assert f'href="/admin/users/{user.id}"' in first + second
