"""A bounded load test of the SPARQL endpoint on loopback: ``kg serve`` in a child process,
N concurrent httpx clients, throughput, latency percentiles, errors and the server's memory.

    python -m bench.load_endpoint                       # 8 clients x 500 requests, 10^5 quads
    python -m bench.load_endpoint --clients 16 --requests 2000 --quads 1000000 --max-seconds 300

It stops by itself: after ``--requests`` per client or ``--max-seconds``, whichever comes first.
The server listens on 127.0.0.1 only and the clients talk to nothing else. The store is a
synthetic graph (``bench.synth``) bulk-loaded into a temporary folder. The mix of requests is
:data:`MIX`: entity lookups, aggregates, a CONSTRUCT, an ASK, a paged SELECT and a request the
policy refuses (``SERVICE``, expected 403). Anything else than the expected status is an error.
Exit status 1 if there was any error or the server's RSS grew more than ``--max-rss-growth-mb``.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

#: (name, SPARQL, expected HTTP status)
MIX: list[tuple[str, str, int]] = [
    ("count-types", "SELECT ?t (COUNT(*) AS ?n) WHERE { ?e a ?t } GROUP BY ?t", 200),
    ("persons", "SELECT DISTINCT ?e ?l WHERE { ?e a schema:Person ; rdfs:label ?l } LIMIT 50", 200),
    ("works-for", "SELECT ?p ?o WHERE { ?p schema:worksFor ?o } LIMIT 100", 200),
    (
        "construct",
        "CONSTRUCT { ?s schema:worksFor ?o } WHERE { ?s schema:worksFor ?o } LIMIT 50",
        200,
    ),
    ("ask", "ASK { ?s a schema:NewsArticle }", 200),
    ("page", "SELECT ?a WHERE { ?a a schema:NewsArticle } ORDER BY ?a LIMIT 20 OFFSET 40", 200),
    ("service", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", 403),
]
PREFIXES = (
    "PREFIX schema: <http://schema.org/>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    by_name: dict[str, list[float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, name: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.by_name.setdefault(name, []).append(seconds)
            if error:
                self.errors.append(error)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def run_clients(
    base: str,
    clients: int,
    requests: int,
    max_seconds: float,
    mix: list[tuple[str, str, int]] = MIX,
    request_timeout: float = 30.0,
) -> tuple[Results, float]:
    """``clients`` threads, each sending ``requests`` requests (round robin over ``mix``)."""
    assert base.startswith(("http://127.0.0.1:", "http://localhost:")), "loopback only"
    results = Results()
    deadline = time.monotonic() + max_seconds

    def client(number: int) -> None:
        with httpx.Client(timeout=request_timeout) as http:
            for i in range(requests):
                if time.monotonic() > deadline:
                    return
                name, query, expected = mix[(number + i) % len(mix)]
                started = time.perf_counter()
                error = None
                try:
                    response = http.post(f"{base}/sparql", data={"query": PREFIXES + query})
                    if response.status_code != expected:
                        error = f"{name}: HTTP {response.status_code}: {response.text[:200]}"
                except httpx.HTTPError as exc:
                    error = f"{name}: {type(exc).__name__}: {exc}"
                results.record(name, time.perf_counter() - started, error)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    store: Path, port: int, timeout_s: float = 30.0, log: Path | None = None
) -> subprocess.Popen[bytes]:
    """``kg.serve.serve`` on 127.0.0.1:``port`` in a child process; returns once it answers.

    The server's log goes to ``log`` (a file: a pipe nobody reads would fill up and stall it).
    """
    code = (
        "import sys; from pathlib import Path; from kg.serve import serve; "
        f"serve(Path(sys.argv[1]), host='127.0.0.1', port={port}, timeout_s={timeout_s})"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(store)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server died: {process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start within 60 s")


def stop_server(server: subprocess.Popen[bytes]) -> int:
    """SIGTERM, then SIGKILL if it has not stopped within 10 s; returns the exit status."""
    server.terminate()
    try:
        return server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)
        return -9


def make_store(folder: Path, quads: int) -> Path:
    from bench.synth import cached_nquads
    from kg.store import Store

    nquads, _ = cached_nquads(folder, quads)
    path = folder / "store"
    store = Store(path)
    store.bulk_load(nquads)
    store.close()
    return path


def report(results: Results, seconds: float) -> str:
    n = len(results.latencies)
    lines = [
        f"requests   {n} in {seconds:.1f} s = {n / seconds:.0f} requests/s",
        f"latency    p50 {percentile(results.latencies, 50) * 1000:.1f} ms, "
        f"p95 {percentile(results.latencies, 95) * 1000:.1f} ms, "
        f"p99 {percentile(results.latencies, 99) * 1000:.1f} ms, "
        f"max {max(results.latencies, default=0) * 1000:.1f} ms",
        f"errors     {len(results.errors)}",
    ]
    for name, samples in sorted(results.by_name.items()):
        lines.append(
            f"  {name:<12} n={len(samples):<5} p50 {percentile(samples, 50) * 1000:7.1f} ms"
            f"  p99 {percentile(samples, 99) * 1000:7.1f} ms"
        )
    lines.extend(f"  ! {error}" for error in results.errors[:10])
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=500, help="per client")
    parser.add_argument("--quads", type=int, default=100_000, help="size of the synthetic store")
    parser.add_argument("--store", type=Path, help="serve this store instead (read-only)")
    parser.add_argument("--max-seconds", type=float, default=120.0)
    parser.add_argument("--max-rss-growth-mb", type=float, default=200.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-load-") as tmp:
        store = args.store or make_store(Path(tmp), args.quads)
        port = free_port()
        server = start_server(store, port)
        try:
            base = f"http://127.0.0.1:{port}"
            process = psutil.Process(server.pid)
            run_clients(base, args.clients, 5, 30)  # warm up
            rss_before = process.memory_info().rss
            results, seconds = run_clients(base, args.clients, args.requests, args.max_seconds)
            growth = (process.memory_info().rss - rss_before) / 2**20
        finally:
            stop_server(server)
    print(f"{args.clients} clients x {args.requests} requests on 127.0.0.1, store {store}")
    print(report(results, seconds))
    print(f"server RSS growth {growth:.1f} MB (limit {args.max_rss_growth_mb:.0f} MB)")
    return 1 if results.errors or growth > args.max_rss_growth_mb else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
