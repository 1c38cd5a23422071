"""Normalise text without losing the way back to the original.

Two steps, both returning the text together with an :class:`~kg.ingest.records.OffsetMap`:

* :func:`normalize_chars` works character by character and keeps the line structure:
  ``\\r\\n``/``\\r`` become ``\\n``; full-width ASCII letters, digits and symbols (``Ａ``, ``０``,
  ``＃``...) are folded to ASCII, except the punctuation Chinese typesetting uses natively
  (``，：；！？（）`` stay full-width); NBSP, ideographic and other odd spaces become ``" "``;
  zero-width characters, soft hyphens and control characters are dropped.
* :func:`assemble` turns a sequence of lines into paragraphs: hard line breaks inside a sentence
  are rejoined (a line that does not end with sentence-final punctuation continues on the next
  body line, even across blank lines), paragraphs are separated by a single ``\\n``, spaces next to
  CJK characters are removed (``2025 年`` → ``2025年``) and runs of spaces between Latin words
  become one. Heading lines are never joined and keep their separating spaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kg.ingest.records import OffsetBuilder, OffsetMap

#: full-width punctuation that Chinese text uses natively and that is therefore kept as is
KEEP_FULLWIDTH = frozenset("！（），：；？")
#: characters that end a paragraph; a line ending otherwise continues on the next line
TERMINAL = frozenset("。！？!?…．.：:—~～")
#: closing quotes and brackets: they end a paragraph only after a TERMINAL character
#: (``…重视。”``), or when the whole line is bracketed (``（完）``), not in ``“天龙三号”``
CLOSERS = frozenset("”』」）)】’\"'》")
_OPENERS = frozenset("“『「（(【‘\"'《")
#: characters a line cannot start with (Chinese line-breaking rules): such a line continues
NO_LINE_START = frozenset("”』」）)】’》，。、；：！？,.;:!?…%％")

# dropped characters: zero-width, BOM, soft hyphen, C0/C1 controls other than \t \n \v \f \r;
# and the \r of a \r\n pair
_DROP = re.compile("\r(?=\n)|[\u200b-\u200d\u2060\ufeff\u00ad\x00-\x08\x0e-\x1f\x7f-\x9f]+")
# 1:1 replacements, applied with str.translate (fast, keeps every offset)
_TABLE: dict[int, str] = {c: " " for c in map(ord, "\t\u00a0\u1680\u202f\u205f\u3000")}
_TABLE.update({c: " " for c in range(0x2000, 0x200B)})
_TABLE.update({ord(c): "\n" for c in "\r\u2028\u2029\f\v"})
_TABLE.update({c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F) if chr(c) not in KEEP_FULLWIDTH})
_FOLDABLE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_TABLE)) + "]+")
_SPACE_RUN = re.compile(" +")
_WIDE = re.compile("[\u2e80-\u2fff\u3001-\U0010ffff]")
_LINE = re.compile(r"[^\n]+")


def is_wide(ch: str) -> bool:
    """True for CJK ideographs, kana, hangul, CJK punctuation and full-width forms."""
    return ch >= "\u2e80" and ch != "\u3000"


def ends_sentence(text: str) -> bool:
    """True when ``text`` ends with paragraph-final punctuation."""
    if not text:
        return False
    if text[-1] in TERMINAL:
        return True
    if text[-1] not in CLOSERS:
        return False
    if text[0] in _OPENERS and len(text) <= 40:
        return True  # a bracketed line: （完）, 【编者按】
    core = text.rstrip("".join(CLOSERS))
    return bool(core) and core[-1] in TERMINAL


def normalize_chars(text: str) -> tuple[str, OffsetMap]:
    """Fold characters (see the module docstring); the line structure is kept."""
    folded = _FOLDABLE.sub(lambda m: m.group().translate(_TABLE), text)
    builder = OffsetBuilder()
    pos = 0
    for match in _DROP.finditer(text):
        start, end = match.span()
        if start > pos:
            builder.add(folded[pos:start], pos)
        pos = end
    if pos < len(text):
        builder.add(folded[pos:], pos)
    return builder.build()


@dataclass(frozen=True)
class Line:
    """A stripped, non-empty line: ``text[start:end]`` of a normalised text."""

    number: int  # 0-based line number in the normalised text
    start: int
    end: int
    text: str


def iter_lines(text: str) -> Iterable[Line]:
    """The non-blank lines of ``text``, stripped, with their offsets and 0-based numbers."""
    number = 0
    last = 0
    for match in _LINE.finditer(text):
        number += text.count("\n", last, match.start())
        last = match.start()
        raw = match.group()
        stripped = raw.strip()
        if not stripped:
            continue
        lead = len(raw) - len(raw.lstrip())
        start = match.start() + lead
        yield Line(number, start, start + len(stripped), stripped)


def add_line(
    builder: OffsetBuilder, text: str, mapping: OffsetMap, line: Line, *, keep_spaces: bool
) -> None:
    """Append ``line`` with the space policy: collapse runs; drop spaces next to wide chars."""
    pos = line.start
    for match in _SPACE_RUN.finditer(text, line.start, line.end):
        s, e = match.span()
        builder.add_mapped(text, mapping, pos, s)
        left = text[s - 1] if s > line.start else ""
        right = text[e] if e < line.end else ""
        if left and right and (keep_spaces or not (is_wide(left) or is_wide(right))):
            builder.add(" ", mapping.to_original(s))
        pos = e
    builder.add_mapped(text, mapping, pos, line.end)


@dataclass(frozen=True)
class Piece:
    """One line to assemble; headings are kept as paragraphs of their own."""

    line: Line
    heading: bool = False


def _narrow_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def mostly_latin(text: str) -> bool:
    """True when fewer than half of the (first 10,000) characters are wide (CJK)."""
    sample = text[:10_000]
    return len(_WIDE.findall(sample)) * 2 < len(sample)


def continues(prev: str, nxt: str) -> bool:
    """Whether line ``nxt`` continues the sentence of line ``prev`` (both stripped, non-empty)."""
    if prev[-1] in ".．" and nxt[0].isdigit():
        return True  # a decimal number cut in two: 3. / 6万亿元
    return not ends_sentence(prev) or nxt[0] in NO_LINE_START


def assemble(
    text: str, mapping: OffsetMap, pieces: Sequence[Piece], *, latin: bool | None = None
) -> tuple[str, OffsetMap]:
    """Join ``pieces`` of ``text`` into paragraphs (see the module docstring).

    ``latin`` (computed from ``text`` if omitted) says whether lines joined between two Latin
    letters or digits get a space.
    """
    out = OffsetBuilder()
    if latin is None:
        latin = mostly_latin(text)
    prev: Piece | None = None
    for piece in pieces:
        line = piece.line
        if prev is not None:
            sep_origin = mapping.to_original(min(prev.line.end, mapping.length))
            joined = not (prev.heading or piece.heading) and continues(prev.line.text, line.text)
            if not joined:
                out.add("\n", sep_origin)
            elif latin and _narrow_word(out.last_char()) and _narrow_word(line.text[0]):
                out.add(" ", sep_origin)
        add_line(out, text, mapping, line, keep_spaces=piece.heading)
        prev = piece
    return out.build()


def is_heading_like(text: str, max_len: int = 40) -> bool:
    """A short line without clause punctuation that does not end a sentence: a headline shape."""
    if not 2 <= len(text) <= max_len:
        return False
    if any(c in "，。；;," for c in text):
        return False
    if text[-1] in "、，,：:（(“《.．":
        return False
    return sum(1 for c in text if c.isalnum()) >= 2


def repair_text(text: str) -> tuple[str, OffsetMap]:
    """Normalise characters and rejoin broken lines of a plain text (no article splitting)."""
    norm, mapping = normalize_chars(text)
    pieces = []
    lines = list(iter_lines(norm))
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        heading = (
            is_heading_like(line.text)
            and nxt is not None
            and not is_heading_like(nxt.text)
            and (i == 0 or ends_sentence(lines[i - 1].text))
        )
        pieces.append(Piece(line, heading))
    return assemble(norm, mapping, pieces)
