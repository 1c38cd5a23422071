"""GEXF export of 10^4 and 10^5 entity nodes, two comparisons, timed in the same process on the
same store, one after the other:

- writer against writer: ``kg.export.gexf.write_gexf`` against ``networkx.write_gexf``, both
  writing the same networkx graph (the one ``kg.export.to_networkx`` reads from the store);
- the whole job: our export (``kg.export.export_store(store, path, "gexf")``, what
  ``kg export --format gexf`` runs: read the store, build the graph, write the file) against
  the same job through networkx (``to_networkx`` + ``networkx.write_gexf``).

The stores are synthetic (:mod:`bench.synth`), sized so that they hold the wanted number of
entities, bulk-loaded and compacted; the export runs in a child process with a time limit.

    python -m bench.export_speed run [--nodes 10000]    # prints the table rows
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import Row, fmt, timer
from bench.synth import MENTIONS_PER_ARTICLE, QUADS_PER_ARTICLE, cached_nquads


def quads_for_nodes(nodes: int) -> int:
    """Synthetic files have ``articles × MENTIONS_PER_ARTICLE / 4`` entities."""
    return nodes * 4 // MENTIONS_PER_ARTICLE * QUADS_PER_ARTICLE


def child(path: Path) -> dict[str, Any]:
    import networkx as nx

    from kg.store import Store

    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="kg-bench-export-") as folder:
        store = Store(folder)
        store.bulk_load(path, optimize=True)
        try:
            from kg.export import export_store, to_networkx
        except ImportError as error:
            return {"missing": f"kg.export is not available ({error})"}
        target = Path(folder) / "ours.gexf"
        with timer() as t:
            report = export_store(store, target, "gexf")
        out["ours_seconds"], out["nodes"], out["edges"] = t(), report.nodes, report.edges
        out["ours_bytes"] = target.stat().st_size
        with timer() as t:
            graph = to_networkx(store)
        out["to_networkx_seconds"] = t()
        from kg.export.gexf import write_gexf

        with timer() as t:
            write_gexf(graph, Path(folder) / "writer.gexf")
        out["writer_seconds"] = t()
        for _, data in graph.nodes(data=True):  # networkx reads lists as dynamic attributes
            data.update({k: "|".join(map(str, v)) for k, v in data.items() if isinstance(v, list)})
        for *_, data in graph.edges(keys=True, data=True):
            data.update({k: "|".join(map(str, v)) for k, v in data.items() if isinstance(v, list)})
        baseline = Path(folder) / "networkx.gexf"
        with timer() as t:
            nx.write_gexf(graph, baseline)
        out["networkx_seconds"] = t()
        out["networkx_bytes"] = baseline.stat().st_size
    return out


def run(
    workdir: Path, *, quick: bool, log: Any = print, sizes: list[int] | None = None
) -> list[Row]:
    rows: list[Row] = []
    limit = 120.0 if quick else 600.0  # the child loads and compacts the store first
    for nodes in sizes or ([3_000] if quick else [10_000, 100_000]):
        path, info = cached_nquads(workdir, quads_for_nodes(nodes))
        log(f"export: GEXF of ~{nodes:,} nodes ({info.quads:,} quads) ...")
        command = [sys.executable, "-m", "bench.export_speed", "child", str(path)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=limit)
            lines = done.stdout.strip().splitlines()
            result: dict[str, Any] = (
                json.loads(lines[-1]) if lines else {"missing": done.stderr[-300:]}
            )
        except subprocess.TimeoutExpired:
            result = {"missing": f"did not finish in {limit:.0f} s"}
        if "missing" in result:
            rows.append(
                Row(
                    "export: gexf",
                    f"~{nodes:,} nodes",
                    float("nan"),
                    "",
                    f"skipped: {result['missing']}",
                )
            )
            continue
        nx_s, ours_writer = result["networkx_seconds"], result["writer_seconds"]
        graph_s = result["to_networkx_seconds"]
        size = f"{result['nodes']:,} nodes, {result['edges']:,} edges"
        rows.append(Row("export: gexf", f"networkx.write_gexf, {size}", nx_s, "s", "–", 1.0))
        rows.append(
            Row("export: gexf", f"kg GEXF writer, same networkx graph, {size}", ours_writer, "s",
                f"networkx.write_gexf: {fmt(nx_s)} s", ours_writer / nx_s,
                "≤ 1× (as fast as networkx)", ours_writer <= nx_s)
        )  # fmt: skip
        rows.append(
            Row("export: gexf", f"kg export --format gexf, whole job (read store {fmt(graph_s)} s "
                f"+ graph + write), {size}", result["ours_seconds"], "s",
                f"to_networkx + networkx.write_gexf: {fmt(graph_s + nx_s)} s",
                result["ours_seconds"] / (graph_s + nx_s))
        )  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("child").add_argument("path", type=Path)
    whole = sub.add_parser("run", help="run the benchmark and print its table rows")
    whole.add_argument("--nodes", default="10000", help="comma-separated node counts")
    args = parser.parse_args()
    if args.command == "child":
        print(json.dumps(child(args.path)))
        return
    from bench import table

    sizes = [int(n) for n in args.nodes.split(",")]
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as folder:
        rows = run(Path(folder), quick=False, sizes=sizes,
                   log=lambda m: print(m, file=sys.stderr, flush=True))  # fmt: skip
    print(table(rows))


if __name__ == "__main__":
    main()
