"""A short load test: 4 concurrent httpx clients x 50 requests against ``kg serve`` (a real
uvicorn in a child process) on 127.0.0.1.

Zero errors are allowed (every request gets its expected status, including the 403 of a refused
``SERVICE``), and the server's RSS may grow by at most :data:`MAX_RSS_GROWTH_MB` once warm.
Throughput and p99 latency are printed (``pytest -rP tests/test_load.py``). The longer version is
``python -m bench.load_endpoint``.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import psutil
import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.load_endpoint import (  # noqa: E402
    MIX,
    free_port,
    percentile,
    report,
    run_clients,
    start_server,
    stop_server,
)

try:
    from tests.consumers_fixtures import make_store_dir
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from consumers_fixtures import make_store_dir  # type: ignore[no-redef]

CLIENTS = 4
REQUESTS = 50
MAX_RSS_GROWTH_MB = 40.0
#: A generous bound for the whole run (seconds), so a stuck server fails the test.
MAX_SECONDS = 120.0


@pytest.mark.slow
def test_endpoint_under_load(tmp_path: Path) -> None:
    store = make_store_dir(tmp_path / "store")
    # Earlier tests leave pyoxigraph results in reference cycles (exceptions kept by
    # pytest.raises); collected on a client thread, pyoxigraph warns that they were "dropped on
    # another thread". Collect them here, on the thread that made them.
    gc.collect()
    port = free_port()
    server = start_server(store, port)
    try:
        base = f"http://127.0.0.1:{port}"
        process = psutil.Process(server.pid)
        warm, _ = run_clients(base, CLIENTS, 10, 60, request_timeout=10)
        assert not warm.errors, warm.errors[:3]
        rss_before = process.memory_info().rss
        results, seconds = run_clients(base, CLIENTS, REQUESTS, MAX_SECONDS)
        rss_growth_mb = (process.memory_info().rss - rss_before) / 2**20
        assert server.poll() is None, "the server died under load"
    finally:
        stopped = stop_server(server)
    print(f"\n{CLIENTS} clients x {REQUESTS} requests, loopback, uvicorn in a child process")
    print(report(results, seconds))
    print(f"server RSS growth after warm-up: {rss_growth_mb:.1f} MB")
    assert stopped == -15 or stopped == 0, f"the server did not stop on SIGTERM ({stopped})"
    assert len(results.latencies) == CLIENTS * REQUESTS, "the run hit its time bound"
    assert results.errors == []
    assert set(results.by_name) == {name for name, _, _ in MIX}
    assert rss_growth_mb < MAX_RSS_GROWTH_MB
    assert percentile(results.latencies, 99) < 10.0  # seconds: only a sanity bound
