"""Parallel extraction: NLP, linking and ``article_quads`` in worker processes.

Extraction is a pure per-article map (article + alias table → quads), so it runs in ``N`` worker
processes, each loading the pipeline once (:func:`_init_worker`). The main process reads the
inputs, skips unchanged articles, ships batches of :class:`~kg.ingest.records.Document` and writes
each article's graph with :meth:`Store.replace_graph` *in input order*, so an interrupted build
leaves only whole articles, exactly as the sequential build does. At most ``2 × N`` batches are in
flight: memory stays flat whatever the corpus size.

Workers return N-Quads bytes (compact to pickle, parsed by Oxigraph's Rust parser on arrival).
An exception on one article becomes a :class:`~kg.ingest.records.Problem` for that article; a
worker that dies (killed, out of memory, a crash in native code) breaks the pool, which is then
restarted and the affected articles retried one at a time, so only the article that kills a worker
is lost.

>>> from kg import KnowledgeGraph
>>> KnowledgeGraph("kg-store").build(["corpus/"], workers=2)   # doctest: +SKIP
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import os
import pickle
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import ModelError
from kg.graph.build import article_quads
from kg.ingest.records import Document, Problem
from kg.resources import available_cores

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from kg.api import KnowledgeGraph
    from kg.builder import Builder, BuildReport
    from kg.link.linker import Linker
    from kg.store import Store

log = logging.getLogger(__name__)

#: A picklable zero-argument callable that returns the pipeline (e.g. :func:`kg.load_pipeline`).
PipelineFactory = Callable[[], "Language"]

DIED = (
    "the worker process died while extracting this article (killed, out of memory or a crash in "
    "native code); it was skipped. Build it alone with `kg build` (one worker) to see why."
)


@dataclass(frozen=True)
class Extracted:
    """One article's quads, as N-Quads bytes in its own named graph."""

    doc_id: str
    characters: int
    quads: int
    nquads: bytes


@dataclass(frozen=True)
class Failed:
    """An article whose extraction raised; the build goes on without it."""

    doc_id: str
    path: str
    reason: str

    def problem(self) -> Problem:
        return Problem(self.path, f"article {self.doc_id!r} could not be extracted: {self.reason}")


Outcome = Extracted | Failed


def resolve_workers(workers: int) -> int:
    """``0`` means one worker per available core."""
    if workers < 0:
        raise ValueError(f"workers must be 0 (one per core) or more, not {workers}")
    if workers == 0:
        return available_cores()
    return workers


# --- extraction (runs anywhere: a worker process, a dask worker, or in-process) -------------------


@dataclass
class Extractor:
    """NLP + linking + quads for batches of documents, with per-article error isolation."""

    nlp: Language
    linker: Linker

    def extract(self, documents: list[Document]) -> list[Outcome]:
        """One outcome per document, in order: its quads, or why it could not be extracted."""
        limit = self.nlp.max_length
        fitting = [d for d in documents if len(d.text) <= limit]
        try:
            docs = list(self.nlp.pipe(d.text for d in fitting))
        except Exception:  # one bad text must not sink its batch: redo them one by one
            done = {d.id: self._extract_one(d) for d in fitting}
        else:
            done = {d.id: self._quads(d, doc) for d, doc in zip(fitting, docs, strict=True)}
        return [done.get(d.id) or _too_long(d, limit) for d in documents]

    def _extract_one(self, document: Document) -> Outcome:
        try:
            doc = self.nlp(document.text)
        except Exception as error:
            log.warning("NLP failed on %s: %r", document.id, error)
            return Failed(document.id, document.path, f"NLP failed: {error!r}")
        return self._quads(document, doc)

    def _quads(self, document: Document, doc: Doc) -> Outcome:
        try:
            links = self.linker.link(doc)
            quads = article_quads(
                document, doc, links, self.linker.entity_for, self.linker.decisions
            )
            data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
        except Exception as error:
            log.warning("extraction failed on %s: %r", document.id, error)
            return Failed(document.id, document.path, f"linking or quads failed: {error!r}")
        return Extracted(document.id, len(document.text), len(quads), data or b"")


def _too_long(document: Document, limit: int) -> Failed:
    return Failed(
        document.id,
        document.path,
        f"the article has {len(document.text):,} characters, more than the {limit:,} the pipeline "
        "takes at once; split it into smaller articles (for example one JSONL line per article)",
    )


_EXTRACTOR: Extractor | None = None
_INIT_ERROR: str | None = None


def _init_worker(nlp_factory: PipelineFactory, linker: Linker, threads: int) -> None:
    """Process initializer: load the pipeline once; keep the error to report it on first use."""
    global _EXTRACTOR, _INIT_ERROR
    try:
        _EXTRACTOR = Extractor(nlp_factory(), linker)
    except Exception as error:
        _INIT_ERROR = f"{type(error).__name__}: {error}"
    if "torch" in sys.modules:  # N workers × all cores each would oversubscribe the CPU
        sys.modules["torch"].set_num_threads(threads)


def _extract_batch(documents: list[Document]) -> list[Outcome]:
    if _EXTRACTOR is None:
        raise ModelError(f"A build worker could not load the NLP pipeline ({_INIT_ERROR}).")
    return _EXTRACTOR.extract(documents)


def _warm(documents: list[Document]) -> int:
    _extract_batch(documents)
    time.sleep(0.2)  # so that each of the warm-up tasks lands on a different worker
    return os.getpid()


def pipeline_factory(nlp: Language | None, ner_model: str | None = None) -> PipelineFactory:
    """How workers get the pipeline: :func:`kg.load_pipeline` (with ``ner_model``), or a pickled
    copy of ``nlp``."""
    if nlp is None:
        from kg.nlp import load_pipeline

        return functools.partial(load_pipeline, ner_model=ner_model)
    try:
        data = pickle.dumps(nlp)
    except Exception as error:
        raise ModelError(
            f"This pipeline cannot be sent to worker processes ({error}); build with workers=1, "
            "or pass a picklable pipeline factory."
        ) from error
    return functools.partial(pickle.loads, data)


# --- the main process side ----------------------------------------------------------------------


class WorkerPool:
    """A restartable :class:`ProcessPoolExecutor` whose workers hold an :class:`Extractor`."""

    def __init__(
        self,
        workers: int,
        nlp_factory: PipelineFactory,
        linker: Linker,
        *,
        start_method: str | None = None,
    ) -> None:
        self.workers = workers
        cores = resolve_workers(0)
        self._initargs = (nlp_factory, linker, max(1, cores // workers))
        self._context = _context(start_method)
        self._executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.workers,
            mp_context=self._context,
            initializer=_init_worker,
            initargs=self._initargs,
        )

    def submit(self, documents: list[Document]) -> Future[list[Outcome]]:
        return self._executor.submit(_extract_batch, documents)

    def warm_up(self, documents: list[Document]) -> None:
        """Start every worker and run ``documents`` through each (benchmarks time steady state)."""
        pids: set[int] = set()
        while len(pids) < self.workers:
            futures = [self._executor.submit(_warm, documents) for _ in range(self.workers)]
            pids |= {future.result() for future in futures}

    def restart(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._executor = self._start()

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


def _context(start_method: str | None) -> multiprocessing.context.BaseContext:
    """``forkserver`` where there is one (fast worker starts and restarts, no inherited state,
    safe with PyTorch), else ``spawn``. Never ``fork``: the parent may hold threads and locks."""
    if start_method is None:
        methods = multiprocessing.get_all_start_methods()
        start_method = "forkserver" if "forkserver" in methods else "spawn"
    context = multiprocessing.get_context(start_method)
    if start_method == "forkserver":
        context.set_forkserver_preload(["kg.parallel"])
    return context


@dataclass
class _Batch:
    documents: list[Document]
    future: Future[list[Outcome]]


@dataclass
class ParallelRun:
    """One parallel build: feeds the pool, writes results in order into ``builder``'s store."""

    builder: Builder
    pool: WorkerPool
    max_in_flight: int
    pending: deque[_Batch] = field(default_factory=deque)

    def run(self, items: Iterable[Document | Problem], progress: bool) -> BuildReport:
        from tqdm import tqdm

        from kg.builder import batched

        b, report = self.builder, self.builder.report
        started = time.perf_counter()
        with tqdm(desc="Building", unit=" articles", disable=not progress, leave=False) as bar:
            for batch in batched(items, b.batch_size):
                documents = b._keep_documents(batch)
                todo = b.to_extract(documents)
                report.unchanged += len(documents) - len(todo)
                bar.update(len(documents) - len(todo))
                if todo:
                    self.pending.append(_Batch(todo, self.pool.submit(todo)))
                while len(self.pending) >= self.max_in_flight:
                    bar.update(self._write_next())
                report.seconds = time.perf_counter() - started
            while self.pending:
                bar.update(self._write_next())
        b.store.flush()
        report.seconds = time.perf_counter() - started
        return report

    def _write_next(self) -> int:
        batch = self.pending.popleft()
        try:
            outcomes = batch.future.result()
        except BrokenProcessPool:
            return self._recover(batch)
        self._write(outcomes)
        return len(batch.documents)

    def _recover(self, first: _Batch) -> int:
        """A worker died: restart the pool, retry the unfinished articles one at a time."""
        log.warning("a build worker died; restarting the pool and retrying its articles")
        affected = [first, *self.pending]
        self.pending.clear()
        self.pool.restart()
        done = 0
        for batch in affected:
            future = batch.future
            if future.done() and not future.cancelled() and future.exception() is None:
                self._write(future.result())
            else:
                for document in batch.documents:
                    self._write(self._isolated(document))
            done += len(batch.documents)
        return done

    def _isolated(self, document: Document) -> list[Outcome]:
        try:
            return self.pool.submit([document]).result()
        except BrokenProcessPool:
            self.pool.restart()
            return [Failed(document.id, document.path, DIED)]

    def _write(self, outcomes: list[Outcome]) -> None:
        self.builder.write(outcomes)


def build_parallel(
    builder: Builder, items: Iterable[Document | Problem], *, progress: bool = False
) -> BuildReport:
    """Build ``items`` into ``builder.store`` with ``builder.workers`` worker processes."""
    workers = resolve_workers(builder.workers)
    factory = builder.nlp_factory or pipeline_factory(builder.nlp)
    pool = WorkerPool(workers, factory, builder.linker)
    try:
        return ParallelRun(builder, pool, max_in_flight=2 * workers).run(items, progress)
    finally:
        pool.close()


def prepare_store(store: Store) -> None:
    """What :meth:`KnowledgeGraph.builder` does to a store before a build: load the ontology."""
    from kg.resources import ontology_files

    store.ensure_ontology(ontology_files())


def parallel_builder(graph: KnowledgeGraph, workers: int) -> Builder:
    """A :class:`Builder` over ``graph``'s store whose pipeline is loaded only in the workers."""
    from kg.builder import Builder

    prepare_store(graph.store)
    factory = pipeline_factory(graph._nlp, graph.ner_model)
    return Builder(graph.store, None, graph._linker(), workers=workers, nlp_factory=factory)


def iter_outcomes(
    extractor: Extractor, documents: Iterable[Document], size: int
) -> Iterator[Outcome]:
    """In-process extraction of a stream of documents (used by :mod:`kg.distributed`)."""
    from kg.builder import batched

    for batch in batched(documents, size):
        yield from extractor.extract(batch)


__all__ = [
    "Extracted",
    "Extractor",
    "Failed",
    "Outcome",
    "PipelineFactory",
    "WorkerPool",
    "build_parallel",
    "iter_outcomes",
    "parallel_builder",
    "pipeline_factory",
    "resolve_workers",
]
