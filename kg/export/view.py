"""One self-contained HTML file to browse the entity graph offline.

The page shows the graph of :func:`kg.export.graph.to_networkx` with vis-network, nodes coloured by
type and sized by mentions, a search box (label or alias; ``page.html#q=何苗`` searches on load),
and a side panel that lists a clicked node's relations with their evidence sentences.

vis-network's JavaScript and CSS come from the ``pyvis`` package, which ships them
(``pyvis/lib/vis-*/vis-network.min.js``); they are inlined, so the page fetches nothing at run time
and no third-party code is kept in this repository.
"""

from __future__ import annotations

import html
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from kg.errors import ExportError
from kg.export.gexf import node_size
from kg.export.graph import TYPE_COLORS, edge_evidence, to_networkx
from kg.store import Store

__all__ = ["vis_assets", "write_view"]


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", name))


def vis_assets() -> tuple[str, str]:
    """vis-network's (JavaScript, CSS) from the installed pyvis package, newest version first."""
    try:
        lib = resources.files("pyvis").joinpath("lib")
    except ModuleNotFoundError:
        raise ExportError(
            "The HTML view needs vis-network from the pyvis package: pip install pyvis"
        ) from None
    folders = sorted(
        (d for d in lib.iterdir() if d.name.startswith("vis-")),
        key=lambda d: _version(d.name),
        reverse=True,
    )
    for folder in folders:
        js, css = folder.joinpath("vis-network.min.js"), folder.joinpath("vis-network.css")
        if js.is_file() and css.is_file():
            return js.read_text(encoding="utf-8"), css.read_text(encoding="utf-8")
    raise ExportError("pyvis is installed but ships no vis-network.min.js; reinstall pyvis.")


def _inline(text: str) -> str:
    """Make text safe inside a <script>/<style> element."""
    return re.sub(r"</(script|style)", r"<\\/\1", text, flags=re.IGNORECASE)


def view_data(store: Store, *, query: str | None = None) -> dict[str, Any]:
    """The nodes, edges (with evidence) and colours the page draws."""
    graph = to_networkx(store, query=query)
    evidence = edge_evidence(store)
    nodes = [
        {
            "id": iri,
            "label": d["label"],
            "type": d["type"],
            "mentions": d["mentions"],
            "aliases": d["aliases"],
            "size": node_size(d["mentions"]),
        }
        for iri, d in graph.nodes(data=True)
    ]
    edges = [
        {
            "from": s,
            "to": o,
            "kind": d["kind"],
            "label": d["label"],
            "weight": d["weight"],
            "evidence": [
                {"sentence": e.sentence, "article": e.article, "headline": e.headline}
                for e in evidence.get((s, key, o), [])
            ],
        }
        for s, o, key, d in graph.edges(keys=True, data=True)
    ]
    return {
        "nodes": nodes,
        "edges": edges,
        "colors": {name: list(rgb) for name, rgb in TYPE_COLORS.items()},
    }


def write_view(store: Store, path: Path, *, query: str | None = None) -> Path:
    """Write the HTML view of ``store`` (or of a query's subgraph) to ``path``; returns ``path``."""
    js, css = vis_assets()
    template = resources.files("kg.export").joinpath("view.html").read_text(encoding="utf-8")
    payload = json.dumps(view_data(store, query=query), ensure_ascii=False, separators=(",", ":"))
    name = Path(store.path).name if store.path else "graph"
    parts = {
        "__TITLE__": html.escape("kg 知识图谱 · " + name),
        "__VIS_CSS__": _inline(css),
        "__VIS_JS__": _inline(js),
        "__DATA__": _inline(payload.replace("<!--", "<\\u0021--")),
    }
    page = re.sub("|".join(parts), lambda m: parts[m.group(0)], template)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
