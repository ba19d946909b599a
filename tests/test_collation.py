from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from diaspora.collation import name_sort_key


def ordered(names):
    return sorted(names, key=name_sort_key)


def test_letters_follow_the_vietnamese_alphabet():
    assert ordered(["Đào Văn Em", "Dương Văn Em", "Bùi Văn Em"]) == [
        "Bùi Văn Em",
        "Dương Văn Em",
        "Đào Văn Em",
    ]
    assert ordered(["Lê Thị Ân", "Lê Thị Ăn", "Lê Thị An", "Lê Thị Bình"]) == [
        "Lê Thị An",
        "Lê Thị Ăn",
        "Lê Thị Ân",
        "Lê Thị Bình",
    ]
    assert ordered(["Lê Văn Ơn", "Lê Văn Ôn", "Lê Văn On"]) == [
        "Lê Văn On",
        "Lê Văn Ôn",
        "Lê Văn Ơn",
    ]


def test_tones_order_after_letters():
    names = ["Lê Ma", "Lê Mà", "Lê Mả", "Lê Mã", "Lê Má", "Lê Mạ"]
    assert ordered(list(reversed(names))) == names
    assert ordered(["Lê Mạ", "Lê Mai"]) == ["Lê Mạ", "Lê Mai"]


def test_given_name_first_then_family_name():
    names = ["Trần Văn Bình", "Nguyễn Thị An", "Nguyễn Văn Bình", "Lê Cường"]
    assert ordered(names) == ["Nguyễn Thị An", "Nguyễn Văn Bình", "Trần Văn Bình", "Lê Cường"]


def test_decomposed_and_composed_input_sort_together():
    import unicodedata

    name = "Nguyễn Thị Hồng Nhung"
    assert name_sort_key(unicodedata.normalize("NFD", name)) == name_sort_key(name)


@given(st.text(max_size=60))
def test_key_is_total_and_printable(text):
    key = name_sort_key(text)
    assert isinstance(key, str) and "|" in key
    assert len(key) <= 400
