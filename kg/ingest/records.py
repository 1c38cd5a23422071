"""The records ``kg.ingest`` hands to the rest of the pipeline.

``Document`` is one article ready for NLP, ``Problem`` is an input that could not be read, and
``OffsetMap`` maps every index of a normalised text back to the original decoded text of the file.

An ``OffsetMap`` is piecewise linear: between two breakpoints the normalised text is a 1:1 copy
(possibly with characters folded, e.g. full-width ``Ａ`` to ``A``) of a contiguous run of the
original, so only the places where characters were dropped or inserted cost memory.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class OffsetMap:
    """Maps an index of a normalised text (``0..length`` inclusive) to an index of the original.

    Segment ``k`` starts at normalised index ``starts[k]`` and original index ``origins[k]``;
    inside a segment the mapping is ``origins[k] + (i - starts[k])``. Index ``length`` (the end of
    the text) maps to ``end``. The mapping is non-decreasing.
    """

    starts: tuple[int, ...]
    origins: tuple[int, ...]
    length: int
    end: int

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        """The map of a text that was not changed at all."""
        return cls((0,), (0,), length, length)

    def to_original(self, i: int) -> int:
        """The original index of normalised index ``i`` (``0 <= i <= length``)."""
        if i < 0 or i > self.length:
            raise IndexError(f"offset {i} outside 0..{self.length}")
        if i == self.length:
            return self.end
        k = bisect_right(self.starts, i) - 1
        return self.origins[k] + (i - self.starts[k])

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """The original span ``(s, e)`` covering normalised ``text[start:end]``.

        The end is taken just after the original of the span's last character, so a span that
        ends before a removed line break does not swallow it.
        """
        if not 0 <= start <= end <= self.length:
            raise IndexError(f"span {start}:{end} outside 0..{self.length}")
        s = self.to_original(start)
        if end == start:
            return s, s
        return s, self.to_original(end - 1) + 1

    def segments(self, start: int, end: int) -> list[tuple[int, int, int]]:
        """The linear pieces ``(norm_start, norm_end, orig_start)`` of ``[start, end)``."""
        out: list[tuple[int, int, int]] = []
        if start >= end:
            return out
        k = bisect_right(self.starts, start) - 1
        pos = start
        while pos < end:
            seg_end = self.starts[k + 1] if k + 1 < len(self.starts) else self.length
            stop = min(seg_end, end)
            out.append((pos, stop, self.origins[k] + (pos - self.starts[k])))
            pos = stop
            k += 1
        return out

    def then(self, outer: OffsetMap) -> OffsetMap:
        """The composition: map through ``self`` and then through ``outer``."""
        starts: list[int] = []
        origins: list[int] = []
        for k, start in enumerate(self.starts):
            stop = self.starts[k + 1] if k + 1 < len(self.starts) else self.length
            if stop <= start:
                continue
            origin = self.origins[k]
            for s, _e, o in outer.segments(origin, origin + (stop - start)):
                pos = start + (s - origin)
                if starts and origins[-1] + (pos - starts[-1]) == o:
                    continue
                starts.append(pos)
                origins.append(o)
        if not starts:
            return OffsetMap(
                (0,), (0,), self.length, outer.to_original(min(self.end, outer.length))
            )
        end = outer.to_original(min(self.end, outer.length))
        return OffsetMap(tuple(starts), tuple(origins), self.length, end)


class OffsetBuilder:
    """Accumulates a text piece by piece together with its ``OffsetMap``."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._starts: list[int] = []
        self._origins: list[int] = []
        self._pos = 0

    @property
    def length(self) -> int:
        return self._pos

    def last_char(self) -> str:
        """The last character added so far, or ``""``."""
        for part in reversed(self._parts):
            if part:
                return part[-1]
        return ""

    def add(self, piece: str, origin: int) -> None:
        """Append ``piece``, whose characters come 1:1 from ``original[origin:]``."""
        if not piece:
            return
        if self._starts:
            k = len(self._starts) - 1
            continues = origin - self._origins[k] == self._pos - self._starts[k]
        else:
            continues = False
        if not continues:
            self._starts.append(self._pos)
            self._origins.append(origin)
        self._parts.append(piece)
        self._pos += len(piece)

    def add_mapped(self, text: str, mapping: OffsetMap, start: int, end: int) -> None:
        """Append ``text[start:end]`` of a text whose map into the original is ``mapping``."""
        if start >= end:
            return
        starts = mapping.starts
        k = bisect_right(starts, start) - 1
        if k + 1 >= len(starts) or starts[k + 1] >= end:  # one segment: the common case
            self.add(text[start:end], mapping.origins[k] + (start - starts[k]))
            return
        for s, e, origin in mapping.segments(start, end):
            self.add(text[s:e], origin)

    def build(self) -> tuple[str, OffsetMap]:
        text = "".join(self._parts)
        if not self._starts:
            return text, OffsetMap((0,), (0,), 0, 0)
        end = self._origins[-1] + (self._pos - self._starts[-1])
        return text, OffsetMap(tuple(self._starts), tuple(self._origins), self._pos, end)


@dataclass(frozen=True)
class Document:
    """One article, ready for NLP."""

    id: str
    text: str
    title: str | None
    authors: tuple[str, ...]
    source: str | None
    date: str | None
    url: str | None
    path: str
    offsets: OffsetMap = field(repr=False)
    content_hash: str


@dataclass(frozen=True)
class Problem:
    """Something that could not be read; never raised silently."""

    path: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.reason}"


def content_hash(
    text: str,
    title: str | None,
    authors: Sequence[str],
    source: str | None,
    date: str | None,
    url: str | None,
) -> str:
    """The sha256 (hex) of the text and its metadata, unambiguous thanks to a JSON encoding."""
    payload = json.dumps(
        [text, title, list(authors), source, date, url], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def make_document(
    *,
    id: str,
    text: str,
    offsets: OffsetMap,
    path: str,
    title: str | None = None,
    authors: Sequence[str] = (),
    source: str | None = None,
    date: str | None = None,
    url: str | None = None,
) -> Document:
    """Build a ``Document`` and compute its ``content_hash``."""
    authors_t = tuple(authors)
    return Document(
        id=id,
        text=text,
        title=title,
        authors=authors_t,
        source=source,
        date=date,
        url=url,
        path=path,
        offsets=offsets,
        content_hash=content_hash(text, title, authors_t, source, date, url),
    )
