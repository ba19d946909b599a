"""Printing HTML to PDF with WeasyPrint, and labels printed in both languages.

WeasyPrint is imported when a PDF is made, not at start-up (it loads Pango and friends).
"""

from __future__ import annotations

from pathlib import Path

from flask_babel import force_locale


def html_to_pdf(html: str, stylesheet: Path) -> bytes:
    """The document as PDF bytes, laid out with the given print style sheet."""
    from weasyprint import CSS, HTML

    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(stylesheet))])


def bilingual(text) -> tuple[str, str]:
    """A lazy label as (Vietnamese, English): printed records carry both."""
    with force_locale("vi"):
        vietnamese = str(text)
    with force_locale("en"):
        english = str(text)
    return vietnamese, english
