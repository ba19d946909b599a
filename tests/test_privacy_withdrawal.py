"""A withdrawn consent stops the matching processing from that moment, and the printed record
says so: outreach (recipients, letters, sending), exports and delegation packs."""

from __future__ import annotations

from datetime import date

import pytest
from weasyprint import CSS, HTML

from diaspora.contacts import services
from diaspora.contacts.consent import withdraw_consent
from diaspora.contacts.data import ConsentInput
from diaspora.delegations.pack import may_share
from diaspora.outreach.recipients import left_out_reason
from diaspora.privacy import consent_print
from diaspora.transfer.records import shareable
from tests.contact_helpers import data, new_user

pytestmark = pytest.mark.usefixtures("seeded", "english")


@pytest.fixture
def english(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def _person(officer, legal_basis: str):
    extra = {"legal_basis_note": "Decision 12/QĐ-UBND"} if legal_basis == "state_function" else {}
    return services.create_contact(
        data(full_name="Vũ Thị Hạnh", legal_basis=legal_basis, **extra),
        actor=officer,
        consent=ConsentInput(
            purposes=["store_process", "outreach", "sharing"],
            method="email",
            given_on=date(2026, 3, 1),
            evidence="Email of 1 March 2026",
            notice_version="2026-01",
        ),
    )


@pytest.mark.parametrize("legal_basis", ["consent", "state_function"])
def test_withdrawal_stops_outreach_and_sharing_at_once(db, legal_basis):
    officer = new_user()
    contact = _person(officer, legal_basis)
    db.session.flush()
    assert left_out_reason(contact) is None
    assert shareable([contact.id]) == ([contact.id], 0, 0)
    assert may_share(contact)
    for record in list(contact.consents):
        if record.purpose in ("outreach", "sharing"):
            withdraw_consent(record, withdrawn_on=date.today(), actor=officer)
    db.session.flush()
    assert left_out_reason(contact) == "withdrawn"
    assert shareable([contact.id]) == ([], 0, 1)
    # The state function is no reason to go on sharing what the person asked us not to share.
    assert not may_share(contact)


def test_the_printed_record_says_what_stopped(db):
    officer = new_user()
    contact = _person(officer, "consent")
    db.session.flush()
    sharing = next(record for record in contact.consents if record.purpose == "sharing")
    active = consent_print.consent_sheet(sharing, reader=officer)
    assert active.stopped is None
    withdraw_consent(sharing, withdrawn_on=date.today(), note="By phone", actor=officer)
    sheet = consent_print.consent_sheet(sharing, reader=officer)
    vietnamese, english = sheet.stopped
    assert english.startswith("From that day the person's record is left out of exported lists")
    assert vietnamese.startswith("Từ ngày đó")
    html = consent_print.render_html(sheet, page=False)
    assert "By phone" in html and officer.name in html
    document = HTML(string=html).render(stylesheets=[CSS(filename=str(consent_print.PRINT_CSS))])
    assert len(document.pages) == 1


def test_a_long_evidence_still_fits_on_one_page(db):
    """Five lines of evidence and a withdrawal: still one A4 page."""
    officer = new_user()
    contact = _person(officer, "consent")
    db.session.flush()
    record = contact.consents[0]
    record.evidence = "Signed paper form, scanned copy in folder 2026/03. " * 5
    withdraw_consent(record, withdrawn_on=date.today(), note="By phone", actor=officer)
    sheet = consent_print.consent_sheet(record, reader=officer)
    html = consent_print.render_html(sheet, page=False)
    document = HTML(string=html).render(stylesheets=[CSS(filename=str(consent_print.PRINT_CSS))])
    assert len(document.pages) == 1
