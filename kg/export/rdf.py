"""RDF serialisations of a store, by pyoxigraph.

``nquads`` and ``trig`` keep the named graphs (one per article) through ``Store.dump``;
``turtle``, ``ntriples`` and ``jsonld`` get the union of all graphs with each
triple once (``SELECT DISTINCT``: the union yields a triple once per graph holding it). With a
``query`` (a CONSTRUCT or DESCRIBE), its triples are written instead, in the default graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from kg.errors import ExportError
from kg.graph import vocab
from kg.sparql_policy import check_query
from kg.store import Store

__all__ = ["RDF_FORMATS", "write_rdf"]

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}

_UNION = "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"


class _Counter:
    def __init__(self, items: Iterable[Any]) -> None:
        self.items, self.count = items, 0

    def __iter__(self) -> Iterator[Any]:
        for item in self.items:
            self.count += 1
            yield item


def write_rdf(store: Store, output: Path | IO[bytes], name: str, query: str | None = None) -> int:
    """Write the store (or a CONSTRUCT's triples) as ``name``; returns the statements written."""
    fmt = RDF_FORMATS[name]
    target: Any = str(output) if isinstance(output, Path) else output
    if query is None and name in ("nquads", "trig"):
        store.dump(output, fmt)
        return len(store)
    if query is not None and not check_query(query).returns_graph:
        raise ExportError(
            f"An RDF export ({name}) needs a CONSTRUCT or DESCRIBE query, whose answer is triples."
        )
    result = store.query(query or _UNION)
    assert isinstance(result, ox.QueryTriples)
    triples: Iterable[Any] = result
    if fmt.supports_datasets:
        triples = (ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in result)
    counter = _Counter(triples)
    prefixes = vocab.PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    ox.serialize(counter, target, fmt, prefixes=prefixes)
    return counter.count
