"""The engagements API: list with filters, record, read, plan-task activities, problems."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from diaspora.extensions import db as _db
from diaspora.models import Engagement, User
from tests.conftest import bearer
from tests.contact_helpers import database_state
from tests.engagement_helpers import person

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture
def people(app, make_user):
    officer = make_user("officer")
    with app.app_context(), app.test_request_context():
        user = _db.session.get(User, officer.id)
        made = [
            person(user, "Trần Thị Lan"),
            person(user, "Lê Văn Minh", country="KR", city="Seoul"),
        ]
        _db.session.commit()
        return [row.id for row in made]


def body(ids, **overrides) -> dict:
    values = {
        "type": "meeting",
        "title": "Gặp mặt Hội doanh nhân",
        "date": "2026-03-08",
        "country": "JP",
        "city": "Tokyo",
        "contact_ids": ids,
        "plan_tasks": ["II.4"],
    }
    values.update(overrides)
    return values


def state(app) -> dict:
    with app.app_context():
        return database_state()


def test_document_describes_the_engagement_paths(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert {"/engagements", "/engagements/{engagement_id}", "/plan-tasks/{code}/activities"} <= set(
        document["paths"]
    )
    assert "post" in document["paths"]["/engagements"]
    detail = document["paths"]["/plan-tasks/{code}"]["get"]["responses"]["200"]
    assert detail["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PlanTaskDetail"
    }


def test_record_then_list_and_read(app, client, token_for, people):
    secret = token_for("officer")
    response = client.post(
        "/api/v1/engagements",
        json=body(people, end_date="2026-03-09", outcome="Đồng ý tài trợ", organizations=["VBA"]),
        headers=bearer(secret, "en"),
    )
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/engagements/{created['id']}")
    assert created["plan_tasks"] == ["II.4"] and created["end_date"] == "2026-03-09"
    assert [c["name"] for c in created["contacts"]] == ["Trần Thị Lan", "Lê Văn Minh"]
    assert created["type_label"] == "Meeting"
    read = client.get(f"/api/v1/engagements/{created['id']}", headers=bearer(secret, "vi"))
    assert read.get_json()["type_label"] == "Gặp gỡ, làm việc"
    viewer = token_for("viewer")
    for query, expected in [
        ("", 1),
        (f"?contact={people[1]}", 1),
        ("?contact=999999", 0),
        ("?plan_task=II.4", 1),
        ("?plan_task=IV.1", 0),
        ("?type=meeting&year=2026", 1),
        ("?type=donation", 0),
        ("?year=2025", 0),
    ]:
        page = client.get(f"/api/v1/engagements{query}", headers=bearer(viewer, "en")).get_json()
        assert page["total"] == expected, query


def test_idempotency_key_records_once(app, client, token_for, people):
    secret = token_for("officer")
    headers = {**bearer(secret, "en"), "Idempotency-Key": "sheet-2026-03-08"}
    first = client.post("/api/v1/engagements", json=body(people), headers=headers)
    again = client.post("/api/v1/engagements", json=body(people), headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"]
    with app.app_context():
        assert _db.session.scalar(_db.select(_db.func.count(Engagement.id))) == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"contact_ids": []}, "contact_ids", "Add at least one contact"),
        ({"contact_ids": [999999]}, "contact_ids", "No contact with record number 999999"),
        ({"end_date": "2026-03-01"}, "end_date", "cannot be before the start date"),
        ({"next_step": "Gọi lại"}, "next_step_due", "Give the next step a due date."),
        ({"plan_tasks": ["II.9"]}, "plan_tasks", "“II.9” is not a task of the plan"),
        ({"date": "8/3/2026"}, "date", "YYYY-MM-DD"),
        ({"type": "party"}, "type", "Choose the type"),
        ({"title": 42}, "title", "wrong type"),
        ({"contact_ids": "1,2"}, "contact_ids", "wrong type"),
        ({"contact_ids": [True]}, "contact_ids", "wrong type"),
        ({"colour": "red"}, "colour", "Unknown field"),
    ],
)
def test_bad_input_is_a_422_problem_and_changes_nothing(
    app, client, token_for, people, overrides, field, message
):
    secret = token_for("officer")
    before = state(app)
    response = client.post(
        "/api/v1/engagements", json=body(people, **overrides), headers=bearer(secret, "en")
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert any(message in text for text in problem["errors"][field]), problem
    assert state(app) == before


def test_not_json_and_wrong_roles(app, client, token_for, people):
    officer, viewer = token_for("officer"), token_for("viewer")
    before = state(app)
    response = client.post(
        "/api/v1/engagements",
        data="not json",
        headers=bearer(officer, "en"),
        content_type="text/plain",
    )
    assert response.status_code == 422 and "JSON object" in response.get_json()["detail"]
    refused = client.post("/api/v1/engagements", json=body(people), headers=bearer(viewer, "en"))
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    assert client.post("/api/v1/engagements", json=body(people)).status_code == 401
    assert state(app) == before


def test_bad_filters_are_explained(client, token_for):
    secret = token_for("viewer")
    for query, field in [
        ("?year=abc", "year"),
        ("?type=party", "type"),
        ("?plan_task=IX.1", "plan_task"),
    ]:
        response = client.get(f"/api/v1/engagements{query}", headers=bearer(secret, "en"))
        assert response.status_code == 422, query
        assert field in response.get_json()["errors"]
    assert client.get("/api/v1/engagements/999999", headers=bearer(secret, "en")).status_code == 404


def test_plan_task_lists_its_activities(client, token_for, people):
    officer = token_for("officer")
    for date, tasks in [("2025-06-01", ["II.4"]), ("2026-03-08", ["II.4", "IV.2"])]:
        assert (
            client.post(
                "/api/v1/engagements",
                json=body(people, date=date, plan_tasks=tasks),
                headers=bearer(officer, "en"),
            ).status_code
            == 201
        )
    viewer = token_for("viewer")
    detail = client.get("/api/v1/plan-tasks/II.4", headers=bearer(viewer, "en")).get_json()
    activities = detail["activities"]
    assert activities["total"] == 2 and activities["contacts_reached"] == 2
    assert activities["by_year"] == [{"year": 2026, "count": 1}, {"year": 2025, "count": 1}]
    assert {"country": "JP", "count": 2} in activities["by_country"]
    assert [item["date"] for item in activities["items"]] == ["2026-03-08", "2025-06-01"]
    assert activities["items"][0]["kind"] == "engagement" and activities["more"] is False
    page = client.get(
        "/api/v1/plan-tasks/II.4/activities?year=2025&per_page=1", headers=bearer(viewer, "en")
    ).get_json()
    assert page["total"] == 1 and page["items"][0]["date"] == "2025-06-01"
    assert page["summary"]["total"] == 2
    missing = client.get("/api/v1/plan-tasks/IX.1/activities", headers=bearer(viewer, "en"))
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
