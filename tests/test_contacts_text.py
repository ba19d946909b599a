"""Property tests for the Vietnamese text functions used for matching (diaspora.text)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diaspora.text import (
    clean,
    clean_lines,
    fold,
    nfc,
    sort_key,
    strip_controls,
    tokens,
    word_key,
    word_prefix_text,
)

VIETNAMESE_LETTERS = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)
vietnamese_word = st.text(
    alphabet=VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper(), min_size=1, max_size=8
)
vietnamese_text = st.lists(vietnamese_word, max_size=6).map(" ".join)
any_text = st.text(max_size=60)


@given(any_text)
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(any_text)
def test_fold_ignores_normalisation_form(text):
    """A Mac sends decomposed text (NFD); it must fold like the composed form."""
    assert fold(unicodedata.normalize("NFD", text)) == fold(unicodedata.normalize("NFC", text))


@given(vietnamese_text)
def test_fold_leaves_plain_lowercase_ascii(text):
    folded = fold(text)
    assert folded.isascii()
    assert folded == folded.lower()
    assert "đ" not in folded


@given(vietnamese_text)
def test_fold_ignores_case(text):
    assert fold(text.upper()) == fold(text.lower()) == fold(text)


@given(vietnamese_text)
def test_tokens_are_the_folded_words(text):
    assert tokens(text) == fold(text).split()
    assert word_key(text) == " ".join(tokens(text))


@given(vietnamese_text, vietnamese_text)
def test_word_prefix_text_finds_every_word_by_prefix(first, second):
    text = word_prefix_text(first, second)
    for word in tokens(first) + tokens(second):
        assert f" {word[:2]}" in text
    if text:
        assert text.startswith(" ") and text.endswith(" ")


@given(any_text)
def test_clean_is_idempotent_and_nfc(text):
    cleaned = clean(text)
    assert clean(cleaned) == cleaned
    assert cleaned == nfc(cleaned)
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned


@given(any_text)
def test_clean_lines_is_idempotent_and_has_no_controls(text):
    cleaned = clean_lines(text)
    assert clean_lines(cleaned) == cleaned
    assert strip_controls(cleaned) == cleaned
    assert "\r" not in cleaned and "\n\n\n" not in cleaned


@given(any_text)
def test_strip_controls_removes_nul(text):
    assert "\x00" not in strip_controls(text + "\x00")


@given(st.lists(vietnamese_text, min_size=2, max_size=8))
def test_sort_key_orders_folded_first(names):
    ordered = sorted(names, key=sort_key)
    assert [fold(name) for name in ordered] == sorted(fold(name) for name in names)


def test_known_cases():
    assert fold("Nguyễn Văn Đức") == "nguyen van duc"
    assert fold("NGUYỄN VĂN ĐỨC") == fold("nguyen van duc")
    assert fold("hoà") == fold("hòa") == "hoa"
    assert fold("Thuỷ") == fold("Thủy")
    assert word_key("Nguyễn-Văn  Đức") == "nguyen van duc"
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hồng Nhung")
    assert decomposed != "Nguyễn Thị Hồng Nhung"
    assert clean(decomposed) == "Nguyễn Thị Hồng Nhung"


@given(any_text)
def test_strip_controls_removes_bidi_overrides_and_stays_nfc(text):
    stripped = strip_controls("\u202e" + text + "\u2066\u202a\u200e\u200f\u061c")
    marks = "\u202a\u202b\u202c\u202d\u202e\u2066\u2069\u200e\u200f\u061c"
    assert not any(mark in stripped for mark in marks)
    assert strip_controls(stripped) == stripped
    assert unicodedata.normalize("NFC", stripped) == stripped


def test_a_removed_control_lets_the_mark_compose():
    assert strip_controls("Nguye\x00\u0302\u0303n") == "Nguyễn"
    assert clean_lines("Nguye\x00\u0302\u0303n") == "Nguyễn"


# --- control characters between words (NUL from a C string, separators from a dump) ---

# Every C0 control except tab, line feed and carriage return (white space everywhere), DEL, and
# the C1 controls.
CONTROLS = [chr(code) for code in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]]
CONTROLS += [chr(code) for code in range(0x7F, 0xA0)]
control_run = st.text(alphabet=[*CONTROLS, " ", "\t"], min_size=1, max_size=4).filter(
    lambda run: run.strip(" \t")
)


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_a_control_between_words_is_one_space(control):
    assert clean(f"Nguyễn{control}Văn") == "Nguyễn Văn"
    assert strip_controls(f"Nguyễn{control}Văn") == "Nguyễn Văn"


def test_known_control_cases():
    assert clean("Nguyễn\x00Văn\x00Đức") == "Nguyễn Văn Đức"
    assert clean("Nguyễn \x00 Văn") == "Nguyễn Văn"
    assert clean("Nguyễn\x00\x01\x1f\x7fVăn") == "Nguyễn Văn"
    assert clean("\x00Nguyễn Văn\x00") == "Nguyễn Văn"
    assert clean("\x00") == ""
    # Bidi marks are formatting, not separators: they go without leaving a space.
    assert clean("\u202eNguyễn Văn\u202c") == "Nguyễn Văn"
    # Directional marks too: "Nguyễn\u200e Văn" is the name the duplicate check knows.
    assert clean("Nguyễn\u200e Văn\u200f") == "Nguyễn Văn"
    assert clean("\u200fعلي\u061c حسن") == "علي حسن"


@given(st.lists(vietnamese_word, min_size=1, max_size=5), st.data())
def test_words_separated_by_controls_come_back_separated_by_one_space(words, data):
    runs = [data.draw(control_run) for _ in words[1:]]
    joined = words[0] + "".join(run + word for run, word in zip(runs, words[1:], strict=True))
    assert clean(joined) == " ".join(words)
    # In multi-line text, vertical tab, form feed, U+001C–U+001E and U+0085 end a line.
    multiline = clean_lines(joined)
    assert multiline.split() == words and "  " not in multiline
    if not any(ch in "".join(runs) for ch in "\x0b\x0c\x1c\x1d\x1e\x85"):
        assert multiline == " ".join(words)


@given(any_text)
def test_clean_leaves_no_control_characters(text):
    cleaned = clean(text)
    assert not any(ch in cleaned for ch in [*CONTROLS, "\t", "\n", "\r"])
    assert strip_controls(cleaned) == cleaned


def test_multiline_text_keeps_its_lines_and_indentation():
    address = "Schillerstraße 5\r\n\t10625 Berlin\x00Charlottenburg\rDeutschland"
    assert clean_lines(address) == "Schillerstraße 5\n 10625 Berlin Charlottenburg\nDeutschland"
    notes = "Gặp ngày 2/9:\n  - Tết\x00Nguyên Đán\n  - Quốc khánh\x1f2/9\n\n\n\nHết."
    assert clean_lines(notes) == "Gặp ngày 2/9:\n  - Tết Nguyên Đán\n  - Quốc khánh 2/9\n\nHết."


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r", "\x0b", "\x0c", "\x1e", "\u2028"])
def test_every_line_end_becomes_a_new_line_in_multiline_text(line_end):
    assert clean_lines(f"Dòng một{line_end}Dòng hai") == "Dòng một\nDòng hai"


def test_a_control_at_a_line_start_or_end_leaves_no_space():
    assert clean_lines("Dòng một\x00\n\x00Dòng hai\x07") == "Dòng một\nDòng hai"
    assert clean_lines("Dòng một\n\t\tthụt lề") == "Dòng một\n  thụt lề"


# --- invisible zero-width characters in one line of typed text ---

ZWSP = "\u200b"
JOINERS = ["\u00ad", "\u2060", "\ufeff"]  # soft hyphen, word joiner, BOM / zero-width no-break


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Nguyễn\u200bVăn An", "Nguyễn Văn An"),  # a zero-width space between words is a space
        ("Nguyễn \u200b Văn\u200b An", "Nguyễn Văn An"),
        ("\u200bNguyễn Văn An\u200b", "Nguyễn Văn An"),
        ("Nguy\u00adễn Văn An", "Nguyễn Văn An"),  # a soft hyphen inside a word joins it
        ("Nguyễn Vă\u2060n An", "Nguyễn Văn An"),
        ("\ufeffNguyễn Văn\ufeff An\ufeff", "Nguyễn Văn An"),
        ("Nguye\u00ad\u0302\u0303n", "Nguyễn"),  # the marks meet their letter and compose
        ("Nguye\u0302\u0303n\u200bVa\u0306n", "Nguyễn Văn"),  # sent decomposed (NFD)
        ("ngoc.an\u200b@example.com", "ngoc.an@example.com"),  # beside punctuation: nothing
        ("\u200b\u00ad\u2060\ufeff", ""),
        # Kept: Persian needs the non-joiner, an emoji family is held together by the joiner.
        ("Mehr\u200cdad", "Mehr\u200cdad"),
        (
            "\U0001f468\u200d\U0001f469\u200d\U0001f467",
            "\U0001f468\u200d\U0001f469\u200d\U0001f467",
        ),
    ],
)
def test_zero_width_characters_in_one_line(typed, stored):
    assert clean(typed) == stored


def test_zero_width_characters_make_no_other_name():
    assert word_key(clean("Nguyễn\u200bVăn An")) == word_key("Nguyễn Văn An") == "nguyen van an"
    assert word_key(clean("Ngu\u00adyễn Văn An")) == "nguyen van an"
    # A search box is not cleaned: folding drops the joiners, so the words stay whole.
    assert tokens("Nguy\u00adễn\u2060") == ["nguyen"]


@given(vietnamese_text, st.data())
def test_joiners_inserted_anywhere_leave_the_same_name(name, data):
    positions = data.draw(st.lists(st.integers(0, len(name)), max_size=5))
    typed = name
    for position in sorted(positions, reverse=True):
        typed = typed[:position] + data.draw(st.sampled_from(JOINERS)) + typed[position:]
    assert clean(typed) == clean(name)
    assert word_key(typed) == word_key(clean(typed)) == word_key(name)


@given(st.lists(vietnamese_word, min_size=1, max_size=5), st.data())
def test_zero_width_spaces_at_word_boundaries_leave_the_same_name(words, data):
    """In place of a space, beside one or at either end: the same words, the same key."""
    boundary = st.sampled_from([ZWSP, " " + ZWSP, ZWSP + " ", ZWSP * 2])
    end = st.sampled_from(["", ZWSP, ZWSP + " "])
    typed = data.draw(end) + words[0]
    for word in words[1:]:
        typed += data.draw(boundary) + word
    typed += data.draw(end)
    assert clean(typed) == " ".join(words)
    assert word_key(clean(typed)) == word_key(" ".join(words))


@given(any_text)
def test_clean_leaves_no_zero_width_character(text):
    cleaned = clean(text)
    assert not any(ch in cleaned for ch in [ZWSP, *JOINERS])
    assert clean(cleaned) == cleaned
