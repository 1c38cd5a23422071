"""Store writes: the same N-Quads file through ``Store.bulk_load`` (one loader call, then cut
into pieces loaded at once, validating and ``lenient`` as for the shards ``kg`` writes itself),
``Store.add`` (one transaction per article, as a build writes) and rdflib's ``Dataset.parse``,
in quads/s; and :func:`incremental` updates of one article (run by :mod:`bench.query_speed` on
its stores).

The baseline is ``Store.add``; every store is a fresh one on disk (rdflib: in memory).

    python -m bench.store_speed [--quads 1000000]    # prints the table rows
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
    runs = (("bulk_load_1", False, 1), ("bulk_load", False, 0), ("bulk_load_lenient", True, 0))
    for key, lenient, threads in runs:
        with tempfile.TemporaryDirectory(prefix="kg-bench-bulk-") as folder:
            store = Store(folder)
            with timer() as t:
                store.bulk_load(path, lenient=lenient, threads=threads)
                store.flush()
            seconds[key] = t()
            assert len(store) == quads, (len(store), quads)
            store.close()
            del store
    with tempfile.TemporaryDirectory(prefix="kg-bench-add-") as folder:
        store = Store(folder)
        with timer() as t:
            for article in _by_graph(path):
                store.add(article)
            store.flush()
        seconds["add"] = t()
        assert len(store) == quads
        store.close()
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
    store (``graph``: a :class:`~kg.api.KnowledgeGraph`) filled from ``generator``.

    Each step is what a build does for one article (``Builder.write``): look up its content
    hash, then ``Store.replace_graph`` with the article's quads, its entities' types and labels
    included (kept once in the shared entity graph; entities no article names any more are
    dropped); a delete is ``KnowledgeGraph.remove``. Parsing the quads is not timed.
    """
    import pyoxigraph as ox

    from kg.graph import vocab

    articles = articles_for(quads)
    store = graph.store
    times: dict[str, list[float]] = {"add": [], "replace": [], "delete": []}

    def parsed(lines: list[str]) -> list[ox.Quad]:
        return list(ox.parse(("\n".join(lines) + "\n").encode(), format=ox.RdfFormat.N_QUADS))

    def write(doc_id: str, quads: list[ox.Quad]) -> None:
        store.article_hash(doc_id)
        store.replace_graph(vocab.article_graph(doc_id), quads)

    for n in range(30):
        new = parsed(generator.article(articles + n))
        with timer() as t:
            write(f"synth-{articles + n}", new)
        times["add"].append(t() * 1000)
        old = 7 * n + 1
        changed = parsed(generator.article(old, variant=f"改{n}"))
        with timer() as t:
            write(f"synth-{old}", changed)
        times["replace"].append(t() * 1000)
        with timer() as t:
            assert graph.remove(f"synth-{7 * n + 3}")
        times["delete"].append(t() * 1000)
    return {f"{k}_ms": v for k, v in times.items()}


def run(workdir: Path, *, quick: bool, log: Any = print, size: int | None = None) -> list[Row]:
    size = size or (200_000 if quick else 1_000_000)
    rdflib_size = 100_000 if quick else 300_000
    path, info = cached_nquads(workdir, size)
    from kg.bulk import default_threads

    log(f"store: loading {info.quads:,} quads five ways ...")
    seconds = store_writes(path, info.quads, rdflib_size)
    add = info.quads / seconds["add"]
    bulk = info.quads / seconds["bulk_load"]
    one = info.quads / seconds["bulk_load_1"]
    lenient = info.quads / seconds["bulk_load_lenient"]
    rdf = min(rdflib_size, info.quads) / seconds["rdflib"]
    base = f"Store.add: {add:,.0f} quads/s"
    return [
        Row("store: write", f"Store.add, 1 transaction/article, {info.quads:,} quads", add,
            "quads/s", "–", 1.0),
        Row("store: write", f"Store.bulk_load(threads=1): one loader call, {info.quads:,} quads",
            one, "quads/s", base, one / add),
        Row("store: write", f"Store.bulk_load, file cut into {default_threads()} pieces loaded at "
            f"once, {info.quads:,} quads", bulk, "quads/s", f"threads=1: {one:,.0f} quads/s",
            bulk / one, f"≥ {BULK_TARGET:,} quads/s", bulk >= BULK_TARGET),
        Row("store: write", f"Store.bulk_load(lenient=True), {info.quads:,} quads", lenient,
            "quads/s", f"threads=1: {one:,.0f} quads/s", lenient / one,
            f"≥ {BULK_TARGET:,} quads/s", lenient >= BULK_TARGET),
        Row("store: write", f"rdflib Dataset.parse, {min(rdflib_size, info.quads):,} quads", rdf,
            "quads/s", base, rdf / add),
    ]  # fmt: skip


def main() -> None:
    import argparse
    import sys

    from bench import table

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quads", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as folder:
        rows = run(Path(folder), quick=False, size=args.quads,
                   log=lambda m: print(m, file=sys.stderr, flush=True))  # fmt: skip
    print(table(rows))


if __name__ == "__main__":
    main()
