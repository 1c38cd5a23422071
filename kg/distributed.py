"""Beyond one machine: extraction on a dask cluster, N-Quads shards, one bulk load.

Optional extra ``dask`` (``pip install 'kg[dask]'``). The input files are a :mod:`dask.bag`;
each partition (a few files) is extracted on a worker — NLP, linking and ``article_quads``
exactly as :mod:`kg.parallel` does — and written as one N-Quads shard in ``out_dir`` (a folder
every worker and the loading machine can see: a shared file system, or copy the shards
afterwards). :func:`load_shards` then loads them into a store with Oxigraph's bulk loader,
replacing the graphs of articles the store already had, so the store ends up equal to a
sequential ``kg build`` of the same input.

>>> from kg.distributed import extract_to_shards, load_shards     # doctest: +SKIP
>>> shards = extract_to_shards(["corpus/"], "shards/", client="tcp://scheduler:8786")
>>> load_shards(Store("kg-store"), shards)

The scheduling, retries and data movement are dask's (``distributed.Client``); a shard is
written under a temporary name and renamed when whole, and its name is a hash of its input files,
so re-running a failed job rewrites the same shards. See ``docs/scaling.md``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.errors import InputError, KgError
from kg.graph import vocab
from kg.ingest import iter_documents
from kg.ingest.readers import SUPPORTED
from kg.ingest.records import Document, Problem
from kg.parallel import Extracted, Extractor, PipelineFactory, iter_outcomes, resolve_workers

if TYPE_CHECKING:
    from distributed import Client

    from kg.link.linker import Linker
    from kg.store import Store

log = logging.getLogger(__name__)

SHARD_SUFFIX = ".nq"
GRAPHS_SUFFIX = ".graphs"


@dataclass
class ShardReport:
    """What :func:`extract_shards` wrote: the shard files and what could not be read."""

    shards: list[Path] = field(default_factory=list)
    articles: int = 0
    characters: int = 0
    quads: int = 0
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class _ShardResult:
    shard: str
    articles: int
    characters: int
    quads: int
    problems: tuple[Problem, ...]


def input_files(paths: Iterable[str | Path]) -> list[str]:
    """The readable files under ``paths`` in the order ``kg build`` reads them."""
    files: list[str] = []
    for arg in paths:
        path = Path(arg)
        if path.is_dir():
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                files.extend(
                    str(Path(dirpath, name))
                    for name in sorted(filenames)
                    if not name.startswith(".") and Path(name).suffix.lower() in SUPPORTED
                )
        elif str(arg) == "-":
            raise InputError("Standard input cannot be distributed; write it to a file first.")
        else:
            files.append(str(path))
    return files


# --- on the dask workers ------------------------------------------------------------------------

_LOCAL = threading.local()  # one pipeline per worker thread: spaCy pipelines are not thread-safe


def _extractor(run_id: str, nlp_factory: PipelineFactory, linker: Linker) -> Extractor:
    cached = getattr(_LOCAL, "extractor", None)
    if cached is None or cached[0] != run_id:
        cached = (run_id, Extractor(nlp_factory(), linker))
        _LOCAL.extractor = cached
    extractor: Extractor = cached[1]
    return extractor


def _documents(files: list[str], problems: list[Problem]) -> Iterator[Document]:
    for item in iter_documents(files):
        if isinstance(item, Problem):
            problems.append(item)
        else:
            yield item


def _extract_partition(
    files: Iterable[str],
    *,
    out_dir: str,
    run_id: str,
    nlp_factory: PipelineFactory,
    linker: Linker,
    batch_size: int,
) -> list[_ShardResult]:
    """One partition → one shard (``shard-<hash of its files>.nq``) and its list of graphs."""
    names = list(files)
    if not names:
        return []
    extractor = _extractor(run_id, nlp_factory, linker)
    digest = hashlib.sha1("\n".join(names).encode("utf-8")).hexdigest()[:16]
    shard = Path(out_dir) / f"shard-{digest}{SHARD_SUFFIX}"
    problems: list[Problem] = []
    articles = characters = quads = 0
    partial = shard.with_name(shard.name + ".part")
    with partial.open("wb") as out, shard.with_suffix(GRAPHS_SUFFIX).open("w") as graphs:
        for outcome in iter_outcomes(extractor, _documents(names, problems), batch_size):
            if not isinstance(outcome, Extracted):
                problems.append(outcome.problem())
                continue
            out.write(outcome.nquads)
            graphs.write(vocab.article_graph(outcome.doc_id).value + "\n")
            articles += 1
            characters += outcome.characters
            quads += outcome.quads
    partial.replace(shard)
    return [_ShardResult(str(shard), articles, characters, quads, tuple(problems))]


# --- on the client ------------------------------------------------------------------------------


def extract_shards(
    paths: Iterable[str | Path],
    out_dir: str | Path,
    *,
    client: Client | str | None = None,
    partition_size: int = 4,
    nlp_factory: PipelineFactory | None = None,
    linker: Linker | None = None,
    batch_size: int = 32,
) -> ShardReport:
    """Extract every article under ``paths`` on a dask cluster into N-Quads shards in ``out_dir``.

    ``client``: a ``distributed.Client``, a scheduler address (``tcp://host:8786``), or
    ``None``/``"local"`` for a :class:`~distributed.LocalCluster` with one single-threaded
    worker process per core. ``partition_size``: input files per partition (one shard each).
    ``nlp_factory`` defaults to :func:`kg.load_pipeline` and ``linker`` to one over the shipped
    gazetteer; both are sent to the workers, which must have ``kg`` installed.
    """
    try:
        import dask.bag as db
        from distributed import Client, LocalCluster
    except ImportError as error:
        raise KgError("Distributed builds need the dask extra: pip install 'kg[dask]'") from error
    if nlp_factory is None:
        from kg.nlp import load_pipeline

        nlp_factory = load_pipeline
    if linker is None:
        from kg.link import Linker, load_alias_table

        linker = Linker(load_alias_table())
    target = Path(out_dir).resolve()
    target.mkdir(parents=True, exist_ok=True)
    files = [str(Path(f).resolve()) for f in input_files(paths)]
    report = ShardReport()
    if not files:
        return report
    run_id = hashlib.sha1(os.urandom(16)).hexdigest()
    owned: list[Any] = []
    if isinstance(client, Client):
        active = client
    elif client is None or client == "local":
        cluster = LocalCluster(n_workers=resolve_workers(0), threads_per_worker=1, processes=True)
        active = Client(cluster)
        owned = [active, cluster]
    else:
        active = Client(client)
        owned = [active]
    try:
        bag = db.from_sequence(files, partition_size=max(1, partition_size))
        results = bag.map_partitions(
            _extract_partition,
            out_dir=str(target),
            run_id=run_id,
            nlp_factory=nlp_factory,
            linker=linker,
            batch_size=batch_size,
        ).compute(scheduler=active.get)
    finally:
        for resource in owned:
            resource.close()
    for result in results:
        report.shards.append(Path(result.shard))
        report.articles += result.articles
        report.characters += result.characters
        report.quads += result.quads
        report.problems.extend(result.problems)
    return report


def extract_to_shards(
    paths: Iterable[str | Path],
    out_dir: str | Path,
    *,
    client: Client | str | None = None,
    partition_size: int = 4,
    **options: Any,
) -> list[Path]:
    """:func:`extract_shards`, returning the shard paths only (problems are logged)."""
    report = extract_shards(paths, out_dir, client=client, partition_size=partition_size, **options)
    for problem in report.problems:
        log.warning("skipped %s", problem)
    return report.shards


def load_shards(store: Store, shards: Iterable[str | Path], *, optimize: bool = True) -> int:
    """Bulk-load N-Quads shards; each article's old graph (if any) is dropped first.

    Returns the number of article graphs loaded. Oxigraph's bulk loader is not transactional:
    load into a store nobody else is reading, and re-run on failure (it is idempotent). The
    shards are kg's own output, so they are loaded without re-validating every IRI and literal
    (``lenient``, ~25% faster); ``optimize`` compacts the store once at the end, which keeps
    later single-article updates as cheap as in a store built article by article.
    """
    loaded = 0
    paths = [Path(shard) for shard in shards]
    for path in paths:
        graphs = path.with_suffix(GRAPHS_SUFFIX)
        names = graphs.read_text(encoding="utf-8").split() if graphs.exists() else []
        for name in names:
            store.remove_graph(ox.NamedNode(name))
        loaded += len(names)
    if paths:  # all shards at once: one loader per core (kg.bulk)
        store.bulk_load(paths, format=ox.RdfFormat.N_QUADS, lenient=True)
    store.flush()
    if optimize and loaded:
        store.optimize()
    return loaded


__all__ = ["ShardReport", "extract_shards", "extract_to_shards", "input_files", "load_shards"]
