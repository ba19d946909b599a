"""Vietnamese alphabetical order, as a plain string key that any database sorts the same way.

Dictionaries order letters a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, then tones
ngang < huyền < hỏi < ngã < sắc < nặng. Lists of people are ordered by given name (the last
word), then family name (the first), then the middle names. The key is computed in Python and
stored, so SQLite and PostgreSQL, whatever their collations, return the same order.
"""

from __future__ import annotations

import unicodedata

ALPHABET = [
    "a",
    "ă",
    "â",
    "b",
    "c",
    "d",
    "đ",
    "e",
    "ê",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "ô",
    "ơ",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "ư",
    "v",
    "w",
    "x",
    "y",
    "z",
]
_RANK = {letter: index for index, letter in enumerate(ALPHABET)}
_MODIFIERS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng


def _letters(word: str) -> tuple[str, str]:
    """Primary (letters) and secondary (tones) parts of one word's key."""
    primary: list[str] = []
    tone = 0
    for char in unicodedata.normalize("NFC", word.casefold()):
        decomposed = unicodedata.normalize("NFD", char)
        base = decomposed[0]
        marks = decomposed[1:]
        letter = unicodedata.normalize(
            "NFC", base + "".join(mark for mark in marks if mark in _MODIFIERS)
        )
        for mark in marks:
            tone = _TONES.get(mark, tone)
        if letter in _RANK:
            primary.append(chr(0x41 + _RANK[letter]))  # A, B, C …: 33 letters fit below 'b'
        elif base.isdigit():
            primary.append("0" + base)
        elif base.isalnum():
            primary.append("~" + base)  # other scripts after the Latin alphabet
    return "".join(primary), str(tone)


def name_sort_key(full_name: str) -> str:
    """Given name, then family name, then middle names; letters before tones."""
    words = [word for word in full_name.split() if word]
    if len(words) > 1:
        words = [words[-1], words[0], *words[1:-1]]
    parts = [_letters(word) for word in words]
    primary = " ".join(p for p, _ in parts)
    secondary = "".join(t for _, t in parts)
    return f"{primary}|{secondary}"[:400]
