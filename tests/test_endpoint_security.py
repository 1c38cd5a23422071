"""The SPARQL endpoint is not an open door: attacks against a real uvicorn on 127.0.0.1.

* updates (``INSERT DATA``, ``LOAD``, ``CLEAR``, ``DROP``...) are refused with 403 on every route
  unless the app allows updates, and then only with the right bearer token;
* ``SERVICE`` is refused however it is spelled (lower case, comments, prefixed or relative IRIs,
  ``SILENT``, nested in ``OPTIONAL``/``UNION``/subqueries/``EXISTS``, ``\\u0053ERVICE``), and a
  local HTTP server that records every request proves that the store never contacted it, while
  the same server *is* contacted when ``SERVICE`` is allowed (so the check can fail);
* ``kg query`` refuses ``SERVICE`` with exit status 8 unless ``--allow-service``;
* the request body, query time and result size limits hold.
"""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest

from kg.serve import create_app
from kg.store import Store

EX = "http://example.org/"
TOKEN = "s3cret-token"
Serve = Callable[[Any], AbstractContextManager[str]]


# --- a local HTTP server that records whether anyone called it ----------------------------------


class Recorder:
    """An HTTP server on 127.0.0.1 answering any GET/POST with one SPARQL JSON row (or Turtle)."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                recorder.requests.append(f"{self.command} {self.path}")
                if self.path.endswith(".ttl"):
                    body, media = (
                        b"<http://example.org/loaded> <http://example.org/p> 1 .\n",
                        ("text/turtle"),
                    )
                else:
                    body = json.dumps(
                        {
                            "head": {"vars": ["s", "p", "o"]},
                            "results": {
                                "bindings": [
                                    {
                                        "s": {"type": "uri", "value": EX + "remote"},
                                        "p": {"type": "uri", "value": EX + "p"},
                                        "o": {"type": "literal", "value": "from the recorder"},
                                    }
                                ]
                            },
                        }
                    ).encode()
                    media = "application/sparql-results+json"
                self.send_response(200)
                self.send_header("Content-Type", media)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                self._answer()

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._answer()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    rec = Recorder()
    yield rec
    rec.close()


# --- stores -------------------------------------------------------------------------------------


def _quads(n: int, graph: str = "g") -> list[ox.Quad]:
    g = ox.NamedNode(EX + graph)
    return [
        ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"), ox.Literal(i), g)
        for i in range(n)
    ]


def _make_store(path: Path, n: int) -> Path:
    store = Store(path)
    store.add(_quads(n))
    store.close()
    return path


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """50 triples: enough to see results, too few to be slow."""
    return _make_store(tmp_path_factory.mktemp("sec") / "store", 50)


@pytest.fixture
def writable_store(tmp_path: Path) -> Path:
    return _make_store(tmp_path / "store", 50)


def _count(path: Path) -> int:
    store = Store(path, read_only=True)
    try:
        return len(store)
    finally:
        store.close()


@pytest.fixture(scope="module")
def refusing_endpoint(small_store: Path, serve_app: Serve) -> Iterator[str]:
    with serve_app(create_app(small_store)) as base:
        yield base


# --- updates ------------------------------------------------------------------------------------

UPDATES = {
    "insert-data": f"INSERT DATA {{ <{EX}x> <{EX}p> 'injected' }}",
    "insert-data-graph": f"INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}x> <{EX}p> 'injected' }} }}",
    "delete-data": f"DELETE DATA {{ GRAPH <{EX}g> {{ <{EX}s1> <{EX}p> 1 }} }}",
    "delete-where": "DELETE WHERE { GRAPH ?g { ?s ?p ?o } }",
    "insert-where": f"INSERT {{ ?s <{EX}q> ?o }} WHERE {{ ?s ?p ?o }}",
    "clear-all": "CLEAR ALL",
    "clear-silent-default": "clear silent default",
    "drop-all": "DROP ALL",
    "drop-graph": f"DROP GRAPH <{EX}g>",
    "create": f"CREATE GRAPH <{EX}new>",
    "copy": f"COPY <{EX}g> TO <{EX}h>",
    "move": f"MOVE <{EX}g> TO DEFAULT",
    "add": f"ADD <{EX}g> TO <{EX}h>",
    "two-operations": f"INSERT DATA {{ <{EX}a> <{EX}b> 1 }} ; CLEAR ALL",
    "load": "LOAD <{recorder}.ttl>",
    "load-into": "LOAD SILENT <{recorder}.ttl> INTO GRAPH <http://example.org/l>",
}


def _update_requests(base: str, text: str) -> list[tuple[str, str, dict[str, Any]]]:
    """Every way a client can send ``text`` as an update (or smuggle it in as a query)."""
    return [
        (
            "POST",
            f"{base}/update",
            {"content": text, "headers": {"Content-Type": "application/sparql-update"}},
        ),
        ("POST", f"{base}/update", {"data": {"update": text}}),
        ("POST", f"{base}/sparql", {"data": {"update": text}}),
        (
            "POST",
            f"{base}/sparql",
            {"content": text, "headers": {"Content-Type": "application/sparql-update"}},
        ),
        ("POST", f"{base}/sparql", {"data": {"query": text}}),
        (
            "POST",
            f"{base}/query",
            {"content": text, "headers": {"Content-Type": "application/sparql-query"}},
        ),
        ("GET", f"{base}/sparql", {"params": {"query": text}}),
    ]


@pytest.mark.parametrize("name", sorted(UPDATES))
def test_updates_refused_on_a_read_only_endpoint(
    name: str, small_store: Path, recorder: Recorder, refusing_endpoint: str
) -> None:
    text = UPDATES[name].replace("{recorder}", recorder.url)
    before = _count(small_store)
    base = refusing_endpoint
    with httpx.Client(timeout=10) as client:
        for method, url, kwargs in _update_requests(base, text):
            response = client.request(method, url, **kwargs)
            assert response.status_code == 403, (method, url, response.text)
            assert "disabled" in response.text or "update" in response.text.lower()
        # a GET can never update: it is refused before any policy question
        response = client.get(f"{base}/sparql", params={"update": text})
        assert 400 <= response.status_code < 500
    assert recorder.requests == []
    assert _count(small_store) == before


def test_updates_need_the_token(writable_store: Path, serve_app: Serve) -> None:
    app = create_app(writable_store, allow_update=True, update_token=TOKEN)
    insert = f"INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}new> <{EX}p> 'ok' }} }}"
    ask = f"ASK {{ <{EX}new> <{EX}p> 'ok' }}"
    sparql_update = {"Content-Type": "application/sparql-update"}
    with serve_app(app) as base, httpx.Client(timeout=10) as client:
        for headers in (
            {},
            {"Authorization": "Bearer wrong"},
            {"Authorization": f"Bearer {TOKEN}x"},
            {"Authorization": f"Bearer {TOKEN[:-1]}"},
            {"Authorization": TOKEN},
            {"Authorization": f"Basic {TOKEN}"},
            {"Authorization": f"bearer  {TOKEN}"},
        ):
            response = client.post(
                f"{base}/update", content=insert, headers={**sparql_update, **headers}
            )
            assert response.status_code in (401, 403), (headers, response.text)
        assert client.get(f"{base}/sparql", params={"query": ask}).json()["boolean"] is False
        # the token in the query string is not a token
        response = client.post(
            f"{base}/update", params={"access_token": TOKEN}, content=insert, headers=sparql_update
        )
        assert response.status_code in (401, 403)
        # with the token: it works, on /update and as update= on /sparql
        good = {**sparql_update, "Authorization": f"Bearer {TOKEN}"}
        response = client.post(f"{base}/update", content=insert, headers=good)
        assert response.status_code in (200, 204), response.text
        assert client.get(f"{base}/sparql", params={"query": ask}).json()["boolean"] is True
        response = client.post(
            f"{base}/sparql",
            data={"update": f"DROP GRAPH <{EX}g>"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert response.status_code in (200, 204), response.text
        assert client.get(f"{base}/sparql", params={"query": ask}).json()["boolean"] is False
        # an update sent as a query is still refused, token or not
        response = client.post(
            f"{base}/sparql", data={"query": insert}, headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert response.status_code == 403


def test_allow_update_without_a_token_is_refused(writable_store: Path) -> None:
    with pytest.raises(ValueError, match="token"):
        create_app(writable_store, allow_update=True)


def test_load_and_service_in_updates_refused_even_with_the_token(
    writable_store: Path, recorder: Recorder, serve_app: Serve
) -> None:
    app = create_app(writable_store, allow_update=True, update_token=TOKEN)
    headers = {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"}
    texts = [
        f"LOAD <{recorder.url}.ttl>",
        f"load silent <{recorder.url}.ttl> into graph <{EX}l>",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{recorder.url}> {{ ?s ?p ?o }} }}",
        f"DELETE {{ ?s ?p ?o }} WHERE {{ OPTIONAL {{ service silent <{recorder.url}> "
        "{ ?s ?p ?o } } }",
    ]
    with serve_app(app) as base, httpx.Client(timeout=10) as client:
        for text in texts:
            response = client.post(f"{base}/update", content=text, headers=headers)
            assert response.status_code == 403, (text, response.text)
    assert recorder.requests == []


# --- SERVICE ------------------------------------------------------------------------------------

SERVICE_SPELLINGS = {
    "plain": "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "lower-case": "select * where {{ service <{url}> {{ ?s ?p ?o }} }}",
    "mixed-case": "SELECT * {{ SeRvIcE <{url}> {{ ?s ?p ?o }} }}",
    "comments": "SELECT * # SERVICE <x> in a comment is harmless\n"
    "{{ SERVICE # but this one is not\n <{url}> {{ ?s ?p ?o }} }}",
    "prefixed": "PREFIX remote: <{root}> SELECT * {{ SERVICE remote:sparql {{ ?s ?p ?o }} }}",
    "base-relative": "BASE <{root}> SELECT * {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
    "silent": "SELECT * {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
    "optional": "SELECT * {{ ?a ?b ?c OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "union": "SELECT * {{ {{ ?a ?b ?c }} UNION {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "subquery": "SELECT * {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    "minus": "SELECT * {{ BIND(1 AS ?z) MINUS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "filter-exists": "SELECT * {{ BIND(1 AS ?z) FILTER EXISTS "
    "{{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "graph": "SELECT * {{ GRAPH ?g {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "unicode-escape": "SELECT * {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
    "long-unicode-escape": "SELECT * {{ \\U00000073ervice <{url}> {{ ?s ?p ?o }} }}",
    "variable": "SELECT * {{ VALUES ?u {{ <{url}> }} SERVICE ?u {{ ?s ?p ?o }} }}",
    "ask": "ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "construct": "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "describe": "DESCRIBE ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
}


def _service_query(name: str, recorder: Recorder) -> str:
    return SERVICE_SPELLINGS[name].format(
        url=recorder.url, root=f"http://127.0.0.1:{recorder.port}/"
    )


def test_the_recorder_is_really_contacted_when_service_is_allowed(
    small_store: Path, recorder: Recorder, serve_app: Serve
) -> None:
    """The control: without this, 'the recorder saw nothing' would prove nothing."""
    app = create_app(small_store, allow_service=True)
    with serve_app(app) as base:
        response = httpx.get(
            f"{base}/sparql", timeout=10, params={"query": _service_query("plain", recorder)}
        )
    assert response.status_code == 200, response.text
    assert recorder.requests, "pyoxigraph did not call the SERVICE endpoint"
    assert "from the recorder" in response.text


@pytest.mark.parametrize(
    ("name", "how"),
    [(name, "post-direct") for name in sorted(SERVICE_SPELLINGS)]
    + [
        ("plain", "get"),
        ("plain", "post-form"),
        ("unicode-escape", "get"),
        ("subquery", "post-form"),
    ],
)
def test_service_refused_and_never_contacted(
    name: str, how: str, refusing_endpoint: str, recorder: Recorder
) -> None:
    query = _service_query(name, recorder)
    url = f"{refusing_endpoint}/sparql"
    with httpx.Client(timeout=10) as client:
        if how == "get":
            response = client.get(url, params={"query": query})
        elif how == "post-form":
            response = client.post(url, data={"query": query})
        else:
            response = client.post(
                url, content=query.encode(), headers={"Content-Type": "application/sparql-query"}
            )
    assert response.status_code in (400, 403), response.text
    assert "Traceback" not in response.text
    time.sleep(0.05)
    assert recorder.requests == [], f"the store contacted the SERVICE endpoint for {name!r}"


def test_service_in_a_string_or_comment_is_not_a_service(refusing_endpoint: str) -> None:
    query = "SELECT ?x WHERE { BIND('SERVICE <http://127.0.0.1:1/> { }' AS ?x) } # SERVICE"
    response = httpx.get(f"{refusing_endpoint}/sparql", params={"query": query}, timeout=10)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(
            'SELECT * WHERE { ?s ?p "\\UFFFFFFFF" }',  # an escape that is no code point
        ),
        'SELECT * WHERE { ?s ?p "\\uD800" }',  # a lone surrogate
        "SELECT * WHERE { ?s ?p ?o }\x00",
        "SELECT * WHERE " + "{ " * 3000 + "?s ?p ?o" + " }" * 3000,
    ],
    ids=["bad-long-escape", "surrogate-escape", "nul", "deep-nesting"],
)
def test_hostile_text_is_a_clean_4xx(query: str, refusing_endpoint: str) -> None:
    """Text the policy cannot parse is refused with a message, never a 500."""
    response = httpx.post(
        f"{refusing_endpoint}/sparql",
        timeout=30,
        content=query.encode("utf-8", "surrogatepass"),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])


# --- kg query --sparql --------------------------------------------------------------------------


def _kg(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.run(
        [sys.executable, "-m", "kg", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


@pytest.mark.slow
def test_kg_query_refuses_service_unless_allowed(small_store: Path, recorder: Recorder) -> None:
    refused = [
        f"SELECT * WHERE {{ SERVICE <{recorder.url}> {{ ?s ?p ?o }} }}",
        _service_query("unicode-escape", recorder),
        _service_query("optional", recorder),
    ]
    for query in refused:
        result = _kg("query", "--store", str(small_store), "--sparql", query)
        assert result.returncode == 8, (query, result.stdout, result.stderr)
        assert "SERVICE" in result.stderr and "Traceback" not in result.stderr
        assert result.stdout == ""
    assert recorder.requests == []
    result = _kg("query", "--store", str(small_store), "--allow-service", "--sparql", refused[0])
    assert result.returncode == 0, result.stderr
    assert "from the recorder" in result.stdout
    assert recorder.requests


# --- limits -------------------------------------------------------------------------------------


def test_body_limit_is_413(small_store: Path, serve_app: Serve) -> None:
    app = create_app(small_store, max_body_bytes=10_000)
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 2_000_000

    def chunks() -> Iterator[bytes]:  # no Content-Length: the server must count
        for start in range(0, len(big), 65_536):
            yield big[start : start + 65_536].encode()

    with serve_app(app) as base, httpx.Client(timeout=30) as client:
        response = client.post(
            f"{base}/sparql",
            content=big.encode(),
            headers={"Content-Type": "application/sparql-query"},
        )
        assert response.status_code == 413
        response = client.post(
            f"{base}/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"}
        )
        assert response.status_code == 413
        response = client.post(f"{base}/sparql", data={"query": big})
        assert response.status_code == 413
        # just under the limit is fine
        ok = "SELECT * WHERE { ?s ?p ?o } LIMIT 1 #" + "x" * 5_000
        response = client.post(
            f"{base}/sparql",
            content=ok.encode(),
            headers={"Content-Type": "application/sparql-query"},
        )
        assert response.status_code == 200


@pytest.mark.slow
def test_slow_query_gets_503_within_the_limit(tmp_path: Path, serve_app: Serve) -> None:
    """A cross product over 3,000 triples runs for seconds; the client hears back in time."""
    path = _make_store(tmp_path / "store", 3000)
    limit = 0.5
    app = create_app(path, timeout_s=limit)
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f FILTER(?c < ?f) }"
    with serve_app(app) as base, httpx.Client(timeout=30) as client:
        started = time.monotonic()
        response = client.get(f"{base}/sparql", params={"query": slow})
        elapsed = time.monotonic() - started
        assert response.status_code == 503, response.text
        assert "longer than" in response.text
        assert elapsed < limit + 2.0, elapsed
        # the server still answers (the abandoned query keeps one worker busy, not all)
        assert client.get(f"{base}/health").status_code == 200
        quick = client.get(f"{base}/sparql", params={"query": "ASK { ?s ?p 1 }"})
        assert quick.status_code == 200
        time.sleep(2)  # let the abandoned query wind down before the next test needs the CPU


def test_parsing_a_huge_query_does_not_freeze_the_server(
    small_store: Path, serve_app: Serve
) -> None:
    """The policy parses every query (rdflib, pure Python, slow); that must not block others.

    A ~4 KB FILTER of 300 alternatives costs rdflib several seconds of CPU. While it is parsed,
    ``/health`` and small queries must still be answered promptly, and the big query itself must
    come back within the time limit.
    """
    app = create_app(small_store, timeout_s=1.0)
    heavy = (
        "SELECT * WHERE { ?s ?p ?o FILTER(" + " || ".join(f"?o = {i}" for i in range(300)) + ") }"
    )
    results: dict[str, Any] = {}
    with serve_app(app) as base:

        def send_heavy() -> None:
            started = time.monotonic()
            response = httpx.post(
                f"{base}/sparql",
                content=heavy.encode(),
                timeout=120,
                headers={"Content-Type": "application/sparql-query"},
            )
            results["heavy"] = (response.status_code, time.monotonic() - started)

        thread = threading.Thread(target=send_heavy)
        thread.start()
        time.sleep(0.3)
        started = time.monotonic()
        health = httpx.get(f"{base}/health", timeout=60)
        results["health"] = (health.status_code, time.monotonic() - started)
        thread.join(timeout=120)
    assert results["health"][0] == 200
    assert results["health"][1] < 1.0, f"/health waited {results['health'][1]:.1f} s"
    assert results["heavy"][1] < 1.0 + 2.0, f"the heavy query took {results['heavy'][1]:.1f} s"


COLD_PARSE = """
import sys, threading
from kg.sparql_policy import check_query

queries = [
    "SELECT ?t (COUNT(*) AS ?n) WHERE { ?e a ?t } GROUP BY ?t",
    "SELECT DISTINCT ?e ?l WHERE { ?e a schema:Person ; rdfs:label ?l } LIMIT 50",
    "CONSTRUCT { ?s schema:worksFor ?o } WHERE { ?s schema:worksFor ?o } LIMIT 50",
    "ASK { ?s a schema:NewsArticle }",
]
barrier = threading.Barrier(4)
failures = []

def worker(n):
    barrier.wait()
    for i in range(5):
        try:
            check_query(queries[(n + i) % 4])
        except Exception as error:
            failures.append(f"{type(error).__name__}: {error}")

threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(len(failures), failures[:3])
sys.exit(1 if failures else 0)
"""


def test_the_policy_parses_in_several_threads_from_a_cold_start() -> None:
    """The endpoint parses queries in its worker threads (4). The very first queries of a fresh
    process, arriving together, must all parse — in a new process, since this one is warm."""
    result = subprocess.run(
        [sys.executable, "-c", COLD_PARSE], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]


def test_result_size_limit(small_store: Path, serve_app: Serve) -> None:
    app = create_app(small_store, max_results=10)
    with serve_app(app) as base, httpx.Client(timeout=10) as client:
        response = client.get(f"{base}/sparql", params={"query": "SELECT * { ?s ?p ?o }"})
        assert response.status_code == 400
        assert "LIMIT" in response.text
        response = client.get(f"{base}/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
        assert response.status_code == 400
        response = client.get(f"{base}/sparql", params={"query": "SELECT * { ?s ?p ?o } LIMIT 10"})
        assert response.status_code == 200
        assert len(response.json()["results"]["bindings"]) == 10
