"""The persistent Oxigraph store behind a knowledge graph.

One named graph per article (see :mod:`kg.graph.vocab`), plus the shared graph of entity types
and labels (:data:`~kg.graph.vocab.ENTITY_GRAPH`). Replacing or deleting an article touches its
own graph, adds its entities' type and label to the shared graph (idempotent) and removes from it
the entities that no other article refers to any more: a few index lookups per entity the article
named, so the cost is that article's work whatever the size of the store. Queries run over the
union of all graphs, as ``kg query`` and the endpoint do.

Readers and writers of one store folder are kept apart by ``STORE/.kg-write.lock`` (``flock``):
a writer holds it exclusively for as long as its :class:`Store` is open, a reader (``read_only``)
holds it shared. pyoxigraph calls reading a store while another process writes it undefined
behaviour, and it really is: RocksDB's read-only instances fail to open, or fail in the middle of a
query, when the writer's compactions delete files they still list (see ``docs/reliability.md``).
So a reader that finds a build writing waits up to ``wait`` seconds and then raises
:class:`~kg.errors.StoreLockedError`, and a build that finds readers (a server, a query) raises it
too. Inside one process a read-only open of a store this process is writing shares the writer's
handle instead (that is safe, and sees every committed article). The kernel drops the locks when
the process ends, even on ``SIGKILL``, so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import threading
import time
import weakref
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from kg.errors import QueryError, StoreError, StoreLockedError
from kg.graph import vocab

log = logging.getLogger(__name__)

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
QueryResult = ox.QuerySolutions | ox.QueryTriples | ox.QueryBoolean | bool

_CONTENT_HASH = vocab.kg("contentHash")

LOCK_FILE = ".kg-write.lock"
#: How long a reader waits for a build to finish before it gives up (seconds).
DEFAULT_WAIT = 1.0
_ONTOLOGY_HASH = vocab.kg("contentHash")
_ARTICLE_LINKS = tuple(ox.NamedNode(iri) for iri in vocab.ARTICLE_ENTITY_LINKS)


class Store:
    """A pyoxigraph store on disk (or in memory when ``path`` is ``None``).

    >>> store = Store(None)
    >>> store.replace_graph(vocab.article_graph("a"), [])
    >>> store.article_hash("a") is None
    True
    """

    def __init__(
        self, path: str | Path | None, *, read_only: bool = False, wait: float = DEFAULT_WAIT
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        self._lock: _StoreLock | None = None
        if self.path is None:
            self._store = ox.Store()
            return
        if read_only:
            shared = _live_writer(self.path)
            if shared is not None:  # this process writes it: share the writer's handle
                self._store = shared
                return
        self._lock = _StoreLock.acquire(self.path, exclusive=not read_only, wait=wait)
        try:
            self._store = _open(self.path, read_only)
        except BaseException:
            self._lock.release()
            raise
        if not read_only:
            _register_writer(self.path, self)

    def close(self) -> None:
        """Flush, let go of the store's files and release the lock (the object is unusable after).

        Dropping the last reference does the same; ``close`` makes it happen now.
        """
        if self._lock is None:
            return
        self.flush()
        if not self.read_only and self.path is not None:
            _unregister_writer(self.path)
        del self._store
        self._lock.release()
        self._lock = None

    # --- writing -------------------------------------------------------------------------------

    def replace_graph(self, graph: ox.NamedNode, quads: Iterable[ox.Quad]) -> None:
        """Make ``graph`` hold exactly the ``quads`` that name it; add the others (the article's
        entity types and labels in :data:`~kg.graph.vocab.ENTITY_GRAPH`) to their graphs.

        The old graph is dropped, then the new quads are added in one transaction: after a crash
        the graph is either whole or absent, never half-written. For an article graph, the
        entities the old version referred to and no graph refers to any more lose their type and
        label (per-entity index lookups: the cost does not grow with the store).
        """
        self._check_writable()
        quads = list(quads)
        article = vocab.is_article_graph(graph)
        old = self._entity_refs(graph) if article else set()
        try:
            self._store.remove_graph(graph)
        except (OSError, RuntimeError) as error:
            if self.contains_graph(graph):
                raise StoreError(f"Could not remove graph {graph.value}: {error}") from error
        self.add(quads)
        if old:
            self._collect_entities(old - _entity_refs(quads, graph, _ARTICLE_LINKS))

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads in one transaction (all or nothing)."""
        self._check_writable()
        try:
            self._store.extend(quads)
        except OSError as error:
            raise StoreError(f"Could not write to the store at {self.path}: {error}") from error

    def bulk_load(
        self,
        paths: str | Path | Iterable[str | Path],
        *,
        format: ox.RdfFormat | None = None,
        lenient: bool = False,
        optimize: bool = False,
        threads: int = 0,
    ) -> None:
        """Load large RDF files (N-Quads shards, Turtle...) through Oxigraph's bulk loader.

        Oxigraph parses the files itself (no Python objects per quad). N-Triples and N-Quads files
        are cut at line ends and loaded by ``threads`` loaders at once (0: one per core plus one;
        see :mod:`kg.bulk`), as are several files. ``format`` defaults to each file's extension.
        ``lenient`` skips IRI and literal validation: for files ``kg`` wrote, such as shards,
        not for files from elsewhere. The loader adds its sorted files to the store without
        merging them; ``optimize`` compacts the store afterwards, which makes the later updates
        of single articles 2-3x faster in a store of 10^6 quads (and costs about a third of the
        load time). Not transactional: use it to fill a store, not to update one that others
        read; after an error, some pieces may be loaded.
        """
        from kg.bulk import PieceError, bulk_load_pieces, default_threads, pieces

        self._check_writable()
        files = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
        by_format: dict[ox.RdfFormat, list[Path]] = {}
        for file in files:
            fmt = format or ox.RdfFormat.from_extension(file.suffix.lstrip("."))
            if fmt is None:
                raise StoreError(
                    f"Cannot tell the RDF format of {file}: use .nq, .nt, .ttl or .trig."
                )
            if not file.is_file():
                raise StoreError(f"No such file to load: {file}")
            by_format.setdefault(fmt, []).append(file)
        threads = threads or default_threads()
        try:
            for fmt, group in by_format.items():
                work = pieces(group, fmt, threads)
                bulk_load_pieces(self._store, work, format=fmt, lenient=lenient, threads=threads)
        except PieceError as error:
            raise StoreError(
                f"Bulk load failed on {error.piece.describe()}: {error.error}. Fix or remove that "
                "file and load again (pieces already loaded stay in the store)."
            ) from error
        if optimize:
            self._store.optimize()

    def remove_graph(self, graph: ox.NamedNode) -> bool:
        """Delete one named graph; returns whether it existed.

        For an article graph, the entities only it referred to lose their type and label in
        :data:`~kg.graph.vocab.ENTITY_GRAPH` (see :meth:`replace_graph`).
        """
        self._check_writable()
        if not self.contains_graph(graph):
            return False
        old = self._entity_refs(graph) if vocab.is_article_graph(graph) else set()
        self._store.remove_graph(graph)
        self._collect_entities(old)
        return True

    def _entity_refs(self, graph: ox.NamedNode) -> set[str]:
        """IRIs of the entities article ``graph`` links its article node to: every entity
        :mod:`kg.graph.build` writes a type and label for is mentioned, an author or the source
        (three index range scans, not the whole graph)."""
        article = vocab.article_of_graph(graph)
        return {
            iri
            for predicate in _ARTICLE_LINKS
            for iri in _entity_refs(
                self._store.quads_for_pattern(article, predicate, None, graph), graph
            )
        }

    def _collect_entities(self, candidates: Iterable[str]) -> None:
        """Drop the type and label of each candidate entity that no quad refers to any more.

        An entity is live while some graph holds a quad with it as object (the article that
        ``schema:mentions`` it, names it as author or source, or a relation to it); the entity
        graph holds entities only as subjects. One index seek per candidate.
        """
        for iri in sorted(candidates):
            node = ox.NamedNode(iri)
            if next(iter(self._store.quads_for_pattern(None, None, node, None)), None) is not None:
                continue
            for quad in list(self._store.quads_for_pattern(node, None, None, vocab.ENTITY_GRAPH)):
                self._store.remove(quad)

    def ensure_ontology(self, files: Iterable[Path]) -> bool:
        """Load the ontology files into their own graph if they changed; returns whether it did."""
        paths = sorted(files)
        digest = vocab.short_hash(*(p.read_text(encoding="utf-8") for p in paths), length=40)
        current = [
            q.object.value if isinstance(q.object, ox.Literal) else ""
            for q in self._store.quads_for_pattern(
                vocab.ONTOLOGY_GRAPH, _ONTOLOGY_HASH, None, vocab.ONTOLOGY_GRAPH
            )
        ]
        if current == [digest]:
            return False
        quads = [
            ox.Quad(vocab.ONTOLOGY_GRAPH, _ONTOLOGY_HASH, ox.Literal(digest), vocab.ONTOLOGY_GRAPH)
        ]
        for path in paths:
            for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
                quads.append(
                    ox.Quad(triple.subject, triple.predicate, triple.object, vocab.ONTOLOGY_GRAPH)
                )
        self.replace_graph(vocab.ONTOLOGY_GRAPH, quads)
        return True

    def flush(self) -> None:
        if not self.read_only:
            self._store.flush()

    def optimize(self) -> None:
        self._check_writable()
        self._store.optimize()

    # --- reading -------------------------------------------------------------------------------

    def article_hash(self, doc_id: str) -> str | None:
        """The content hash recorded for an article, or ``None`` if the store lacks it."""
        graph = vocab.article_graph(doc_id)
        for quad in self._store.quads_for_pattern(
            vocab.article_iri(doc_id), _CONTENT_HASH, None, graph
        ):
            if isinstance(quad.object, ox.Literal):
                return quad.object.value
        return None

    def contains_graph(self, graph: ox.NamedNode) -> bool:
        return bool(self._store.contains_named_graph(graph))

    def article_graphs(self) -> Iterator[ox.NamedNode]:
        for graph in self._store.named_graphs():
            if isinstance(graph, ox.NamedNode) and vocab.is_article_graph(graph):
                yield graph

    def quads(self, graph: ox.NamedNode | None = None) -> Iterator[ox.Quad]:
        return iter(self._store.quads_for_pattern(None, None, None, graph))

    def __len__(self) -> int:
        return len(self._store)

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        union: bool = True,
        default_graph: list[ox.NamedNode] | None = None,
        named_graphs: list[ox.NamedNode] | None = None,
    ) -> QueryResult:
        """Run a SPARQL query over the union of all graphs (``union=False``: the default graph).

        Values are bound with ``substitutions`` (variable name → term), never pasted into the text.
        """
        kwargs: dict[str, Any] = {"prefixes": vocab.PREFIXES}
        if default_graph is not None:
            kwargs["default_graph"] = default_graph
        else:
            kwargs["use_default_graph_as_union"] = union
        if named_graphs is not None:
            kwargs["named_graphs"] = named_graphs
        if substitutions:
            kwargs["substitutions"] = {ox.Variable(k): v for k, v in substitutions.items()}
        try:
            return self._store.query(sparql, **kwargs)
        except SyntaxError as error:
            raise QueryError(f"The SPARQL query is malformed: {error}") from error
        except (OSError, ValueError, RuntimeError) as error:
            if "Corruption" in str(error):
                raise StoreError(
                    f"The store at {self.path} is damaged ({error}). Restore it from a copy, or "
                    "delete the folder and build it again with `kg build`."
                ) from error
            raise QueryError(f"The SPARQL query failed: {error}") from error

    def select(
        self, sparql: str, *, substitutions: Mapping[str, Term] | None = None
    ) -> ox.QuerySolutions:
        """Run a SELECT query (over the union of all graphs) and return its solutions."""
        result = self.query(sparql, substitutions=substitutions)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("Expected a SELECT query; use query() for ASK, CONSTRUCT or DESCRIBE.")
        return result

    def update(self, sparql: str) -> None:
        self._check_writable()
        try:
            self._store.update(sparql, prefixes=vocab.PREFIXES)
        except SyntaxError as error:
            raise QueryError(f"The SPARQL update is malformed: {error}") from error

    def dump(
        self,
        output: IO[bytes] | str | Path,
        format: ox.RdfFormat,
        graph: ox.NamedNode | None = None,
    ) -> None:
        """Serialise the store (or one graph) to ``output``."""
        target = str(output) if isinstance(output, Path) else output
        if graph is not None:
            self._store.dump(target, format=format, from_graph=graph)
        elif format.supports_datasets:
            self._store.dump(target, format=format)
        else:
            raise StoreError(f"{format.name} holds one graph: name a graph or use N-Quads / TriG.")

    @property
    def raw(self) -> ox.Store:
        """The underlying :class:`pyoxigraph.Store`, for what this class does not wrap."""
        return self._store

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError("This store was opened read-only; open it without read_only to write.")


def _entity_refs(
    quads: Iterable[ox.Quad], graph: ox.NamedNode, predicates: tuple[ox.NamedNode, ...] = ()
) -> set[str]:
    """IRIs of the entities that the quads of ``graph`` among ``quads`` (with one of
    ``predicates``, if given) have as objects."""
    return {
        quad.object.value
        for quad in quads
        if isinstance(quad.object, ox.NamedNode)
        and quad.graph_name == graph
        and (not predicates or quad.predicate in predicates)
        and vocab.is_entity_iri(quad.object.value)
    }


def _open(path: Path | None, read_only: bool) -> ox.Store:
    if path is None:
        return ox.Store()
    try:
        if read_only:
            if not path.exists():
                raise StoreError(
                    f"No store at {path}. Build one first with `kg build PATH --store {path}`."
                )
            return ox.Store.read_only(str(path))
        path.mkdir(parents=True, exist_ok=True)
        return ox.Store(str(path))
    except (OSError, RuntimeError) as error:  # RocksDB reports some corruption as RuntimeError
        message = str(error)
        # RocksDB's own lock: "IO error: lock hold by current process ... /LOCK: ..." or
        # "While lock file: .../LOCK: Resource temporarily unavailable". Not any "lock": a damaged
        # file says "block checksum mismatch".
        if isinstance(error, OSError) and ("/LOCK:" in message or "lock hold" in message):
            raise StoreLockedError(
                f"The store at {path} is in use by another kg process (a build or a server). "
                "Wait for it to finish, or stop it, then try again."
            ) from error
        if "Corruption" in message:
            raise StoreError(
                f"The store at {path} is damaged ({message.strip()}). Restore it from a copy, or "
                "delete the folder and build it again with `kg build`."
            ) from error
        raise StoreError(f"Could not open the store at {path}: {message}") from error


# --- the reader/writer lock ---------------------------------------------------------------------

_WRITERS: weakref.WeakValueDictionary[str, Store] = weakref.WeakValueDictionary()
_WRITERS_GUARD = threading.Lock()


def _key(path: Path) -> str:
    return os.path.realpath(path)


def _live_writer(path: Path) -> ox.Store | None:
    with _WRITERS_GUARD:
        writer = _WRITERS.get(_key(path))
        return getattr(writer, "_store", None) if writer is not None else None


def _register_writer(path: Path, store: Store) -> None:
    with _WRITERS_GUARD:
        _WRITERS[_key(path)] = store


def _unregister_writer(path: Path) -> None:
    with _WRITERS_GUARD:
        _WRITERS.pop(_key(path), None)


class _StoreLock:
    """``flock`` on ``STORE/.kg-write.lock``: exclusive for a writer, shared for a reader.

    The lock belongs to an open file, so it lasts as long as this object (or until
    :meth:`release`) and the kernel drops it when the process dies.
    """

    def __init__(self, file: IO[bytes] | None) -> None:
        self._file = file

    @classmethod
    def acquire(cls, path: Path, *, exclusive: bool, wait: float) -> _StoreLock:
        file = _lock_file(path, create=exclusive)
        if file is None:  # a read-only open of a store without a lock file on a read-only disk
            return cls(None)
        deadline = time.monotonic() + (0.0 if exclusive else max(wait, 0.0))
        operation = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
        while True:
            try:
                fcntl.flock(file.fileno(), operation)
                return cls(file)
            except OSError as error:
                if error.errno not in (errno.EWOULDBLOCK, errno.EACCES, errno.EAGAIN):
                    file.close()
                    raise StoreError(f"Could not lock the store at {path}: {error}") from error
            if time.monotonic() >= deadline:
                break
            time.sleep(0.05)
        message = _locked_message(path, file, exclusive)
        file.close()
        raise StoreLockedError(message)

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the file drops the flock
            self._file = None


def _lock_file(path: Path, *, create: bool) -> IO[bytes] | None:
    lock_path = path / LOCK_FILE
    if create:
        path.mkdir(parents=True, exist_ok=True)
    elif not path.is_dir():
        return None  # _open() says there is no store
    try:
        return open(lock_path, "a+b")  # kept open: the lock lives with the file
    except OSError:
        if create:
            raise
    try:
        return open(lock_path, "rb")
    except OSError:
        return None


def _locked_message(path: Path, file: IO[bytes], exclusive: bool) -> str:
    if not exclusive:
        return (
            f"A build is writing to the store at {path}: it cannot be read safely until the build "
            "ends. Wait for it to finish, then query again (or query another copy of the store)."
        )
    try:  # who holds it? readers hold it shared, so a shared lock would succeed
        fcntl.flock(file.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        fcntl.flock(file.fileno(), fcntl.LOCK_UN)
        readers = True
    except OSError:
        readers = False
    if readers:
        return (
            f"The store at {path} is in use by another kg process that reads it (a server, a "
            "query or a Python session): a store cannot be written while another process reads "
            "it. Stop the reader (or wait for it), then try again; or build into another store "
            "folder."
        )
    return (
        f"The store at {path} is in use by another kg process (a build or a server). "
        "Wait for it to finish, or stop it, then try again."
    )
