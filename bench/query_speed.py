"""Queries at 10^5, 10^6 (and 10^7) quads: every ``queries/*.rq``, pyoxigraph (our on-disk
:class:`~kg.store.Store`) against rdflib's in-memory ``Dataset``; entity lookup and 2-hop p95;
adding, replacing and deleting one article in stores of different sizes.

The synthetic stores follow the graph layout a build writes (:mod:`bench.synth`): entity types
and labels once each in the shared entity graph, everything else in the article graphs, so the
queries join labels directly (no DISTINCT subqueries). Each store is bulk-loaded, then compacted
(``Store.optimize``, timed apart), the state a store reaches in normal use.

Every query runs in a child process with a time limit on a store loaded once per size
(``python -m bench.query_speed child ...``), so what cannot finish in reasonable time is
reported as such; rdflib loads and queries in a child of its own.

    python -m bench.query_speed run [--sizes 100000,1000000]   # prints the table rows
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import QUERIES, Row, fmt, percentile, timer
from bench.store_speed import incremental
from bench.synth import Generator, articles_for, cached_nquads, entities_for

P95_TARGET_MS = 50.0
RELATIONS = " ".join(
    f"schema:{p}"
    for p in ("worksFor", "founder", "parentOrganization", "location", "containedInPlace",
              "manufacturer", "alumniOf", "isPartOf")
)  # fmt: skip
TWO_HOP = f"""SELECT DISTINCT ?x2 WHERE {{
  VALUES ?p {{ {RELATIONS} }} VALUES ?q {{ {RELATIONS} }}
  {{ <IRI> ?p ?x1 }} UNION {{ ?x1 ?p <IRI> }}
  {{ ?x1 ?q ?x2 }} UNION {{ ?x2 ?q ?x1 }}
  FILTER (?x2 != <IRI>)
}}"""


def query_files() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(QUERIES.glob("*.rq"))}


def query_text(name: str) -> str:
    """``entities`` → queries/entities.rq."""
    return query_files()[name]


def count(result: Any) -> tuple[int, str]:
    """Consume a query result: its number of rows and a digest of the sorted rows."""
    rows = sorted(repr([str(term) for term in row]) for row in result)
    return len(rows), hashlib.sha1("\n".join(rows).encode()).hexdigest()[:12]


# --- children -----------------------------------------------------------------------------------


def load_child(path: Path, folder: str) -> dict[str, Any]:
    from kg.store import Store

    store = Store(folder)
    with timer() as t:
        store.bulk_load(path)
        store.flush()
    with timer() as compact:
        store.optimize()
    return {"load_seconds": t(), "optimize_seconds": compact(), "quads": len(store)}


def query_child(folder: str, name: str) -> dict[str, Any]:
    from kg.store import Store

    store = Store(folder, read_only=True)
    with timer() as t:
        rows, digest = count(store.query(query_text(name)))
    return {"seconds": t(), "rows": rows, "digest": digest}


def extras_child(folder: str, quads: int) -> dict[str, Any]:
    from kg.api import KnowledgeGraph
    from kg.graph.vocab import SPARQL_PREFIXES

    graph = KnowledgeGraph(folder)
    out = lookups(graph, quads, SPARQL_PREFIXES)
    out.update(incremental(graph, quads, _generator(quads)))
    graph.close()
    return out


LOOKUP = """SELECT ?e ?label ?type WHERE {
  VALUES ?name { NAME }
  { ?e rdfs:label ?name } UNION { ?e schema:alternateName ?name }
  ?e rdfs:label ?label ; a ?type .
} LIMIT 1"""


def lookups(graph: Any, quads: int, prefixes: str) -> dict[str, Any]:
    """Entity lookup by name (``KnowledgeGraph.entity``, and the same lookup as SPARQL with the
    name inlined) and a 2-hop neighbourhood, in ms, for 200 random entities."""
    import pyoxigraph as ox

    sample = random.Random(3).sample(_generator(quads).entities, 200)
    api: list[float] = []
    lookup: list[float] = []
    hop: list[float] = []
    found = api_found = reached = 0
    for entity in sample:
        name = entity.alias or entity.label
        with timer() as t:
            api_found += graph.entity(name) is not None
        api.append(t() * 1000)
        literal = str(ox.Literal(name, language="zh"))
        with timer() as t:
            found += count(graph.store.query(prefixes + LOOKUP.replace("NAME", literal)))[0]
        lookup.append(t() * 1000)
        with timer() as t:
            reached += count(graph.store.query(prefixes + TWO_HOP.replace("IRI", entity.iri)))[0]
        hop.append(t() * 1000)
    assert api_found == len(sample), (api_found, len(sample))
    return {
        "api_ms": api, "lookup_ms": lookup, "lookup_found": found, "two_hop_ms": hop,
        "two_hop_rows": reached,
    }  # fmt: skip


def _generator(quads: int) -> Generator:
    """The generator of the file of ``quads`` quads (same entities, fresh article stream)."""
    return Generator(entities_for(articles_for(quads)))


def rdflib_child(path: Path) -> dict[str, Any]:
    import rdflib

    out: dict[str, Any] = {"queries": {}, "rows": {}}
    dataset = rdflib.Dataset(default_union=True)
    with timer() as t:
        dataset.parse(str(path), format="nquads")
    out["load_seconds"] = t()
    print(json.dumps(out), flush=True)  # partial results survive a time-out
    for name in query_files():
        with timer() as t:
            rows = count(dataset.query(query_text(name)))[0]
        out["queries"][name], out["rows"][name] = t(), rows
        print(json.dumps(out), flush=True)
    return out


def run_child(args: list[str], timeout: float) -> dict[str, Any] | None:
    """Run ``child ARGS``; its last JSON line (``None`` if it printed nothing in time)."""
    command = [sys.executable, "-m", "bench.query_speed", "child", *args]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        stdout = done.stdout
        if done.returncode != 0:
            print(done.stderr[-2000:], file=sys.stderr)
    except subprocess.TimeoutExpired as expired:
        out = expired.stdout
        stdout = out.decode() if isinstance(out, bytes) else (out or "")
    lines = stdout.strip().splitlines()
    if not lines:
        return None
    result: dict[str, Any] = json.loads(lines[-1])
    return result


# --- the benchmark ------------------------------------------------------------------------------


def run(
    workdir: Path, *, quick: bool, log: Any = print, sizes: list[int] | None = None
) -> list[Row]:
    rows: list[Row] = []
    small: dict[str, Any] | None = None
    sizes = sizes or ([100_000] if quick else [100_000, 1_000_000, 10_000_000])
    limit = 5.0 if quick else 20.0  # seconds per query
    rdflib_budget = {100_000: 15.0 if quick else 120.0}  # 10^6: a parse alone takes minutes
    slow: set[str] = set()  # queries too slow at a smaller size: not run at larger ones
    for size in sizes:
        path, info = cached_nquads(workdir, size)
        label = size_label(size)
        log(f"queries: {info.quads:,} quads ...")
        with tempfile.TemporaryDirectory(prefix="kg-bench-query-") as folder:
            loaded = run_child(["load", str(path), folder], timeout=1800)
            assert loaded is not None, "bulk load failed"
            rd = None
            if size in rdflib_budget:
                rd = run_child(["rdflib", str(path)], timeout=rdflib_budget[size])
            base = f"rdflib parse: {fmt(rd['load_seconds'])} s" if rd else "rdflib: not run"
            ratio = rd["load_seconds"] / loaded["load_seconds"] if rd else None
            rows.append(Row(f"queries {label}", f"bulk load {loaded['quads']:,} quads",
                            loaded["load_seconds"], "s", base, ratio))  # fmt: skip
            rows.append(Row(f"queries {label}", "then Store.optimize (compaction)",
                            loaded["optimize_seconds"], "s"))  # fmt: skip
            rows.extend(query_rows(folder, label, limit, rd, size in rdflib_budget, slow))
            if size <= 1_000_000:  # the lookups and updates: at 10^5 and the next size
                extras = run_child(["extras", folder, str(size)], timeout=900)
                if extras is not None:
                    rows.extend(extra_rows(label, extras, size >= 1_000_000, small))
                    small = small or extras
    return rows


def query_rows(
    folder: str,
    label: str,
    limit: float,
    rd: dict[str, Any] | None,
    rdflib_ran: bool,
    slow: set[str],
) -> list[Row]:
    """Each query; ``slow`` (updated) names the queries not to run again at a larger size."""
    rows = []
    for name in query_files():
        result = None if name in slow else run_child(["query", folder, name], timeout=limit)
        if result is None or result["seconds"] > limit / 10:
            slow.add(name)  # 10× the data would not finish within the limit
        rd_seconds = (rd or {}).get("queries", {}).get(name)
        if rd_seconds is not None:
            baseline = f"rdflib: {fmt(rd_seconds * 1000)} ms"
        else:
            baseline = "rdflib: did not finish in its budget" if rdflib_ran else "rdflib: not run"
        if result is None:
            rows.append(Row(f"queries {label}", f"{name}.rq", float("nan"), "ms",
                            f"{baseline}; ours: not finished in {limit:.0f} s or skipped "
                            "(too slow at a smaller size)", None))  # fmt: skip
        else:
            ratio = rd_seconds / result["seconds"] if rd_seconds else None
            rows.append(Row(f"queries {label}", f"{name}.rq ({result['rows']:,} rows)",
                            result["seconds"] * 1000, "ms", baseline, ratio))  # fmt: skip
    return rows


def size_label(size: int) -> str:
    """100_000 → 10^5, 300_000 → 3×10^5."""
    digits = len(str(size)) - 1
    lead = size // 10**digits
    return f"10^{digits}" if lead == 1 else f"{lead}×10^{digits}"


def extra_rows(
    label: str, result: dict[str, Any], targets: bool, small: dict[str, Any] | None
) -> list[Row]:
    rows = []
    for key, what in (("api_ms", "KnowledgeGraph.entity"),
                      ("lookup_ms", "entity lookup as SPARQL, name inlined as VALUES"),
                      ("two_hop_ms", "2-hop neighbourhood")):  # fmt: skip
        p95, p50 = percentile(result[key], 95), percentile(result[key], 50)
        rows.append(Row(f"lookups {label}", f"{what} p95 ({len(result[key])} entities)", p95, "ms",
                        f"p50: {fmt(p50)} ms", p95 / p50 if p50 else None,
                        f"< {P95_TARGET_MS:.0f} ms" if targets else "",
                        p95 < P95_TARGET_MS if targets else None))  # fmt: skip
    for op in ("add", "replace", "delete"):
        median = percentile(result[f"{op}_ms"], 50)
        what = f"{op} one article (median of 30; compacted store)"
        if small is None:
            rows.append(Row(f"incremental {label}", what, median, "ms", "–", 1.0))
            continue
        base = percentile(small[f"{op}_ms"], 50)
        rows.append(Row(f"incremental {label}", what, median, "ms",
                        f"{size_label(100_000)} quads: {fmt(base)} ms", median / base,
                        "independent of size (≤ 2×)", median / base <= 2.0))  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    whole = sub.add_parser("run", help="run the benchmark and print its table rows")
    whole.add_argument("--sizes", default="100000,1000000", help="comma-separated quad counts")
    child = sub.add_parser("child").add_subparsers(dest="what", required=True)
    p = child.add_parser("load")
    p.add_argument("path", type=Path)
    p.add_argument("folder")
    p = child.add_parser("query")
    p.add_argument("folder")
    p.add_argument("name")
    p = child.add_parser("extras")
    p.add_argument("folder")
    p.add_argument("quads", type=int)
    p = child.add_parser("rdflib")
    p.add_argument("path", type=Path)
    args = parser.parse_args()
    if args.command == "run":
        from bench import table

        sizes = [int(size) for size in args.sizes.split(",")]
        with tempfile.TemporaryDirectory(prefix="kg-bench-") as folder:
            rows = run(Path(folder), quick=False, sizes=sizes,
                       log=lambda m: print(m, file=sys.stderr, flush=True))  # fmt: skip
        print(table(rows))
    elif args.what == "load":
        print(json.dumps(load_child(args.path, args.folder)))
    elif args.what == "query":
        print(json.dumps(query_child(args.folder, args.name)))
    elif args.what == "extras":
        print(json.dumps(extras_child(args.folder, args.quads)))
    else:
        rdflib_child(args.path)


if __name__ == "__main__":
    main()
