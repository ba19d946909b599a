"""Validating an outreach record: every field at once, one ``ValidationFailed`` with all messages.

A draft may be incomplete (the English version can come later); what approval needs is checked
by ``approval_errors``. Placeholders are checked on every save: an unknown one never reaches the
database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from diaspora.errors import ValidationFailed
from diaspora.models import Channel, Occasion, Outreach, PlanTask
from diaspora.outreach import placeholders
from diaspora.outreach.data import OutreachData
from diaspora.plan.services import checked_plan_tasks
from diaspora.text import clean, clean_lines, strip_controls
from diaspora.validation import Errors, add

TITLE_LIMIT = 300
# About fifteen pages: a letter or a message, not a document. A longer text is refused with its
# length, and stays on the form.
BODY_LIMIT = 50_000
LIMITS = {"document_number": 60, "signatory": 200}
LANGUAGES = ("vi", "en")


def placeholder_list() -> str:
    return ", ".join("{{ %s }}" % name for name in placeholders.PLACEHOLDERS)  # noqa: UP031


@dataclass
class OutreachValues:
    scalars: dict
    plan_tasks: list[PlanTask] = field(default_factory=list)


def _line(value, name: str, limit: int, errors: Errors) -> str:
    cleaned = strip_controls(clean(value if isinstance(value, str) else ""))
    if len(cleaned) > limit:
        add(
            errors,
            name,
            _l("At most %(n)d characters; this has %(count)d.", n=limit, count=len(cleaned)),
        )
    return cleaned


def _title(value, name: str, errors: Errors) -> str:
    title = _line(value, name, TITLE_LIMIT, errors)
    if placeholders.PLACEHOLDER_PATTERN.search(title) or placeholders.STRAY.search(title):
        add(
            errors,
            name,
            _l("Placeholders can be used in the text only, not in the title."),
        )
    return title


def _body(value, name: str, errors: Errors) -> str:
    raw = value if isinstance(value, str) else ""
    # Far too long either way: not worth cleaning.
    body = raw if len(raw) > BODY_LIMIT * 2 else clean_lines(raw)
    if len(body) > BODY_LIMIT:
        add(
            errors,
            name,
            _l(
                "The text is too long: at most %(n)d characters, and this one has %(count)d. "
                "Shorten it, or send a link to the full document.",
                n=BODY_LIMIT,
                count=len(body),
            ),
        )
        return body
    problem = placeholders.check(body)
    if problem.unknown:
        add(
            errors,
            name,
            _l(
                "Unknown placeholder %(names)s. Only these can be used: %(allowed)s.",
                names=", ".join("{{ %s }}" % item for item in problem.unknown),  # noqa: UP031
                allowed=placeholder_list(),
            ),
        )
    if problem.unclosed:
        add(
            errors,
            name,
            _l(
                "A placeholder is not closed: write it with two braces on each side, "
                "like {{ name }}."
            ),
        )
    return body


def _choice(value, name: str, allowed, errors: Errors, message, default: str) -> str:
    code = clean(value if isinstance(value, str) else "")
    if code not in {member.value for member in allowed}:
        add(errors, name, message)
        return default
    return code


def validate_outreach(data: OutreachData) -> OutreachValues:
    errors: Errors = {}
    single = clean(data.single_language or "")
    if single not in ("", *LANGUAGES):
        add(errors, "single_language", _l("Choose the languages from the list."))
        single = ""
    scalars = {
        "title_vi": _title(data.title_vi, "title_vi", errors),
        "title_en": _title(data.title_en, "title_en", errors),
        "body_vi": _body(data.body_vi, "body_vi", errors),
        "body_en": _body(data.body_en, "body_en", errors),
        "single_language": single or None,
        "occasion": _choice(
            data.occasion,
            "occasion",
            Occasion,
            errors,
            _l("Choose the occasion from the list."),
            "other",
        ),
        "channel": _choice(
            data.channel,
            "channel",
            Channel,
            errors,
            _l("Choose the channel from the list."),
            "letter",
        ),
        "document_number": _line(
            data.document_number, "document_number", LIMITS["document_number"], errors
        ),
        "signatory": _line(data.signatory, "signatory", LIMITS["signatory"], errors),
    }
    if single == "en" and not scalars["title_en"] and "title_en" not in errors:
        add(errors, "title_en", _l("Enter the title."))
    elif single == "vi" and not scalars["title_vi"] and "title_vi" not in errors:
        add(errors, "title_vi", _l("Enter the title."))
    elif not (single or scalars["title_vi"] or scalars["title_en"] or "title_vi" in errors):
        add(errors, "title_vi", _l("Enter a title, in Vietnamese or in English."))
    values = OutreachValues(scalars=scalars, plan_tasks=checked_plan_tasks(data.plan_tasks, errors))
    if errors:
        raise ValidationFailed(errors)
    return values


def approval_errors(outreach: Outreach) -> Errors:
    """What stops approval: a missing language version (unless the record is marked
    single-language), and for an official letter its document number and signatory."""
    errors: Errors = {}
    missing = {
        "vi": _l(
            "The Vietnamese version is missing: write its title and text, or mark the outreach "
            "as English only."
        ),
        "en": _l(
            "The English version is missing: write its title and text, or mark the outreach "
            "as Vietnamese only."
        ),
    }
    for language in outreach.languages:
        if not outreach.title(language).strip() or not outreach.body(language).strip():
            field_name = "title_" + language if not outreach.title(language).strip() else ""
            add(errors, field_name or "body_" + language, missing[language])
    if outreach.channel == Channel.LETTER:
        if not outreach.document_number.strip():
            add(
                errors,
                "document_number",
                _l("An official letter needs its document number before approval."),
            )
        if not outreach.signatory.strip():
            add(errors, "signatory", _l("An official letter needs its signatory before approval."))
    for language in outreach.languages:
        if placeholders.check(outreach.body(language)):
            add(errors, "body_" + language, _l("Correct the placeholders of this text first."))
    return errors
