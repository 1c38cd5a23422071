"""Build throughput: end to end (1 and 2 workers; 2 workers with the fast NER model too), per
stage, and peak memory.

End-to-end builds run in a child process each (``python -m bench.build_speed child ...``) so that
the memory figures are the build's own: a sampler thread reads the resident memory of the child
and of all its worker processes (psutil). Throughput excludes start-up (loading the pipeline,
starting the workers): each child warms up on one article first, then times the build proper
through the real :class:`~kg.builder.Builder` / :mod:`kg.parallel` code.

The per-stage profile runs in this process on the same corpus, one stage at a time, with the
real pipeline: ingest, each NLP component, linking, RDF (``article_quads``), N-Quads transport
(serialise in the worker + parse in the writer: the cost of going parallel) and the store write.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench import Row, timer, write_msra_corpus

BUILD_TARGET = 100_000  # chars/s end to end on 2 cores
SCALING_TARGET = 1.7


# --- the child: one end-to-end build -------------------------------------------------------------


class MemorySampler(threading.Thread):
    """Peak RSS of this process and of this process plus all its descendants (MiB)."""

    def __init__(self, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        import psutil

        self.process = psutil.Process()
        self.interval = interval
        self.peak_main = self.peak_total = 0.0
        self.running = True

    def sample(self) -> None:
        import psutil

        main = self.process.memory_info().rss
        total = main
        for child in self.process.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += child.memory_info().rss
        self.peak_main = max(self.peak_main, main / 2**20)
        self.peak_total = max(self.peak_total, total / 2**20)

    def run(self) -> None:
        while self.running:
            self.sample()
            time.sleep(self.interval)


def child(
    files: list[str], store_dir: str, workers: int, batch_size: int, ner_model: str = "accurate"
) -> dict[str, Any]:
    from kg.api import KnowledgeGraph
    from kg.ingest import iter_documents
    from kg.parallel import ParallelRun, WorkerPool, parallel_builder, resolve_workers

    sampler = MemorySampler()
    sampler.start()
    graph = KnowledgeGraph(store_dir, ner_model=ner_model)
    warm = next(d for d in iter_documents(files) if not hasattr(d, "reason"))
    with timer() as load:
        if workers == 1:
            builder = graph.builder()  # loads the pipeline here
            builder.batch_size = batch_size
            builder.build_documents([warm])
        else:
            builder = parallel_builder(graph, workers)
            builder.batch_size = batch_size
            assert builder.nlp_factory is not None
            pool = WorkerPool(resolve_workers(workers), builder.nlp_factory, builder.linker)
            pool.warm_up([warm])
    builder.report = type(builder.report)()
    with timer() as elapsed:
        if workers == 1:
            report = builder.build_paths(files)
        else:
            run = ParallelRun(builder, pool, max_in_flight=2 * resolve_workers(workers))
            report = run.run(iter_documents(files), progress=False)
            pool.close()
    sampler.running = False
    sampler.sample()
    graph.close()
    return {
        "workers": workers,
        "articles": report.articles,
        "characters": report.characters,
        "quads": report.quads,
        "problems": len(report.problems),
        "seconds": elapsed(),
        "load_seconds": load(),
        "peak_main_mib": sampler.peak_main,
        "peak_total_mib": sampler.peak_total,
    }


def run_child(
    files: list[Path], workers: int, batch_size: int = 32, ner_model: str = "accurate"
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="kg-bench-store-") as store:
        command = [sys.executable, "-m", "bench.build_speed", "child", "--workers", str(workers)]
        command += ["--batch-size", str(batch_size), "--ner-model", ner_model]
        command += ["--store", store, *map(str, files)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"build child failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- in-process profile, stage by stage -----------------------------------------------------------


def profile_stages(files: list[Path]) -> dict[str, float]:
    """Seconds per stage over ``files`` (the NLP components one by one); ``chars`` = total."""
    import pyoxigraph as ox

    from kg.graph import vocab
    from kg.graph.build import article_quads
    from kg.ingest import Document, iter_documents
    from kg.link import Linker, load_alias_table
    from kg.nlp import load_pipeline
    from kg.store import Store

    seconds: dict[str, float] = {}
    nlp = load_pipeline()
    with timer() as t:
        documents = [d for d in iter_documents(files) if isinstance(d, Document)]
    seconds["ingest"] = t()
    seconds["chars"] = float(sum(len(d.text) for d in documents))
    with timer() as t:  # lazy loads (jieba's dictionary, the model) are start-up, not throughput
        nlp(documents[0].text)
    warm_up = t()
    with timer() as t:
        docs = [nlp.make_doc(d.text) for d in documents]
    seconds["nlp: tokenizer"] = t()
    for name, proc in nlp.pipeline:
        with timer() as t:
            if hasattr(proc, "pipe"):
                docs = list(proc.pipe(docs, batch_size=nlp.batch_size))
            else:
                docs = [proc(doc) for doc in docs]
        seconds[f"nlp: {name}"] = t()
    linker = Linker(load_alias_table())
    with timer() as t:
        links = [linker.link(doc) for doc in docs]
    seconds["linking"] = t()
    with timer() as t:
        quads = [
            article_quads(d, doc, link, linker.entity_for)
            for d, doc, link in zip(documents, docs, links, strict=True)
        ]
    seconds["rdf (article_quads)"] = t()
    with timer() as t:
        payloads = [ox.serialize(q, format=ox.RdfFormat.N_QUADS) or b"" for q in quads]
        parsed = [list(ox.parse(p, format=ox.RdfFormat.N_QUADS)) for p in payloads]
    seconds["n-quads transport (workers only)"] = t()
    with tempfile.TemporaryDirectory(prefix="kg-bench-stage-") as folder:
        store = Store(folder)
        with timer() as t:
            for d, article in zip(documents, parsed, strict=True):
                store.replace_graph(vocab.article_graph(d.id), article)
            store.flush()
        seconds["store write (replace_graph)"] = t()
        del store
    seconds["warm-up"] = warm_up
    return seconds


# --- the benchmark ---------------------------------------------------------------------------


def run(workdir: Path, *, quick: bool, log: Any = print) -> list[Row]:
    rows: list[Row] = []
    probe_files, _, _probe_chars = write_msra_corpus(workdir / "probe", 15_000 if quick else 60_000)
    log("build: profiling the stages ...")
    stages = profile_stages(probe_files)
    chars = stages.pop("chars")
    rows.append(Row("build: start-up", "first document after load_pipeline() (lazy loads)",
                    stages.pop("warm-up"), "s"))  # fmt: skip
    sequential_stages = sum(v for k, v in stages.items() if not k.startswith("n-quads"))
    estimate = chars / sequential_stages
    rows.append(Row("build: stage", "all stages, one process (in-process sum)", estimate,
                    "chars/s", "–", 1.0))  # fmt: skip
    for stage, secs in stages.items():
        speed = chars / secs if secs else float("inf")
        share = f"{100 * secs / sequential_stages:.0f}% of the time; vs all stages"
        rows.append(Row("build: stage", stage, speed, "chars/s", share, speed / estimate))
    # size the end-to-end corpus so a sequential build takes ~budget seconds
    budget = 20 if quick else 60
    size = int(min(max(estimate * budget, 30_000), 2_200_000 if quick else 6_000_000))
    files, articles, total = write_msra_corpus(workdir / "corpus", size)
    log(f"build: {articles} articles, {total:,} chars; sequential estimate {estimate:,.0f} chars/s")
    one = run_child(files, 1)
    two = run_child(files, 2)
    speed1 = one["characters"] / one["seconds"]
    speed2 = two["characters"] / two["seconds"]
    rows.append(Row("build: end to end", "1 worker (in-process)", speed1, "chars/s", "–", 1.0))
    rows.append(
        Row(
            "build: end to end",
            "2 workers",
            speed2,
            "chars/s",
            f"1 worker: {speed1:,.0f} chars/s",
            speed2 / speed1,
            f"≥ {BUILD_TARGET:,} chars/s, ≥ {SCALING_TARGET}×",
            speed2 >= BUILD_TARGET and speed2 / speed1 >= SCALING_TARGET,
        )
    )
    fast = run_child(files, 2, ner_model="fast")
    speed_fast = fast["characters"] / fast["seconds"]
    rows.append(
        Row(
            "build: end to end",
            "2 workers, the fast NER model (--ner-model fast)",
            speed_fast,
            "chars/s",
            f"2 workers, accurate model: {speed2:,.0f} chars/s",
            speed_fast / speed2,
            f"≥ {BUILD_TARGET:,} chars/s",
            speed_fast >= BUILD_TARGET,
        )
    )
    for result in (one, two):
        rows.append(
            Row(
                "build: start-up",
                f"{result['workers']} worker(s): pipeline load + warm-up",
                result["load_seconds"],
                "s",
            )
        )
    # flat memory: the same build on a corpus two (quick) or three times larger
    big_files, _, big_total = write_msra_corpus(workdir / "big", (2 if quick else 3) * total)
    log(f"build: memory check on {big_total:,} chars ...")
    three = run_child(big_files, 2)
    for label, key in (("main process", "peak_main_mib"), ("all processes", "peak_total_mib")):
        ratio = three[key] / two[key]
        rows.append(
            Row(
                "build: peak memory",
                f"2 workers, {label}, {big_total / 1e6:.1f} M chars",
                three[key],
                "MiB",
                f"{total / 1e6:.1f} M chars: {two[key]:,.0f} MiB",
                ratio,
                "flat (≤ 1.15×)",
                ratio <= 1.15,
            )
        )
    rows.append(
        Row(
            "build: end to end",
            f"2 workers, {big_total / 1e6:.1f} M chars",
            big_total / three["seconds"],
            "chars/s",
            f"{total / 1e6:.1f} M chars: {speed2:,.0f} chars/s",
            (big_total / three["seconds"]) / speed2,
        )
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("child", help="one end-to-end build (JSON on stdout)")
    c.add_argument("files", nargs="+")
    c.add_argument("--store", required=True)
    c.add_argument("--workers", type=int, default=1)
    c.add_argument("--batch-size", type=int, default=32)
    c.add_argument("--ner-model", default="accurate")
    p = sub.add_parser("profile", help="per-stage profile of a corpus of N characters")
    p.add_argument("--chars", type=int, default=100_000)
    args = parser.parse_args()
    if args.command == "child":
        result = child(args.files, args.store, args.workers, args.batch_size, args.ner_model)
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as folder:
        files, _, _chars = write_msra_corpus(Path(folder), args.chars)
        for stage, secs in profile_stages(files).items():
            print(f"{stage:40s} {secs:8.3f} s")


if __name__ == "__main__":
    main()
