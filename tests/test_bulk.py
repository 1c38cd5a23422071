"""Bulk loading in pieces (kg.bulk): same quads as one loader call, blank nodes kept whole."""

from __future__ import annotations

import itertools
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import bulk
from kg.errors import StoreError
from kg.store import Store

NQ = ox.RdfFormat.N_QUADS


def _write_nquads(path: Path, articles: int) -> set[ox.Quad]:
    quads = {
        ox.Quad(
            ox.NamedNode(f"https://example.org/e/{a}-{i}"),
            ox.NamedNode("https://schema.org/name"),
            ox.Literal(f"实体 {a} {i} “引号” \\ 换行\n"),
            ox.NamedNode(f"https://example.org/graph/{a}"),
        )
        for a in range(articles)
        for i in range(20)
    }
    path.write_bytes(ox.serialize(quads, format=NQ) or b"")
    return quads


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "MIN_PIECE_BYTES", 512)


@pytest.mark.usefixtures("small_pieces")
@pytest.mark.parametrize("threads", [2, 3, 4])
def test_pieces_start_at_lines_and_cover_the_file(tmp_path: Path, threads: int) -> None:
    path = tmp_path / "a.nq"
    _write_nquads(path, 30)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("# xy\n")  # a size no thread count divides
    work = bulk.pieces([path], NQ, threads=threads)
    assert len(work) == threads  # one file: one piece per loader
    data = path.read_bytes()
    ranges = sorted((p.start, p.end) for p in work)
    assert ranges[0][0] == 0 and ranges[-1][1] == len(data)
    for (_, end), (start, _) in itertools.pairwise(ranges):
        assert end == start and data[start - 1 : start] == b"\n"


@pytest.mark.usefixtures("small_pieces")
@pytest.mark.parametrize("threads", [1, 3])
def test_loading_in_pieces_loads_every_quad(tmp_path: Path, threads: int) -> None:
    expected = _write_nquads(tmp_path / "a.nq", 40) | _write_nquads(tmp_path / "b.nq", 7)
    store = Store(None)
    store.bulk_load([tmp_path / "a.nq", tmp_path / "b.nq"], threads=threads, lenient=True)
    assert set(store.quads()) == expected


@pytest.mark.usefixtures("small_pieces")
def test_a_file_with_blank_nodes_is_loaded_whole(tmp_path: Path) -> None:
    path = tmp_path / "b.nt"
    lines = [f"_:x <https://example.org/p> <https://example.org/o{i}> .\n" for i in range(200)]
    path.write_text("".join(lines), encoding="utf-8")
    assert bulk.pieces([path], ox.RdfFormat.N_TRIPLES, threads=4) == [bulk.Piece(path)]
    store = Store(None)
    store.bulk_load(path, threads=4)
    assert len({q.subject for q in store.quads()}) == 1  # still one node


@pytest.mark.usefixtures("small_pieces")
def test_turtle_is_not_cut(tmp_path: Path) -> None:
    path = tmp_path / "a.ttl"
    path.write_text("@prefix ex: <https://example.org/> .\n" * 100 + "ex:a ex:b ex:c .\n")
    assert bulk.pieces([path], ox.RdfFormat.TURTLE, threads=4) == [bulk.Piece(path)]


@pytest.mark.usefixtures("small_pieces")
def test_a_syntax_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.nq"
    _write_nquads(path, 30)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("<https://example.org/s> not a quad .\n")
    with pytest.raises(StoreError, match=r"bad\.nq"):
        Store(None).bulk_load(path, threads=2)


def test_unknown_extension_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="format"):
        Store(None).bulk_load(tmp_path / "data.bin")
    with pytest.raises(StoreError, match="No such file"):
        Store(None).bulk_load(tmp_path / "missing.nq")
