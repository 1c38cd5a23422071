"""Character-level text handling shared by NER training and inference.

Everything here keeps offsets: one input character maps to exactly one feature position, so
spans predicted on the features are spans of the original text.

- :func:`fold_char` folds full-width ASCII to half-width, unifies middle dots and maps digits
  to ``0`` and Latin letters to lower case (feature view only; the text itself is not changed;
  :func:`kg.link.names.fold_width` is the text-level width folding).
- :func:`chunk_bounds` cuts long texts into pieces at sentence punctuation, never inside a
  forbidden range (used to keep gold entities whole when training).
- :class:`Lexicon` gives per-character dictionary-word features (the idea behind Lattice-LSTM):
  the longest dictionary word that begins at / ends at the character and whether the character
  is inside one.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from kg.nlp.ner.features import LexiconIndex

MIDDLE_DOTS = "·・•‧･∙⋅•"
SENTENCE_END = "。！？!?；;\n"
CLAUSE_END = "，,、：:"
CLOSING_QUOTES = "”’\"'）)」』"
BOS = "<s>"
EOS = "</s>"
MAX_LEX_LEN = 8
LEX_LEN_CAP = 5


def _feature_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xFF01, 0xFF5F):
        table[code] = chr(code - 0xFEE0)
    for ch in " \t\n\r\f\v\u3000\u00a0\u2002\u2003\u2009":
        table[ord(ch)] = " "
    for ch in MIDDLE_DOTS:
        table[ord(ch)] = "·"
    for digit in "0123456789":
        table[ord(digit)] = "0"
        table[ord(digit) + 0xFEE0] = "0"
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        table[ord(letter)] = letter.lower()
        table[ord(letter) + 0xFEE0] = letter.lower()
    return table


FEATURE_TABLE = _feature_table()


def fold_char(ch: str) -> str:
    """The feature view of one character (width-folded, digits → 0, lower case, one middle dot)."""
    return ch.translate(FEATURE_TABLE)


def feature_chars(text: str) -> list[str]:
    """:func:`fold_char` applied to every character of ``text`` (same length as ``text``)."""
    return list(text.translate(FEATURE_TABLE))


def char_bigrams(chars: Sequence[str]) -> list[str]:
    """The bigram starting at each position (``chars[i] + chars[i+1]``, the last one with EOS)."""
    padded = [*list(chars), EOS]
    return [padded[i] + padded[i + 1] for i in range(len(chars))]


def chunk_bounds(
    text: str, max_len: int, forbidden: Iterable[tuple[int, int]] = ()
) -> list[tuple[int, int]]:
    """Split ``text`` into ``(start, end)`` pieces of at most ``max_len`` characters.

    Cuts come after sentence punctuation where possible, else after clause punctuation, else
    anywhere. No cut falls strictly inside a ``forbidden`` ``(start, end)`` range (a piece may then
    be longer than ``max_len``). Whitespace-only pieces are dropped.
    """
    n = len(text)
    blocked = bytearray(n + 1)
    for start, end in forbidden:
        for i in range(start + 1, min(end, n + 1)):
            blocked[i] = 1
    bounds: list[tuple[int, int]] = []
    start = 0
    while start < n:
        end = n if n - start <= max_len else _best_cut(text, start, start + max_len, blocked)
        if text[start:end].strip():
            bounds.append((start, end))
        start = end
    return bounds


def _best_cut(text: str, start: int, limit: int, blocked: bytearray) -> int:
    """The cut position in ``(start, limit]`` with the best punctuation, allowed by ``blocked``."""
    for marks in (SENTENCE_END, CLAUSE_END):
        for cut in range(limit, start + max(1, (limit - start) // 4), -1):
            if text[cut - 1] in marks and not blocked[cut]:
                return cut
    for cut in range(limit, start, -1):
        if not blocked[cut]:
            return cut
    cut = limit + 1
    while cut < len(text) and blocked[cut]:
        cut += 1
    return cut


def split_sentences(text: str, max_len: int) -> list[tuple[int, int]]:
    """Sentence pieces for inference: cut after every sentence end (and its closing quotes),
    then to ``max_len``."""
    pieces: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    i = 0
    while i < n:
        if text[i] in SENTENCE_END:
            end = i + 1
            while end < n and text[end] in CLOSING_QUOTES:
                end += 1
            pieces.append((start, end))
            start = i = end
        else:
            i += 1
    if start < n:
        pieces.append((start, n))
    out: list[tuple[int, int]] = []
    for s, e in pieces:
        if e - s <= max_len:
            if text[s:e].strip():
                out.append((s, e))
        else:
            out.extend((s + a, s + b) for a, b in chunk_bounds(text[s:e], max_len))
    return out


class Lexicon:
    """A set of dictionary words (length 2–8) with per-character match features."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words: set[str] = {w for w in words if 2 <= len(w) <= MAX_LEX_LEN}
        self._index: LexiconIndex | None = None

    @property
    def index(self) -> LexiconIndex:
        """The hashed index behind :meth:`features` (built on first use)."""
        if self._index is None:
            from kg.nlp.ner.features import LexiconIndex

            self._index = LexiconIndex(self.words)
        return self._index

    def __len__(self) -> int:
        return len(self.words)

    @classmethod
    def from_file(cls, path: Path) -> Lexicon:
        """Read one word per line (plain or ``.gz``)."""
        return cls.from_bytes(path.read_bytes(), gzipped=path.suffix == ".gz")

    @classmethod
    def from_bytes(cls, data: bytes, *, gzipped: bool) -> Lexicon:
        """Parse the bytes of a lexicon file."""
        return cls((gzip.decompress(data) if gzipped else data).decode("utf-8").split())

    def to_file(self, path: Path) -> None:
        """Write the words sorted, one per line, gzip-compressed (deterministic bytes)."""
        data = "\n".join(sorted(self.words)).encode("utf-8") + b"\n"
        with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as fh:
            fh.write(data)

    def features(self, chars: Sequence[str]) -> list[int]:
        """One id per character: ``(begin_len * 6 + end_len) * 2 + inside``.

        ``begin_len`` / ``end_len`` are the length of the longest dictionary word starting /
        ending at the character (0 for none, capped at 5); ``inside`` is 1 when the character is
        strictly inside a dictionary word. (Computed for whole batches by
        :class:`kg.nlp.ner.features.Featurizer`.)
        """
        from kg.nlp.ner.features import codepoints

        points = codepoints("".join(chars))
        return self.index.features(points, np.zeros(len(points), dtype=np.int64)).tolist()


LEX_FEATURE_SIZE = (LEX_LEN_CAP + 1) * (LEX_LEN_CAP + 1) * 2
