"""The yearly report as a print page (for PDF and HTML files), a PDF and an XLSX workbook.

Everything is rendered inside ``force_locale``: Vietnamese by default, English on request.
The workbook holds only values, never formulas: text that a spreadsheet could read as a
formula (starting with = + - @) is prefixed with an apostrophe, as in every export
(``diaspora.transfer.safety.neutralise``).
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import xlsxwriter
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from diaspora.countries import country_name
from diaspora.printing import html_to_pdf
from diaspora.reports.annual import AnnualReport, TaskSection
from diaspora.transfer.safety import neutralise

PRINT_CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "report-print.css"
LANGUAGES = ("vi", "en")


def _language(language: str | None) -> str:
    return language if language in LANGUAGES else "vi"


def render_print_html(report: AnnualReport, language: str = "vi", *, standalone=False) -> str:
    """The report as one HTML document; ``standalone`` embeds its print style sheet."""
    language = _language(language)
    with force_locale(language):
        return render_template(
            "reports/annual_print.html",
            report=report,
            lang=language,
            inline_css=PRINT_CSS.read_text(encoding="utf-8") if standalone else None,
        )


def render_pdf(report: AnnualReport, language: str = "vi") -> bytes:
    return html_to_pdf(render_print_html(report, language), PRINT_CSS)


def _task_label(section: TaskSection, language: str) -> tuple[str, str]:
    if section.task is None:
        return "—", _("Not linked to a plan task")
    return section.task.code, section.task.title(language)


def _place(activity, language: str) -> str:
    parts = [activity.city, country_name(activity.country, language) if activity.country else ""]
    return ", ".join(part for part in parts if part)


def render_xlsx(report: AnnualReport, language: str = "vi") -> bytes:
    language = _language(language)
    buffer = io.BytesIO()
    with force_locale(language):
        book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
        bold = book.add_format({"bold": True})
        title = book.add_format({"bold": True, "font_size": 14})
        header = book.add_format(
            {"bold": True, "bg_color": "#DDDDDD", "border": 1, "text_wrap": True}
        )
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        day = book.add_format({"num_format": "dd/mm/yyyy", "valign": "top"})
        number = book.add_format({"valign": "top"})

        def text(sheet, row, col, value, style=None):
            sheet.write_string(row, col, neutralise(str(value or "")), style or wrap)

        summary = book.add_worksheet(_("Summary")[:31])
        summary.set_column(0, 0, 10)
        summary.set_column(1, 1, 70)
        summary.set_column(2, 4, 16)
        summary.set_column(5, 5, 40)
        text(summary, 0, 0, _("Implementation report of the plan for Directive 25/CT-TTg"), title)
        text(
            summary,
            1,
            0,
            _(
                "Year %(year)d: activities from %(start)s to %(end)s",
                year=report.period.year,
                start=report.period.start.strftime("%d/%m/%Y"),
                end=report.period.end.strftime("%d/%m/%Y"),
            ),
            bold,
        )
        text(summary, 2, 0, _("Department of Foreign Affairs of Hải Phòng"))
        row = 4
        if report.is_empty:
            text(summary, row, 0, _("No activities were recorded in this period."), bold)
            row += 2
        for col, label in enumerate(
            (
                _("Code"),
                _("Plan task"),
                _("Activities"),
                _("Contacts reached"),
                _("Countries"),
                _("Country names"),
            )
        ):
            text(summary, row, col, label, header)
        row += 1
        sections = [*report.tasks, *([report.unlinked] if report.unlinked.activities else [])]
        for section in sections:
            code, name = _task_label(section, language)
            text(summary, row, 0, code)
            text(summary, row, 1, name)
            summary.write_number(row, 2, section.count, number)
            summary.write_number(row, 3, section.contacts, number)
            summary.write_number(row, 4, len(section.countries), number)
            text(summary, row, 5, ", ".join(country_name(c, language) for c in section.countries))
            row += 1
        text(summary, row, 1, _("Total (an activity serving several tasks counts once)"), bold)
        summary.write_number(row, 2, len(report.activities), bold)
        summary.write_number(row, 3, report.total_contacts, bold)
        summary.write_number(row, 4, len(report.countries), bold)
        text(summary, row, 5, ", ".join(country_name(c, language) for c in report.countries))
        row += 2
        text(summary, row, 1, _("New contacts registered in the period"), bold)
        summary.write_number(row, 2, report.new_contacts, bold)

        sheet = book.add_worksheet(_("Activities")[:31])
        widths = (10, 40, 12, 12, 50, 22, 28, 12, 60)
        for col, width in enumerate(widths):
            sheet.set_column(col, col, width)
        labels = (
            _("Code"),
            _("Plan task"),
            _("Date"),
            _("End date"),
            _("Title"),
            _("Type"),
            _("Place"),
            _("Contacts reached"),
            _("Names of the contacts reached"),
        )
        for col, label in enumerate(labels):
            text(sheet, 0, col, label, header)
        sheet.freeze_panes(1, 0)
        row = 1
        for section in report.sections_with_activities:
            code, name = _task_label(section, language)
            for activity in section.activities:
                text(sheet, row, 0, code)
                text(sheet, row, 1, name)
                sheet.write_datetime(row, 2, _midnight(activity.start), day)
                if activity.end:
                    sheet.write_datetime(row, 3, _midnight(activity.end), day)
                text(sheet, row, 4, activity.title)
                text(sheet, row, 5, str(activity.type_label))
                text(sheet, row, 6, _place(activity, language))
                sheet.write_number(row, 7, len(activity.reached), number)
                text(sheet, row, 8, "; ".join(person.name for person in activity.reached))
                row += 1
        if row > 1:
            sheet.autofilter(0, 0, row - 1, len(labels) - 1)
        book.close()
    return buffer.getvalue()


def _midnight(day: date) -> datetime:
    """Excel dates are naive date-times."""
    return datetime(day.year, day.month, day.day)
