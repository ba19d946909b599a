"""Text encodings of uploaded CSV files, including the legacy Vietnamese ones.

UTF-8 (with or without BOM) and UTF-16 are read as they are. Other bytes are Windows-1258 or
Windows-1252 (1258 when the text has Vietnamese tone marks or reads better that way), or
text typed with the pre-Unicode fonts still found in old government spreadsheets: TCVN3 (ABC,
".VnTime") and VNI ("VNI-Times"). Those fonts drew Vietnamese letters over Windows-1252 codes, so
the same text also turns up inside UTF-8 files and Excel cells as "NguyÔn V¨n §øc" (TCVN3) or
"Nguyeãn Vaên Ñöùc" (VNI). ``decode`` and ``repair`` find them by how plausible the words are
as Vietnamese syllables, convert them, and refuse files that mix encodings.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from diaspora.errors import ValidationFailed

# TCVN 5712:1993 bytes 0xA1-0xFF (as glibc's TCVN5712-1 maps them); below 0xA1 is Windows-1252.
_TCVN3_HIGH = (
    "\u0102\xc2\xca\xd4\u01a0\u01af\u0110\u0103\xe2\xea\xf4\u01a1\u01b0\u0111\u1eb0\u0300"
    "\u0309\u0303\u0301\u0323\xe0\u1ea3\xe3\xe1\u1ea1\u1eb2\u1eb1\u1eb3\u1eb5\u1eaf\u1eb4"
    "\u1eae\u1ea6\u1ea8\u1eaa\u1ea4\u1ec0\u1eb7\u1ea7\u1ea9\u1eab\u1ea5\u1ead\xe8\u1ec2"
    "\u1ebb\u1ebd\xe9\u1eb9\u1ec1\u1ec3\u1ec5\u1ebf\u1ec7\xec\u1ec9\u1ec4\u1ebe\u1ed2"
    "\u0129\xed\u1ecb\xf2\u1ed4\u1ecf\xf5\xf3\u1ecd\u1ed3\u1ed5\u1ed7\u1ed1\u1ed9\u1edd"
    "\u1edf\u1ee1\u1edb\u1ee3\xf9\u1ed6\u1ee7\u0169\xfa\u1ee5\u1eeb\u1eed\u1eef\u1ee9"
    "\u1ef1\u1ef3\u1ef7\u1ef9\xfd\u1ef5\u1ed0"
)
TCVN3_DECODE = {0xA1 + index: char for index, char in enumerate(_TCVN3_HIGH)}

_TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # none, sắc, huyền, hỏi, ngã, nặng
_VNI_TONE = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_CIRCUMFLEX = {
    "": "â",
    "\u0301": "á",
    "\u0300": "à",
    "\u0309": "å",
    "\u0303": "ã",
    "\u0323": "ä",
}
_VNI_BREVE = {"": "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_VNI_I = {"": "i", "\u0301": "í", "\u0300": "ì", "\u0309": "æ", "\u0303": "ó", "\u0323": "ò"}


def _vni_pairs() -> dict[str, str]:
    """Every Vietnamese letter (lower and upper case) as VNI writes it."""
    pairs: dict[str, str] = {"đ": "ñ", "Đ": "Ñ"}
    for tone in _TONES:
        for base in "aeouy":
            if tone:
                pairs[unicodedata.normalize("NFC", base + tone)] = base + _VNI_TONE[tone]
        for base in "aeo":
            pairs[unicodedata.normalize("NFC", base + "\u0302" + tone)] = (
                base + _VNI_CIRCUMFLEX[tone]
            )
        pairs[unicodedata.normalize("NFC", "a\u0306" + tone)] = "a" + _VNI_BREVE[tone]
        pairs[unicodedata.normalize("NFC", "o\u031b" + tone)] = "ô" + (_VNI_TONE.get(tone, ""))
        pairs[unicodedata.normalize("NFC", "u\u031b" + tone)] = "ö" + (_VNI_TONE.get(tone, ""))
        if tone:
            pairs[unicodedata.normalize("NFC", "i" + tone)] = _VNI_I[tone]
    upper = {letter.upper(): vni.upper() for letter, vni in pairs.items()}
    return {**pairs, **upper}


VNI_ENCODE = _vni_pairs()
VNI_DECODE = {vni: letter for letter, vni in VNI_ENCODE.items()}
_VNI_PATTERN = re.compile(
    "|".join(re.escape(key) for key in sorted(VNI_DECODE, key=len, reverse=True))
)
VIETNAMESE_LETTERS = frozenset(VNI_ENCODE)
_TONED = frozenset(
    letter
    for letter in VIETNAMESE_LETTERS
    if any(mark in unicodedata.normalize("NFD", letter) for mark in _TONES[1:])
)
TCVN3_ENCODE = {char: byte for byte, char in TCVN3_DECODE.items()}
_WORD = re.compile(r"\S+")

UTF8, UTF8_BOM, UTF16, CP1252, CP1258, TCVN3, VNI = (
    "UTF-8", "UTF-8 (BOM)", "UTF-16", "Windows-1252", "Windows-1258", "TCVN3 (ABC)", "VNI",
)  # fmt: skip
LEGACY = (TCVN3, VNI)


def decode_tcvn3(data: bytes) -> str:
    text = "".join(
        TCVN3_DECODE.get(byte) or bytes([byte]).decode("cp1252", "replace") for byte in data
    )
    return unicodedata.normalize("NFC", text)


def encode_tcvn3(text: str) -> bytes:
    """Unicode as the TCVN3 fonts stored it (tests, and showing officers what was found)."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        if char in TCVN3_ENCODE:
            out.append(TCVN3_ENCODE[char])
        elif char.lower() in TCVN3_ENCODE and char not in "ĂÂÊÔƠƯĐ":
            out.append(TCVN3_ENCODE[char.lower()])  # capitals came from the ".VnTimeH" fonts
        else:
            out += char.encode("cp1252")
    return bytes(out)


def decode_vni(text: str) -> str:
    return unicodedata.normalize("NFC", _VNI_PATTERN.sub(lambda m: VNI_DECODE[m.group(0)], text))


def encode_vni(text: str) -> str:
    return "".join(VNI_ENCODE.get(char, char) for char in unicodedata.normalize("NFC", text))


def _plausible(word: str) -> bool:
    """A word that could be Vietnamese (or plain ASCII): letters from the Vietnamese alphabet,
    at most one tone mark, no capital letter after a small one."""
    letters = [char for char in word if char.isalpha()]
    if not letters:
        return True
    toned = 0
    previous_lower = False
    for char in letters:
        if ord(char) > 127:
            if char not in VIETNAMESE_LETTERS:
                return False
            toned += char in _TONED
        if char.isupper() and previous_lower:
            return False
        previous_lower = char.islower()
    return toned <= 1 and all(
        char.isalpha() or char in "-'.,;:()/&" or char.isdigit() for char in word
    )


def score(text: str) -> int:
    """Plausible minus implausible words, counting only words with letters beyond ASCII."""
    total = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        total += 1 if _plausible(word) else -1
    return total


def convert_legacy(text: str, name: str) -> str:
    """Text typed with the legacy ``name`` font (TCVN3 or VNI) shown over Windows-1252, in
    Unicode; one cell at a time, once ``repair_text`` has judged the whole file."""
    raw = text.encode("cp1252", errors="replace")
    return decode_tcvn3(raw) if name == TCVN3 else decode_vni(text)


def _legacy_candidates(raw: bytes) -> dict[str, str]:
    latin = raw.decode("cp1252", errors="replace")
    return {TCVN3: decode_tcvn3(raw), VNI: decode_vni(latin)}


def _best_legacy(text: str, raw: bytes) -> tuple[str, str] | None:
    """The legacy reading of ``raw`` when it is clearly more Vietnamese than ``text``."""
    base = score(text)
    words = sum(1 for word in _WORD.findall(text) if not word.isascii())
    best = None
    for name, candidate in _legacy_candidates(raw).items():
        gain = score(candidate) - base
        if gain >= max(2, words // 3) and (best is None or gain > best[2]):
            best = (name, candidate, gain)
    return (best[0], best[1]) if best else None


@dataclass
class Decoded:
    text: str
    encoding: str
    notices: list = field(default_factory=list)


def _refuse(message) -> ValidationFailed:
    return ValidationFailed.single("file", message)


def _mixed_utf8(data: bytes) -> tuple[int, int] | None:
    """(a line in UTF-8, a line that is not) when a file mixes them."""
    good = bad = None
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            good = good or number
        except UnicodeDecodeError:
            bad = bad or number
        if good and bad:
            return good, bad
    return None


def _utf16(data: bytes) -> str | None:
    head = data[:2000]
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4 and head[0::2].count(0) == 0:
        return "utf-16-le"
    if len(head) >= 4 and head[0::2].count(0) > len(head) // 4 and head[1::2].count(0) == 0:
        return "utf-16-be"
    return None


def decode(data: bytes) -> Decoded:
    """The file's text, whatever it was saved as; refuses what cannot be read for sure."""
    if data.startswith(codecs.BOM_UTF8):
        return _checked(data[3:], "utf-8", UTF8_BOM)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _checked(data, "utf-16", UTF16)
    flavour = _utf16(data)
    if flavour:
        return _checked(data, flavour, UTF16)
    if b"\x00" in data:
        raise _refuse(_l("This file contains binary data; it is not a CSV text file."))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        mixed = _mixed_utf8(data)
        if mixed:
            raise _refuse(
                _l(
                    "The file mixes text encodings: line %(good)d is UTF-8 but line %(bad)d is "
                    "not. Save the whole file again as “CSV UTF-8” and upload it again.",
                    good=mixed[0],
                    bad=mixed[1],
                )
            ) from None
        return _single_byte(data)
    return repair_text(text, UTF8)


def _checked(data: bytes, codec: str, label: str) -> Decoded:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        raise _refuse(
            _l(
                "The file says it is %(encoding)s but contains bytes that are not; save it again "
                "as “CSV UTF-8”.",
                encoding=label,
            )
        ) from None
    return repair_text(text.lstrip("\ufeff"), label)


# A vowel followed by a combining tone mark: how Vietnamese Windows (1258) writes "ị", "ễ"…
# The same bytes in Windows-1252 are ì, Ì, ò, Ò, Þ, which Western text puts after consonants.
_CP1258_TONED = re.compile("[aăâeêioôơuưyAĂÂEÊIOÔƠUƯY][\u0300\u0301\u0303\u0309\u0323]")


def _windows(data: bytes) -> tuple[str, str]:
    """Windows-1258 when the text has Vietnamese tone marks, or reads as Vietnamese better
    that way (ư, ơ, ă, đ sit where Windows-1252 has ý, õ, ã, ð); otherwise Windows-1252, as
    Excel saves CSV files in Western European versions of Windows."""
    western = unicodedata.normalize("NFC", data.decode("cp1252", errors="replace"))
    raw = data.decode("cp1258", errors="replace")
    vietnamese = unicodedata.normalize("NFC", raw)
    if _CP1258_TONED.search(raw) or score(vietnamese) > score(western):
        return vietnamese, CP1258
    return western, CP1252


def _single_byte(data: bytes) -> Decoded:
    windows, label = _windows(data)
    legacy = _best_legacy(windows, data)
    if legacy is None:
        return Decoded(windows, label)
    name, text = legacy
    return _converted(text, name)


def _converted(text: str, name: str) -> Decoded:
    if score(text) < 0:
        raise _refuse(
            _l(
                "The text looks like it was typed with the legacy %(encoding)s fonts but could "
                "not be converted reliably. Convert it to Unicode (for example with UniKey's "
                "converter) and upload it again.",
                encoding=name,
            )
        )
    notice = _l(
        "The text was written in the legacy %(encoding)s encoding and has been converted to "
        "Unicode. Check the names in the preview.",
        encoding=name,
    )
    return Decoded(text, name, [notice])


def repair_text(text: str, label: str) -> Decoded:
    """Text already in Unicode that may hold TCVN3 or VNI letters (Excel cells, UTF-8 CSV)."""
    legacy_lines = modern_lines = 0
    first_legacy = first_modern = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.isascii():
            continue
        try:
            raw = line.encode("cp1252")
        except UnicodeEncodeError:
            if any(char in VIETNAMESE_LETTERS for char in line):
                modern_lines += 1
                first_modern = first_modern or number
            continue
        if _best_legacy(line, raw) is not None:
            legacy_lines += 1
            first_legacy = first_legacy or number
    if legacy_lines and modern_lines:
        raise _refuse(
            _l(
                "The file mixes Unicode text (line %(modern)d) with text in a legacy Vietnamese "
                "font encoding (line %(legacy)d). Convert the whole file to Unicode and upload "
                "it again.",
                modern=first_modern,
                legacy=first_legacy,
            )
        )
    if not legacy_lines:
        return Decoded(unicodedata.normalize("NFC", text), label)
    try:
        raw = text.encode("cp1252")
    except UnicodeEncodeError:
        return Decoded(unicodedata.normalize("NFC", text), label)
    legacy = _best_legacy(text, raw)
    if legacy is None:
        return Decoded(unicodedata.normalize("NFC", text), label)
    name, converted = legacy
    return _converted(converted, name)
