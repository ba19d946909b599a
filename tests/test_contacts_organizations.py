"""Organizations: created from memberships, listed with members, edited by officers."""

from __future__ import annotations

import pytest

from diaspora.extensions import db as _db
from diaspora.models import Organization
from tests.conftest import login

pytestmark = pytest.mark.usefixtures("seeded")


def _register(client, name: str, organization: str, role: str = "") -> None:
    response = client.post(
        "/contacts/new",
        data={
            "full_name": name,
            "country": "CZ",
            "city": "Praha",
            "preferred_language": "vi",
            "status": "active",
            "source": "manual",
            "memberships-0-organization": organization,
            "memberships-0-role": role,
        },
    )
    assert response.status_code == 302


def test_organizations_list_show_and_edit(app, client, login_as, make_user):
    login_as("officer", locale="en")
    _register(client, "Hoàng Văn Sơn", "Hội người Việt Nam tại Séc", "Chủ tịch")
    _register(client, "Vũ Thị Lan", "hội người việt nam tại séc")
    with app.app_context():
        [row] = _db.session.scalars(_db.select(Organization)).all()
        row_id = row.id
    listing = client.get("/organizations/").get_data(as_text=True)
    assert "Hội người Việt Nam tại Séc" in listing and "<td>2</td>" in listing
    page = client.get(f"/organizations/{row_id}").get_data(as_text=True)
    assert "Hoàng Văn Sơn" in page and "Chủ tịch" in page and "Vũ Thị Lan" in page
    before = client.get(f"/organizations/{row_id}").get_data(as_text=True)
    response = client.post(
        f"/organizations/{row_id}/edit",
        data={
            "name": "Hội người Việt Nam tại Séc",
            "kind": "association",
            "country": "CZ",
            "website": "javascript:alert(1)",
        },
    )
    assert "http:// or https://" in response.get_data(as_text=True)
    assert client.get(f"/organizations/{row_id}").get_data(as_text=True) == before
    response = client.post(
        f"/organizations/{row_id}/edit",
        data={
            "name": "Hội người Việt Nam tại Cộng hòa Séc",
            "kind": "association",
            "country": "CZ",
            "city": "Praha",
            "website": "https://hoinguoiviet.cz",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        row = _db.session.get(Organization, row_id)
        assert (row.name, row.kind, row.name_folded) == (
            "Hội người Việt Nam tại Cộng hòa Séc",
            "association",
            "hoi nguoi viet nam tai cong hoa sec",
        )
    viewer = app.test_client()
    login(viewer, make_user("viewer").email)
    assert viewer.get(f"/organizations/{row_id}").status_code == 200
    assert viewer.get(f"/organizations/{row_id}/edit").status_code == 403
