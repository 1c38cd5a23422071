"""Check a store against the graph contract's SHACL shapes (``ontology/shapes.ttl``)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pyoxigraph as ox

from kg.graph import vocab
from kg.resources import data_path
from kg.store import Store


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    text: str
    triples: int


def validate_store(store: Store) -> ValidationReport:
    """Validate the union of all article graphs and the shared entity graph (the ontology graph
    excluded) with pyshacl."""
    import pyshacl
    import rdflib

    data = rdflib.Graph()
    buffer = io.BytesIO()
    for graph in [*store.article_graphs(), vocab.ENTITY_GRAPH]:
        store.dump(buffer, ox.RdfFormat.N_TRIPLES, graph=graph)
    data.parse(data=buffer.getvalue().decode("utf-8"), format="nt")
    shapes = rdflib.Graph().parse(data_path("ontology") / "shapes.ttl", format="turtle")
    conforms, _, text = pyshacl.validate(
        data, shacl_graph=shapes, advanced=True, allow_warnings=True
    )
    return ValidationReport(bool(conforms), str(text), len(data))


__all__ = ["ValidationReport", "validate_store", "vocab"]
