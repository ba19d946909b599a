"""Reading a page's form the way a browser would post it back, for the page tests that post a
form again as they got it (the engagement form, the profile-update link)."""

from __future__ import annotations

import re
from html import unescape


def posted_back(html: str, form_id: str | None = None) -> dict:
    """The values a browser would post back unchanged: those of the form with id ``form_id``,
    or of every field on the page. Ticked checkboxes and radio buttons give lists ("y" when
    they carry no value), unticked ones nothing; a select gives its chosen option or ""."""
    if form_id is not None:
        start = html.index(f'id="{form_id}"')
        html = html[start : html.index("</form>", start)]
    data: dict = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="submit"' in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if kind and kind.group(1) in ("checkbox", "radio"):
            if " checked" in tag:
                data.setdefault(name.group(1), []).append(
                    unescape(value.group(1)) if value else "y"
                )
            continue
        data[name.group(1)] = unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', html):
        # The HTML parser drops one line break right after <textarea> (CRLF or LF), no more.
        data[name] = re.sub(r"^\r?\n", "", unescape(body))
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"', options) or re.search(
            r'<option[^>]*value="([^"]*)"[^>]*selected', options
        )
        data[name] = unescape(chosen.group(1)) if chosen else ""
    return data
