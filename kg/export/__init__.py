"""Exports of a ``kg`` store: Gephi (GEXF, CSV), GraphML, RDF, networkx and an HTML view.

>>> from kg.store import Store
>>> import io
>>> report = export_store(Store(None), io.BytesIO(), "gexf")
>>> (report.format, report.nodes, report.edges)
('gexf', 0, 0)

Graph formats (``gexf``, ``graphml``, ``csv``) export the entity graph of
:func:`~kg.export.graph.to_networkx`; RDF formats (``nquads``, ``trig``, ``turtle``, ``jsonld``,
``ntriples``) export statements (see :mod:`kg.export.rdf`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from kg.errors import ExportError
from kg.export.gexf import write_gexf
from kg.export.graph import to_networkx
from kg.export.rdf import RDF_FORMATS, write_rdf
from kg.export.tabular import write_csv, write_graphml
from kg.store import Store

__all__ = [
    "FORMATS",
    "GRAPH_FORMATS",
    "ExportReport",
    "export_store",
    "guess_format",
    "to_networkx",
]

GRAPH_FORMATS = ("gexf", "graphml", "csv")
FORMATS = GRAPH_FORMATS + tuple(RDF_FORMATS)
_SUFFIXES = {
    ".gexf": "gexf",
    ".graphml": "graphml",
    ".csv": "csv",
    ".nq": "nquads",
    ".nquads": "nquads",
    ".trig": "trig",
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".nt": "ntriples",
    ".ntriples": "ntriples",
}


def guess_format(path: Path) -> str:
    """The export format a file name asks for; a path without suffix means CSV in a directory.

    >>> guess_format(Path("out/graph.gexf")), guess_format(Path("out/kg.ttl"))
    ('gexf', 'turtle')
    >>> guess_format(Path("out/gephi"))
    'csv'
    """
    path = Path(path)
    if path.is_dir() or not path.suffix:
        return "csv"
    try:
        return _SUFFIXES[path.suffix.lower()]
    except KeyError:
        raise ExportError(
            f"Cannot tell the export format of {path.name}: use one of "
            f"{', '.join(sorted(_SUFFIXES))} or name the format."
        ) from None


@dataclass
class ExportReport:
    """What an export wrote.

    ``nodes``/``edges`` for graph formats, ``statements`` (quads or triples) for RDF formats;
    ``added_nodes``: relation targets without type or label that became nodes;
    ``dropped_edges``: relations left out because an end is not an entity.
    """

    format: str
    outputs: list[Path] = field(default_factory=list)
    nodes: int | None = None
    edges: int | None = None
    statements: int | None = None
    added_nodes: int = 0
    dropped_edges: int = 0

    def describe(self) -> str:
        """One line for people: ``3,101 statements`` or ``120 nodes, 180 edges (…)``."""
        if self.statements is not None:
            return f"{self.statements:,} statements"
        text = f"{self.nodes or 0:,} nodes, {self.edges or 0:,} edges"
        notes = []
        if self.added_nodes:
            notes.append(f"{self.added_nodes:,} relation targets without a type added as nodes")
        if self.dropped_edges:
            notes.append(f"{self.dropped_edges:,} relations to non-entities left out")
        return text + (f" ({'; '.join(notes)})" if notes else "")


def export_store(
    store: Store,
    output: Path | IO[bytes],
    format: str,
    *,
    query: str | None = None,
    co_mentions: str | None = None,
    layout: bool = False,
) -> ExportReport:
    """Export ``store`` to ``output`` (a path, or a binary stream for single-file formats).

    ``query`` narrows the export (see :func:`~kg.export.graph.to_networkx`; RDF formats need a
    CONSTRUCT), ``co_mentions`` (``"sentence"`` or ``"article"``) adds co-mention edges to graph
    formats, ``layout`` adds seeded spring-layout positions to GEXF.
    Raises :class:`~kg.errors.ExportError` for an unknown format or an unusable target.
    """
    name = format.lower().replace("-", "")
    aliases = {"ttl": "turtle", "nt": "ntriples", "nq": "nquads", "json": "jsonld"}
    name = aliases.get(name, name)
    if name not in FORMATS:
        raise ExportError(f"Unknown export format {format!r}: use one of {', '.join(FORMATS)}.")
    if isinstance(output, str):
        output = Path(output)
    report = ExportReport(name)
    if isinstance(output, Path):
        report.outputs = [output]
        if name != "csv":
            output.parent.mkdir(parents=True, exist_ok=True)
    if name in RDF_FORMATS:
        if co_mentions or layout:
            raise ExportError(
                "co_mentions and layout apply to graph formats (gexf, graphml, csv), "
                f"not to {name}."
            )
        report.statements = write_rdf(store, output, name, query)
        return report
    graph = to_networkx(store, query=query, co_mentions=co_mentions)
    report.nodes, report.edges = graph.number_of_nodes(), graph.number_of_edges()
    report.added_nodes = int(graph.graph.get("added_nodes", 0))
    report.dropped_edges = int(graph.graph.get("dropped_edges", 0))
    if name == "gexf":
        write_gexf(graph, output, layout=layout)
    elif name == "graphml":
        write_graphml(graph, output)
    else:
        if not isinstance(output, Path):
            raise ExportError("CSV export writes two files: give a directory or a file prefix.")
        report.outputs = write_csv(graph, output)
    return report
