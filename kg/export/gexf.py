"""GEXF 1.3 for Gephi, written with :mod:`xml.etree.ElementTree` (not networkx's writer).

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

The tree is built in memory (fine for news-sized graphs) and written as UTF-8.
"""

from __future__ import annotations

import datetime as dt
import math
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import IO

import networkx as nx

from kg.export.graph import TYPE_COLORS, UNKNOWN

__all__ = ["GEXF_NS", "VIZ_NS", "write_gexf"]

GEXF_NS = "http://gexf.net/1.3"
VIZ_NS = "http://gexf.net/1.3/viz"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"

NODE_ATTRIBUTES = (("type", "string"), ("mentions", "integer"), ("aliases", "string"))
EDGE_ATTRIBUTES = (("kind", "string"),)

ET.register_namespace("", GEXF_NS)
ET.register_namespace("viz", VIZ_NS)
ET.register_namespace("xsi", XSI_NS)


def _g(tag: str) -> str:
    return f"{{{GEXF_NS}}}{tag}"


def _v(tag: str) -> str:
    return f"{{{VIZ_NS}}}{tag}"


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


def _attributes(parent: ET.Element, cls: str, declared: tuple[tuple[str, str], ...]) -> None:
    element = ET.SubElement(parent, _g("attributes"), {"class": cls})
    for name, kind in declared:
        ET.SubElement(element, _g("attribute"), {"id": name, "title": name, "type": kind})


def _attvalues(parent: ET.Element, values: dict[str, str]) -> None:
    element = ET.SubElement(parent, _g("attvalues"))
    for name, value in values.items():
        ET.SubElement(element, _g("attvalue"), {"for": name, "value": value})


def gexf_tree(graph: nx.MultiDiGraph, *, layout: bool = False) -> ET.ElementTree:
    """The GEXF document for an entity graph from :func:`kg.export.graph.to_networkx`."""
    root = ET.Element(
        _g("gexf"), {"version": "1.3", f"{{{XSI_NS}}}schemaLocation": SCHEMA_LOCATION}
    )
    meta = ET.SubElement(root, _g("meta"), {"lastmodifieddate": dt.date.today().isoformat()})
    ET.SubElement(meta, _g("creator")).text = "kg"
    ET.SubElement(
        meta, _g("description")
    ).text = "Entities and relations extracted from Chinese science and technology news"
    element = ET.SubElement(
        root, _g("graph"), {"defaultedgetype": "directed", "idtype": "string", "mode": "static"}
    )
    _attributes(element, "node", NODE_ATTRIBUTES)
    _attributes(element, "edge", EDGE_ATTRIBUTES)
    positions = layout_positions(graph) if layout else {}
    nodes = ET.SubElement(element, _g("nodes"))
    for iri, data in graph.nodes(data=True):
        node = ET.SubElement(nodes, _g("node"), {"id": iri, "label": str(data.get("label", iri))})
        type_name = str(data.get("type", UNKNOWN))
        mentions = int(data.get("mentions", 0))
        _attvalues(
            node,
            {
                "type": type_name,
                "mentions": str(mentions),
                "aliases": "|".join(data.get("aliases", [])),
            },
        )
        r, g, b = TYPE_COLORS.get(type_name, TYPE_COLORS[UNKNOWN])
        ET.SubElement(node, _v("color"), {"r": str(r), "g": str(g), "b": str(b)})
        ET.SubElement(node, _v("size"), {"value": f"{node_size(mentions):g}"})
        if iri in positions:
            x, y = positions[iri]
            ET.SubElement(node, _v("position"), {"x": f"{x:.3f}", "y": f"{y:.3f}", "z": "0"})
    edges = ET.SubElement(element, _g("edges"))
    for number, (source, target, key, data) in enumerate(graph.edges(keys=True, data=True)):
        if source not in graph or target not in graph:  # pragma: no cover - networkx forbids it
            continue
        kind = str(data.get("kind", key))
        edge = ET.SubElement(
            edges,
            _g("edge"),
            {
                "id": f"e{number}",
                "source": source,
                "target": target,
                "label": str(data.get("label", kind)),
                "kind": kind,
                "weight": f"{float(data.get('weight', 1)):g}",
            },
        )
        _attvalues(edge, {"kind": kind})
    ET.indent(root, space=" ")
    return ET.ElementTree(root)


def write_gexf(graph: nx.MultiDiGraph, output: Path | IO[bytes], *, layout: bool = False) -> None:
    """Write ``graph`` as GEXF 1.3 to a path or a binary stream."""
    tree = gexf_tree(graph, layout=layout)
    target = str(output) if isinstance(output, Path) else output
    tree.write(target, encoding="UTF-8", xml_declaration=True)
