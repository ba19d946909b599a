"""Engagement pages through the test client: permissions, the form and its contact finder, bad
input in both languages, the 409 conflict page, the trash, the profile timeline, plan tasks."""

from __future__ import annotations

import re
import uuid

import pytest

from diaspora.extensions import db as _db
from diaspora.models import AuditEvent, Engagement, User
from tests.conftest import login
from tests.contact_helpers import database_state
from tests.engagement_helpers import person, record
from tests.form_pages import posted_back
from tests.record_pages import errors, html

pytestmark = pytest.mark.usefixtures("seeded")


def timeline(page: str) -> str:
    start = page.index('<ol class="timeline"')
    return page[start : page.index("</ol>", start)]


def state(app) -> dict:
    with app.app_context():
        result = database_state()
        result["engagements.rows"] = [
            tuple(row)
            for row in _db.session.execute(_db.text("SELECT * FROM engagements ORDER BY id"))
        ]
        return result


@pytest.fixture
def people(app, make_user):
    """Three contacts in Japan and Korea, registered by an officer."""
    officer = make_user("officer", name="Registrar")
    with app.app_context(), app.test_request_context():
        user = _db.session.get(User, officer.id)
        made = [
            person(user, "Trần Thị Lan"),
            person(user, "Lê Văn Minh", country="KR", city="Seoul"),
            person(user, "Vũ Thị Hoa", city="Osaka"),
        ]
        _db.session.commit()
        return [row.id for row in made]


def form(contact_ids, **overrides) -> dict:
    values = {
        "entry_key": uuid.uuid4().hex,
        "step": "save",
        "type": "event_attendance",
        "title": "Lễ hội Hoa Phượng Đỏ 2026",
        "start_date": "2026-05-10",
        "end_date": "2026-05-12",
        "country": "VN",
        "city": "Hải Phòng",
        "plan_tasks": ["II.2", "II.4"],
    }
    for index, contact_id in enumerate(contact_ids):
        values[f"participants-{index}-contact_id"] = str(contact_id)
        values[f"participants-{index}-role"] = "participant"
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


def create(client, contact_ids, **overrides) -> int:
    response = client.post("/engagements/new", data=form(contact_ids, **overrides))
    assert response.status_code == 302, errors(response)
    return int(response.headers["Location"].rsplit("/", 1)[1])


# --- permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        ("viewer", "/engagements/", 200),
        ("viewer", "/engagements/new", 403),
        ("viewer", "/engagements/trash/", 403),
        ("viewer", "/reports/annual", 200),
        ("viewer", "/dashboard", 403),
        ("officer", "/engagements/new", 200),
        ("officer", "/engagements/trash/", 200),
        ("officer", "/dashboard", 200),
        ("admin", "/dashboard", 200),
    ],
)
def test_who_may_open_what(client, login_as, role, path, status):
    login_as(role)
    assert client.get(path).status_code == status


def test_home_sends_officers_to_their_dashboard(client, login_as):
    login_as("officer")
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"


def test_viewers_home_is_the_search(client, login_as):
    login_as("viewer")
    assert client.get("/").headers["Location"] == "/search/"


# --- record, show, list ------------------------------------------------------------------------


def test_record_an_event_and_see_it_everywhere(app, client, login_as, people):
    login_as("officer", locale="en")
    engagement_id = create(
        client, people, outcome="Hai nhà tài trợ mới", **{"participants-0-role": "speaker"}
    )
    page = html(client.get(f"/engagements/{engagement_id}"))
    assert "Lễ hội Hoa Phượng Đỏ 2026" in page
    assert "Trần Thị Lan" in page and "Lê Văn Minh" in page and "Vũ Thị Hoa" in page
    assert "Speaker" in page and "10 May 2026 – 12 May 2026" in page
    for contact_id in people:
        profile = html(client.get(f"/contacts/{contact_id}"))
        assert "Lễ hội Hoa Phượng Đỏ 2026" in profile
        assert "Last engagement: 10 May 2026." in profile
    task_page = html(client.get("/plan/II.4"))
    assert "Lễ hội Hoa Phượng Đỏ 2026" in task_page
    assert "1 activity" in task_page and "3 contacts reached" in task_page
    assert "Japan" in task_page and "South Korea" in task_page
    listing = html(client.get("/engagements/?task=II.4&year=2026"))
    assert f'href="/engagements/{engagement_id}"' in listing
    assert f'href="/engagements/{engagement_id}"' not in html(
        client.get("/engagements/?type=meeting")
    )


def test_new_form_is_prefilled_from_the_profile_and_the_task(client, login_as, people):
    login_as("officer", locale="en")
    page = html(client.get(f"/engagements/new?contact={people[0]}&task=II.4&task=XX"))
    assert "Trần Thị Lan" in page
    assert re.search(r'<input checked[^>]*value="II.4"|<input[^>]*value="II.4"[^>]*checked', page)
    # A hand-edited address with a number no record can have is left out, not an error.
    response = client.get(f"/engagements/new?contact=99999999999999999999&contact={people[1]}")
    assert response.status_code == 200 and "Lê Văn Minh" in html(response)


def test_form_posted_twice_records_once(app, client, login_as, people):
    login_as("officer", locale="en")
    data = form(people)
    assert client.post("/engagements/new", data=data).status_code == 302
    again = client.post("/engagements/new", data=data, follow_redirects=True)
    assert "already saved" in html(again)
    with app.app_context():
        assert _db.session.scalar(_db.select(_db.func.count(Engagement.id))) == 1


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "overrides", "message"),
    [
        ("en", {"no_contacts": True}, "Add at least one contact"),
        ("vi", {"no_contacts": True}, "Hãy thêm ít nhất một kiều bào"),
        ("en", {"end_date": "2026-05-01"}, "The end date cannot be before the start date."),
        ("vi", {"end_date": "2026-05-01"}, "Ngày kết thúc không thể trước ngày bắt đầu."),
        ("en", {"next_step": "Gửi thư cảm ơn"}, "Give the next step a due date."),
        ("vi", {"next_step": "Gửi thư cảm ơn"}, "Hãy cho bước tiếp theo một hạn hoàn thành."),
        ("en", {"plan_tasks": ["II.4", "IX.1"]}, "“IX.1” is not a task of the plan"),
        ("vi", {"plan_tasks": ["II.4", "IX.1"]}, "“IX.1” không phải là nhiệm vụ của Kế hoạch"),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(
    app, client, login_as, people, language, overrides, message
):
    login_as("officer", locale=language)
    before = state(app)
    ids = [] if overrides.pop("no_contacts", False) else people
    response = client.post("/engagements/new", data=form(ids, **overrides))
    assert response.status_code == 200
    assert any(message in text for text in errors(response)), errors(response)
    assert 'value="Lễ hội Hoa Phượng Đỏ 2026"' in html(response)  # nothing typed is lost
    assert state(app) == before


# --- the contact finder ------------------------------------------------------------------------


def test_finder_adds_dozens_at_once_without_losing_input(app, client, login_as, people):
    user = login_as("officer", locale="en")
    with app.app_context(), app.test_request_context():
        officer = _db.session.get(User, user.id)
        many = [
            person(officer, f"Nguyễn Văn Khách {n:02d}", city=f"Nagoya {n}").id for n in range(30)
        ]
        _db.session.commit()
    before = state(app)
    data = form([], title="Gặp mặt Tết 2026", find_text="khach", find_country="JP", step="find")
    found = client.post("/engagements/new", data=data)
    page = html(found)
    assert "30 contacts found." in page
    assert 'value="Gặp mặt Tết 2026"' in page
    posted = posted_back(page)
    posted.update(step="add_all", add_role="participant")
    added = client.post("/engagements/new", data=posted)
    page = html(added)
    assert "30 contacts added to the engagement" in page
    assert page.count('name="participants-') >= 30
    assert state(app) == before  # nothing is saved until Save
    posted = posted_back(page)
    posted.update(step="add_numbers", add_numbers=f"{people[0]}, 999999")
    page = html(client.post("/engagements/new", data=posted))
    assert "No contact with record number 999999" in page
    posted = posted_back(page)
    posted.update(step="add_numbers", add_numbers=str(people[0]))
    posted = posted_back(html(client.post("/engagements/new", data=posted)))
    posted["step"] = "save"
    response = client.post("/engagements/new", data=posted)
    assert response.status_code == 302, errors(response)
    with app.app_context():
        engagement = _db.session.scalar(_db.select(Engagement))
        assert {row.contact_id for row in engagement.participants} == {*many, people[0]}
        assert engagement.title == "Gặp mặt Tết 2026"


def test_finder_by_organization_and_ticked_ones(app, client, login_as, people):
    login_as("officer", locale="en")
    page = html(
        client.post("/engagements/new", data=form([], step="find", find_text="", find_country="JP"))
    )
    assert "2 contacts found." in page  # Lan and Hoa live in Japan
    posted = posted_back(page)
    posted.update(step="add", found=[str(people[2])])
    page = html(client.post("/engagements/new", data=posted))
    assert "1 contact added to the engagement" in page
    assert "Vũ Thị Hoa" in page
    assert "1 contact found." in page  # Hoa is no longer offered
    empty = html(client.post("/engagements/new", data=form([], step="find")))
    assert "Enter a name, or choose a country or an organization" in empty


# --- edit, conflict, trash ---------------------------------------------------------------------


def test_edit_round_trip_changes_only_what_changed(app, client, login_as, people):
    login_as("officer", locale="en")
    engagement_id = create(client, people)
    posted = posted_back(html(client.get(f"/engagements/{engagement_id}/edit")))
    posted["step"] = "save"
    response = client.post(f"/engagements/{engagement_id}/edit", data=posted, follow_redirects=True)
    assert "Nothing to save" in html(response)
    posted["outcome"] = "Ký biên bản ghi nhớ"
    posted["participants-1-remove"] = "y"
    assert client.post(f"/engagements/{engagement_id}/edit", data=posted).status_code == 302
    with app.app_context():
        engagement = _db.session.get(Engagement, engagement_id)
        assert engagement.version == 2 and engagement.outcome == "Ký biên bản ghi nhớ"
        assert {row.contact_id for row in engagement.participants} == {people[0], people[2]}
    page = html(client.get(f"/engagements/{engagement_id}"))
    assert "Change history" in page and "Lê Văn Minh" in page  # in the diff


def test_conflict_with_two_sessions_keeps_the_unsaved_input(app, make_user, people):
    first, second = app.test_client(), app.test_client()
    login(first, make_user("officer", locale="en", name="Officer One").email)
    login(second, make_user("officer", locale="en", name="Officer Two").email)
    engagement_id = create(first, people)
    mine = posted_back(html(first.get(f"/engagements/{engagement_id}/edit")))
    theirs = posted_back(html(second.get(f"/engagements/{engagement_id}/edit")))
    theirs.update(step="save", city="Đồ Sơn")
    assert second.post(f"/engagements/{engagement_id}/edit", data=theirs).status_code == 302
    before = state(app)
    mine.update(step="save", outcome="Ba suất học bổng")
    response = first.post(f"/engagements/{engagement_id}/edit", data=mine)
    assert response.status_code == 409
    page = html(response)
    assert "Someone else changed this engagement" in page
    assert "Officer Two" in page and "Đồ Sơn" in page
    assert "Ba suất học bổng" in page
    assert state(app) == before
    again = posted_back(page)
    assert again["version"] == "2"
    again["step"] = "save"
    assert first.post(f"/engagements/{engagement_id}/edit", data=again).status_code == 302
    with app.app_context():
        engagement = _db.session.get(Engagement, engagement_id)
        assert (engagement.outcome, engagement.city, engagement.version) == (
            "Ba suất học bổng",
            "Hải Phòng",
            3,
        )


def test_shared_history_and_trash_pages_speak_vietnamese(app, make_user, people):
    """The conflict page and the trash come from templates/_macros: their words are translated."""
    first, second = app.test_client(), app.test_client()
    login(first, make_user("officer", locale="vi").email)
    login(second, make_user("officer", locale="vi").email)
    engagement_id = create(first, people)
    mine = posted_back(html(first.get(f"/engagements/{engagement_id}/edit")))
    theirs = posted_back(html(second.get(f"/engagements/{engagement_id}/edit")))
    theirs.update(step="save", city="Đồ Sơn")
    assert second.post(f"/engagements/{engagement_id}/edit", data=theirs).status_code == 302
    mine.update(step="save", outcome="Ba suất học bổng")
    page = html(first.post(f"/engagements/{engagement_id}/edit", data=mine))
    for words in ("Những gì đã thay đổi trong lúc đó", "Trước", "Sau", "Lưu thông tin của tôi"):
        assert words in page
    assert first.post(f"/engagements/{engagement_id}/delete").status_code == 302
    trash = html(first.get("/engagements/trash/"))
    assert "Khôi phục" in trash and "Ngày xóa" in trash


def test_trash_restore_and_purge_pages(app, client, login_as, make_user, people):
    login_as("officer", locale="en")
    engagement_id = create(client, people)
    link = f'href="/engagements/{engagement_id}"'
    assert "to the trash?" in html(client.get(f"/engagements/{engagement_id}/delete"))
    assert client.post(f"/engagements/{engagement_id}/delete").status_code == 302
    assert link not in html(client.get("/engagements/"))
    assert "Lễ hội Hoa Phượng Đỏ" not in html(client.get(f"/contacts/{people[0]}"))
    assert link in html(client.get("/engagements/trash/"))
    before = state(app)
    again = client.post(f"/engagements/{engagement_id}/delete", follow_redirects=True)
    assert "already in the trash" in html(again)
    assert state(app) == before
    edit = posted_back(html(client.get(f"/engagements/{engagement_id}")))  # still readable
    assert edit is not None
    assert client.get(f"/engagements/trash/{engagement_id}/purge").status_code == 403
    assert client.post(f"/engagements/trash/{engagement_id}/restore").status_code == 302
    assert link in html(client.get("/engagements/"))
    assert client.post(f"/engagements/{engagement_id}/delete").status_code == 302
    admin = app.test_client()
    login(admin, make_user("admin", locale="en").email)
    assert "cannot be undone" in html(admin.get(f"/engagements/trash/{engagement_id}/purge"))
    assert admin.post(f"/engagements/trash/{engagement_id}/purge").status_code == 302
    assert admin.get(f"/engagements/{engagement_id}").status_code == 404
    with app.app_context():
        actions = _db.session.scalars(
            _db.select(AuditEvent.action).where(AuditEvent.target_type == "engagement")
        ).all()
        assert actions[-1] == "engagement.purge"


def test_trash_steps_say_what_they_did_or_why_not(app, client, login_as, make_user, people):
    login_as("officer", locale="en")
    engagement_id = create(client, people)
    response = client.post(f"/engagements/trash/{engagement_id}/restore")  # not in the trash
    assert response.headers["Location"] == "/engagements/trash/"
    assert "This engagement is not in the trash." in html(client.get("/engagements/trash/"))
    response = client.post(f"/engagements/{engagement_id}/delete")
    assert response.headers["Location"] == "/engagements/"
    assert "was moved to the trash" in html(client.get("/engagements/"))
    response = client.post(f"/engagements/trash/{engagement_id}/restore")
    assert response.headers["Location"] == f"/engagements/{engagement_id}"
    assert "“Lễ hội Hoa Phượng Đỏ 2026” was restored." in html(client.get(response.location))
    admin = app.test_client()
    login(admin, make_user("admin", locale="en").email)
    before = state(app)
    response = admin.post(f"/engagements/trash/{engagement_id}/purge")  # not in the trash
    assert response.headers["Location"] == "/engagements/trash/"
    assert "This engagement is not in the trash." in html(admin.get("/engagements/trash/"))
    assert state(app) == before


def test_viewer_reads_but_cannot_change(app, client, login_as, make_user, people):
    officer = app.test_client()
    login(officer, make_user("officer").email)
    engagement_id = create(officer, people)
    login_as("viewer", locale="en")
    page = html(client.get(f"/engagements/{engagement_id}"))
    assert "Lễ hội Hoa Phượng Đỏ 2026" in page
    assert f"/engagements/{engagement_id}/edit" not in page
    before = state(app)
    assert client.post(f"/engagements/{engagement_id}/edit", data=form(people)).status_code == 403
    assert client.post(f"/engagements/{engagement_id}/delete").status_code == 403
    assert state(app) == before


# --- the profile timeline ----------------------------------------------------------------------


def test_profile_timeline_filters_and_next_steps(app, client, login_as, people):
    user = login_as("officer", locale="en")
    with app.app_context(), app.test_request_context():
        officer = _db.session.get(User, user.id)
        from datetime import date, timedelta

        from diaspora.models import Contact, utcnow

        lan = _db.session.get(Contact, people[0])
        record(
            officer,
            [lan],
            title="Thư chúc Tết",
            type="greeting_letter",
            start_date=date(2025, 1, 20),
        )
        record(
            officer,
            [lan],
            title="Tư vấn dự án bệnh viện",
            type="consultation",
            start_date=date(2026, 3, 2),
            next_step="Gửi hồ sơ dự án",
            next_step_due=utcnow().date() + timedelta(days=5),
        )
        _db.session.commit()
    page = html(client.get(f"/contacts/{people[0]}"))
    assert page.index("Tư vấn dự án bệnh viện") < page.index("Thư chúc Tết")  # newest first
    assert "Upcoming next steps" in page and "Gửi hồ sơ dự án" in page
    assert "Last engagement: 2 Mar 2026." in page
    filtered = timeline(html(client.get(f"/contacts/{people[0]}?etype=greeting_letter")))
    assert "Thư chúc Tết" in filtered and "Tư vấn dự án bệnh viện" not in filtered
    by_year = timeline(html(client.get(f"/contacts/{people[0]}?eyear=2025")))
    assert "Thư chúc Tết" in by_year and "Tư vấn dự án bệnh viện" not in by_year
    assert client.get(f"/contacts/{people[0]}?etype=<script>&eyear=abc").status_code == 200


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("vi", ["Ghi nhận hoạt động", "Kiều bào tham gia", "Bước tiếp theo", "Tìm kiều bào"]),
        ("en", ["Record an engagement", "Contacts involved", "Next step", "Find contacts"]),
    ],
)
def test_pages_in_both_languages(client, login_as, language, words):
    login_as("officer", locale=language)
    page = html(client.get("/engagements/new"))
    for word in words:
        assert word in page


def test_search_page_filters_by_engagement(app, client, login_as, make_user, people):
    officer = app.test_client()
    login(officer, make_user("officer").email)
    create(officer, people[:1], start_date="2025-05-10", end_date=None)
    login_as("viewer", locale="en")
    engaged = html(client.get("/search/?engaged_year=2025"))
    assert "Trần Thị Lan" in engaged and "Lê Văn Minh" not in engaged
    stale = html(client.get("/search/?not_engaged=5"))
    assert "Lê Văn Minh" in stale and "Vũ Thị Hoa" in stale  # never engaged
    assert "Trần Thị Lan" not in stale


def test_trash_is_paged(app, client, login_as, people):
    login_as("officer", locale="en")
    ids = [create(client, people, title=f"Hoạt động {i}") for i in range(3)]
    for engagement_id in ids:
        assert client.post(f"/engagements/{engagement_id}/delete").status_code == 302
    app.config["PER_PAGE"], per_page = 2, app.config["PER_PAGE"]
    try:
        first = html(client.get("/engagements/trash/"))
        second = html(client.get("/engagements/trash/?page=2"))
    finally:
        app.config["PER_PAGE"] = per_page
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert all(f'href="/engagements/{i}"' in first + second for i in ids)
    assert sum(f'href="/engagements/{i}"' in first for i in ids) == 2


@pytest.mark.parametrize("tampered", ["abc", "99999999999999999999", "-3", "1.5"])
def test_tampered_participant_id_is_explained_not_an_error(app, client, login_as, people, tampered):
    """A participant row whose id is not an id (edited by hand) gets the form back, not a 500."""
    login_as("officer", locale="en")
    before = state(app)
    data = form(people)
    data["participants-0-contact_id"] = tampered
    for edit in (False, True):
        if edit:
            engagement_id = create(client, people)
            before = state(app)
            data = {**form(people), "version": "1", "participants-0-contact_id": tampered}
            response = client.post(f"/engagements/{engagement_id}/edit", data=data)
        else:
            response = client.post("/engagements/new", data=data)
        assert response.status_code == 200
        assert "No contact with record number" in " ".join(errors(response))
        assert state(app) == before
