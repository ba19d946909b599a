"""The small, safe set of placeholders an outreach body may use, checked when it is saved and
filled by plain substitution: a body is never a template, so nothing in it (or in a contact's
name) is ever evaluated. Pure functions, no Flask.

Values are plain text; whoever shows the result escapes it (pages and the letters PDF do).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PLACEHOLDERS = ("salutation", "name", "city", "country")
PLACEHOLDER_PATTERN = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
# What is left of a brace pair once the placeholders are taken out: an unclosed one.
STRAY = re.compile(r"\{\{|\}\}")

# Honorifics by gender, per language: "Kính gửi {{ salutation }} {{ name }}," gives
# "Kính gửi Bà Nguyễn Thị Lan," and "Dear {{ salutation }} {{ name }}," "Dear Ms Lan Nguyen,".
SALUTATIONS = {
    "vi": {"female": "Bà", "male": "Ông", None: "Ông/Bà"},
    "en": {"female": "Ms", "male": "Mr", None: "Mr/Ms"},
}


@dataclass(frozen=True)
class PlaceholderProblem:
    """``unknown`` holds the unknown names found; ``unclosed`` is set when braces are left."""

    unknown: tuple[str, ...] = ()
    unclosed: bool = False

    def __bool__(self) -> bool:
        return bool(self.unknown or self.unclosed)


def check(text: str) -> PlaceholderProblem:
    """Which placeholders of ``text`` are not in the safe set, and whether a pair is unclosed."""
    unknown: list[str] = []
    for match in PLACEHOLDER_PATTERN.finditer(text or ""):
        name = match.group(1)
        if name not in PLACEHOLDERS and name not in unknown:
            unknown.append(name[:40])
    rest = PLACEHOLDER_PATTERN.sub("", text or "")
    return PlaceholderProblem(unknown=tuple(unknown), unclosed=bool(STRAY.search(rest)))


def used(text: str) -> list[str]:
    """Known placeholders used in ``text``, in order of first use."""
    found: list[str] = []
    for match in PLACEHOLDER_PATTERN.finditer(text or ""):
        if match.group(1) in PLACEHOLDERS and match.group(1) not in found:
            found.append(match.group(1))
    return found


def fill(text: str, values: dict[str, str]) -> str:
    """Replace each known placeholder by its value, in one pass: a value that itself looks like
    a placeholder stays as it is. Unknown placeholders (refused at save time) stay untouched."""

    def replace(match: re.Match) -> str:
        name = match.group(1)
        return values.get(name, "") if name in PLACEHOLDERS else match.group(0)

    return PLACEHOLDER_PATTERN.sub(replace, text or "")


def salutation(gender: str | None, language: str) -> str:
    table = SALUTATIONS["en" if language == "en" else "vi"]
    return table.get(gender if gender in ("female", "male") else None)
