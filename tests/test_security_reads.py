"""No GET changes the database, walked over a registry with a row behind every link; extra
form fields (``id``, ``role``, ``version``…) cannot retarget or escalate a contact edit.

``test_security.py`` walks every GET route with id 1; here every route's ids point at real rows
(a contact with consents, history, a merge, an engagement, a submission, an import; an outreach,
a delegation visit, a profile-update link, a data-subject request), so the pages that read personal
details, build downloads or preview letters really run. The only writes allowed are the audit
events that record those readings.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter

from diaspora.api.tokens import issue_token
from diaspora.extensions import db as _db
from diaspora.models import (
    Category,
    ConsentRecord,
    Contact,
    DelegationVisit,
    Engagement,
    ExpertiseField,
    ImportBatch,
    Organization,
    Outreach,
    SubjectRequest,
    Submission,
    User,
)
from diaspora.privacy.subject_requests import register_from_submission
from diaspora.public.links import issue_link
from tests.outreach_helpers import prepare, write
from tests.privacy_helpers import marked_person
from tests.test_security import _check_headers, snapshot

pytestmark = pytest.mark.usefixtures("seeded")

MODELS = {
    "contact_id": Contact,
    "outreach_id": Outreach,
    "visit_id": DelegationVisit,
    "engagement_id": Engagement,
    "batch_id": ImportBatch,
    "submission_id": Submission,
    "user_id": User,
    "consent_id": ConsentRecord,
    "organization_id": Organization,
    "field_id": ExpertiseField,
    "category_id": Category,
    "request_id": SubjectRequest,
}
OTHER = {"year": "2026", "code": "II.4", "fmt": "json", "filename": "style.css"}


@pytest.fixture
def registry(app, make_user) -> dict[str, str]:
    """Rows in every table a page can show; returns the value to put in each route argument."""
    officer = make_user("officer")
    with app.app_context():
        officer = _db.session.get(User, officer.id)
        contact = marked_person(officer)
        write(officer)
        prepare(officer)
        issued = issue_link(contact, actor=officer, days=7)
        copy = Submission(reference="HP-COPY-0001", kind="copy", payload={}, contact_id=contact.id)
        _db.session.add(copy)
        _db.session.flush()
        register_from_submission(copy)
        _db.session.commit()
        values = {
            name: str(_db.session.scalar(select(func.min(model.id))))
            for name, model in MODELS.items()
        }
        values["contact_id"] = str(contact.id)
        values["token"] = issued.secret
        values["api_key"] = issue_token(officer, "walk", actor=officer).secret
        _db.session.commit()
    assert all(value != "None" for value in values.values()), values
    return {**OTHER, **values}


def _url(rule, values: dict[str, str]) -> str:
    url = rule.rule
    for argument in rule.arguments:
        numeric = isinstance(rule._converters[argument], IntegerConverter)
        value = values.get(argument, "1" if numeric else "x")
        url = re.sub(rf"<[^>]*{argument}>", value, url)
    return url


@pytest.mark.parametrize("role", ["admin", "officer", "viewer", None])
def test_no_get_changes_a_populated_database(app, client, login_as, registry, role):
    if role:
        login_as(role)
    before = snapshot(app)
    statuses = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        url = _url(rule, registry)
        headers = {}
        if url.startswith("/api/") and role:
            headers["Authorization"] = f"Bearer {registry['api_key']}"
        response = client.get(url, headers=headers)
        statuses[url] = response.status_code
        response.close()
        assert response.status_code < 500, url
        _check_headers(response, hsts=False)  # the security headers on every page and download
    after = snapshot(app)
    new_audit = set(after.pop("audit_events")) - set(before["audit_events"])
    assert set(before.pop("audit_events")) <= set(snapshot(app)["audit_events"])
    assert after == before
    # Readings of personal details are recorded; nothing else is written.
    actions = {row[3] for row in new_audit}
    assert all(action.rpartition(".")[2].startswith("view") for action in actions), actions
    if role == "admin":
        # The walk really reached the records (not a wall of 404s).
        found = [
            url for url, status in statuses.items() if status == 200 and re.search(r"/\d", url)
        ]
        assert len(found) >= 25, statuses
        assert statuses[f"/api/v1/contacts/{registry['contact_id']}"] == 200
        assert "contact.view_personal" in actions


# --- extra form fields on the contact pages and the public form -----------------------------


def test_extra_fields_on_a_contact_edit_cannot_retarget_or_escalate(app, client, login_as):
    from tests.contact_pages import create, edit_form, html

    officer = login_as("officer")
    officer_id = officer.id
    target = create(client, full_name="Đỗ Văn Đích", city="Berlin")
    bystander = create(client, full_name="Hà Thị Bên", country="JP", city="Osaka")
    with app.app_context():
        untouched = _db.session.get(Contact, bystander)
        kept = (untouched.full_name, untouched.city, untouched.version)
    data = edit_form(html(client.get(f"/contacts/{target}/edit")))
    data.update(
        city="Hamburg",
        id=str(bystander),
        contact_id=str(bystander),
        role="admin",
        entered_by_id="999",
        verified_by_id="999",
        deleted_at="2026-01-01",
        erased_at="2026-01-01",
        merged_into_id=str(bystander),
    )
    assert client.post(f"/contacts/{target}/edit", data=data).status_code == 302
    with app.app_context():
        edited = _db.session.get(Contact, target)
        assert edited.city == "Hamburg" and edited.version == 2
        assert edited.deleted_at is None and edited.erased_at is None
        assert edited.merged_into_id is None and edited.entered_by_id == officer_id
        other = _db.session.get(Contact, bystander)
        assert (other.full_name, other.city, other.version) == kept
        assert _db.session.get(User, officer_id).role == "officer"


def test_a_forged_version_is_a_conflict_not_an_overwrite(app, client, login_as):
    """``version`` is the one extra-looking field with a meaning: the optimistic lock."""
    from tests.contact_pages import create, edit_form, html

    login_as("officer", locale="en")
    target = create(client, full_name="Đỗ Văn Khóa", city="Berlin")
    data = edit_form(html(client.get(f"/contacts/{target}/edit")))
    data.update(city="Hamburg", version="99")
    response = client.post(f"/contacts/{target}/edit", data=data)
    assert response.status_code == 409
    with app.app_context():
        contact = _db.session.get(Contact, target)
        assert (contact.city, contact.version) == ("Berlin", 1)
