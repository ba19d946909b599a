"""The officers' contact form and the public forms share one definition of the profile."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from diaspora.contacts.forms import OFFICER_HINTS, ContactForm
from diaspora.contacts.profile_fields import HINTED, profile_fields
from diaspora.public.forms import PERSON_HINTS, RegistrationForm, UpdateForm

POSTED = MultiDict(
    {
        "full_name": "Nguyễn Thị Lan",
        "emails": "lan@example.de; lan.2@example.de\nlan.3@example.de",
        "phones": "+49 30 1234567\n030 7654321",
        "birth_year": "1980",
        "languages": "de",
        "willing_teach": "y",
        "expertise-0-field": "7",
        "expertise-0-years": "12",
        "memberships-0-organization": "Hội người Việt tại Leipzig",
        "memberships-0-role": "Thư ký",
    }
)
OFFICERS_ONLY = {"categories", "status", "source", "notes", "legal_basis", "consent_purposes"}


def _fields(form) -> dict[str, tuple[str, str]]:
    return {field.name: (field.type, str(field.label.text)) for field in form}


def test_missing_hints_are_refused():
    with pytest.raises(ValueError, match="phones"):
        profile_fields({name: "" for name in HINTED if name != "phones"})


@pytest.mark.parametrize("public_form", [RegistrationForm, UpdateForm])
def test_public_forms_ask_the_profile_questions_as_the_officers_do(app, public_form):
    with app.test_request_context(method="POST", data=POSTED):
        officer, public = ContactForm(), public_form()
        shared = set(_fields(officer)) & set(_fields(public))
        assert {"full_name", "phones", "expertise", "memberships", "willing_teach"} <= shared
        assert {name: _fields(officer)[name] for name in shared} == {
            name: _fields(public)[name] for name in shared
        }
        assert not OFFICERS_ONLY & set(_fields(public))
        for name in HINTED:
            assert str(officer[name].description) == str(OFFICER_HINTS[name])
            assert str(public[name].description) == str(PERSON_HINTS[name])
            assert officer[name].description != public[name].description


def test_both_forms_read_the_same_answers_the_same_way(app):
    with app.test_request_context(method="POST", data=POSTED):
        officer, public = ContactForm().to_data(), RegistrationForm().to_data()
    assert (
        officer.emails
        == public.emails
        == ["lan@example.de", " lan.2@example.de", "lan.3@example.de"]
    )
    for name in ("full_name", "phones", "birth_year", "languages", "willing_teach"):
        assert getattr(officer, name) == getattr(public, name), name
    assert officer.expertise == public.expertise and officer.expertise[0].years == "12"
    assert officer.memberships == public.memberships
    assert officer.memberships[0].organization == "Hội người Việt tại Leipzig"
