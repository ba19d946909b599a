from __future__ import annotations

from diaspora.countries import codes, country_choices, country_name, is_country
from diaspora.text import fold


def test_names_in_both_languages():
    assert country_name("JP", "vi") == "Nhật Bản"
    assert country_name("JP", "en") == "Japan"
    assert country_name("de", "en") == "Germany"


def test_only_iso_codes():
    assert len(codes()) == 249
    assert is_country("VN") and is_country("vn")
    for code in ("EU", "UN", "ZZ", "XK", "", None, "JPN"):
        assert not is_country(code)


def test_unknown_code_is_returned_as_is():
    assert country_name("QQ", "vi") == "QQ"


def test_choices_are_ordered_ignoring_diacritics():
    for locale in ("vi", "en"):
        names = [name for _, name in country_choices(locale)]
        folded = [fold(name) for name in names]
        assert folded == sorted(folded)
    vi = dict(country_choices("vi"))
    assert vi["VN"] == "Việt Nam"
