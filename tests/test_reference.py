"""Reference data from the plan: agencies, tasks and the bilingual expertise taxonomy."""

from __future__ import annotations

from sqlalchemy import func, select

from diaspora.extensions import db as _db
from diaspora.models import AuditEvent, ExpertiseField, PlanTask
from diaspora.reference import services
from diaspora.reference.services import FieldData, seed_reference


def _counts():
    return {
        model.__name__: _db.session.scalar(select(func.count()).select_from(model))
        for model in (PlanTask, ExpertiseField)
    }


def test_seed_is_idempotent(db, make_user):
    first = seed_reference()
    db.session.commit()
    assert first.changed
    counts = _counts()
    second = seed_reference()
    db.session.commit()
    assert not second.changed
    assert _counts() == counts


def test_plan_tasks_match_the_plan(db, seeded):
    tasks = services_tasks()
    assert [t.code for t in tasks] == [f"II.{n}" for n in range(1, 6)] + [
        f"IV.{n}" for n in range(1, 11)
    ]
    ii4 = next(t for t in tasks if t.code == "II.4")
    assert [a.code for a in ii4.lead_agencies] == ["SNV"]
    assert "phần mềm cơ sở dữ liệu về kiều bào Hải Phòng" in ii4.description_vi
    assert "database" in ii4.description_en.lower()
    ii1 = next(t for t in tasks if t.code == "II.1")
    assert [a.code for a in ii1.lead_agencies] == ["STTTT"]
    assert {"SVHTT", "SNV", "SDL"} <= {a.code for a in ii1.coordinating_agencies}
    assert all(t.title_en and t.description_en for t in tasks)


def services_tasks():
    from diaspora.plan.services import list_plan_tasks

    return list_plan_tasks()


def test_taxonomy_has_ford_and_practical_sectors(db, seeded):
    groups = services.taxonomy()
    ford = [g for g in groups if g.code != "S"]
    assert [g.code for g in ford] == ["1", "2", "3", "4", "5", "6"]
    assert sum(len(g.children) for g in ford) == 42
    sectors = next(g for g in groups if g.code == "S")
    assert len(sectors.children) == 12
    maths = db.session.scalar(select(ExpertiseField).where(ExpertiseField.code == "1.1"))
    assert maths.name("en") == "Mathematics"
    assert maths.name("vi") == "Toán học và thống kê"


def test_reseeding_keeps_an_admins_rename(db, seeded, make_user):
    admin = make_user("admin")
    row = db.session.scalar(select(ExpertiseField).where(ExpertiseField.code == "S.2"))
    services.update_field(
        row,
        FieldData(
            code="S.2", name_vi="Du lịch biển", name_en="Coastal tourism", parent_id=row.parent_id
        ),
        actor=admin,
    )
    db.session.commit()
    seed_reference()
    db.session.commit()
    assert db.session.get(ExpertiseField, row.id).name_en == "Coastal tourism"


def test_plan_pages(client, seeded, login_as):
    login_as("viewer")
    html = client.get("/plan/").get_data(as_text=True)
    assert "II.4" in html and "Sở Ngoại vụ" in html
    html = client.get("/plan/II.4").get_data(as_text=True)
    assert "Cơ quan chủ trì" in html and "kiều bào" in html
    assert client.get("/plan/IX.9").status_code == 404


def test_plan_page_in_english(client, seeded, login_as):
    login_as("viewer", locale="en")
    html = client.get("/plan/II.4").get_data(as_text=True)
    assert "Department of Foreign Affairs" in html and "Lead agency" in html


def test_viewer_browses_but_cannot_manage_fields(client, seeded, login_as):
    login_as("viewer")
    html = client.get("/fields/").get_data(as_text=True)
    assert "Khoa học tự nhiên" in html
    assert "Thêm lĩnh vực" not in html
    assert client.get("/fields/new").status_code == 403


def test_admin_adds_renames_deactivates_and_deletes_a_field(app, client, seeded, login_as):
    login_as("admin")
    with app.app_context():
        sectors = _db.session.scalar(select(ExpertiseField).where(ExpertiseField.code == "S"))
        sectors_id = sectors.id
    response = client.post(
        "/fields/new",
        data={"code": "s.13", "name_vi": "Thể thao", "name_en": "Sport", "parent_id": sectors_id},
    )
    assert response.status_code == 302
    with app.app_context():
        row = _db.session.scalar(select(ExpertiseField).where(ExpertiseField.code == "S.13"))
        assert row.parent_id == sectors_id
        row_id = row.id
    client.post(
        f"/fields/{row_id}/edit",
        data={
            "code": "S.13",
            "name_vi": "Thể dục thể thao",
            "name_en": "Sport",
            "parent_id": sectors_id,
        },
    )
    client.post(f"/fields/{row_id}/active")
    with app.app_context():
        row = _db.session.get(ExpertiseField, row_id)
        assert row.name_vi == "Thể dục thể thao" and not row.active
    client.post(f"/fields/{row_id}/delete")
    with app.app_context():
        assert _db.session.get(ExpertiseField, row_id) is None
        actions = set(_db.session.scalars(select(AuditEvent.action)))
    assert {"field.create", "field.update", "field.deactivate", "field.delete"} <= actions


def test_field_in_use_or_with_children_is_not_deleted(app, client, seeded, login_as):
    login_as("admin")
    with app.app_context():
        group = _db.session.scalar(select(ExpertiseField).where(ExpertiseField.code == "1"))
        group_id = group.id
    response = client.post(f"/fields/{group_id}/delete", follow_redirects=True)
    assert "đang được sử dụng" in response.get_data(as_text=True)
    with app.app_context():
        assert _db.session.get(ExpertiseField, group_id) is not None
    services.FIELD_IN_USE_CHECKS.append(lambda field_id: 1)
    try:
        with app.app_context():
            leaf = _db.session.scalar(select(ExpertiseField).where(ExpertiseField.code == "1.1"))
            leaf_id = leaf.id
        client.post(f"/fields/{leaf_id}/delete")
        with app.app_context():
            assert _db.session.get(ExpertiseField, leaf_id) is not None
    finally:
        services.FIELD_IN_USE_CHECKS.pop()


def test_bad_field_input_changes_nothing(app, client, seeded, login_as):
    login_as("admin")
    with app.app_context():
        before = _db.session.scalar(select(func.count()).select_from(ExpertiseField))
    for data in (
        {"code": "1.1", "name_vi": "Trùng", "name_en": "Duplicate", "parent_id": 0},
        {"code": "bad code!", "name_vi": "X", "name_en": "X", "parent_id": 0},
        {"code": "Z.1", "name_vi": "", "name_en": "X", "parent_id": 0},
        {"code": "Z.2", "name_vi": "X", "name_en": "X", "parent_id": 999999},
    ):
        response = client.post("/fields/new", data=data)
        assert response.status_code == 200
        assert 'aria-invalid="true"' in response.get_data(as_text=True)
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(ExpertiseField)) == before


def test_seed_command(runner, app):
    result = runner.invoke(args=["seed", "reference"])
    assert result.exit_code == 0 and "updated" in result.output
    result = runner.invoke(args=["seed", "reference"])
    assert "unchanged" in result.output
