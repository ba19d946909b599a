"""Reports as the views and the CLI ask for them: built for a year, rendered in a format,
with the export written to the audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from diaspora.audit import services as audit
from diaspora.clock import local_today
from diaspora.models import User
from diaspora.reports.annual import AnnualReport, build_annual_report
from diaspora.reports.period import Period, current_period
from diaspora.reports.render import render_pdf, render_print_html, render_xlsx

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


def period_setting() -> str:
    return current_app.config["REPORT_PERIOD_START"]


def this_period() -> Period:
    return current_period(local_today(), period_setting())


def annual_report(year: int) -> AnnualReport:
    return build_annual_report(
        year,
        period_start=period_setting(),
        zone=current_app.config["BABEL_DEFAULT_TIMEZONE"],
    )


@dataclass
class Export:
    content: bytes
    mimetype: str
    filename: str
    report: AnnualReport


def export_annual_report(year: int, fmt: str, language: str, *, actor: User | None) -> Export:
    """The report in ``fmt`` (xlsx, pdf, html) and ``language``; the export is audited."""
    report = annual_report(year)
    if fmt == "xlsx":
        content = render_xlsx(report, language)
    elif fmt == "pdf":
        content = render_pdf(report, language)
    else:
        content = render_print_html(report, language, standalone=True).encode("utf-8")
    audit.record(
        "report.export",
        actor=actor,
        target_type="report",
        details={
            "report": "annual",
            "year": year,
            "format": fmt,
            "language": language,
            "activities": len(report.activities),
        },
    )
    name = f"bao-cao-chi-thi-25-{year}-{language}.{fmt}"
    return Export(content=content, mimetype=FORMATS[fmt], filename=name, report=report)
