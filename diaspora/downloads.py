"""File downloads: an attachment that caches nowhere and is never sniffed as something else."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from flask import Response

_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9 ._()+-]+")


def safe_file_name(file_name: str, default: str = "export") -> str:
    """The last part of a name (never a path), without quotes or control characters.

    Names can come from users (an uploaded file's name, sent by some browsers as a whole
    Windows path): a quote would end the header's quoted ``filename`` early, a slash would
    name a folder."""
    name = re.split(r"[/\\]", file_name or "")[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in "\"'")
    return name.strip(" .") or default


def ascii_file_name(file_name: str) -> str:
    """The same name in plain ASCII for old clients: ``Danh sách.csv`` → ``Danh sach.csv``."""
    decomposed = unicodedata.normalize("NFKD", file_name.replace("đ", "d").replace("Đ", "D"))
    ascii_name = decomposed.encode("ascii", "ignore").decode()
    return _UNSAFE_ASCII.sub("_", ascii_name).strip(" ._") or "export"


def download(body, file_name: str, mimetype: str) -> Response:
    """``filename`` in ASCII for old clients, ``filename*`` in UTF-8 for the others."""
    response = Response(body, mimetype=mimetype)
    name = safe_file_name(file_name)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_file_name(name)}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
