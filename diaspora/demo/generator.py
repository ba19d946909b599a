"""Fictional contacts for demonstrations and benchmarks: seeded, reproducible, realistic in shape.

Family names follow their real frequency (Nguyễn about 40 %), countries the real skew of the
Vietnamese diaspora, and every person has one to four expertise fields. Nothing here is a real
person; records made from it are marked as fictional.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from diaspora.text import fold

FAMILY_NAMES = [
    ("Nguyễn", 40.0), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.0), ("Hoàng", 3.0),
    ("Huỳnh", 2.0), ("Phan", 4.5), ("Vũ", 2.5), ("Võ", 1.4), ("Đặng", 2.1), ("Bùi", 2.0),
    ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đào", 0.6),
    ("Đoàn", 0.6), ("Vương", 0.3), ("Trịnh", 0.5), ("Mai", 0.4), ("Trương", 0.5),
    ("Lưu", 0.3), ("Tạ", 0.2), ("Quách", 0.1), ("Khổng", 0.05),
]  # fmt: skip
MIDDLE_MALE = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Hoàng", "Xuân", "Công", "Mạnh"]
MIDDLE_FEMALE = ["Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim", "Bảo", "Hồng", "Diệu", "Phương"]
GIVEN_MALE = [
    "Anh", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hải", "Hiếu", "Hòa", "Hùng", "Huy",
    "Khánh", "Long", "Minh", "Nam", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tâm", "Thắng",
    "Thành", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Khoa", "Lâm", "Đạt", "Toàn",
]  # fmt: skip
GIVEN_FEMALE = [
    "Anh", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Ngọc", "Nhung",
    "Phương", "Thảo", "Thu", "Thủy", "Trang", "Yến", "Vy", "Hằng", "Loan", "Oanh", "Quyên",
    "Uyên", "Xuân", "Diệp", "Đào", "Nhàn", "Huyền",
]  # fmt: skip
ADOPTED_MALE = ["David", "Michael", "Peter", "John", "Paul", "Thomas", "Daniel", "Kevin", "Tony"]
ADOPTED_FEMALE = ["Helen", "Anna", "Mary", "Lisa", "Julie", "Christine", "Linda", "Sophie"]

# (country, weight, cities)
COUNTRIES = [
    ("US", 30.0, ["San Jose", "Houston", "Westminster", "Seattle", "Boston", "New York"]),
    ("AU", 6.0, ["Sydney", "Melbourne", "Brisbane", "Adelaide", "Perth"]),
    ("FR", 6.0, ["Paris", "Lyon", "Marseille", "Toulouse"]),
    ("CA", 5.5, ["Toronto", "Montréal", "Vancouver", "Calgary"]),
    ("DE", 5.0, ["Berlin", "Leipzig", "Hamburg", "Frankfurt am Main", "München"]),
    ("JP", 6.5, ["Tokyo", "Osaka", "Kitakyushu", "Fukuoka", "Nagoya"]),
    ("KR", 5.0, ["Seoul", "Busan", "Incheon", "Daegu"]),
    ("TW", 4.0, ["Taipei", "Kaohsiung", "Taichung"]),
    ("RU", 2.5, ["Moskva", "Sankt-Peterburg", "Vladivostok"]),
    ("GB", 2.0, ["London", "Birmingham", "Manchester"]),
    ("CZ", 2.0, ["Praha", "Brno", "Cheb"]),
    ("PL", 1.5, ["Warszawa", "Kraków"]),
    ("CN", 1.5, ["Nam Ninh", "Quảng Châu", "Thượng Hải", "Bắc Kinh"]),
    ("TH", 1.5, ["Bangkok", "Udon Thani", "Nakhon Phanom"]),
    ("LA", 1.0, ["Viêng Chăn", "Pakse", "Savannakhet"]),
    ("KH", 1.0, ["Phnom Penh", "Siem Reap"]),
    ("SG", 1.0, ["Singapore"]),
    ("MY", 0.8, ["Kuala Lumpur", "Penang"]),
    ("NL", 0.8, ["Amsterdam", "Rotterdam"]),
    ("BE", 0.6, ["Bruxelles", "Antwerpen"]),
    ("CH", 0.5, ["Genève", "Zürich"]),
    ("SE", 0.5, ["Stockholm", "Göteborg"]),
    ("NO", 0.5, ["Oslo", "Bergen"]),
    ("DK", 0.4, ["København"]),
    ("FI", 0.3, ["Helsinki"]),
    ("IT", 0.4, ["Roma", "Milano"]),
    ("ES", 0.3, ["Madrid", "Barcelona"]),
    ("HU", 0.5, ["Budapest"]),
    ("UA", 0.6, ["Kyiv", "Kharkiv", "Odesa"]),
    ("SK", 0.3, ["Bratislava"]),
    ("NZ", 0.4, ["Auckland", "Wellington"]),
    ("AE", 0.4, ["Dubai", "Abu Dhabi"]),
    ("QA", 0.2, ["Doha"]),
    ("IL", 0.1, ["Tel Aviv"]),
    ("BR", 0.1, ["São Paulo"]),
    ("ZA", 0.1, ["Johannesburg"]),
    ("IN", 0.2, ["New Delhi", "Bengaluru"]),
    ("PH", 0.3, ["Manila"]),
    ("ID", 0.3, ["Jakarta"]),
    ("HK", 0.6, ["Hong Kong"]),
]
OCCUPATIONS = [
    "Kỹ sư phần mềm", "Bác sĩ", "Giảng viên đại học", "Nhà nghiên cứu", "Doanh nhân",
    "Kiến trúc sư", "Dược sĩ", "Kế toán", "Luật sư", "Nghệ sĩ", "Sinh viên", "Đầu bếp",
    "Chủ nhà hàng", "Kỹ sư hàng hải", "Chuyên gia logistics", "Nhà báo", "Giáo viên",
    "Chuyên viên tài chính", "Nhà thiết kế", "Quản lý dự án",
]  # fmt: skip
EMPLOYERS = [
    "University of Sydney", "Toyota Motor", "Samsung Electronics", "Université Paris-Saclay",
    "Charité Berlin", "Vietnam Airlines", "Google", "Công ty TNHH Sao Đỏ",
    "Kitakyushu City Hospital",
    "Maersk", "Siemens", "Tự kinh doanh", "Hội người Việt", "CNRS", "KAIST",
]  # fmt: skip
LANGUAGES_BY_COUNTRY = {
    "US": "en", "AU": "en", "GB": "en", "CA": "en", "NZ": "en", "SG": "en", "FR": "fr",
    "BE": "fr", "CH": "fr", "DE": "de", "JP": "ja", "KR": "ko", "TW": "zh", "CN": "zh",
    "HK": "zh", "RU": "ru", "UA": "uk", "CZ": "cs", "SK": "sk", "PL": "pl", "TH": "th",
    "LA": "lo", "KH": "km", "MY": "ms", "NL": "nl", "SE": "sv", "NO": "nb", "DK": "da",
    "FI": "fi", "IT": "it", "ES": "es", "HU": "hu", "BR": "pt", "ID": "id",
}  # fmt: skip
ORIGINS = [
    "Lê Chân", "Ngô Quyền", "Hồng Bàng", "Kiến An", "Hải An", "Đồ Sơn", "Dương Kinh",
    "Thủy Nguyên", "An Dương", "An Lão", "Kiến Thụy", "Tiên Lãng", "Vĩnh Bảo", "Cát Hải",
    "Bạch Long Vĩ", "Hải Dương", "Chí Linh", "Kinh Môn",
]  # fmt: skip


@dataclass
class FictionalContact:
    full_name: str
    gender: str
    birth_year: int
    country: str
    city: str
    other_names: list[str] = field(default_factory=list)
    occupation: str = ""
    employer: str = ""
    origin_district: str = ""
    languages: list[str] = field(default_factory=list)
    field_codes: list[str] = field(default_factory=list)
    email: str | None = None
    phone: str | None = None
    willing: dict[str, bool] = field(default_factory=dict)


def _weighted(rng: random.Random, pairs):
    names = [item[0] for item in pairs]
    weights = [item[1] for item in pairs]
    return rng.choices(names, weights=weights, k=1)[0]


def generate(
    count: int, *, seed: int = 2026, field_codes: list[str] | None = None
) -> Iterator[FictionalContact]:
    """Yield ``count`` fictional contacts; the same seed gives the same people."""
    # Fictional data, reproducible by design: not a security use of randomness.
    rng = random.Random(seed)  # noqa: S311  # nosec B311
    codes = field_codes or [f"{top}.{sub}" for top in range(1, 7) for sub in range(1, 6)]
    cities = {code: cities for code, _, cities in COUNTRIES}
    for number in range(count):
        gender = rng.choice(["male", "female"])
        family = _weighted(rng, FAMILY_NAMES)
        middle = rng.choice(MIDDLE_MALE if gender == "male" else MIDDLE_FEMALE)
        given = rng.choice(GIVEN_MALE if gender == "male" else GIVEN_FEMALE)
        full_name = f"{family} {middle} {given}"
        if rng.random() < 0.15:
            second = rng.choice(MIDDLE_MALE if gender == "male" else MIDDLE_FEMALE)
            full_name = f"{family} {middle} {second} {given}"
        country = _weighted(rng, [(code, weight) for code, weight, _ in COUNTRIES])
        other_names = []
        if rng.random() < 0.3:
            adopted = rng.choice(ADOPTED_MALE if gender == "male" else ADOPTED_FEMALE)
            other_names.append(f"{adopted} {fold(family).title()}")
        local = LANGUAGES_BY_COUNTRY.get(country)
        languages = (
            ["vi"]
            + ([local] if local and local != "vi" else [])
            + (["en"] if local != "en" and rng.random() < 0.5 else [])
        )
        yield FictionalContact(
            full_name=full_name,
            gender=gender,
            birth_year=rng.randint(1940, 2006),
            country=country,
            city=rng.choice(cities[country]),
            other_names=other_names,
            occupation=rng.choice(OCCUPATIONS),
            employer=rng.choice(EMPLOYERS),
            origin_district=rng.choice(ORIGINS),
            languages=languages,
            field_codes=rng.sample(codes, k=rng.randint(1, 4)),
            email=f"demo{seed}-{number}@example.invalid" if rng.random() < 0.7 else None,
            phone=None,
            willing={
                "advise": rng.random() < 0.3,
                "invest": rng.random() < 0.1,
                "host_delegation": rng.random() < 0.15,
                "promote_products": rng.random() < 0.2,
                "teach": rng.random() < 0.1,
            },
        )
