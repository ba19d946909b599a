"""Outreach records: write and edit drafts, approve, return to draft, mark as sent, delete.

Services validate, mutate, flush and audit; they never commit and never read the request.
Editing is guarded by the record's version; so is approval, so that an approver approves the
text they read. Marking as sent records one greeting-letter engagement with every recipient
through the engagement services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from diaspora.audit import services as audit
from diaspora.audit.history import target_events
from diaspora.clock import local_today
from diaspora.engagements import services as engagement_services
from diaspora.engagements.data import EngagementData, ParticipantEntry
from diaspora.errors import Conflict, PermissionDenied, ValidationFailed
from diaspora.extensions import db
from diaspora.models import (
    AuditEvent,
    Channel,
    DeliveryStatus,
    EngagementType,
    Outreach,
    OutreachRecipient,
    OutreachStatus,
    ParticipantRole,
    User,
    utcnow,
)
from diaspora.outreach.data import OutreachData
from diaspora.outreach.labels import CHANNELS
from diaspora.outreach.recipients import eligible_letters, language_for
from diaspora.outreach.validation import OutreachValues, approval_errors, validate_outreach
from diaspora.plan.services import linked_to_task
from diaspora.records import (
    PageQuery,
    RecordConflict,
    audit_saved,
    created,
    delete_audited,
    flush_versioned,
    get_record,
    listed_with_count,
    page_of,
    refuse_second_save,
    save_versioned,
    set_plan_tasks,
)

SCALAR_FIELDS = (
    "title_vi",
    "title_en",
    "body_vi",
    "body_en",
    "single_language",
    "occasion",
    "channel",
    "document_number",
    "signatory",
)
# The engagement each channel records when the outreach is sent: a letter or an email is a
# greeting letter; a post, a video or a publication reaches people too, recorded as "other".
ENGAGEMENT_TYPES = {
    Channel.LETTER.value: EngagementType.GREETING_LETTER.value,
    Channel.EMAIL.value: EngagementType.GREETING_LETTER.value,
}


class OutreachChanged(RecordConflict):
    """Someone saved the outreach after the page was opened."""

    text = _l(
        "Someone else changed this outreach after you opened it. Nothing has been "
        "saved: read the current version, then try again."
    )


class OutreachAlreadySaved(RecordConflict):
    text = _l("This form was already saved; no second outreach was created.")


def snapshot(outreach: Outreach) -> dict[str, Any]:
    state = {key: getattr(outreach, key) for key in SCALAR_FIELDS}
    state["plan_tasks"] = [task.code for task in outreach.plan_tasks]
    return state


def _values_snapshot(values: OutreachValues) -> dict[str, Any]:
    state = dict(values.scalars)
    state["plan_tasks"] = [task.code for task in values.plan_tasks]
    return state


def _summary(changes: dict[str, list]) -> dict[str, list]:
    """Audit details: long texts are recorded by length, not copied whole into the trail."""
    result = {}
    for key, (old, new) in changes.items():
        if key.startswith("body_"):
            result[key] = [len(old or ""), len(new or "")]
        else:
            result[key] = [old, new]
    return result


def _apply(outreach: Outreach, values: OutreachValues) -> None:
    for key, value in values.scalars.items():
        if getattr(outreach, key) != value:
            setattr(outreach, key, value)
    set_plan_tasks(outreach, values.plan_tasks)


def _refresh_languages(outreach: Outreach) -> None:
    """Recipients not yet sent to get the version of the record's current languages."""
    for row in outreach.recipients:
        if row.delivery_status == DeliveryStatus.PENDING:
            language = language_for(outreach, row.contact)
            if row.language != language:
                row.language = language


def _step_done(outreach: Outreach, action: str, *, actor: User, **details: Any) -> None:
    """The end of a workflow step: the record touched and flushed under its version guard (a
    concurrent save raises ``OutreachChanged``), and audited with the version it led to."""
    outreach.updated_at = utcnow()
    flush_versioned(lambda: OutreachChanged(outreach))
    audit.record(
        action,
        actor=actor,
        target_type="outreach",
        target_id=outreach.id,
        details={"version": outreach.version, **details},
    )


# --- create, edit, read ---


def create_outreach(data: OutreachData, *, actor: User, entry_key: str | None = None) -> Outreach:
    refuse_second_save(Outreach, entry_key, OutreachAlreadySaved)
    values = validate_outreach(data)
    outreach = Outreach(created_by_id=actor.id, entry_key=entry_key or None)
    db.session.add(outreach)
    _apply(outreach, values)
    db.session.flush()
    changes = _summary(created(snapshot(outreach)))
    audit_saved("outreach.create", outreach, changes, actor=actor, target_type="outreach")
    return outreach


def update_outreach(
    outreach: Outreach, data: OutreachData, *, expected_version: int, actor: User
) -> dict[str, list]:
    """Save an edit of a draft made on ``expected_version``; returns the diff ({} if none)."""
    if outreach.status != OutreachStatus.DRAFT:
        raise Conflict(
            _l("Only a draft can be edited: return the outreach to draft first."),
        )
    values = validate_outreach(data)

    def apply() -> None:
        _apply(outreach, values)
        _refresh_languages(outreach)

    changes = save_versioned(
        outreach,
        snapshot(outreach),
        _values_snapshot(values),
        expected_version=expected_version,
        changed=OutreachChanged,
        apply=apply,
    )
    if changes:
        audit_saved(
            "outreach.update", outreach, _summary(changes), actor=actor, target_type="outreach"
        )
    return changes


def get_outreach(outreach_id: int) -> Outreach:
    return get_record(
        Outreach, outreach_id, _l("This outreach does not exist, or has been deleted.")
    )


@dataclass
class OutreachQuery(PageQuery):
    status: str = ""


def list_outreach(query: OutreachQuery):
    statement = listed_with_count(Outreach, OutreachRecipient.outreach_id, "recipients")
    if query.status:
        statement = statement.where(Outreach.status == query.status)
    statement = statement.order_by(Outreach.updated_at.desc(), Outreach.id.desc())
    return page_of(statement, page=query.page, per_page=query.per_page)


def history(outreach: Outreach, *, limit: int = 200) -> list[AuditEvent]:
    """The record's audit events, newest first."""
    return target_events("outreach", outreach.id, limit=limit)


def for_plan_task(code: str) -> list[Outreach]:
    return linked_to_task(Outreach, code, Outreach.updated_at.desc(), Outreach.id.desc())


# --- workflow ---


def approve_outreach(outreach: Outreach, *, expected_version: int, actor: User) -> None:
    """Draft → approved, by an administrator or an officer given the approver right. Both
    language versions must be there unless the record is single-language."""
    if not actor.may_approve_outreach:
        raise PermissionDenied(
            _l(
                "Only an administrator, or an officer given the approver right, can approve "
                "outreach."
            )
        )
    if outreach.status != OutreachStatus.DRAFT:
        raise Conflict(_l("This outreach is not a draft: it has already been approved."))
    if expected_version != outreach.version:
        raise OutreachChanged(outreach)
    errors = approval_errors(outreach)
    if errors:
        raise ValidationFailed(errors)
    outreach.status = OutreachStatus.APPROVED.value
    outreach.approved_by_id = actor.id
    outreach.approved_at = utcnow()
    _step_done(outreach, "outreach.approve", actor=actor, languages=list(outreach.languages))


def reopen_outreach(outreach: Outreach, *, actor: User) -> None:
    """Approved → draft, to change the text; it must be approved again."""
    if outreach.status != OutreachStatus.APPROVED:
        raise Conflict(_l("Only an approved outreach that has not been sent can return to draft."))
    outreach.status = OutreachStatus.DRAFT.value
    outreach.approved_by_id = None
    outreach.approved_at = None
    _step_done(outreach, "outreach.reopen", actor=actor)


def mark_sent(outreach: Outreach, *, actor: User, sent_on: date | None = None) -> None:
    """Approved → sent. Records one engagement (a greeting letter for letters and emails) with
    every recipient still allowed to receive it; the others are marked as left out."""
    if outreach.status == OutreachStatus.SENT:
        raise Conflict(_l("This outreach has already been marked as sent."))
    if outreach.status != OutreachStatus.APPROVED:
        raise Conflict(_l("Only an approved outreach can be marked as sent: approve it first."))
    letters, left_out = eligible_letters(outreach)
    if not letters:
        raise ValidationFailed.single(
            "recipients",
            _l("Nobody can receive this outreach: add recipients who consented to outreach."),
        )
    when = sent_on or local_today()
    counts = {language: 0 for language in ("vi", "en")}
    for letter in letters:
        counts[letter.language] += 1
    engagement = engagement_services.create_engagement(
        EngagementData(
            type=ENGAGEMENT_TYPES.get(outreach.channel, EngagementType.OTHER.value),
            title=(outreach.title_vi or outreach.title_en)[:300],
            start_date=when,
            description=_(
                "Outreach no. %(id)d (%(channel)s) sent to %(count)d recipients: %(vi)d in "
                "Vietnamese, %(en)d in English.",
                id=outreach.id,
                channel=CHANNELS.get(outreach.channel, outreach.channel),
                count=len(letters),
                vi=counts["vi"],
                en=counts["en"],
            )
            + (
                " " + _("Document number: %(number)s.", number=outreach.document_number)
                if outreach.document_number
                else ""
            ),
            participants=[
                ParticipantEntry(letter.contact.id, ParticipantRole.RECIPIENT.value)
                for letter in letters
            ],
            plan_tasks=outreach.plan_task_codes,
        ),
        actor=actor,
        entry_key=f"outreach-{outreach.id}-sent",
    )
    sent_to = {letter.recipient.id for letter in letters}
    for letter in letters:
        if letter.recipient.language != letter.language:
            letter.recipient.language = letter.language
    for row in outreach.recipients:
        row.delivery_status = (
            DeliveryStatus.SENT.value if row.id in sent_to else DeliveryStatus.LEFT_OUT.value
        )
    outreach.status = OutreachStatus.SENT.value
    outreach.sent_on = when
    outreach.sent_by_id = actor.id
    outreach.engagement = engagement
    _step_done(
        outreach,
        "outreach.send",
        actor=actor,
        sent_on=when.isoformat(),
        recipients=len(letters),
        left_out=dict(left_out),
        engagement_id=engagement.id,
    )


def delete_outreach(outreach: Outreach, *, actor: User) -> None:
    """A draft or an approved record not yet sent can be deleted; a sent one is history."""
    if outreach.status == OutreachStatus.SENT:
        raise Conflict(_l("A sent outreach cannot be deleted: it is part of the history."))
    delete_audited(
        outreach,
        "outreach.delete",
        actor=actor,
        target_type="outreach",
        title=outreach.display_title,
    )
