"""The persistent Oxigraph store behind a knowledge graph.

One named graph per article (see :mod:`kg.graph.vocab`): replacing or deleting an article touches
that graph only. Queries run over the union of all graphs, as ``kg query`` and the endpoint do.
"""

from __future__ import annotations

import logging
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
_ONTOLOGY_HASH = vocab.kg("contentHash")


class Store:
    """A pyoxigraph store on disk (or in memory when ``path`` is ``None``).

    >>> store = Store(None)
    >>> store.replace_graph(vocab.article_graph("a"), [])
    >>> store.article_hash("a") is None
    True
    """

    def __init__(self, path: str | Path | None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        self._store = _open(self.path, read_only)

    # --- writing -------------------------------------------------------------------------------

    def replace_graph(self, graph: ox.NamedNode, quads: Iterable[ox.Quad]) -> None:
        """Make ``graph`` hold exactly ``quads``.

        The old graph is dropped, then the new quads are added in one transaction: after a crash
        the graph is either whole or absent, never half-written.
        """
        self._check_writable()
        try:
            self._store.remove_graph(graph)
        except (OSError, RuntimeError) as error:
            if self.contains_graph(graph):
                raise StoreError(f"Could not remove graph {graph.value}: {error}") from error
        self.add(quads)

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads in one transaction (all or nothing)."""
        self._check_writable()
        try:
            self._store.extend(quads)
        except OSError as error:
            raise StoreError(f"Could not write to the store at {self.path}: {error}") from error

    def bulk_load(self, path: str | Path, *, format: ox.RdfFormat | None = None) -> None:
        """Load a large RDF file (N-Quads shards, Turtle...) through Oxigraph's bulk loader.

        Not transactional: use it to fill a store, not to update one that others read.
        """
        self._check_writable()
        file = Path(path)
        fmt = format or ox.RdfFormat.from_extension(file.suffix.lstrip("."))
        if fmt is None:
            raise StoreError(f"Cannot tell the RDF format of {file}: use .nq, .nt, .ttl or .trig.")
        self._store.bulk_load(path=str(file), format=fmt)

    def remove_graph(self, graph: ox.NamedNode) -> bool:
        """Delete one named graph; returns whether it existed."""
        self._check_writable()
        if not self.contains_graph(graph):
            return False
        self._store.remove_graph(graph)
        return True

    def ensure_ontology(self, files: Iterable[Path]) -> bool:
        """Load the ontology files into their own graph if they changed; returns whether it did."""
        paths = sorted(files)
        digest = vocab.short_hash(*(p.read_text(encoding="utf-8") for p in paths), length=40)
        current = [
            q.object.value
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
            return str(quad.object.value)
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
            raise QueryError(f"The SPARQL query failed: {error}") from error

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
    except OSError as error:
        message = str(error)
        if "lock" in message.lower():
            raise StoreLockedError(
                f"The store at {path} is in use by another kg process (a build or a server). "
                "Wait for it to finish, or stop it, then try again."
            ) from error
        raise StoreError(f"Could not open the store at {path}: {message}") from error
