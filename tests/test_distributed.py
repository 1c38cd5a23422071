"""Distributed extraction (:mod:`kg.distributed`): shards from a two-process dask cluster,
bulk-loaded, give the same store as a sequential build."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.builder import Builder
from kg.graph import vocab
from kg.link.linker import Linker
from kg.store import Store

pytest.importorskip("distributed", reason="the optional extra kg[dask] is not installed")

from distributed import Client, LocalCluster
from test_parallel import canonical, standin_pipeline, write_corpus

from kg.distributed import extract_shards, load_shards


def test_shards_from_a_local_cluster_equal_a_sequential_build(tmp_path: Path) -> None:
    corpora = tmp_path / "in"
    for n in range(3):
        (corpora / f"part{n}").mkdir(parents=True)
        write_corpus(corpora / f"part{n}", 5 + n, prefix=f"p{n}-")
    sequential = Store(None)
    Builder(sequential, None, Linker(), workers=1, nlp_factory=standin_pipeline).build_paths(
        [corpora]
    )
    with (
        LocalCluster(n_workers=2, processes=True, threads_per_worker=1) as cluster,
        Client(cluster) as client,
    ):
        report = extract_shards(
            [corpora],
            tmp_path / "shards",
            client=client,
            partition_size=1,
            nlp_factory=standin_pipeline,
            linker=Linker(),
        )
    assert len(report.shards) == 3 and report.articles == 18 and not report.problems
    store = Store(None)
    stale = vocab.article_graph("p0-000")  # a graph the store had is replaced, not added to
    store.add([ox.Quad(vocab.article_iri("p0-000"), vocab.kg("old"), ox.Literal("x"), stale)])
    assert load_shards(store, report.shards) == 18
    assert canonical(store) == canonical(sequential)
    assert load_shards(store, report.shards) == 18  # loading again changes nothing
    assert canonical(store) == canonical(sequential)
