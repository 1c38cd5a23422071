"""Run every benchmark and print one Markdown table (also written to ``bench/results.md``).

    python -m bench            # full run (< 25 minutes on 2 cores)
    python -m bench --quick    # smaller sizes (< 3 minutes)
    python -m bench --only store,queries

Sections: ``build`` (throughput end to end with 1 and 2 workers, per stage, start-up, peak
memory), ``store`` (bulk load vs transactional add vs rdflib), ``queries`` (``queries/*.rq`` at
10^5–10^7 quads, pyoxigraph vs rdflib, lookups, incremental updates) and ``export`` (GEXF).
With ``--others``, the component benchmarks other modules ship (``bench/ner_throughput.py``...)
are run too and their output appended. Corpora and stores live in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import REPO, Row, calibration, table

SECTIONS = ("build", "store", "queries", "export")
OTHERS = ("ner_throughput.py", "entity_rules_speed.py", "relations_duie.py")


def _runner(name: str) -> Callable[..., list[Row]]:
    if name == "build":
        from bench.build_speed import run
    elif name == "store":
        from bench.store_speed import run
    elif name == "queries":
        from bench.query_speed import run
    else:
        from bench.export_speed import run
    return run


def others() -> str:
    parts = []
    for name in OTHERS:
        script = REPO / "bench" / name
        if not script.exists():
            continue
        try:
            done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                                  timeout=300, cwd=REPO)  # fmt: skip
            output = (done.stdout + done.stderr).strip()[-3000:]
        except subprocess.TimeoutExpired:
            output = "(did not finish in 300 s)"
        parts.append(f"### `python bench/{name}`\n\n```\n{output}\n```\n")
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, < 3 minutes")
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections")
    parser.add_argument("--others", action="store_true", help="also run the component benches")
    parser.add_argument("--output", type=Path, default=REPO / "bench" / "results.md")
    args = parser.parse_args()
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {message}", file=sys.stderr, flush=True)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    speed = calibration()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as folder:
        for name in args.only.split(","):
            if name not in SECTIONS:
                parser.error(f"unknown section {name!r}; choose from {', '.join(SECTIONS)}")
            log(f"{name} ...")
            try:
                rows.extend(_runner(name)(Path(folder), quick=args.quick, log=log))
            except Exception as error:  # one broken section must not hide the others
                log(f"{name} failed: {error!r}")
                rows.append(Row(name, "FAILED", float("nan"), "", repr(error)[:120]))
            partial = render(rows, args, speed, load, time.perf_counter() - started, "")
            args.output.write_text(partial + "\n(partial: the run is not finished)\n", "utf-8")
    extra = others() if args.others else ""
    elapsed = time.perf_counter() - started
    report = render(rows, args, speed, load, elapsed, extra)
    print(report)
    args.output.write_text(report, encoding="utf-8")
    log(f"done in {elapsed:.0f} s; written to {args.output}")


def render(
    rows: list[Row], args: Any, speed: float, load: float, elapsed: float, extra: str
) -> str:
    mode = "--quick" if args.quick else "full"
    header = [
        "# kg benchmarks",
        "",
        f"`python -m bench{' --quick' if args.quick else ''}` ({mode} run, "
        f"{elapsed / 60:.1f} min), {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"Python {platform.python_version()}, {os.cpu_count()} cores, load average {load:.2f} "
        "at start; calibration "
        f"{speed:.2f} M simple Python operations/s (compare machines with it).",
        "",
        "Ratios are against the baseline named in the same row, measured in the same run.",
        "",
        "",
    ]
    body = table(rows)
    return (
        "\n".join(header)
        + body
        + ("\n\n## Component benchmarks\n\n" + extra if extra else "")
        + "\n"
    )


if __name__ == "__main__":
    main()
