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
    r"""One line of typed text: NFC, control characters and zero-width spaces between words
    turned into spaces (see ``strip_controls``, ``_ZWSP_BETWEEN_WORDS``), the invisible joiners
    removed (``_JOINERS``), runs of white space collapsed and the ends trimmed; None becomes ''.

    Without this, ``Nguyễn\u200bVăn An`` and ``Nguyễn Văn An`` look the same on screen but are
    two different names to the duplicate check, the search and a sorted list."""
    if not text:
        return ""
    text = _ZWSP_BETWEEN_WORDS.sub(" ", nfc(_JOINERS.sub("", text))).replace("\u200b", "")
    return _SPACES.sub(" ", strip_controls(text)).strip()


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
    # The joiners are dropped here too, for text that was never cleaned (a search box).
    lowered = unicodedata.normalize(
        "NFD", _JOINERS.sub("", text).translate(_SPECIAL_LETTERS).casefold()
    )
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


# C0 and C1 control characters and DEL (not tab, line feed, carriage return: the callers
# treat those as white space or line ends). Pasted from other programs (a NUL ending a C string,
# a unit separator from a database dump, a cell of a badly saved file) they stand where a space
# stood: "Nguyễn\x00Văn" is two words. Spaces and tabs around a run of them go with it.
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
_CONTROL_RUN = re.compile(rf"([ \t]*)({_CONTROL}(?:[ \t]*{_CONTROL})*)([ \t]*)")
# In one line of typed text (``clean``) a zero-width space U+200B between two letters or digits
# marks a break between words: ``Nguyễn\u200bVăn`` is the two words the duplicate check and the
# search always took it for (``word_key`` splits there), and is stored as ``Nguyễn Văn``.
# Anywhere else (beside a space or punctuation, at either end, before a combining mark) it stands
# for nothing and goes: ``an\u200b@example.org`` is ``an@example.org``.
_ZWSP_BETWEEN_WORDS = re.compile(r"(?<=\w)\u200b+(?=\w)")
# The invisible characters that sit inside a word and never separate two: the soft hyphen U+00AD
# (a place a word may be hyphenated), the word joiner U+2060 and U+FEFF (a byte order mark
# pasted from a file, or the old "zero-width no-break space"). ``Nguy\u00adễn`` is ``Nguyễn``:
# they are removed without a space, so the letters around them meet (and compose).
# Kept on purpose: the zero-width non-joiner and joiner U+200C/U+200D. They change how letters
# are drawn, so removing them misspells: Persian and Indic names need ZWNJ/ZWJ for the right
# letter forms, and emoji sequences (families, flags of regions, skin tones) are held together
# by ZWJ.
_JOINERS = re.compile("[\u00ad\u2060\ufeff]")
# The bidirectional embedding, override and isolate marks (U+202A–U+202E, U+2066–U+2069) are
# invisible formatting, not separators: a pasted right-to-left override makes a name display
# reversed, so that a record can pass for another one. The directional marks LRM, RLM and the
# Arabic letter mark (U+200E, U+200F, U+061C) are invisible too, and make two names that look
# the same differ for the duplicate check and the search. They are all removed; the letters of
# a right-to-left name keep their own direction without them.
_BIDI_MARKS = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_BLANK_LINES = re.compile(r"\n{3,}")


def _control_run(match: re.Match[str]) -> str:
    before, _controls, after = match.groups()
    following = match.string[match.end() : match.end() + 1]
    if (
        match.start() == 0
        or not following
        or (not after and unicodedata.category(following).startswith("M"))
    ):
        # At either end there is no second word; before a combining mark the control sat
        # inside a letter (``e\x00\u0302`` is ``ê``). Nothing stands for it.
        return before + after
    return " "


def strip_controls(text: str) -> str:
    """Text without control characters (NUL and friends) or bidi marks, for any field.

    A run of controls between words becomes one space; at either end, or inside a letter, it
    goes. Bidi marks go. The result is NFC again: a mark left next to a letter composes.
    """
    return nfc(_CONTROL_RUN.sub(_control_run, _BIDI_MARKS.sub("", text)))


def clean_lines(text: str | None) -> str:
    """Multi-line text (notes, addresses): NFC, ``\\n`` line ends, no trailing blanks, at most
    one empty line in a row.

    Every line end Python knows becomes ``\\n``: ``\\r\\n``, ``\\r``, Word's manual line and page
    breaks (vertical tab, form feed), the file/group/record separators, U+0085, U+2028, U+2029.
    A tab becomes a space; other control characters are handled as in ``strip_controls``, line by
    line. Spaces inside a line (an indented list) are kept.
    """
    if not text:
        return ""
    lines = [strip_controls(line.replace("\t", " ")).rstrip() for line in nfc(text).splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
