"""Exporting a list of contacts: who may export which columns, who is left out, and the log.

``prepare_export`` checks the request, finds the contacts (any search, through the search
interface), leaves out those that may not leave the registry, and writes the audit event;
the caller commits, then streams the file with ``load_records`` and a writer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from diaspora.audit import services as audit
from diaspora.errors import PermissionDenied, ValidationFailed
from diaspora.extensions import db
from diaspora.models import DelegationVisit, User
from diaspora.search import services as search
from diaspora.search.query import SearchQuery
from diaspora.text import clean
from diaspora.transfer.columns import HEADER_LANGUAGES, SELECTABLE_COLUMNS, VIEWER_COLUMNS
from diaspora.transfer.records import shareable

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "vcf": ("text/vcard; charset=utf-8", "vcf"),
    "pdf": ("application/pdf", "pdf"),
}
MAX_PURPOSE = 500


@dataclass
class ExportRequest:
    format: str
    columns: list[str]
    language: str = "vi"
    purpose: str = ""
    query: SearchQuery = field(default_factory=SearchQuery)
    source: str = "search"  # where the list comes from: "search", later "delegation"
    visit_id: int | None = None  # the delegation visit the list is for, when one was chosen


@dataclass
class ExportPlan:
    request: ExportRequest
    ids: list[int]
    matching: int
    left_out_pending: int
    left_out_withdrawn: int

    @property
    def left_out(self) -> int:
        return self.left_out_pending + self.left_out_withdrawn


def allowed_columns(personal: bool) -> list[str]:
    return list(SELECTABLE_COLUMNS) if personal else list(VIEWER_COLUMNS)


def query_details(query: SearchQuery) -> dict:
    """The filters of a search, without paging, for the audit trail."""
    details = asdict(query)
    for key in ("page", "per_page", "extra", "sort"):
        details.pop(key, None)
    return {key: value for key, value in details.items() if value not in ("", (), None, [])}


def check_request(request: ExportRequest, *, personal: bool, max_pdf_rows: int | None = None):
    errors: dict[str, list] = {}
    if request.format not in FORMATS:
        errors["format"] = [_l("Choose CSV, Excel (XLSX), vCard or PDF.")]
    columns = [key for key in request.columns if key]
    unknown = [key for key in columns if key not in SELECTABLE_COLUMNS]
    if unknown or not columns:
        errors["columns"] = [_l("Choose at least one column from the list.")]
    elif len(set(columns)) != len(columns):
        errors["columns"] = [_l("Each column can be chosen only once.")]
    if request.language not in HEADER_LANGUAGES:
        errors["language"] = [_l("Choose Vietnamese or English headers.")]
    purpose = clean(request.purpose)
    if not purpose:
        errors["purpose"] = [_l("Say what the list is for, e.g. the delegation visit to Japan.")]
    elif len(purpose) > MAX_PURPOSE:
        errors["purpose"] = [_l("At most %(n)d characters.", n=MAX_PURPOSE)]
    if errors:
        raise ValidationFailed(errors)
    if not personal and any(key not in VIEWER_COLUMNS for key in columns):
        raise PermissionDenied(
            _l(
                "Your account may export only name, country, city, organization, expertise and "
                "languages."
            ),
            field="columns",
        )
    request.purpose = purpose
    request.columns = columns


def plan_export(
    request: ExportRequest,
    *,
    actor: User | None,
    personal: bool,
    ids: list[int] | None = None,
    max_pdf_rows: int = 2000,
) -> ExportPlan:
    """Check, select and log an export. ``ids`` replaces the search (a delegation's list)."""
    check_request(request, personal=personal)
    found = ids if ids is not None else search.matching_ids(request.query, actor=actor)
    kept, pending, withdrawn = shareable(found)
    if request.format == "pdf" and len(kept) > max_pdf_rows:
        raise ValidationFailed.single(
            "format",
            _l(
                "A PDF list holds at most %(n)d contacts; narrow the search or choose XLSX.",
                n=max_pdf_rows,
            ),
        )
    plan = ExportPlan(request, kept, len(found), pending, withdrawn)
    audit.record(
        "contacts.export",
        actor=actor,
        target_type="contact_list",
        details={
            "source": request.source,
            "filters": query_details(request.query) if ids is None else {},
            "columns": request.columns,
            "format": request.format,
            "language": request.language,
            "purpose": request.purpose,
            **({"delegation_visit": request.visit_id} if request.visit_id else {}),
            "rows": len(kept),
            "left_out_pending": pending,
            "left_out_withdrawn_sharing": withdrawn,
        },
    )
    return plan


def preview_counts(query: SearchQuery, *, actor: User | None) -> tuple[int, int, int]:
    """(exportable, left out as pending, left out for withdrawn sharing) — nothing logged."""
    kept, pending, withdrawn = shareable(search.matching_ids(query, actor=actor))
    return len(kept), pending, withdrawn


def recent_visits(limit: int) -> list[DelegationVisit]:
    """Delegation visits an export can name as its purpose, the latest first."""
    return list(
        db.session.scalars(
            select(DelegationVisit)
            .order_by(DelegationVisit.start_date.desc(), DelegationVisit.id.desc())
            .limit(limit)
        )
    )
