"""File downloads: an attachment that caches nowhere and is never sniffed as something else."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response


def download(body, file_name: str, mimetype: str) -> Response:
    """``filename`` in ASCII for old clients, ``filename*`` in UTF-8 for the others."""
    response = Response(body, mimetype=mimetype)
    ascii_name = file_name.encode("ascii", "ignore").decode() or "export"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name)}"
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
