"""Gephi's spreadsheet import (two CSV files) and GraphML (networkx's writer).

CSV: ``nodes.csv`` with ``Id, Label, Type, Mentions`` and ``edges.csv`` with
``Source, Target, Type, Label, Weight, Kind`` (``Type`` is always ``Directed``), the column names
Gephi's "Import spreadsheet" recognises. ``output`` is a directory (an existing one, or a path
without a suffix, created if needed) that receives ``nodes.csv`` and ``edges.csv``, or a file
prefix: ``out/kg.csv`` gives ``out/kg-nodes.csv`` and ``out/kg-edges.csv``.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO

import networkx as nx

from kg.errors import ExportError

__all__ = ["EDGE_COLUMNS", "NODE_COLUMNS", "csv_paths", "write_csv", "write_graphml"]

NODE_COLUMNS = ("Id", "Label", "Type", "Mentions")
EDGE_COLUMNS = ("Source", "Target", "Type", "Label", "Weight", "Kind")


def csv_paths(output: Path) -> tuple[Path, Path]:
    """Where the node and edge tables go for ``output``.

    >>> csv_paths(Path("out/kg.csv"))
    (PosixPath('out/kg-nodes.csv'), PosixPath('out/kg-edges.csv'))
    >>> csv_paths(Path("out/gephi"))
    (PosixPath('out/gephi/nodes.csv'), PosixPath('out/gephi/edges.csv'))
    """
    if output.is_dir() or not output.suffix:
        return output / "nodes.csv", output / "edges.csv"
    stem = output.with_suffix("")
    return stem.with_name(stem.name + "-nodes.csv"), stem.with_name(stem.name + "-edges.csv")


def write_csv(graph: nx.MultiDiGraph, output: Path) -> list[Path]:
    """Write the two Gephi tables; returns their paths."""
    if not isinstance(output, Path):
        raise ExportError(
            "CSV export writes two files: give a directory or a file prefix, not a stream."
        )
    nodes_path, edges_path = csv_paths(output)
    nodes_path.parent.mkdir(parents=True, exist_ok=True)
    with nodes_path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(NODE_COLUMNS)
        for iri, data in graph.nodes(data=True):
            writer.writerow(
                [iri, data.get("label", iri), data.get("type", ""), data.get("mentions", 0)]
            )
    with edges_path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(EDGE_COLUMNS)
        for source, target, key, data in graph.edges(keys=True, data=True):
            writer.writerow(
                [
                    source,
                    target,
                    "Directed",
                    data.get("label", key),
                    data.get("weight", 1),
                    data.get("kind", key),
                ]
            )
    return [nodes_path, edges_path]


def write_graphml(graph: nx.MultiDiGraph, output: Path | IO[bytes]) -> None:
    """GraphML via networkx; ``aliases`` become one ``|``-separated string."""
    flat = nx.MultiDiGraph()
    for iri, data in graph.nodes(data=True):
        flat.add_node(
            iri, **{k: "|".join(v) if isinstance(v, list) else v for k, v in data.items()}
        )
    for source, target, key, data in graph.edges(keys=True, data=True):
        flat.add_edge(source, target, key=key, **data)
    nx.write_graphml(flat, output, encoding="utf-8", named_key_ids=True)
