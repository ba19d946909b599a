"""Property tests for the Vietnamese text functions used for matching (diaspora.text)."""

from __future__ import annotations

import unicodedata

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
    stripped = strip_controls("\u202e" + text + "\u2066\u202a")
    assert not any(mark in stripped for mark in "\u202a\u202b\u202c\u202d\u202e\u2066\u2069")
    assert strip_controls(stripped) == stripped
    assert unicodedata.normalize("NFC", stripped) == stripped


def test_a_removed_control_lets_the_mark_compose():
    assert strip_controls("Nguye\x00\u0302\u0303n") == "Nguyễn"
    assert clean_lines("Nguye\x00\u0302\u0303n") == "Nguyễn"
