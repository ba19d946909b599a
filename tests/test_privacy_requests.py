"""The register of requests from data subjects: deadlines, validation, the workflow, the list."""

from __future__ import annotations

from datetime import date

import pytest

from diaspora.contacts import merge, trash
from diaspora.contacts import services as contacts
from diaspora.errors import Conflict, ValidationFailed
from diaspora.extensions import db as _db
from diaspora.models import AuditEvent, SubjectRequest
from diaspora.privacy import deadlines, request_list, subject_requests
from diaspora.privacy.request_validation import RequestInput
from tests.contact_helpers import data, new_user, table_counts

THURSDAY = date(2026, 11, 26)  # the test clock's day in Hải Phòng
SETTINGS = {"PRIVACY_HOLIDAYS": "", "PRIVACY_REQUEST_OTHER_DAYS": 10}


# --- deadlines (pure) ---


@pytest.mark.parametrize(
    ("received", "reply"),
    [
        (date(2026, 11, 26), date(2026, 11, 30)),  # Thursday → Monday
        (date(2026, 11, 27), date(2026, 12, 1)),  # Friday → Tuesday
        (date(2026, 11, 28), date(2026, 12, 1)),  # Saturday → Tuesday
        (date(2026, 11, 29), date(2026, 12, 1)),  # Sunday → Tuesday
        (date(2026, 11, 30), date(2026, 12, 2)),  # Monday → Wednesday
    ],
)
def test_the_reply_is_due_two_working_days_after_receipt(received, reply):
    assert deadlines.add_working_days(received, 2) == reply


def test_configured_holidays_are_not_working_days():
    holidays = deadlines.parse_holidays("2026-11-30, 2026-12-01")
    assert deadlines.add_working_days(THURSDAY, 2, holidays) == date(2026, 12, 2)
    due = deadlines.deadlines("access", THURSDAY, {"PRIVACY_HOLIDAYS": "2026-11-30"})
    assert due.reply_due == date(2026, 12, 1)


def test_answer_periods_by_kind():
    assert deadlines.deadlines("access", THURSDAY, SETTINGS) == deadlines.Deadlines(
        date(2026, 11, 30), date(2026, 12, 6)
    )
    assert deadlines.deadlines("deletion", THURSDAY, SETTINGS).due_on == date(2026, 12, 16)
    for kind in ("correction", "restriction", "objection"):
        assert deadlines.deadlines(kind, THURSDAY, SETTINGS).due_on == date(2026, 12, 6)
    assert deadlines.deadlines("objection", THURSDAY, {"PRIVACY_REQUEST_OTHER_DAYS": 5}).due_on == (
        date(2026, 12, 1)
    )
    assert deadlines.extended("access", date(2026, 12, 6), SETTINGS) == date(2026, 12, 16)
    assert deadlines.extended("deletion", date(2026, 12, 16), SETTINGS) == date(2027, 1, 5)


def test_the_reply_is_never_due_after_the_answer():
    due = deadlines.deadlines("correction", THURSDAY, {"PRIVACY_REQUEST_OTHER_DAYS": 1})
    assert due == deadlines.Deadlines(date(2026, 11, 27), date(2026, 11, 27))


@pytest.mark.parametrize(
    "settings",
    [
        {"PRIVACY_HOLIDAYS": "2026-13-01"},
        {"PRIVACY_HOLIDAYS": "Tết"},
        {"PRIVACY_REQUEST_OTHER_DAYS": 0},
        {"PRIVACY_REQUEST_OTHER_EXTENSION_DAYS": "ten"},
        {"RETENTION_REVIEW_YEARS": 0},
        {"REJECTED_SUBMISSION_DAYS": -5},
    ],
)
def test_wrong_settings_stop_the_app(make_app, settings):
    with pytest.raises(ValueError):
        make_app(**settings)


# --- registering ---


def _contact(name: str = "Nguyễn Thị Hồng Nhung"):
    officer = new_user("officer")
    contact = contacts.create_contact(data(full_name=name), actor=officer)
    _db.session.flush()
    return officer, contact


def _register(officer, **overrides) -> SubjectRequest:
    values = {
        "kind": "access",
        "received_on": "2026-11-26",
        "channel": "email",
        "requester_name": "Trần Văn Bình",
        "requester_reach": "binh@example.com",
        "description": "Xin bản sao dữ liệu.",
    }
    values.update(overrides)
    return subject_requests.register_request(RequestInput(**values), actor=officer)


def test_a_request_from_a_contact_gets_its_deadlines(db, clock):
    officer, contact = _contact()
    row = _register(officer, contact_id=str(contact.id), kind="deletion")
    assert row.status == "received" and row.contact_id == contact.id
    assert row.requester_name == "" and row.requester_reach == ""  # the record says who
    assert (row.reply_due, row.due_on) == (date(2026, 11, 30), date(2026, 12, 16))
    event = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "subject_request.create")
    )
    assert event.target_id == row.id and event.details["due_on"] == "2026-12-16"


def test_a_merged_record_is_followed_to_its_survivor(db, clock):
    officer, contact = _contact()
    _other_officer, other = _contact("Lê Văn Nam")
    other.merged_into_id = contact.id
    other.deleted_at = other.created_at
    db.session.flush()
    row = _register(officer, contact_id=f"#{other.id}")
    assert row.contact_id == contact.id


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "everything"}, "kind"),
        ({"kind": None}, "kind"),
        ({"channel": "update_link"}, "channel"),  # only the link's own service sets it
        ({"channel": "fax"}, "channel"),
        ({"received_on": "2026-11-27"}, "received_on"),  # tomorrow
        ({"received_on": "2024-01-01"}, "received_on"),  # a typing mistake in the year
        ({"received_on": "26/11/2026"}, "received_on"),
        ({"received_on": ""}, "received_on"),
        ({"contact_id": "999999"}, "contact_id"),  # a forged record number
        ({"contact_id": "1 OR 1=1"}, "contact_id"),
        ({"requester_name": "", "requester_reach": ""}, "requester_name"),
        ({"requester_reach": ""}, "requester_reach"),
        ({"description": "  "}, "description"),
        ({"description": "x" * 5001}, "description"),
        ({"requester_name": "x" * 201}, "requester_name"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(db, clock, overrides, field):
    officer, _contact_row = _contact()
    before = table_counts()
    with pytest.raises(ValidationFailed) as raised:
        _register(officer, **overrides)
    assert field in raised.value.errors
    assert table_counts() == before


def test_hostile_text_is_kept_as_text(app, clock, client, login_as):
    hostile = '<script>alert("x")</script>\x00 Robert\'); DROP TABLE contacts;--'
    with app.app_context():
        officer = new_user("officer")
        row = _register(officer, requester_name=hostile, description=hostile)
        assert "\x00" not in row.requester_name and "<script>" in row.description
        _db.session.commit()
        row_id = row.id
    login_as("officer")
    html = client.get(f"/privacy/requests/{row_id}").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_a_form_posted_twice_registers_once(db, clock):
    officer = new_user("officer")
    values = RequestInput(
        kind="objection",
        received_on="2026-11-25",
        channel="letter",
        requester_name="Bình",
        requester_reach="Hà Nội",
        description="Phản đối.",
    )
    first = subject_requests.register_request(values, actor=officer, entry_key="k1")
    second = subject_requests.register_request(values, actor=officer, entry_key="k1")
    assert first.id == second.id
    assert db.session.scalar(db.select(db.func.count(SubjectRequest.id))) == 1


# --- the workflow ---


def test_the_workflow_from_receipt_to_completion(db, clock):
    officer = new_user("officer")
    row = _register(officer)
    subject_requests.acknowledge(row, actor=officer, expected_version=1, on="2026-11-26")
    assert row.status == "acknowledged" and not row.replied_late
    assert row.next_due == row.due_on == date(2026, 12, 6)
    subject_requests.extend(row, actor=officer, expected_version=2, reason="Hồ sơ giấy ở kho.")
    assert row.status == "extended" and row.due_on == date(2026, 12, 16)
    with pytest.raises(Conflict):  # only once
        subject_requests.extend(row, actor=officer, expected_version=3, reason="Again")
    with pytest.raises(ValidationFailed) as raised:  # without saying what was done
        subject_requests.complete(row, actor=officer, expected_version=3, outcome=" ", on=None)
    assert set(raised.value.errors) == {"on", "outcome"}
    subject_requests.complete(
        row, actor=officer, expected_version=3, outcome="Bản sao gửi qua email.", on="2026-11-26"
    )
    assert row.status == "completed" and row.closed_on == THURSDAY and row.next_due is None
    actions = list(
        db.session.scalars(
            db.select(AuditEvent.action)
            .where(AuditEvent.target_type == "subject_request")
            .order_by(AuditEvent.id)
        )
    )
    assert actions == [
        "subject_request.create",
        "subject_request.acknowledge",
        "subject_request.extend",
        "subject_request.completed",
    ]
    with pytest.raises(Conflict):  # closed: nothing more applies
        subject_requests.refuse(row, actor=officer, expected_version=4, reason="No", on=None)


def test_refusing_needs_a_reason_and_counts_as_the_reply(db, clock):
    officer = new_user("officer")
    row = _register(officer, kind="restriction")
    with pytest.raises(ValidationFailed) as raised:
        subject_requests.refuse(row, actor=officer, expected_version=1, reason="", on="2026-11-26")
    assert "reason" in raised.value.errors
    subject_requests.refuse(
        row, actor=officer, expected_version=1, reason="Luật cho phép giữ.", on="2026-11-26"
    )
    assert row.status == "refused" and row.acknowledged_on == THURSDAY


def test_stale_versions_and_impossible_dates_are_refused(db, clock):
    officer = new_user("officer")
    row = _register(officer, received_on="2026-11-20")
    with pytest.raises(Conflict):
        subject_requests.acknowledge(row, actor=officer, expected_version=7, on="2026-11-26")
    for on in ("2026-11-19", "2026-11-27", "yesterday"):
        with pytest.raises(ValidationFailed):
            subject_requests.acknowledge(row, actor=officer, expected_version=1, on=on)
    assert row.status == "received"


def test_an_extension_after_the_deadline_is_refused(db, clock):
    officer = new_user("officer")
    row = _register(officer, received_on="2026-11-10")  # access: due 20 November
    with pytest.raises(ValidationFailed) as raised:
        subject_requests.extend(row, actor=officer, expected_version=1, reason="Late")
    assert "reason" in raised.value.errors and row.extended_on is None


# --- due and overdue ---


def test_due_and_overdue_lists(db, clock):
    officer = new_user("officer")
    overdue_reply = _register(officer, received_on="2026-11-20")  # reply due 24 Nov
    answer_late = _register(officer, received_on="2026-11-12")  # answer due 22 Nov
    subject_requests.acknowledge(answer_late, actor=officer, expected_version=1, on="2026-11-13")
    due_soon = _register(officer, received_on="2026-11-25")  # reply due 27 Nov
    later = _register(officer, kind="deletion", received_on="2026-11-26")
    subject_requests.acknowledge(later, actor=officer, expected_version=1, on="2026-11-26")
    closed = _register(officer, received_on="2026-11-01")
    subject_requests.complete(
        closed, actor=officer, expected_version=1, outcome="Done", on="2026-11-05"
    )
    db.session.flush()

    def ids(**filters) -> list[int]:
        page = request_list.list_requests(request_list.RequestQuery(**filters), THURSDAY)
        return [row.id for row in page.items]

    assert ids(due="overdue") == [answer_late.id, overdue_reply.id]
    assert ids(due="due") == [due_soon.id]
    assert ids() == [answer_late.id, overdue_reply.id, due_soon.id, later.id]
    assert ids(status="all")[-1] == closed.id
    assert ids(status="completed") == [closed.id]
    assert ids(kind="deletion") == [later.id]
    counts = request_list.due_counts(THURSDAY)
    assert (counts.overdue, counts.due) == (2, 1)
    assert overdue_reply.overdue(THURSDAY) and not later.overdue(THURSDAY)


def test_requests_follow_merges_and_outlive_a_purged_record(db, clock):
    officer, survivor = _contact()
    _other, absorbed = _contact("Lê Văn Nam")
    row = _register(officer, contact_id=str(absorbed.id))
    merge.merge_contacts(
        survivor,
        absorbed,
        merge.default_choices(survivor, absorbed),
        survivor_version=1,
        absorbed_version=1,
        actor=officer,
    )
    assert row.contact_id == survivor.id and survivor.version == 2  # one new version
    trash.delete_contact(survivor, actor=officer)
    trash.purge_contact(survivor, actor=officer)
    db.session.commit()
    db.session.expire_all()
    kept = db.session.get(SubjectRequest, row.id)
    assert kept is not None and kept.contact_id is None
