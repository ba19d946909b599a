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


def distinct_codes(values) -> list[str]:
    """Codes as posted by a form: trimmed, upper-cased, empty ones dropped, each once, in order."""
    codes: list[str] = []
    for raw in values:
        code = clean(raw if isinstance(raw, str) else str(raw)).upper()
        if code and code not in codes:
            codes.append(code)
    return codes


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


def word_key(text: str | None) -> str:
    """Folded words joined by single spaces: the key that compares two names.

    ``Nguyễn-Văn  Đức`` and ``nguyen van duc`` have the same key; punctuation between the
    words does not count.
    """
    return " ".join(tokens(text))


def word_prefix_text(*texts: str | None) -> str:
    """Folded words of several texts as `` w1 w2 … ``, with a space at each end.

    ``LIKE '% prefix%'`` on this text finds every word that starts with ``prefix``.
    """
    words = [word for text in texts for word in tokens(text)]
    return f" {' '.join(words)} " if words else ""


# C0 controls and DEL, and the bidirectional embedding, override and isolate marks
# (U+202A–U+202E, U+2066–U+2069): a pasted right-to-left override makes a name display
# reversed, so that a record can pass for another one.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_BLANK_LINES = re.compile(r"\n{3,}")


def strip_controls(text: str) -> str:
    """Remove control characters (NUL and friends, bidi overrides) no form field should carry.

    The result is NFC again: a mark left next to a letter by a removed character composes.
    """
    return nfc(_CONTROLS.sub("", text))


def clean_lines(text: str | None) -> str:
    """Multi-line text: NFC, ``\\n`` line ends, no trailing blanks, at most one empty line."""
    if not text:
        return ""
    text = strip_controls(nfc(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    lines = [line.rstrip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
