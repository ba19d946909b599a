"""An erased record's name is stored once, without personal data, and shown in the reader's
language wherever it appears: lists, profile, engagements, organizations, history."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask_babel import force_locale
from markupsafe import Markup

from diaspora.contacts.data import MembershipEntry
from diaspora.engagements import services as engagements
from diaspora.engagements.data import ParticipantEntry
from diaspora.extensions import db
from diaspora.models import Contact, Engagement, Organization
from diaspora.privacy import erasure
from diaspora.privacy.erased_names import erased_label, erased_number, finalize, shown_name
from diaspora.search import services as search
from diaspora.search.query import SearchQuery
from diaspora.transfer import exports
from tests.contact_helpers import data, new_user
from tests.engagement_helpers import engagement_data

pytestmark = pytest.mark.usefixtures("seeded")
NAME = "Trần Thị Quỳnh Xuyến"
SHOWN = {"vi": "Hồ sơ đã xóa #{}", "en": "Erased contact #{}"}


def _text(response) -> str:
    return unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


@pytest.fixture
def erased(app) -> dict:
    """A person on an engagement and in an organization, a second person, then the first
    erased; returns the ids."""
    with app.app_context():
        officer, admin = new_user(), new_user("admin")
        person = _create(officer, NAME)
        other = _create(officer, "Lê Văn Khác")
        engagement = engagements.create_engagement(
            engagement_data([person, other], title="Gặp mặt tại Berlin", country="DE"),
            actor=officer,
        )
        db.session.commit()
        erasure.erase_contact(person, confirmation=NAME, reason="Request R-7", actor=admin)
        db.session.commit()
        # After the erasure, the engagement changes: its history now holds the stored name.
        engagement = db.session.get(Engagement, engagement.id)
        changed = engagement_data(
            [],
            title="Gặp mặt tại Berlin (2)",
            country="DE",
            participants=[ParticipantEntry(person.id, role="speaker"), ParticipantEntry(other.id)],
        )
        engagements.update_engagement(
            engagement, changed, expected_version=engagement.version, actor=officer
        )
        db.session.commit()
        organization = db.session.scalar(db.select(Organization))
        return {
            "contact": person.id,
            "other": other.id,
            "engagement": engagement.id,
            "organization": organization.id,
        }


def _create(officer, name: str) -> Contact:
    from diaspora.contacts import services

    return services.create_contact(
        data(
            full_name=name,
            country="DE",
            city="Berlin",
            memberships=[MembershipEntry("Hội người Việt tại Berlin", "")],
            legal_basis="state_function",
            legal_basis_note="Department's own task",
        ),
        actor=officer,
        acknowledged=[],
    )


def test_the_stored_name_stays_english_and_impersonal(app, erased):
    with app.app_context():
        contact = db.session.get(Contact, erased["contact"])
        assert contact.full_name == erased_label(contact.id) == f"Erased contact #{contact.id}"
        assert "Xuyến" not in contact.full_name


@pytest.mark.parametrize("language", ["vi", "en"])
def test_shown_name_in_each_language(app, language):
    with app.test_request_context(), force_locale(language):
        assert shown_name("Erased contact #12") == SHOWN[language].format(12)
        assert finalize("Erased contact #12") == SHOWN[language].format(12)


@pytest.mark.parametrize(
    "value",
    [
        "Erased contact #12 and friends",
        "An Erased contact #12",
        "Erased contact #",
        "Erased contact #012",
        "Erased contact #12345678901",
        "erased contact #12",
        "Nguyễn Văn A",
        "",
    ],
)
def test_other_text_is_left_as_it_is(app, value):
    with app.test_request_context(), force_locale("vi"):
        assert erased_number(value) is None
        assert shown_name(value) == value
        assert finalize(value) == value


def test_finalize_leaves_markup_and_other_values_alone(app):
    with app.test_request_context(), force_locale("vi"):
        markup = Markup("Erased contact #12")
        assert finalize(markup) is markup
        assert finalize(12) == 12 and finalize(None) is None


@pytest.mark.parametrize("language", ["vi", "en"])
def test_pages_show_the_erased_name_in_the_readers_language(client, login_as, erased, language):
    login_as("officer", locale=language)
    contact_id = erased["contact"]
    expected = SHOWN[language].format(contact_id)
    pages = {
        "list": "/contacts/?sort=name",
        "profile": f"/contacts/{contact_id}",
        "engagement": f"/engagements/{erased['engagement']}",
        "organization": f"/organizations/{erased['organization']}",
    }
    for page, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, page
        text = _text(response)
        assert expected in text, page
        if language == "vi":
            assert "Erased contact" not in text, page
        assert "Xuyến" not in text, page
    title = re.search(r"<title>([^<]*)</title>", _text(client.get(pages["profile"]))).group(1)
    assert title.startswith(expected)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_engagement_history_names_the_erased_participant(client, login_as, erased, language):
    login_as("officer", locale=language)
    text = _text(client.get(f"/engagements/{erased['engagement']}"))
    history = text[text.index('class="history') :] if 'class="history' in text else text
    expected = SHOWN[language].format(erased["contact"])
    assert f"{expected} (#{erased['contact']}" in history
    # Events from before the erasure lost the name: they say so in the reader's language.
    assert "[erased]" not in history
    assert ("(đã xóa)" if language == "vi" else "(erased)") in history


def test_search_and_exports_leave_erased_records_out(app, erased):
    with app.test_request_context():
        admin = new_user("admin")
        found = search.matching_ids(SearchQuery(countries=("DE",)), actor=admin)
        assert erased["other"] in found and erased["contact"] not in found
        request = exports.ExportRequest(
            format="csv",
            columns=["full_name", "country"],
            language="vi",
            purpose="Delegation to Berlin",
            query=SearchQuery(countries=("DE",)),
        )
        plan = exports.plan_export(request, actor=admin, personal=True)
        assert plan.ids == [erased["other"]]


def _flashes(client) -> str:
    with client.session_transaction() as session:
        return " ".join(message for _kind, message in session.get("_flashes", []))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_trash_pages_and_messages_name_the_erased_record(client, login_as, erased, language):
    login_as("admin", locale=language)
    contact_id = erased["contact"]
    expected = SHOWN[language].format(contact_id)
    assert expected in _text(client.get(f"/contacts/{contact_id}/delete"))
    client.post(f"/contacts/{contact_id}/delete")
    assert expected in _flashes(client)
    client.get("/contacts/")  # shows, and so clears, the message
    assert expected in _text(client.get("/contacts/trash/"))
    assert expected in _text(client.get(f"/contacts/trash/{contact_id}/purge"))
    client.post(f"/contacts/trash/{contact_id}/restore")
    flashed = _flashes(client)
    assert expected in flashed
    if language == "vi":
        assert "Erased contact" not in flashed


@pytest.mark.parametrize("language", ["vi", "en"])
def test_copy_of_the_data_names_the_erased_record(app, erased, language):
    from diaspora.contacts.present import format_value, lookups_for
    from diaspora.privacy import subject_copy

    with app.test_request_context(), force_locale(language):
        admin = new_user("admin")
        contact = db.session.get(Contact, erased["contact"])
        copy = subject_copy.produce(contact, "pdf", actor=admin)
        lookups = lookups_for(language)
        html = subject_copy.render_html(
            copy, format_value=lambda name, value: format_value(name, value, lookups)
        )
        db.session.rollback()
    title = re.search(r"<title>([^<]*)</title>", unescape(html)).group(1)
    assert SHOWN[language].format(erased["contact"]) in title
