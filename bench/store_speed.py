"""Store writes: the same N-Quads file through ``Store.bulk_load``, ``Store.add`` (one
transaction per article, as a build writes) and rdflib's ``Dataset.parse``, in quads/s; and
:func:`incremental` updates of one article (run by :mod:`bench.query_speed` on its stores).

The baseline is ``Store.add``; every store is a fresh one on disk (rdflib: in memory).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench import Row, timer
from bench.synth import Generator, articles_for, cached_nquads

BULK_TARGET = 150_000  # quads/s


def _by_graph(path: Path) -> Iterator[list[Any]]:
    """The quads of ``path`` grouped by consecutive named graph (one article each)."""
    import pyoxigraph as ox

    group: list[Any] = []
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
        if group and quad.graph_name != group[0].graph_name:
            yield group
            group = []
        group.append(quad)
    if group:
        yield group


def store_writes(path: Path, quads: int, rdflib_quads: int) -> dict[str, float]:
    """Seconds for each way of loading ``path`` (``rdflib`` on its first ``rdflib_quads``)."""
    from kg.store import Store

    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="kg-bench-bulk-") as folder:
        store = Store(folder)
        with timer() as t:
            store.bulk_load(path)
            store.flush()
        seconds["bulk_load"] = t()
        assert len(store) == quads, (len(store), quads)
        del store
    with tempfile.TemporaryDirectory(prefix="kg-bench-add-") as folder:
        store = Store(folder)
        with timer() as t:
            for article in _by_graph(path):
                store.add(article)
            store.flush()
        seconds["add"] = t()
        assert len(store) == quads
        del store
    import rdflib

    head = path.with_name(path.stem + f"-head{rdflib_quads}.nq")
    with path.open("rb") as source, head.open("wb") as out:
        for n, line in enumerate(source):
            if n >= rdflib_quads:
                break
            out.write(line)
    dataset = rdflib.Dataset()
    with timer() as t:
        dataset.parse(str(head), format="nquads")
    seconds["rdflib"] = t()
    head.unlink()
    return seconds


def incremental(graph: Any, quads: int, generator: Generator) -> dict[str, Any]:
    """ms to add a new article, replace an existing one and delete one (30 times each), in a
    store (``graph``: a :class:`~kg.api.KnowledgeGraph`) filled from ``generator``."""
    import pyoxigraph as ox

    from kg.graph import vocab

    articles = articles_for(quads)
    store = graph.store
    times: dict[str, list[float]] = {"add": [], "replace": [], "delete": []}

    def parsed(lines: list[str]) -> list[ox.Quad]:
        return list(ox.parse(("\n".join(lines) + "\n").encode(), format=ox.RdfFormat.N_QUADS))

    for n in range(30):
        new = parsed(generator.article(articles + n))
        with timer() as t:
            store.replace_graph(vocab.article_graph(f"synth-{articles + n}"), new)
        times["add"].append(t() * 1000)
        old = 7 * n + 1
        changed = parsed(generator.article(old, variant=f"改{n}"))
        with timer() as t:
            store.replace_graph(vocab.article_graph(f"synth-{old}"), changed)
        times["replace"].append(t() * 1000)
        with timer() as t:
            assert graph.remove(f"synth-{7 * n + 3}")
        times["delete"].append(t() * 1000)
    return {f"{k}_ms": v for k, v in times.items()}


def run(workdir: Path, *, quick: bool, log: Any = print) -> list[Row]:
    size = 200_000 if quick else 1_000_000
    rdflib_size = 100_000 if quick else 300_000
    path, info = cached_nquads(workdir, size)
    log(f"store: loading {info.quads:,} quads three ways ...")
    seconds = store_writes(path, info.quads, rdflib_size)
    add = info.quads / seconds["add"]
    bulk = info.quads / seconds["bulk_load"]
    rdf = min(rdflib_size, info.quads) / seconds["rdflib"]
    base = f"Store.add: {add:,.0f} quads/s"
    return [
        Row("store: write", f"Store.add, 1 transaction/article, {info.quads:,} quads", add,
            "quads/s", "–", 1.0),
        Row("store: write", f"Store.bulk_load, {info.quads:,} quads", bulk, "quads/s", base,
            bulk / add, f"≥ {BULK_TARGET:,} quads/s", bulk >= BULK_TARGET),
        Row("store: write", f"rdflib Dataset.parse, {min(rdflib_size, info.quads):,} quads", rdf,
            "quads/s", base, rdf / add),
    ]  # fmt: skip
