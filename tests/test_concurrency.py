"""Concurrent use of one store: queries while a build writes, builds while a server reads.

pyoxigraph calls opening a store read-only while another process writes it undefined behaviour;
on this machine it shows as RocksDB "Corruption: ... No such file" when opening and
FileNotFoundError in the middle of queries (see ``docs/reliability.md``). ``kg.store`` therefore
keeps readers and writers of a store apart with ``STORE/.kg-write.lock``. These tests check the
policy from the outside: while a ``kg build`` writes, ``kg query``, ``kg serve`` /
``create_app`` and ``KnowledgeGraph(path, read_only=True)`` fail at once with a clear message
(exit status 6, no traceback, saying why and what to do) — never with a corrupted answer; while
a reader holds the store, a build is refused the same way; readers share the store freely; and
after all that the store is whole.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest

from kg.errors import StoreLockedError
from kg.store import Store

Serve = Callable[[Any], AbstractContextManager[str]]
COUNT = "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a schema:NewsArticle }"
BUILDING = "A build is writing to the store"


def make_corpus(root: Path, articles: int) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    lines = [
        json.dumps(
            {"id": f"c{i:05d}", "text": f"北京大学教授张{i}说，第{i}项研究取得了进展。"},
            ensure_ascii=False,
        )
        for i in range(articles)
    ]
    (root / "news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def run_kg(
    command: list[str], *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=timeout, env=env
    )


def assert_clean_refusal(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    """Refused the right way: exit status 6, one message naming the cause, no traceback."""
    assert result.returncode == 6, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert any(line.startswith("Error: ") for line in result.stderr.splitlines()), result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


class Builder:
    """A ``kg build`` (stand-in pipeline) writing in another process for the length of a test."""

    def __init__(self, command: list[str], corpus: Path, store: Path) -> None:
        self.process = subprocess.Popen(
            [*command, "build", str(corpus), "--store", str(store)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.stderr = bytearray()
        self.writing = threading.Event()
        self.thread = threading.Thread(target=self._pump, daemon=True)
        self.thread.start()

    def _pump(self) -> None:
        assert self.process.stderr is not None
        while chunk := os.read(self.process.stderr.fileno(), 4096):
            self.stderr.extend(chunk)
            if b"Building" in self.stderr:
                self.writing.set()

    def running(self) -> bool:
        return self.process.poll() is None

    def finish(self, timeout: float = 300) -> int:
        code = self.process.wait(timeout=timeout)
        self.thread.join(timeout=10)
        return code


@pytest.fixture
def writer(tmp_path: Path, stand_in_kg: list[str]) -> Iterator[tuple[Builder, Path]]:
    """A long build (20,000 articles) into ``tmp_path/store``, writing when the test starts.

    Tests stop it with SIGKILL when they are done (the crash tests show that is safe).
    """
    corpus = make_corpus(tmp_path / "corpus", 20_000)
    store = tmp_path / "store"
    build = Builder(stand_in_kg, corpus, store)
    assert build.writing.wait(timeout=120), build.stderr.decode()
    yield build, store
    if build.running():
        build.process.kill()
    build.finish()


def check_store(store: Path) -> int:
    """The store opens, answers, and every article graph has its content hash."""
    reader = Store(store, read_only=True)
    try:
        articles = {g.value for g in reader.article_graphs()}
        hashed = {
            row["g"].value  # type: ignore[index]
            for row in reader.query("SELECT ?g WHERE { GRAPH ?g { ?a kg:contentHash ?h } }")
            if "/graph/ontology" not in row["g"].value  # type: ignore[index]
        }
    finally:
        reader.close()
    assert articles == hashed
    return len(articles)


# --- while a build writes -------------------------------------------------------------------


@pytest.mark.slow
def test_readers_are_refused_clearly_while_a_build_writes(writer: tuple[Builder, Path]) -> None:
    kg = [sys.executable, "-m", "kg"]
    build, store = writer
    from kg.api import KnowledgeGraph
    from kg.serve import create_app

    # the API: waits about a second for the build to end, then says why and what to do
    started = time.monotonic()
    with pytest.raises(StoreLockedError, match=BUILDING) as caught:
        KnowledgeGraph(store, read_only=True)
    assert "Wait for it to finish" in str(caught.value)
    assert time.monotonic() - started < 5
    # the endpoint refuses to start on it, with the same message
    with pytest.raises(StoreLockedError, match=BUILDING):
        create_app(store)
    # kg query / kg serve: exit status 6 and the message, no traceback
    query = run_kg(kg, "query", "--store", str(store), "--sparql", COUNT)
    assert_clean_refusal(query, BUILDING, str(store))
    assert query.stdout == ""
    serve = run_kg(kg, "serve", "--store", str(store), "--port", "1", timeout=60)
    assert_clean_refusal(serve, BUILDING)
    # a second writer is refused too (in this process: the CLI path is the same Store), and the
    # build is not disturbed
    with pytest.raises(StoreLockedError, match="in use by another kg process"):
        Store(store)
    # many read-only opens in a row: each one refused at once, none crashes or half-reads
    for _ in range(200):
        with pytest.raises(StoreLockedError, match=BUILDING):
            Store(store, read_only=True, wait=0)
    assert build.running(), "the build ended before the test could finish reading during it"
    build.process.kill()
    build.finish()
    articles = check_store(store)
    assert 0 < articles < 20_000
    # once the build is over, every reader works
    with KnowledgeGraph(store, read_only=True) as graph:
        assert graph.query(COUNT)[0]["n"] == articles
    result = run_kg(kg, "query", "--store", str(store), "--sparql", COUNT, "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["n", str(articles)]


# --- while a server reads -------------------------------------------------------------------


def _small_store(path: Path) -> Path:
    import pyoxigraph as ox

    from kg.graph import vocab

    store = Store(path)
    graph = vocab.article_graph("x")
    store.add(
        [
            ox.Quad(vocab.article_iri("x"), vocab.kg("contentHash"), ox.Literal("h"), graph),
            ox.Quad(vocab.article_iri("x"), vocab.rdf("type"), vocab.schema("NewsArticle"), graph),
        ]
    )
    store.close()
    return path


@pytest.mark.slow
def test_a_build_is_refused_while_a_server_reads_and_the_server_keeps_answering(
    tmp_path: Path, stand_in_kg: list[str], serve_app: Serve
) -> None:
    from kg.serve import create_app

    store = _small_store(tmp_path / "store")
    corpus = make_corpus(tmp_path / "corpus", 5)
    with serve_app(create_app(store)) as base, httpx.Client(timeout=30) as client:
        before = client.get(f"{base}/sparql", params={"query": COUNT}).json()
        result = run_kg(
            [sys.executable, "-m", "kg"], "build", str(corpus), "--store", str(store), "-q"
        )
        assert_clean_refusal(
            result, "in use by another kg process that reads it", "Stop the reader"
        )
        after = client.get(f"{base}/sparql", params={"query": COUNT}).json()
        assert before == after
        assert after["results"]["bindings"][0]["n"]["value"] == "1"
        # other readers are welcome at the same time
        query = run_kg(
            [sys.executable, "-m", "kg"],
            "query",
            "--store",
            str(store),
            "--sparql",
            COUNT,
            "--format",
            "csv",
        )
        assert query.returncode == 0, query.stderr
        assert query.stdout.split() == ["n", "1"]
    # the server is gone (and its app with its store): the build goes through
    gc.collect()
    result = run_kg(stand_in_kg, "build", str(corpus), "--store", str(store), "-q")
    assert result.returncode == 0, result.stderr
    assert check_store(store) == 6


def test_many_readers_share_a_store(tmp_path: Path, serve_app: Serve) -> None:
    from kg.api import KnowledgeGraph
    from kg.serve import create_app

    store = _small_store(tmp_path / "store")
    graphs = [KnowledgeGraph(store, read_only=True) for _ in range(3)]
    with serve_app(create_app(store)) as base:
        answer = httpx.get(f"{base}/sparql", params={"query": COUNT}, timeout=30).json()
        assert answer["results"]["bindings"][0]["n"]["value"] == "1"
        assert all(g.query(COUNT)[0]["n"] == 1 for g in graphs)
    for graph in graphs:
        graph.store.close()
    gc.collect()  # the app (and its store) of the stopped server
    # the lock is released: a writer can open it now
    writer = Store(store)
    writer.close()


def test_a_killed_writer_leaves_no_stale_lock(tmp_path: Path) -> None:
    store = _small_store(tmp_path / "store")
    code = "from kg.store import Store; import os, signal; Store(%r); os.kill(os.getpid(), 9)"
    result = subprocess.run([sys.executable, "-c", code % str(store)], timeout=120)
    assert result.returncode == -9
    reader = Store(store, read_only=True, wait=0)
    assert len(reader) == 2
    reader.close()


def test_in_one_process_a_reader_shares_the_writers_handle(tmp_path: Path) -> None:
    """Reading what this process is writing is safe (one RocksDB instance) and sees it all."""
    import pyoxigraph as ox

    from kg.graph import vocab

    writer = Store(tmp_path / "store")
    reader = Store(tmp_path / "store", read_only=True, wait=0)
    graph = vocab.article_graph("y")
    writer.add([ox.Quad(vocab.article_iri("y"), vocab.kg("contentHash"), ox.Literal("h"), graph)])
    assert len(reader) == 1
    reader.close()
    writer.close()
