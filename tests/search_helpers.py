"""A small registry of fictional people that the search tests query."""

from __future__ import annotations

from diaspora.contacts import services as contacts
from diaspora.contacts.data import ContactData, ExpertiseEntry, MembershipEntry
from diaspora.contacts.errors import DuplicatesFound
from diaspora.extensions import db


def add(actor, **values):
    expertise = [ExpertiseEntry(field=code) for code in values.pop("fields", [])]
    memberships = [MembershipEntry(organization=name) for name in values.pop("organizations", [])]
    data = ContactData(expertise=expertise, memberships=memberships, **values)
    try:
        contact = contacts.create_contact(data, actor=actor)
    except DuplicatesFound as found:
        contact = contacts.create_contact(
            data, actor=actor, acknowledged=[match.contact.id for match in found.matches]
        )
    db.session.flush()
    return contact


PEOPLE = {
    "nhung": dict(
        full_name="Nguyễn Thị Hồng Nhung",
        foreign_name="Helen Nguyen",
        country="DE",
        city="Berlin",
        occupation="Bác sĩ",
        fields=["3.2"],
        languages=["vi", "de"],
        categories=["artist"],
        willing_advise=True,
        notes="Gặp tại hội nghị y khoa",
    ),
    "duc_jp": dict(
        full_name="Nguyễn Văn Đức",
        country="JP",
        city="Tokyo",
        occupation="Kỹ sư phần mềm",
        fields=["1.2", "S.12"],
        languages=["vi", "ja"],
        organizations=["Hội người Việt Nam tại Nhật Bản"],
    ),
    "duc_de": dict(
        full_name="Nguyễn Văn Đức",
        country="DE",
        city="Leipzig",
        occupation="Kỹ sư cơ khí",
        fields=["2.3"],
        languages=["vi", "de"],
    ),
    "hoa": dict(
        full_name="Trần Thị Hoà",
        country="FR",
        city="Paris",
        occupation="Giảng viên",
        title="Phó Giáo sư",
        fields=["6.2"],
        languages=["vi", "fr"],
        willing_teach=True,
    ),
    "hung": dict(
        full_name="Phạm Quốc Hùng",
        country="JP",
        city="Kitakyushu",
        occupation="Chuyên gia logistics",
        employer="Nippon Express",
        fields=["S.5"],
        willing_host_delegation=True,
        legal_basis="state_function",
        legal_basis_note="Chức năng của Sở Ngoại vụ",
    ),
    "an": dict(
        full_name="Lê An",
        country="US",
        city="San Jose",
        occupation="Doanh nhân",
        fields=["5.2", "S.1"],
        status="inactive",
    ),
    "duong": dict(
        full_name="Dương Văn Nam",
        country="AU",
        city="Sydney",
        occupation="Kiến trúc sư",
        origin_commune="Lưu Kiếm",
        origin_district_old="Thủy Nguyên",
        fields=["2.1"],
    ),
}


def registry(actor) -> dict[str, int]:
    ids = {key: add(actor, **dict(values)).id for key, values in PEOPLE.items()}
    db.session.commit()
    return ids
