"""Catalog maintenance used by ``make translations`` and by the translation tests.

English source strings are the message ids, so the English catalog is complete when every
message has its own text as translation; this fills those in. The Vietnamese catalog is
translated by people: the tests fail while any message lacks a translation.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def fill_english(path: Path) -> int:
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            if not all(message.string or ()):
                message.string = tuple(message.id)
                filled += 1
        elif not message.string:
            message.string = message.id
            filled += 1
        message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True)
    return filled


def untranslated(path: Path, locale: str) -> list[str]:
    """Message ids without a (non-fuzzy) translation."""
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else [message.string]
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "fill-english":
        print(f"English catalog: filled {fill_english(Path(argv[1]))} messages")
        return 0
    if len(argv) == 3 and argv[0] == "untranslated":
        missing = untranslated(Path(argv[1]), argv[2])
        print("\n".join(missing))
        return 1 if missing else 0
    print("usage: python -m diaspora.i18n_tools fill-english PO | untranslated PO LOCALE")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
