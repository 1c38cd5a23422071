"""Turn the bytes of an input file into text, or say clearly why that is not possible.

Order of attempts (first success wins):

1. a byte-order mark: UTF-8, UTF-32 LE/BE, UTF-16 LE/BE;
2. strict UTF-8 (also plain ASCII);
3. BOM-less UTF-16 when the byte pattern is unmistakable (one byte of each pair stays in the
   ranges of ASCII, CJK punctuation or CJK ideographs);
4. NUL bytes left at this point mean a binary file;
5. strict GB18030 (a superset of GBK and GB2312) when the result looks like Chinese text;
6. charset-normalizer's best guess;
7. GB18030 again, accepted even if it looks odd, rather than losing the file.

charset-normalizer alone misjudges short Chinese texts, which is why it only comes after the
two encodings Chinese news actually uses.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass

logger = logging.getLogger(__name__)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# C0 control characters other than tab, line feed, vertical tab, form feed, carriage return
# and escape: text files practically never contain them.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]{2,30})""", re.I
)


_BINARY = "contains NUL or control bytes: a binary file, not text; remove it from the input"


def _too_many_controls(text: str) -> bool:
    sample = text[:100_000]
    return len(_CONTROL.findall(sample)) > max(3, len(sample) // 100)


@dataclass(frozen=True)
class Decoded:
    """A successfully decoded file."""

    text: str
    encoding: str


class DecodeError(ValueError):
    """The bytes are not text; the message says why and what to do."""


def _utf16_high_byte_share(data: bytes, offset: int) -> float:
    """Share of the bytes at ``offset::2`` that are plausible high bytes of UTF-16 text."""
    sample = data[offset:200_000:2]
    if not sample:
        return 0.0
    good = sum(
        1 for b in sample if b == 0x00 or b == 0x20 or b == 0x30 or b == 0xFF or 0x4E <= b <= 0x9F
    )
    return good / len(sample)


def _looks_like_utf16(data: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` when BOM-less data is clearly UTF-16, else ``None``."""
    if len(data) < 4 or len(data) % 2:
        return None
    le, be = _utf16_high_byte_share(data, 1), _utf16_high_byte_share(data, 0)
    for share, other, name in ((le, be, "utf-16-le"), (be, le, "utf-16-be")):
        if share >= 0.95 and other < 0.9:
            try:
                text = data.decode(name)
            except UnicodeDecodeError:
                continue
            high = data[1::2] if name == "utf-16-le" else data[0::2]
            if not _CONTROL.search(text) and (0 in high or _plausible_chinese(text)):
                return name
    return None


def _plausible_chinese(text: str) -> bool:
    """True when a GB18030 decoding looks like real text (mostly GB2312 ideographs)."""
    if _CONTROL.search(text):
        return False
    sample = text[:20_000]
    cjk = _CJK.findall(sample)
    if not cjk:
        # no ideographs: only accept if the non-ASCII part is tiny
        non_ascii = sum(1 for c in sample if ord(c) > 0x7F)
        return non_ascii <= max(2, len(sample) // 50)
    common = 0
    for ch in cjk:
        try:
            ch.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common / len(cjk) >= 0.8


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_bytes(data: bytes, *, html: bool = False) -> Decoded:
    """Decode ``data``; raise :class:`DecodeError` (with the cause) when it is not text.

    With ``html=True`` a ``<meta charset>`` declaration is honoured when it decodes cleanly.
    """
    if not data:
        raise DecodeError("the file is empty; remove it or give it some text")
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(name), name)
            except UnicodeDecodeError as exc:
                raise DecodeError(
                    f"starts with a {name} byte-order mark but is not valid {name} ({exc.reason} "
                    f"at byte {exc.start}); re-save the file as UTF-8"
                ) from exc
    if html:
        declared = _declared_charset(data)
        if declared and declared not in {"utf-8", "ascii"}:
            try:
                text = data.decode(declared)
            except (UnicodeDecodeError, LookupError):
                pass
            else:
                if not _CONTROL.search(text):
                    return Decoded(text, declared)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if "\x00" in text or _too_many_controls(text):
            raise DecodeError(_BINARY)
        return Decoded(text, "utf-8")
    utf16 = _looks_like_utf16(data)
    if utf16:
        return Decoded(data.decode(utf16), utf16)
    if b"\x00" in data:
        raise DecodeError(_BINARY)
    gb_text: str | None
    try:
        gb_text = data.decode("gb18030")
    except UnicodeDecodeError:
        gb_text = None
    if gb_text is not None and _plausible_chinese(gb_text):
        return Decoded(gb_text, "gb18030")
    guess = _charset_normalizer_guess(data)
    if guess is not None:
        return guess
    if gb_text is not None and not _CONTROL.search(gb_text):
        logger.warning("decoded as GB18030 although the result looks unusual")
        return Decoded(gb_text, "gb18030")
    raise DecodeError(
        "cannot detect the text encoding (not UTF-8, UTF-16 or GB18030); it may be a binary "
        "file; re-save it as UTF-8"
    )


def _charset_normalizer_guess(data: bytes) -> Decoded | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - it is a declared dependency
        return None
    best = from_bytes(data[:1_000_000]).best()
    if best is None or best.encoding is None:
        return None
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    if _CONTROL.search(text):
        return None
    return Decoded(text, best.encoding)
