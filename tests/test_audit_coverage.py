"""Every kind of event the issue lists lands in the audit trail when done through the web pages.

One officer's working day, driven through the test client as a browser would: a failed and a
successful sign-in, a contact created, viewed, changed, deleted, restored and merged, an import
committed and undone, an export with its purpose, an erasure and a permission change. Each step
must leave its event (with the diff, the purpose, the reason), and the admin's filters find it.
"""

from __future__ import annotations

import csv
import io

import pytest

from diaspora.extensions import db as _db
from diaspora.models import AuditEvent, Contact
from tests.conftest import PASSWORD, login
from tests.contact_pages import create, edit_form, html
from tests.import_pages import HEADER, ROWS, import_file
from tests.transfer_helpers import csv_bytes

pytestmark = pytest.mark.usefixtures("seeded")


def events_of(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        rows = _db.session.scalars(
            _db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).all()
        for row in rows:
            _db.session.expunge(row)
        return list(rows)


def test_every_listed_kind_of_event_is_audited_and_found_by_the_filters(app, client, make_user):
    made = make_user("admin", locale="en")
    admin_id, admin_email = made.id, made.email
    made = make_user("officer", name="Officer Hoa")
    officer_id, officer_email = made.id, made.email

    # Logins: a failed one (wrong password) and a successful one.
    stranger = app.test_client()
    assert login(stranger, admin_email, "not the password").status_code == 200
    assert login(client, admin_email, PASSWORD).status_code == 302
    failed = events_of(app, "login.failed")
    assert [(e.actor_id, e.details["reason"]) for e in failed] == [(admin_id, "bad credentials")]
    assert [e.actor_id for e in events_of(app, "login")] == [admin_id]

    # Create, view personal details, update (with a field diff).
    first = create(client, full_name="Vũ Thị Audit", city="Berlin", phones="030 1234567")
    assert [e.target_id for e in events_of(app, "contact.create")] == [first]
    assert client.get(f"/contacts/{first}").status_code == 200
    views = events_of(app, "contact.view_personal")
    assert any(e.target_id == first and e.actor_id == admin_id for e in views)
    data = edit_form(html(client.get(f"/contacts/{first}/edit")))
    data["city"] = "Hamburg"
    assert client.post(f"/contacts/{first}/edit", data=data).status_code == 302
    (update,) = events_of(app, "contact.update")
    assert update.target_id == first and update.details["changes"] == {
        "city": ["Berlin", "Hamburg"]
    }

    # Delete to the trash, then restore.
    assert client.post(f"/contacts/{first}/delete", data={}).status_code == 302
    assert [e.target_id for e in events_of(app, "contact.delete")] == [first]
    assert client.post(f"/contacts/trash/{first}/restore", data={}).status_code == 302
    assert [e.target_id for e in events_of(app, "contact.restore")] == [first]

    # Merge a second record into the first.
    second = create(client, full_name="Trần Văn Khác", country="JP", city="Osaka")
    with app.app_context():
        versions = [str(_db.session.get(Contact, i).version) for i in (first, second)]
    response = client.post(
        f"/contacts/merge?survivor={first}&absorbed={second}",
        data={"survivor_version": versions[0], "absorbed_version": versions[1]},
    )
    assert response.status_code == 302
    (merge,) = events_of(app, "contact.merge")
    assert merge.target_id == first

    # Import: commit, then undo.
    bid = import_file(client, csv_bytes([HEADER, ROWS[2]]))
    assert client.post(f"/imports/{bid}/commit", data={}).status_code == 302
    (commit,) = events_of(app, "import.commit")
    assert commit.target_id == bid and commit.details["created"] == 1
    assert client.post(f"/imports/{bid}/undo", data={}).status_code == 302
    assert [e.target_id for e in events_of(app, "import.undo")] == [bid]

    # Export with its purpose.
    response = client.post(
        "/contacts/export",
        data={"format": "csv", "columns": ["full_name"], "language": "en", "purpose": "Audit X"},
    )
    assert response.status_code == 200
    assert response.get_data(as_text=True).startswith("\ufeff")  # a streamed body: read it
    response.close()
    (export,) = events_of(app, "contacts.export")
    assert export.details["purpose"] == "Audit X" and export.actor_id == admin_id

    # Erasure with its reason.
    response = client.post(
        f"/contacts/{first}/erase",
        data={"confirmation": "Vũ Thị Audit", "reason": "Request no. 12"},
    )
    assert response.status_code == 302
    (erase,) = events_of(app, "contact.erase")
    assert erase.target_id == first

    # Permission change: the officer becomes a viewer.
    response = client.post(
        f"/admin/users/{officer_id}",
        data={
            "email": officer_email,
            "name": "Officer Hoa",
            "agency_id": "0",
            "role": "viewer",
            "locale": "vi",
            "active": "y",
        },
    )
    assert response.status_code == 302
    (permissions,) = events_of(app, "user.permissions")
    assert permissions.target_id == officer_id
    assert permissions.details["role"] == ["officer", "viewer"]

    # The admin finds each kind by its action, the record and the person, and exports them.
    for action, target_type, target_id in [
        ("login.failed", "user", admin_id),
        ("contact.update", "contact", first),
        ("contact.merge", "contact", first),
        ("import.commit", "import_batch", bid),
        ("user.permissions", "user", officer_id),
    ]:
        page = client.get(
            "/admin/audit/",
            query_string={"action": action, "target_type": target_type, "target_id": target_id},
        ).get_data(as_text=True)
        assert f"<code>{action}</code>" in page, action
    body = client.post(
        "/admin/audit/export",
        data={"actor": admin_id, "purpose": "Verification"},
    ).get_data(as_text=True)
    exported = {row["action"] for row in csv.DictReader(io.StringIO(body.lstrip("\ufeff")))}
    assert {
        "login.failed",
        "login",
        "contact.create",
        "contact.view_personal",
        "contact.update",
        "contact.delete",
        "contact.restore",
        "contact.merge",
        "import.commit",
        "import.undo",
        "contacts.export",
        "contact.erase",
        "user.permissions",
    } <= exported
