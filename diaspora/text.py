"""Vietnamese-aware text normalisation: pure functions, no Flask, used everywhere for matching.

Unicode decomposition strips every Vietnamese tone and vowel mark except one: ``đ``/``Đ`` is a
letter of its own (U+0111/U+0110) with no decomposition, so it is mapped to ``d`` explicitly.
Old and new tone placement (``hoà`` / ``hòa``) differ only in where the mark sits, so both fold
to the same string once the marks are gone.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+", re.UNICODE)
_SPACES = re.compile(r"\s+", re.UNICODE)
_SPECIAL_LETTERS = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "ø": "o", "Ø": "o"})


def nfc(text: str) -> str:
    """Canonical composed form: what a Mac sends decomposed (NFD) becomes the same string."""
    return unicodedata.normalize("NFC", text)


def clean(text: str | None) -> str:
    """NFC, with runs of white space collapsed and the ends trimmed; None becomes ''."""
    if not text:
        return ""
    return _SPACES.sub(" ", nfc(text)).strip()


def fold(text: str | None) -> str:
    """Lower case without diacritics: ``Nguyễn Văn Đức`` → ``nguyen van duc``."""
    if not text:
        return ""
    lowered = unicodedata.normalize("NFD", text.translate(_SPECIAL_LETTERS).casefold())
    stripped = "".join(ch for ch in lowered if not unicodedata.combining(ch))
    return _SPACES.sub(" ", unicodedata.normalize("NFC", stripped.translate(_SPECIAL_LETTERS)))


def tokens(text: str | None) -> list[str]:
    """Folded words, in order: the unit of matching for names and free text."""
    return _WORD.findall(fold(text))


def sort_key(text: str | None) -> tuple[str, str]:
    """Order ignoring diacritics first, then by the exact text so the order is stable."""
    return (fold(text), nfc(text or ""))
