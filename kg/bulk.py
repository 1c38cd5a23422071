"""Bulk loading on every core: line-based RDF files cut into pieces loaded side by side.

One call of Oxigraph's bulk loader keeps one core busy (14.6 s of CPU for 15 s of wall clock on
10^6 quads, of which parsing is 1.2 s; the rest is sorting and writing its index files). The
loader releases the GIL and concurrent loads into one store are safe, so N-Triples and N-Quads
files, where every line stands alone, are cut at line ends into pieces that threads load at the
same time: 62,000 → 120,000–139,000 quads/s on two cores (`bench/store_speed.py`).

Blank-node labels are scoped to one loader call (each call renames them), so a file that may
hold blank nodes (any ``_:`` in it, even inside a literal) is loaded whole, by one call.
"""

from __future__ import annotations

import io
import itertools
import mmap
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.resources import available_cores

__all__ = ["Piece", "bulk_load_pieces", "default_threads", "pieces"]

#: Formats where each line is a statement on its own.
LINE_FORMATS = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)
#: No piece smaller than this: each loader call writes its own index files.
MIN_PIECE_BYTES = 8 << 20


@dataclass(frozen=True)
class Piece:
    """Bytes ``[start, end)`` of ``path`` from a line start (``end=None``: the whole file)."""

    path: Path
    start: int = 0
    end: int | None = None

    def describe(self) -> str:
        if self.end is None:
            return str(self.path)
        return f"{self.path} (bytes {self.start:,}–{self.end:,})"


def default_threads() -> int:
    """One loader per core, plus one: a loader also waits for its file writes (measured: 3
    threads load 10^6 quads faster than 2 on two cores)."""
    return available_cores() + 1


def pieces(paths: Sequence[Path], format: ox.RdfFormat, threads: int) -> list[Piece]:
    """Cut ``paths`` into about ``threads`` pieces of work, largest first.

    Files in other formats than N-Triples/N-Quads, small files and files with ``_:`` stay whole.
    """
    sizes = {path: path.stat().st_size for path in paths}
    total = sum(sizes.values())
    target = max(MIN_PIECE_BYTES, -(-total // max(threads, 1)))
    out: list[Piece] = []
    for path in paths:
        size = sizes[path]
        parts = -(-size // target) if format in LINE_FORMATS else 1  # ceil: one file, N pieces
        if parts < 2 or _may_hold_blank_nodes(path):
            out.append(Piece(path))
            continue
        out.extend(Piece(path, start, end) for start, end in _line_cuts(path, size, parts))
    return sorted(out, key=lambda p: -((p.end or sizes[p.path]) - p.start))


def bulk_load_pieces(
    store: ox.Store,
    work: Sequence[Piece],
    *,
    format: ox.RdfFormat,
    lenient: bool,
    threads: int,
) -> None:
    """Load every piece into ``store``, ``threads`` loader calls at a time.

    Raises the first loader error, as :class:`PieceError` naming the piece.
    """
    if len(work) == 1 or threads <= 1:
        for piece in work:
            _load(store, piece, format, lenient)
        return
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="kg-bulk") as pool:
        futures = [pool.submit(_load, store, piece, format, lenient) for piece in work]
        for future in futures:
            future.result()


class PieceError(Exception):
    """A loader call failed on one piece of an input file."""

    def __init__(self, piece: Piece, error: BaseException) -> None:
        super().__init__(f"{piece.describe()}: {error}")
        self.piece = piece
        self.error = error


def _load(store: ox.Store, piece: Piece, format: ox.RdfFormat, lenient: bool) -> None:
    try:
        if piece.end is None:
            store.bulk_load(path=str(piece.path), format=format, lenient=lenient)
            return
        with _RangeReader.open(piece) as reader:
            store.bulk_load(reader, format=format, lenient=lenient)
    except (OSError, SyntaxError, ValueError, RuntimeError) as error:
        raise PieceError(piece, error) from error


def _may_hold_blank_nodes(path: Path) -> bool:
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as m:
        return m.find(b"_:") >= 0


def _line_cuts(path: Path, size: int, parts: int) -> list[tuple[int, int]]:
    """``parts`` byte ranges of about equal size, each starting after a newline."""
    points = [0]
    with path.open("rb") as handle:
        for i in range(1, parts):
            handle.seek(max(size * i // parts, points[-1]))
            handle.readline()
            if handle.tell() < size:
                points.append(handle.tell())
    points.append(size)
    return [(a, b) for a, b in itertools.pairwise(points) if b > a]


class _RangeReader(io.RawIOBase):
    """A byte range of a file as a raw binary stream (``os.pread``, so threads share no offset)."""

    def __init__(self, fd: int, start: int, end: int) -> None:
        super().__init__()
        self._fd, self._pos, self._end = fd, start, end

    @classmethod
    def open(cls, piece: Piece) -> io.BufferedReader:
        assert piece.end is not None
        fd = os.open(piece.path, os.O_RDONLY)
        raw = cls(fd, piece.start, piece.end)
        return io.BufferedReader(raw, buffer_size=1 << 20)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        size = min(len(buffer), self._end - self._pos)
        if size <= 0:
            return 0
        data = os.pread(self._fd, size, self._pos)
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def close(self) -> None:
        if not self.closed:
            os.close(self._fd)
        super().close()
