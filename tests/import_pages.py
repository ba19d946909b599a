"""The import pages driven through the test client: upload, mapping, preview, and the
registry's state before and after (shared by the import test modules)."""

from __future__ import annotations

import io
import re
from html import unescape

from diaspora.contacts.services import create_contact
from diaspora.extensions import db as _db
from diaspora.models import ImportBatch
from tests.contact_helpers import data, new_user
from tests.transfer_helpers import (
    full_state,
    registry_state,
)

HEADER = ["Họ và tên", "Quốc gia", "Thành phố", "Email", "Điện thoại", "Lĩnh vực", "Nghề nghiệp"]
ROWS = [
    ["Nguyễn Văn An", "Nhật Bản", "Tokyo", "an@example.org", "090-1234-5678", "Du lịch", "Kỹ sư"],
    ["Trần Thị Bình", "Japan", "Osaka", "binh@example.org", "+81 80 1111 2222", "", "Bác sĩ"],
    ["Lê Minh Châu", "DE", "Berlin", "", "", "", ""],
    ["Phạm Quốc Dũng", "Nhật", "Nagoya", "", "", "", ""],
]


def upload(client, body: bytes, name: str = "list.csv", sheet: str = ""):
    return client.post(
        "/imports/new",
        data={"file": (io.BytesIO(body), name), "sheet": sheet},
        content_type="multipart/form-data",
    )


def batch_id(response) -> int:
    assert response.status_code == 302, messages(response)
    return int(re.search(r"/imports/(\d+)", response.headers["Location"]).group(1))


def messages(response) -> str:
    return unescape(response.get_data(as_text=True))


def confirm_mapping(client, bid: int, **overrides):
    page = client.get(f"/imports/{bid}/mapping").get_data(as_text=True)
    chosen = dict(
        re.findall(r'<select id="(column_\d+)".*?<option selected value="([^"]*)"', page, re.S)
    )
    chosen.update(overrides)
    return client.post(f"/imports/{bid}/mapping", data=chosen)


def analysed(client, bid: int) -> str:
    return messages(client.get(f"/imports/{bid}"))


def import_file(client, body: bytes, name: str = "list.csv", **mapping) -> int:
    bid = batch_id(upload(client, body, name))
    assert confirm_mapping(client, bid, **mapping).status_code == 302
    analysed(client, bid)
    return bid


def state(app, registry: bool = True) -> dict:
    with app.app_context():
        return registry_state() if registry else full_state()


def batch(app, bid: int) -> ImportBatch:
    with app.app_context():
        row = _db.session.get(ImportBatch, bid)
        _db.session.expunge(row)
        return row


def existing(app, **overrides) -> int:
    with app.app_context():
        actor = new_user("officer")
        values = {"full_name": "Nguyễn Văn An", "country": "JP", "city": "", "occupation": "Cũ",
                  "emails": ["an@example.org"]}  # fmt: skip
        values.update(overrides)
        contact = create_contact(data(**values), actor=actor)
        _db.session.commit()
        return contact.id
