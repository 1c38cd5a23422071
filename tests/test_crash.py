"""Crashes and restarts: ``kg build`` killed for real leaves only whole articles, and a rerun
finishes the job with exactly the store an uninterrupted build makes.

Each build runs in its own process and is stopped with a real signal (no hooks in the code):
``SIGKILL`` before the store is even opened, and when the progress bar says so many articles
were built; ``SIGINT`` (Ctrl-C) must stop it cleanly with exit status 130 and a message saying
how many articles were committed. After each kill the store must open, answer queries, and every
named graph in it must be *exactly* that graph of a clean build (so each article is whole, with
its ``kg:contentHash``). The final store, after a rerun, must equal the clean build's store:
canonical sorted N-Quads, nothing excluded.

The builds use a model-free pipeline (tokenizer, sentences, entity rules and relation rules, so
articles have entities, relations and evidence) to stay fast; one test kills the real ``kg build``
with the real pipeline.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.graph import vocab
from kg.store import Store

ENTITY_GRAPH = vocab.ENTITY_GRAPH.value

#: ``kg`` with a model-free pipeline that still finds entities and relations.
RULES_KG = """
import sys

import spacy

from kg.nlp.records import register_extensions
from kg.nlp.sentences import make_sentencizer
from kg.nlp.tokenizer import CharTokenizer
from kg.nlp import register_components

register_components()
register_extensions()
nlp = spacy.blank("zh")
nlp.tokenizer = CharTokenizer(nlp.vocab)
nlp.add_pipe("kg_sentences")
nlp.add_pipe("kg_entity_rules")
nlp.add_pipe("kg_relations")
nlp.initialize()

from kg.api import KnowledgeGraph

KnowledgeGraph.nlp = property(lambda self: nlp)

from kg.cli import main

sys.argv = ["kg", *sys.argv[1:]]
main()
"""

#: Articles in the crash corpus (plus two pages of one article each).
ARTICLES = 600
ORGS = ["中国科学院高能物理研究所", "天兵科技", "北京大学", "清华大学", "中国科学院", "华为公司"]
PEOPLE = ["何苗", "康永来", "张三", "李四", "王五", "赵六"]
TITLES = ["研究员", "董事长", "教授", "首席执行官", "院长"]
THINGS = ["江门中微子实验", "天龙三号", "新型材料", "量子计算机"]


def make_corpus(root: Path, articles: int) -> Path:
    """A JSONL file of ``articles`` short news items plus two newspaper pages."""
    root.mkdir(parents=True, exist_ok=True)
    lines = []
    for i in range(articles):
        org, person = ORGS[i % len(ORGS)], PEOPLE[(i // 2) % len(PEOPLE)]
        title, thing = TITLES[i % len(TITLES)], THINGS[(i // 3) % len(THINGS)]
        text = (
            f"{org}{title}{person}介绍了{thing}的最新进展。"
            f"“这是第{i}次公开报道。”{person}说。{thing}由{org}研制，"
            f"{org}位于北京。第{i}号稿件。"
        )
        lines.append(
            json.dumps({"id": f"n{i:05d}", "text": text, "title": f"新闻{i}"}, ensure_ascii=False)
        )
    (root / "news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for n in range(2):
        (root / f"page{n}.txt").write_text(
            f"第{n}版要闻\n\n{ORGS[n]}院长{PEOPLE[n]}说，科研进展顺利。\n\n"
            f"第二篇\n\n{PEOPLE[n + 1]}是{ORGS[n + 1]}的教授。\n",
            encoding="utf-8",
        )
    return root


# --- running kg build in a process we can kill ----------------------------------------------


@dataclass
class Run:
    """A ``kg build`` process; ``started`` is set when its progress bar first appears (the
    store is open and the ontology loaded)."""

    process: subprocess.Popen[bytes]
    spawned: float
    started: threading.Event = field(default_factory=threading.Event)
    stderr: bytearray = field(default_factory=bytearray)
    stdout: bytes = b""

    def _pump(self) -> None:
        assert self.process.stderr is not None
        fd = self.process.stderr.fileno()
        while chunk := os.read(fd, 4096):
            self.stderr.extend(chunk)
            if b"Building" in self.stderr:
                self.started.set()

    def wait(self, timeout: float) -> int:
        """Wait for the process; its stderr is read by our thread only (never by communicate)."""
        assert self.process.stdout is not None
        stdout = bytearray()
        reader = threading.Thread(
            target=lambda: stdout.extend(self.process.stdout.read()),  # type: ignore[union-attr]
            daemon=True,
        )
        reader.start()
        code = self.process.wait(timeout=timeout)
        reader.join(timeout=10)
        self._thread.join(timeout=10)
        self.stdout = bytes(stdout)
        return code

    def start(self) -> Run:
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()
        return self

    def progress(self) -> int:
        """Articles the progress bar reported so far (the builder counts them as committed)."""
        counts = re.findall(rb"Building: (\d+) articles", bytes(self.stderr))
        return int(counts[-1]) if counts else 0

    def wait_progress(self, articles: int, timeout: float = 120) -> bool:
        """Wait until the progress bar reports ``articles``; False if the process ended first."""
        deadline = time.monotonic() + timeout
        while self.progress() < articles:
            if self.process.poll() is not None or time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    @property
    def err(self) -> str:
        return self.stderr.decode("utf-8", "replace")


def spawn(command: list[str], corpus: Path, store: Path) -> Run:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    process = subprocess.Popen(
        [*command, "build", str(corpus), "--store", str(store)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    return Run(process, time.monotonic()).start()


def canonical(store_path: Path) -> list[str]:
    """The whole store as sorted N-Quads lines, nothing excluded.

    A store holds no blank nodes (article IRIs are minted from content, the ontology graph holds
    ``kg.ttl`` only: ``test_store_has_no_blank_nodes``); should one appear, each graph's blank
    nodes are renamed canonically (pyoxigraph's ``Dataset.canonicalize``), graph by graph so that
    what else is in the store cannot change the names.
    """
    store = Store(store_path, read_only=True)
    try:
        by_graph: dict[str, list[ox.Quad]] = {}
        for quad in store.quads():
            by_graph.setdefault(str(quad.graph_name), []).append(quad)
    finally:
        store.close()
    lines: list[str] = []
    for quads in by_graph.values():
        dataset = ox.Dataset(quads)
        if any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object)):
            dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
        data = ox.serialize(dataset, format=ox.RdfFormat.N_QUADS)
        lines.extend(line for line in data.decode("utf-8").splitlines() if line)
    return sorted(lines)


def graphs_of(lines: list[str]) -> dict[str, set[str]]:
    """N-Quads lines grouped by graph name (the last IRI before the final dot)."""
    graphs: dict[str, set[str]] = {}
    for line in lines:
        match = re.search(r"<([^<>]*)> \.$", line)
        assert match, f"a quad outside any named graph: {line}"
        graphs.setdefault(match.group(1), set()).add(line)
    return graphs


def check_whole(store_path: Path, reference: dict[str, set[str]]) -> int:
    """The store opens, answers a query, and each graph in it is exactly the reference's.

    Returns the number of article graphs.
    """
    store = Store(store_path, read_only=True)
    try:
        store.query("ASK { ?s ?p ?o }")  # it answers
        rows = list(store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))
        assert int(rows[0]["n"].value) == len(store)  # type: ignore[index]
        articles = list(store.article_graphs())
        hashes = {
            row["g"].value  # type: ignore[index]
            for row in store.query("SELECT ?g WHERE { GRAPH ?g { ?a kg:contentHash ?h } }")
        }
    finally:
        store.close()
    for graph in articles:
        assert graph.value in hashes, f"{graph.value} has no kg:contentHash"
    present = graphs_of(canonical(store_path))
    # the shared entity graph holds the types and labels of the entities the present articles
    # name: those of the clean build, no more and no fewer
    named = {
        iri
        for graph, quads in present.items()
        if graph != ENTITY_GRAPH
        for line in quads
        for iri in re.findall(r"<([^<>]*)>", line)
    }
    expected = dict(reference)
    expected[ENTITY_GRAPH] = {
        line for line in reference.get(ENTITY_GRAPH, set()) if line[1 : line.index(">")] in named
    }
    for graph, quads in present.items():
        assert graph in expected, f"{graph} is not in the clean build"
        missing, extra = expected[graph] - quads, quads - expected[graph]
        assert not missing and not extra, (
            f"{graph} differs from the clean build: {len(missing)} quads missing, "
            f"{len(extra)} extra; e.g. missing {sorted(missing)[:2]}, extra {sorted(extra)[:2]}"
        )
    return len(articles)


@pytest.fixture(scope="module")
def rules_kg() -> list[str]:
    return [sys.executable, "-c", RULES_KG]


@pytest.fixture(scope="module")
def crash_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("crash") / "corpus", ARTICLES)


@pytest.fixture(scope="module")
def clean_build(
    tmp_path_factory: pytest.TempPathFactory, crash_corpus: Path, rules_kg: list[str]
) -> tuple[list[str], float]:
    """The uninterrupted build: its canonical dump and how long its build phase took."""
    store = tmp_path_factory.mktemp("clean") / "store"
    run = spawn(rules_kg, crash_corpus, store)
    code = run.wait(timeout=600)
    assert code == 0, run.err
    assert run.started.is_set()
    # the build phase: from the progress bar to the end
    duration = float(re.findall(r"in ([0-9.]+) s", run.stdout.decode())[-1])
    lines = canonical(store)
    assert len(graphs_of(lines)) == ARTICLES + 2 + 2  # the articles, ontology and entity graph
    return lines, duration


# --- the tests --------------------------------------------------------------------------------


@pytest.mark.slow
def test_sigkill_mid_build_leaves_only_whole_articles(
    tmp_path: Path, crash_corpus: Path, clean_build: tuple[list[str], float], rules_kg: list[str]
) -> None:
    """One kill on a fresh store (no resume involved): each graph is exactly the clean one."""
    reference_lines, _ = clean_build
    store = tmp_path / "store"
    run = spawn(rules_kg, crash_corpus, store)
    assert run.started.wait(timeout=120), run.err
    assert run.wait_progress(int(ARTICLES * 0.4)), run.err
    run.process.send_signal(signal.SIGKILL)
    assert run.wait(timeout=60) == -signal.SIGKILL
    assert 0 < check_whole(store, graphs_of(reference_lines)) < ARTICLES + 2


@pytest.mark.slow
def test_sigkill_at_several_moments_then_rerun_equals_a_clean_build(
    tmp_path: Path, crash_corpus: Path, clean_build: tuple[list[str], float], rules_kg: list[str]
) -> None:
    reference_lines, duration = clean_build
    reference = graphs_of(reference_lines)
    store = tmp_path / "store"
    counts: list[int] = []
    # first while the process starts (before or while the store is opened), then at fractions
    # of the build phase; each run resumes the store the previous one left
    # first while the process starts (before or while the store is opened), then when the
    # progress bar says so many articles were built; each run resumes what the last one left
    kill_points: list[tuple[str, float]] = [("spawn", 0.5)] + [
        ("progress", ARTICLES * fraction) for fraction in (0.15, 0.6)
    ]
    done = 0
    for origin, when in kill_points:
        run = spawn(rules_kg, crash_corpus, store)
        if origin == "progress":
            assert run.started.wait(timeout=120), run.err
            run.wait_progress(int(when))
        else:
            time.sleep(max(0.0, run.spawned + when - time.monotonic()))
        run.process.send_signal(signal.SIGKILL)
        code = run.wait(timeout=60)
        if code == 0:  # it finished before the kill: nothing to check but the end result
            counts.append(-1)
            continue
        assert code == -signal.SIGKILL, run.err
        if not store.exists():
            counts.append(0)
            continue
        counts.append(check_whole(store, reference))
        assert counts[-1] >= done  # what was committed stays committed
        done = counts[-1]
    print(f"\narticles whole in the store after each kill: {counts} (build phase {duration:.1f} s)")
    assert any(0 < c < ARTICLES + 2 for c in counts), "no kill landed in the middle of the build"
    final = spawn(rules_kg, crash_corpus, store)
    assert final.wait(timeout=600) == 0, final.err
    assert canonical(store) == reference_lines


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_and_says_what_was_committed(
    tmp_path: Path, crash_corpus: Path, clean_build: tuple[list[str], float], rules_kg: list[str]
) -> None:
    """SIGINT: exit 130, no traceback, and the count in the message is what the store holds.

    (Before the fix a KeyboardInterrupt could land between an article's commit and its count:
    one run said 375 articles were committed while the store held 376.) Then Ctrl-C twice: it
    stops at once, says the count is unknown, and leaves whole articles.
    """
    reference_lines, _ = clean_build
    reference = graphs_of(reference_lines)
    store = tmp_path / "store"
    run = spawn(rules_kg, crash_corpus, store)
    assert run.started.wait(timeout=120), run.err
    assert run.wait_progress(int(ARTICLES * 0.3)), run.err
    run.process.send_signal(signal.SIGINT)
    signalled = time.monotonic()
    code = run.wait(timeout=60)
    assert code == 130, (code, run.err)
    assert time.monotonic() - signalled < 10, "Ctrl-C took more than 10 s to stop the build"
    assert "Traceback" not in run.err
    match = re.search(
        r"Interrupted: (\d+) articles were committed whole \((\d+) added, (\d+) replaced\); "
        r"run the same command to finish\.",
        run.err,
    )
    assert match, run.err
    committed = int(match.group(1))
    assert committed == int(match.group(2)) and match.group(3) == "0"
    assert 0 < committed < ARTICLES + 2
    assert check_whole(store, reference) == committed
    # twice, on a fresh store (a resumed build is checked by the SIGKILL test)
    store = tmp_path / "store2"
    run = spawn(rules_kg, crash_corpus, store)
    assert run.started.wait(timeout=120), run.err
    assert run.wait_progress(int(ARTICLES * 0.7)), run.err
    run.process.send_signal(signal.SIGINT)
    time.sleep(0.01)
    run.process.send_signal(signal.SIGINT)
    code = run.wait(timeout=60)
    assert code == 130, (code, run.err)
    assert "Traceback" not in run.err
    assert "Interrupted:" in run.err and "run the same command to finish" in run.err
    assert 0 < check_whole(store, reference) < ARTICLES + 2


@pytest.mark.slow
def test_sigkill_of_the_real_kg_build(tmp_path: Path) -> None:
    """The real CLI and the real pipeline: kill it mid-build, check, rerun, compare."""
    corpus = make_corpus(tmp_path / "corpus", 70)
    command = [sys.executable, "-m", "kg"]
    clean = tmp_path / "clean"
    run = spawn(command, corpus, clean)
    assert run.wait(timeout=900) == 0, run.err
    duration = float(re.findall(r"in ([0-9.]+) s", run.stdout.decode())[-1])
    reference_lines = canonical(clean)
    store = tmp_path / "store"
    run = spawn(command, corpus, store)
    assert run.started.wait(timeout=300), run.err
    run.wait_progress(32, timeout=600)
    run.process.send_signal(signal.SIGKILL)
    code = run.wait(timeout=60)
    if code != 0:
        assert code == -signal.SIGKILL
        count = check_whole(store, graphs_of(reference_lines))
        print(f"\nreal build ({duration:.1f} s) killed: {count} articles whole")
    final = spawn(command, corpus, store)
    assert final.wait(timeout=900) == 0, final.err
    assert canonical(store) == reference_lines


# --- a damaged store ------------------------------------------------------------------------


def _damage(store: Path, how: str) -> None:
    if how == "current":
        (store / "CURRENT").write_text("garbage\n")
    elif how == "manifest":
        manifest = sorted(store.glob("MANIFEST-*"))[-1]
        manifest.write_bytes(manifest.read_bytes()[:10])
    else:  # one bit flipped in every table file, at a fraction of its length
        for table in store.glob("*.sst"):
            data = bytearray(table.read_bytes())
            data[int(len(data) * float(how))] ^= 0x01
            table.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["current", "manifest", "0.01", "0.05", "0.5"])
def test_a_damaged_store_is_named_not_misread(tmp_path: Path, how: str) -> None:
    """Damaged files: ``kg query`` says the store is damaged (exit 6), never answers wrongly,
    never blames a lock (RocksDB's "block checksum" contains "lock"), never a traceback."""
    import pyoxigraph as ox

    from kg.graph import vocab

    store = Store(tmp_path / "store")
    for n in range(200):
        graph = vocab.article_graph(f"d{n}")
        store.add(
            [
                ox.Quad(
                    vocab.article_iri(f"d{n}"), vocab.kg("contentHash"), ox.Literal(f"h{n}"), graph
                )
            ]
        )
    store.optimize()
    store.close()
    _damage(tmp_path / "store", how)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kg",
            "query",
            "--store",
            str(tmp_path / "store"),
            "--sparql",
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
            "--format",
            "csv",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in result.stderr
    if result.returncode == 0:  # the damage missed everything the query reads: the answer is right
        assert result.stdout.split() == ["n", "200"], result.stdout
        return
    assert result.returncode == 6, result.stderr
    assert "is damaged" in result.stderr and "in use" not in result.stderr, result.stderr
    assert result.stdout == ""
