"""Who receives an outreach, in which language, and the personalised letters.

Recipients come from a saved search (a search page's query string) or are picked by hand.
Contacts without an active consent to outreach (never given, or withdrawn), deceased people and
records in the trash are left out, counted by reason so the page can say how many and why. The
same check runs again when letters are produced and when the outreach is marked as sent: a
consent withdrawn in the meantime is respected.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from diaspora.audit import services as audit
from diaspora.countries import country_name
from diaspora.errors import Conflict, ValidationFailed
from diaspora.extensions import db
from diaspora.models import (
    ConsentPurpose,
    Contact,
    ContactStatus,
    DeliveryStatus,
    Outreach,
    OutreachRecipient,
    OutreachStatus,
    User,
)
from diaspora.outreach import placeholders
from diaspora.records import audit_list_change, take_off
from diaspora.search.params import query_from_args
from diaspora.search.query import SearchQuery
from diaspora.search.services import matching_ids

# One outreach, one engagement when sent: the engagement takes at most this many contacts.
MAX_RECIPIENTS = 2000
MAX_SEARCH_LENGTH = 2000


def language_for(outreach: Outreach, contact: Contact) -> str:
    """The recipient's preferred language when the record has it, Vietnamese else English."""
    if outreach.single_language:
        return outreach.single_language
    return "vi" if contact.preferred_language == "vi" else "en"


def left_out_reason(contact: Contact) -> str | None:
    """Why a contact may not receive outreach (a key of ``labels.REASONS``), or None."""
    if (
        contact.deleted_at is not None
        or contact.merged_into_id is not None
        or contact.erased_at is not None
    ):
        return "removed"
    if contact.status == ContactStatus.DECEASED:
        return "deceased"
    if contact.active_consent(ConsentPurpose.OUTREACH) is None:
        withdrawn = any(
            record.purpose == ConsentPurpose.OUTREACH and record.withdrawn_on is not None
            for record in contact.consents
        )
        return "withdrawn" if withdrawn else "no_consent"
    return None


@dataclass
class AddResult:
    added: int = 0
    left_out: Counter = field(default_factory=Counter)  # reason -> count

    @property
    def left_out_total(self) -> int:
        return sum(count for reason, count in self.left_out.items() if reason != "already")


def _contacts(ids: list[int]) -> list[Contact]:
    """Contacts by id, in the order given, with their consents loaded."""
    by_id: dict[int, Contact] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        by_id.update(
            (row.id, row)
            for row in db.session.scalars(
                select(Contact).where(Contact.id.in_(chunk)).options(selectinload(Contact.consents))
            )
        )
    return [by_id[i] for i in ids if i in by_id]


def _editable(outreach: Outreach) -> None:
    if outreach.status == OutreachStatus.SENT:
        raise Conflict(_l("This outreach has been sent: its recipients can no longer change."))


def add_recipients(
    outreach: Outreach, contact_ids: list[int], *, actor: User, search: str | None = None
) -> AddResult:
    """Add the contacts allowed to receive outreach; count the others by reason."""
    _editable(outreach)
    ids = list(dict.fromkeys(contact_ids))
    present = {row.contact_id for row in outreach.recipients}
    result = AddResult()
    chosen: list[Contact] = []
    found = _contacts(ids)
    if len(found) < len(ids):
        result.left_out["removed"] += len(ids) - len(found)
    for contact in found:
        if contact.id in present:
            result.left_out["already"] += 1
            continue
        reason = left_out_reason(contact)
        if reason:
            result.left_out[reason] += 1
        else:
            chosen.append(contact)
    if len(present) + len(chosen) > MAX_RECIPIENTS:
        raise ValidationFailed.single(
            "recipients",
            _l(
                "At most %(n)d recipients per outreach: this would make %(count)d. Narrow the "
                "search, or split the outreach in two.",
                n=MAX_RECIPIENTS,
                count=len(present) + len(chosen),
            ),
        )
    for contact in chosen:
        outreach.recipients.append(
            OutreachRecipient(contact=contact, language=language_for(outreach, contact))
        )
    result.added = len(chosen)
    if search is not None:
        outreach.recipient_search = search
    db.session.flush()
    audit.record(
        "outreach.recipients_add",
        actor=actor,
        target_type="outreach",
        target_id=outreach.id,
        details={
            "added": [contact.id for contact in chosen],
            "left_out": dict(result.left_out),
            **({"search": search} if search is not None else {}),
        },
    )
    return result


def parse_saved_search(text: str) -> tuple[str, SearchQuery]:
    """A saved search as pasted: a search page's address, or its query string. Returns the
    query string kept on the record and the search it means."""
    raw = (text or "").strip()
    if not raw:
        raise ValidationFailed.single(
            "search", _l("Paste the address of a search page, or its query string.")
        )
    if len(raw) > MAX_SEARCH_LENGTH:
        raise ValidationFailed.single("search", _l("This search is too long to be a saved search."))
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc or raw.startswith("/"):
        if not parts.path.rstrip("/").endswith("/search"):
            raise ValidationFailed.single(
                "search",
                _l("This is not the address of a search page: copy it from “Find experts”."),
            )
        query_string = parts.query
    else:
        query_string = raw.split("#", 1)[0].lstrip("?")
    pairs = [
        (key, value)
        for key, value in parse_qsl(query_string, keep_blank_values=False)
        if key not in ("page", "per_page", "sort")
    ]
    try:
        query = query_from_args(MultiDict(pairs))
    except ValidationFailed as error:
        messages = [str(message) for values in error.errors.values() for message in values]
        raise ValidationFailed({"search": messages}) from None
    kept = urlencode(pairs)
    return kept, query


def add_from_search(outreach: Outreach, text: str, *, actor: User) -> AddResult:
    _editable(outreach)
    kept, query = parse_saved_search(text)
    return add_recipients(outreach, matching_ids(query, actor=actor), actor=actor, search=kept)


def remove_recipients(outreach: Outreach, recipient_ids: list[int], *, actor: User) -> int:
    _editable(outreach)
    rows = take_off(outreach.recipients, recipient_ids)
    audit_list_change(
        rows,
        "outreach.recipients_remove",
        outreach,
        actor=actor,
        target_type="outreach",
        details={"removed": [row.contact_id for row in rows]},
    )
    return len(rows)


def set_delivery(outreach: Outreach, recipient_ids: list[int], status: str, *, actor: User) -> int:
    """After sending: note letters that did not arrive (returned mail, bounced email)."""
    if outreach.status != OutreachStatus.SENT:
        raise Conflict(_l("Delivery can be noted only once the outreach has been sent."))
    if status not in (DeliveryStatus.SENT, DeliveryStatus.FAILED):
        raise ValidationFailed.single("delivery", _l("Choose the delivery status from the list."))
    wanted = set(recipient_ids)
    changed = []
    for row in outreach.recipients:
        noted = row.delivery_status in ("sent", "failed")
        if row.id in wanted and noted and row.delivery_status != status:
            row.delivery_status = status
            changed.append(row.contact_id)
    audit_list_change(
        changed,
        "outreach.delivery",
        outreach,
        actor=actor,
        target_type="outreach",
        details={"status": status, "contacts": changed},
    )
    return len(changed)


def summary(outreach: Outreach) -> dict:
    """Counts for the page: per language, per delivery status, and per reason left out."""
    by_language: Counter = Counter()
    by_status: Counter = Counter()
    not_allowed: Counter = Counter()
    for row in outreach.recipients:
        by_status[row.delivery_status] += 1
        if row.delivery_status == DeliveryStatus.PENDING:
            reason = left_out_reason(row.contact)
            if reason:
                not_allowed[reason] += 1
                continue
            by_language[language_for(outreach, row.contact)] += 1
        elif row.delivery_status in (DeliveryStatus.SENT, DeliveryStatus.FAILED):
            by_language[row.language] += 1
    return {"languages": by_language, "statuses": by_status, "not_allowed": not_allowed}


# --- personalised letters ---


@dataclass
class Letter:
    recipient: OutreachRecipient
    contact: Contact
    language: str
    title: str
    body: str
    values: dict[str, str]
    # False when the body names the person itself ({{ name }}): no separate "To:" line then.
    needs_address_line: bool = True


def personal_values(contact: Contact, language: str) -> dict[str, str]:
    """What the placeholders stand for, in the recipient's language."""
    name = contact.full_name
    if language == "en" and contact.foreign_name:
        name = contact.foreign_name
    return {
        "salutation": placeholders.salutation(contact.gender, language),
        "name": name,
        "city": contact.city,
        "country": country_name(contact.country, language),
    }


def letter_for(outreach: Outreach, recipient: OutreachRecipient, language: str) -> Letter:
    values = personal_values(recipient.contact, language)
    return Letter(
        recipient=recipient,
        contact=recipient.contact,
        language=language,
        title=outreach.title(language),
        body=placeholders.fill(outreach.body(language), values),
        values=values,
        needs_address_line="name" not in placeholders.used(outreach.body(language)),
    )


def eligible_letters(outreach: Outreach) -> tuple[list[Letter], Counter]:
    """One letter per recipient allowed to receive it now, in list order; and the count of the
    others by reason. After sending, the letters are those that were sent."""
    letters: list[Letter] = []
    left_out: Counter = Counter()
    for row in outreach.recipients:
        if outreach.status == OutreachStatus.SENT:
            if row.delivery_status == DeliveryStatus.LEFT_OUT:
                left_out["left_out"] += 1
                continue
            letters.append(letter_for(outreach, row, row.language))
            continue
        reason = left_out_reason(row.contact)
        if reason:
            left_out[reason] += 1
            continue
        letters.append(letter_for(outreach, row, language_for(outreach, row.contact)))
    return letters, left_out


SAMPLE = {
    "vi": {"salutation": "Ông/Bà", "name": "Nguyễn Văn An", "city": "Tokyo", "country": "JP"},
    "en": {"salutation": "Mr/Ms", "name": "An Nguyen", "city": "Tokyo", "country": "JP"},
}


def preview(outreach: Outreach | None, texts: dict[str, str]) -> dict[str, dict]:
    """Both versions as a recipient would read them: for the first recipient who gets that
    language, else for a sample person. ``texts`` holds the (unsaved) bodies being edited."""
    result = {}
    rows = [
        row
        for row in (outreach.recipients if outreach is not None else [])
        if row.delivery_status == DeliveryStatus.PENDING and left_out_reason(row.contact) is None
    ]
    for language in ("vi", "en"):
        who = next(
            (
                row.contact
                for row in rows
                if ("vi" if row.contact.preferred_language == "vi" else "en") == language
            ),
            None,
        )
        if who is not None:
            values = personal_values(who, language)
            person = who.full_name
        else:
            values = dict(SAMPLE[language])
            values["country"] = country_name(values["country"], language)
            person = None
        result[language] = {
            "body": placeholders.fill(texts.get(language, ""), values),
            "person": person,
        }
    return result
