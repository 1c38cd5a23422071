"""GEXF 1.3 for Gephi, written as escaped text line by line (not networkx's writer).

What the file holds, and why:

- namespaces ``http://gexf.net/1.3`` (default) and ``http://gexf.net/1.3/viz`` (prefix ``viz``,
  which graphology-gexf looks for by name), ``xsi:schemaLocation`` pointing at the 1.3 XSD;
- ``<graph defaultedgetype="directed" idtype="string" mode="static">``;
- declared node attributes ``type`` (string: colour by Partition in Gephi), ``mentions``
  (integer: size by Ranking) and ``aliases`` (string, ``|``-separated), and the declared edge
  attribute ``kind``; every ``attvalue`` refers to one of these;
- nodes: ``id`` = entity IRI, ``label`` = Chinese label, ``viz:color`` by type, ``viz:size`` from
  mentions, ``viz:position`` when a layout is asked for (networkx ``spring_layout``, seeded);
- edges: ``id``, ``source``, ``target``, ``label``, ``kind`` (the GEXF 1.3 attribute that keeps
  parallel edges of different kinds apart, also given as the ``kind`` attvalue for readers that
  ignore it) and ``weight``. Every edge's ends are nodes of the file (see
  :mod:`kg.export.graph` for how missing targets are handled).

The document is streamed with the standard library's ``xml.sax.saxutils.XMLGenerator`` (which
escapes every value), element by element: no tree is built, so memory stays flat and the writer
is several times faster than ``networkx.write_gexf`` (``bench/export_speed.py``).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import IO
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

import networkx as nx

from kg.export.graph import TYPE_COLORS, UNKNOWN

__all__ = ["GEXF_NS", "VIZ_NS", "write_gexf"]

GEXF_NS = "http://gexf.net/1.3"
VIZ_NS = "http://gexf.net/1.3/viz"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"

NODE_ATTRIBUTES = (("type", "string"), ("mentions", "integer"), ("aliases", "string"))
EDGE_ATTRIBUTES = (("kind", "string"),)


def node_size(mentions: int) -> float:
    """Node size for Gephi and the view: grows with the square root of the mentions.

    >>> node_size(0), node_size(4)
    (10.0, 30.0)
    """
    return 10.0 + 10.0 * math.sqrt(max(0, mentions))


def layout_positions(
    graph: nx.MultiDiGraph, scale: float = 1000.0
) -> dict[str, tuple[float, float]]:
    """A seeded spring layout (same graph, same positions): a starting point for Gephi.

    Fruchterman-Reingold costs about n² per iteration, so large graphs get fewer iterations
    (50 up to 500 nodes, down to 10 from 2500 nodes); run ForceAtlas2 in Gephi to refine.
    """
    n = graph.number_of_nodes()
    if n == 0:
        return {}
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes))
    simple.add_edges_from((u, v) for u, v in graph.edges())
    iterations = max(10, min(50, 25_000 // n))
    positions = nx.spring_layout(simple, seed=42, scale=scale, iterations=iterations)
    return {node: (float(x), float(y)) for node, (x, y) in positions.items()}


class _Writer:
    """Elements through the standard library's streaming XML writer (escaping included), one
    per line, indented."""

    def __init__(self, out: IO[bytes]) -> None:
        self.xml = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)

    def _start(self, name: str, attrs: dict[str, str], indent: str) -> None:
        self.xml.ignorableWhitespace(indent)
        self.xml.startElement(name, AttributesImpl(attrs))

    def empty(self, name: str, attrs: dict[str, str], indent: str) -> None:
        self._start(name, attrs, indent)
        self.xml.endElement(name)
        self.xml.ignorableWhitespace("\n")

    def open(self, name: str, attrs: dict[str, str], indent: str) -> None:
        self._start(name, attrs, indent)
        self.xml.ignorableWhitespace("\n")

    def close(self, name: str, indent: str) -> None:
        self.xml.ignorableWhitespace(indent)
        self.xml.endElement(name)
        self.xml.ignorableWhitespace("\n")

    def text(self, name: str, content: str, indent: str) -> None:
        self._start(name, {}, indent)
        self.xml.characters(content)
        self.xml.endElement(name)
        self.xml.ignorableWhitespace("\n")


def _attributes(w: _Writer, cls: str, declared: tuple[tuple[str, str], ...]) -> None:
    w.open("attributes", {"class": cls}, "   ")
    for name, kind in declared:
        w.empty("attribute", {"id": name, "title": name, "type": kind}, "    ")
    w.close("attributes", "   ")


def _write(out: IO[bytes], graph: nx.MultiDiGraph, layout: bool) -> None:
    w = _Writer(out)
    w.xml.startDocument()  # the XML declaration and a newline
    w.open(
        "gexf",
        {
            "xmlns": GEXF_NS,
            "xmlns:viz": VIZ_NS,
            "xmlns:xsi": XSI_NS,
            "version": "1.3",
            "xsi:schemaLocation": SCHEMA_LOCATION,
        },
        "",
    )
    w.open("meta", {"lastmodifieddate": dt.date.today().isoformat()}, " ")
    w.text("creator", "kg", "  ")
    w.text(
        "description",
        "Entities and relations extracted from Chinese science and technology news",
        "  ",
    )
    w.close("meta", " ")
    w.open("graph", {"defaultedgetype": "directed", "idtype": "string", "mode": "static"}, "  ")
    _attributes(w, "node", NODE_ATTRIBUTES)
    _attributes(w, "edge", EDGE_ATTRIBUTES)
    positions = layout_positions(graph) if layout else {}
    w.open("nodes", {}, "   ")
    for iri, data in graph.nodes(data=True):
        type_name = str(data.get("type", UNKNOWN))
        mentions = int(data.get("mentions", 0))
        r, g, b = TYPE_COLORS.get(type_name, TYPE_COLORS[UNKNOWN])
        w.open("node", {"id": iri, "label": str(data.get("label", iri))}, "    ")
        w.open("attvalues", {}, "     ")
        w.empty("attvalue", {"for": "type", "value": type_name}, "      ")
        w.empty("attvalue", {"for": "mentions", "value": str(mentions)}, "      ")
        w.empty(
            "attvalue", {"for": "aliases", "value": "|".join(data.get("aliases", []))}, "      "
        )
        w.close("attvalues", "     ")
        w.empty("viz:color", {"r": str(r), "g": str(g), "b": str(b)}, "     ")
        w.empty("viz:size", {"value": f"{node_size(mentions):g}"}, "     ")
        if iri in positions:
            x, y = positions[iri]
            w.empty("viz:position", {"x": f"{x:.3f}", "y": f"{y:.3f}", "z": "0"}, "     ")
        w.close("node", "    ")
    w.close("nodes", "   ")
    w.open("edges", {}, "   ")
    for number, (source, target, key, data) in enumerate(graph.edges(keys=True, data=True)):
        kind = str(data.get("kind", key))
        attrs = {
            "id": f"e{number}",
            "source": source,
            "target": target,
            "label": str(data.get("label", kind)),
            "kind": kind,
            "weight": f"{float(data.get('weight', 1)):g}",
        }
        w.open("edge", attrs, "    ")
        w.open("attvalues", {}, "     ")
        w.empty("attvalue", {"for": "kind", "value": kind}, "      ")
        w.close("attvalues", "     ")
        w.close("edge", "    ")
    w.close("edges", "   ")
    w.close("graph", "  ")
    w.close("gexf", "")
    w.xml.endDocument()


def write_gexf(graph: nx.MultiDiGraph, output: Path | IO[bytes], *, layout: bool = False) -> None:
    """Write ``graph`` as GEXF 1.3 to a path or a binary stream (streamed, not built in memory)."""
    if isinstance(output, Path):
        with output.open("wb") as out:
            _write(out, graph, layout)
    else:
        _write(output, graph, layout)
