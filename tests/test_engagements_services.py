"""Engagement services called directly: validation, create, edit with versions, trash, merge,
timeline, search filters and the plan's activities."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from diaspora.contacts import merge
from diaspora.contacts import trash as contact_trash
from diaspora.engagements import services, trash
from diaspora.engagements.data import ParticipantEntry
from diaspora.engagements.errors import EngagementAlreadySaved, EngagementChanged, EngagementGone
from diaspora.engagements.history import engagement_history
from diaspora.engagements.timeline import contact_timeline
from diaspora.errors import Conflict, ValidationFailed
from diaspora.models import AuditEvent, Engagement, EngagementParticipant, utcnow
from diaspora.plan.activities import ActivityFilter, find_activities, summarize
from diaspora.search.query import SearchQuery
from diaspora.search.services import matching_ids
from tests.contact_helpers import database_state, new_user
from tests.engagement_helpers import engagement_data, person, record

pytestmark = pytest.mark.usefixtures("seeded", "english")


@pytest.fixture
def english(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def _messages(error: ValidationFailed) -> dict[str, str]:
    return {key: " ".join(str(m) for m in value) for key, value in error.errors.items()}


def _state() -> dict:
    state = database_state()
    state["engagements.rows"] = [
        tuple(row)
        for row in services.db.session.execute(
            services.db.text("SELECT * FROM engagements ORDER BY id")
        ).all()
    ]
    state["participants.rows"] = [
        tuple(row)
        for row in services.db.session.execute(
            services.db.text("SELECT * FROM engagement_participants ORDER BY id")
        ).all()
    ]
    return state


def test_record_an_engagement_with_several_contacts(db):
    officer = new_user(name="Cán bộ Ngoại vụ")
    lan = person(officer, "Trần Thị Lan")
    minh = person(officer, "Lê Văn Minh", country="KR", city="Seoul")
    engagement = record(
        officer,
        [lan, minh],
        title="  Gặp mặt  kiều bào ",
        participants=[ParticipantEntry(lan.id, "host", "Chủ nhà"), ParticipantEntry(minh.id)],
        plan_tasks=["ii.4", "IV.2", "II.4"],
        organizations=["Hội người Việt tại Nhật", "hoi nguoi viet tai nhat"],
        next_step="Gửi thư cảm ơn",
        next_step_due=date(2026, 3, 1),
    )
    db.session.commit()
    assert engagement.title == "Gặp mặt kiều bào"
    assert engagement.title_folded == " gap mat kieu bao "
    assert engagement.plan_task_codes == ["II.4", "IV.2"]
    assert [(row.contact.full_name, row.role, row.note) for row in engagement.participants] == [
        ("Trần Thị Lan", "host", "Chủ nhà"),
        ("Lê Văn Minh", "participant", ""),
    ]
    assert [row.name for row in engagement.organizations] == ["Hội người Việt tại Nhật"]
    assert engagement.next_step_owner_id == officer.id  # nobody chosen: whoever records it
    assert engagement.recorded_by_id == officer.id and engagement.version == 1
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "engagement.create"))
    assert event.target_id == engagement.id
    assert event.details["changes"]["plan_tasks"] == [None, ["II.4", "IV.2"]]


BAD_INPUT = [
    ({"participants": []}, "participants", "Add at least one contact"),
    (
        {"start_date": date(2026, 2, 14), "end_date": date(2026, 2, 13)},
        "end_date",
        "The end date cannot be before the start date.",
    ),
    ({"next_step": "Gọi lại", "next_step_due": None}, "next_step_due", "due date"),
    ({"next_step": "", "next_step_due": "2026-03-01"}, "next_step", "clear its due date"),
    ({"plan_tasks": ["II.4", "IX.9"]}, "plan_tasks", "“IX.9” is not a task of the plan"),
    ({"type": "party"}, "type", "Choose the type of engagement"),
    ({"title": "   "}, "title", "Enter a title"),
    ({"start_date": None}, "start_date", "Enter the date."),
    ({"start_date": "14/02/2026"}, "start_date", "YYYY-MM-DD"),
    ({"start_date": "1900-01-01"}, "start_date", "too far in the past"),
    ({"country": "XX"}, "country", "not a country code"),
    ({"title": "x" * 301}, "title", "At most 300 characters"),
    ({"next_step_owner_id": "999999"}, "next_step_owner_id", "Choose the owner"),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_INPUT)
def test_bad_input_is_refused_and_changes_nothing(db, overrides, field, message):
    officer = new_user()
    lan = person(officer, "Trần Thị Lan")
    db.session.commit()
    before = _state()
    with pytest.raises(ValidationFailed) as caught:
        services.create_engagement(engagement_data([lan], **overrides), actor=officer)
    db.session.rollback()
    assert message in _messages(caught.value)[field]
    assert _state() == before


def test_unknown_and_trashed_contacts_are_named(db):
    officer = new_user()
    lan = person(officer, "Trần Thị Lan")
    gone = person(officer, "Phạm Văn Gone", country="US", city="Boston")
    contact_trash.delete_contact(gone, actor=officer)
    db.session.commit()
    before = _state()
    with pytest.raises(ValidationFailed) as caught:
        services.create_engagement(
            engagement_data(
                [lan],
                participants=[
                    ParticipantEntry(lan.id),
                    ParticipantEntry(gone.id),
                    ParticipantEntry(987654),
                    ParticipantEntry("abc"),
                ],
            ),
            actor=officer,
        )
    db.session.rollback()
    text = _messages(caught.value)["participants"]
    assert str(gone.id) in text and "987654" in text and "abc" in text
    assert _state() == before


def test_future_dates_within_a_year_are_accepted_beyond_are_not(db):
    officer = new_user()
    lan = person(officer, "Trần Thị Lan")
    soon = utcnow().date() + timedelta(days=30)
    assert record(officer, [lan], start_date=soon).start_date == soon
    with pytest.raises(ValidationFailed) as caught:
        record(officer, [lan], start_date=utcnow().date() + timedelta(days=400))
    assert "more than a year ahead" in _messages(caught.value)["start_date"]


def test_all_errors_are_reported_at_once(db):
    officer = new_user()
    with pytest.raises(ValidationFailed) as caught:
        services.create_engagement(
            engagement_data(
                [],
                type="",
                title="",
                start_date="2026-02-14",
                end_date="2026-02-01",
                next_step="x",
                plan_tasks=["II.9"],
            ),
            actor=officer,
        )
    assert set(caught.value.errors) == {
        "type",
        "title",
        "end_date",
        "next_step_due",
        "participants",
        "plan_tasks",
    }


def test_same_day_end_date_is_dropped_and_form_posted_twice_saves_once(db):
    officer = new_user()
    lan = person(officer, "Trần Thị Lan")
    first = services.create_engagement(
        engagement_data([lan], end_date=date(2026, 2, 14)), actor=officer, entry_key="k1"
    )
    db.session.commit()
    assert first.end_date is None
    with pytest.raises(EngagementAlreadySaved) as caught:
        services.create_engagement(engagement_data([lan]), actor=officer, entry_key="k1")
    assert caught.value.engagement.id == first.id
    assert db.session.scalar(db.select(db.func.count(Engagement.id))) == 1


def test_update_records_a_diff_and_bumps_the_version(db):
    officer = new_user()
    lan = person(officer, "Trần Thị Lan")
    minh = person(officer, "Lê Văn Minh")
    engagement = record(officer, [lan])
    db.session.commit()
    changes = services.update_engagement(
        engagement,
        engagement_data(
            [lan, minh], outcome="Đồng ý tài trợ học bổng", plan_tasks=["II.4", "II.3"]
        ),
        expected_version=1,
        actor=officer,
    )
    db.session.commit()
    assert engagement.version == 2
    assert set(changes) == {"outcome", "participants", "plan_tasks"}
    assert changes["plan_tasks"] == [["II.4"], ["II.3", "II.4"]]
    assert len(engagement.participants) == 2
    same = services.update_engagement(
        engagement,
        engagement_data(
            [lan, minh], outcome="Đồng ý tài trợ học bổng", plan_tasks=["II.3", "II.4"]
        ),
        expected_version=1,  # a form posted twice: nothing to change, no conflict
        actor=officer,
    )
    assert same == {} and engagement.version == 2
    history = engagement_history(engagement)
    assert [entry.action for entry in history] == ["engagement.update", "engagement.create"]


def test_stale_version_is_refused_with_what_changed(db):
    first, second = new_user(name="Officer One"), new_user(name="Officer Two")
    lan = person(first, "Trần Thị Lan")
    engagement = record(first, [lan])
    db.session.commit()
    services.update_engagement(
        engagement, engagement_data([lan], city="Osaka"), expected_version=1, actor=second
    )
    db.session.commit()
    before = _state()
    with pytest.raises(EngagementChanged) as caught:
        services.update_engagement(
            engagement, engagement_data([lan], outcome="Tốt"), expected_version=1, actor=first
        )
    db.session.rollback()
    assert [event.details["changes"]["city"] for event in caught.value.events] == [
        ["Tokyo", "Osaka"]
    ]
    assert _state() == before


def test_trash_restore_and_purge(db):
    officer, admin = new_user(), new_user("admin")
    lan = person(officer, "Trần Thị Lan")
    engagement = record(officer, [lan])
    db.session.commit()
    trash.delete_engagement(engagement, actor=officer)
    db.session.commit()
    assert services.list_engagements(services.EngagementQuery()).total == 0
    assert contact_timeline(lan.id).total == 0
    assert find_activities(ActivityFilter()) == []
    with pytest.raises(EngagementGone):
        services.update_engagement(
            engagement, engagement_data([lan], city="Osaka"), expected_version=1, actor=officer
        )
    with pytest.raises(Conflict):
        trash.delete_engagement(engagement, actor=officer)
    trash.restore_engagement(engagement, actor=officer)
    db.session.commit()
    assert contact_timeline(lan.id).total == 1
    with pytest.raises(Conflict):
        trash.purge_engagement(engagement, actor=admin)
    trash.delete_engagement(engagement, actor=officer)
    trash.purge_engagement(engagement, actor=admin)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(EngagementParticipant.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Engagement.id))) == 0
    actions = list(
        db.session.scalars(
            db.select(AuditEvent.action)
            .where(AuditEvent.target_type == "engagement")
            .order_by(AuditEvent.id)
        )
    )
    assert actions == [
        "engagement.create",
        "engagement.delete",
        "engagement.restore",
        "engagement.delete",
        "engagement.purge",
    ]


def test_participant_in_the_trash_is_kept_through_an_edit(db):
    officer = new_user()
    lan = person(officer, "Trần Thị Lan")
    minh = person(officer, "Lê Văn Minh")
    engagement = record(officer, [lan, minh])
    contact_trash.delete_contact(minh, actor=officer)
    db.session.commit()
    assert [row.contact_id for row in engagement.live_participants] == [lan.id]
    services.update_engagement(
        engagement, engagement_data([lan], outcome="Tốt"), expected_version=1, actor=officer
    )
    db.session.commit()
    contact_trash.restore_contact(minh, actor=officer)
    db.session.commit()
    assert {row.contact_id for row in engagement.live_participants} == {lan.id, minh.id}


def test_merging_contacts_moves_their_engagements(db):
    officer = new_user()
    survivor = person(officer, "Nguyễn Văn Đức", city="Osaka")
    absorbed = person(
        officer, "Nguyen Van Duc", city="Osaka", birth_year="1975", acknowledged=[survivor.id]
    )
    other = person(officer, "Trần Thị Lan")
    both = record(
        officer,
        [survivor, absorbed],
        title="Both",
        participants=[
            ParticipantEntry(survivor.id),
            ParticipantEntry(absorbed.id, "speaker", "Nói"),
        ],
    )
    only_absorbed = record(officer, [absorbed, other], title="Only absorbed")
    db.session.commit()
    merge.merge_contacts(
        survivor,
        absorbed,
        merge.default_choices(survivor, absorbed),
        survivor_version=survivor.version,
        absorbed_version=absorbed.version,
        actor=officer,
    )
    db.session.commit()
    db.session.expire_all()
    assert [(row.contact_id, row.role, row.note) for row in both.participants] == [
        (survivor.id, "speaker", "Nói")
    ]
    assert {row.contact_id for row in only_absorbed.participants} == {survivor.id, other.id}
    assert contact_timeline(survivor.id).total == 2
    assert contact_timeline(absorbed.id).total == 0
    assert engagement_history(only_absorbed)[0].details == {
        "survivor_id": survivor.id,
        "absorbed_id": absorbed.id,
    }
    # A form opened before the merge still names the absorbed record: it stands for the survivor.
    services.update_engagement(
        only_absorbed,
        engagement_data([absorbed, other], title="Only absorbed", outcome="Tốt"),
        expected_version=only_absorbed.version,
        actor=officer,
    )
    assert {row.contact_id for row in only_absorbed.participants} == {survivor.id, other.id}


def test_timeline_newest_first_with_filters_last_date_and_next_steps(db):
    officer = new_user()
    lan = person(officer, "Trần Thị Lan")
    today = utcnow().date()
    old = record(officer, [lan], title="Old", start_date=date(2023, 5, 1), type="greeting_letter")
    recent = record(
        officer,
        [lan],
        title="Recent",
        start_date=date(2025, 12, 30),
        end_date=date(2026, 1, 2),
        next_step="Gọi lại",
        next_step_due=today + timedelta(days=10),
    )
    planned = record(officer, [lan], title="Planned", start_date=today + timedelta(days=40))
    done = record(
        officer,
        [lan],
        title="Done",
        start_date=date(2024, 1, 1),
        next_step="Xong",
        next_step_due=date(2024, 2, 1),
        next_step_done=True,
    )
    db.session.commit()
    timeline = contact_timeline(lan.id)
    assert [entry.engagement.title for entry in timeline.entries] == [
        "Planned",
        "Recent",
        "Done",
        "Old",
    ]
    assert timeline.last_date == date(2025, 12, 30)  # the planned one has not happened yet
    assert [row.id for row in timeline.upcoming] == [recent.id]
    assert timeline.types == ["greeting_letter", "meeting"]
    assert {2023, 2024, 2025, 2026} <= set(timeline.years)
    by_year = contact_timeline(lan.id, year=2026)
    assert recent.id in [entry.engagement.id for entry in by_year.entries]  # ran into 2026
    assert contact_timeline(lan.id, type="greeting_letter").entries[0].engagement.id == old.id
    assert done.id not in [row.id for row in timeline.upcoming]
    assert planned.id in [entry.engagement.id for entry in timeline.entries]


def test_search_filters_engaged_in_year_and_not_engaged_for_years(db):
    officer = new_user()
    today = utcnow().date()
    lan = person(officer, "Trần Thị Lan")
    minh = person(officer, "Lê Văn Minh")
    never = person(officer, "Phạm Thị Chưa")
    gone = person(officer, "Đỗ Văn Trash")
    record(officer, [lan], start_date=date(2025, 6, 1))
    record(officer, [minh], start_date=today - timedelta(days=5 * 366))
    record(officer, [gone], start_date=date(2025, 6, 1))
    deleted = record(officer, [never], start_date=date(2025, 6, 1))
    trash.delete_engagement(deleted, actor=officer)
    contact_trash.delete_contact(gone, actor=officer)
    db.session.commit()
    assert matching_ids(SearchQuery(engaged_year=2025), actor=officer) == [lan.id]
    assert matching_ids(SearchQuery(engaged_year=1800), actor=officer) == []
    stale = set(matching_ids(SearchQuery(not_engaged_years=3), actor=officer))
    assert stale == {minh.id, never.id}
    assert set(matching_ids(SearchQuery(not_engaged_years=10), actor=officer)) == {never.id}
    both = SearchQuery(engaged_year=2025, not_engaged_years=3)
    assert matching_ids(both, actor=officer) == []


def test_activities_of_a_task_with_counts_per_year_and_country(db):
    officer = new_user()
    lan = person(officer, "Trần Thị Lan", country="JP")
    minh = person(officer, "Lê Văn Minh", country="KR", city="Seoul")
    hoa = person(officer, "Vũ Thị Hoa", country="JP", city="Osaka")
    record(officer, [lan, minh], start_date=date(2025, 3, 1))
    record(officer, [hoa], start_date=date(2026, 3, 1), plan_tasks=["II.4", "IV.2"])
    record(officer, [hoa], start_date=date(2026, 4, 1), plan_tasks=["IV.2"])
    db.session.commit()
    found = find_activities(ActivityFilter(task_codes=("II.4",)))
    assert [activity.start for activity in found] == [date(2025, 3, 1), date(2026, 3, 1)]
    summary = summarize(found)
    assert summary.activities == 2 and summary.contacts == 3
    assert summary.by_year == [(2026, 1), (2025, 1)]
    assert summary.by_country == [("JP", 2), ("KR", 1)]
    period = find_activities(ActivityFilter(start=date(2026, 1, 1), end=date(2026, 3, 31)))
    assert len(period) == 1
