"""Query parameters of the API's list endpoints: a parameter an endpoint does not read is refused.

A misspelt filter (``?contry=JP``) that is silently ignored returns the whole list, and the client
believes it filtered. Every list endpoint that takes filters names the parameters it reads, and
answers any other one with 422 and a message under that parameter's name, beside the messages
about the values it could not read, so that one answer lists everything to fix.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping

from flask_babel import lazy_gettext as _l

MAX_NAMED = 10  # unknown parameters named in one answer
MAX_NAME_LENGTH = 40  # characters of an unknown parameter's name repeated back


def unknown_parameters(args: Mapping, known: Collection[str]) -> dict[str, list]:
    """A message per query parameter that is not in ``known``, keyed by its name (the first
    ``MAX_NAMED`` in alphabetical order); a close known name is suggested."""
    errors: dict[str, list] = {}
    for name in sorted(name for name in args if name not in known)[:MAX_NAMED]:
        close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
        if close:
            message = _l(
                "This list does not accept this parameter; did you mean “%(name)s”?",
                name=close[0],
            )
        else:
            message = _l(
                "This list does not accept this parameter; /api/v1/openapi.json lists the ones "
                "it does."
            )
        errors[name[:MAX_NAME_LENGTH]] = [message]
    return errors
