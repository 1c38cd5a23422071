"""The SPARQL endpoint, served by a real uvicorn on 127.0.0.1 and queried with SPARQLWrapper and
httpx; answers are compared with pyoxigraph's own on the same store."""

from __future__ import annotations

import csv
import io
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from SPARQLWrapper import CSV, JSON, POST, POSTDIRECTLY, TURTLE, URLENCODED, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from kg.errors import QueryError, UnsafeQueryError
from kg.graph import vocab
from kg.serve import create_app
from kg.sparql_policy import QueryKind, check_query, check_update
from kg.store import Store

try:
    from tests.conftest import uvicorn_running
    from tests.consumers_fixtures import DOC_A, EXPECTED, make_store, make_store_dir
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from conftest import uvicorn_running  # type: ignore[no-redef]
    from consumers_fixtures import (  # type: ignore[no-redef]
        DOC_A,
        EXPECTED,
        make_store,
        make_store_dir,
    )

LABELS = "SELECT DISTINCT ?e ?label WHERE { ?e a schema:Person ; rdfs:label ?label }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # about 1.5 s here


@contextmanager
def running(store_path: Path, **options: Any) -> Iterator[str]:
    """Serve ``store_path`` with uvicorn in a thread; yields the base URL."""
    with uvicorn_running(create_app(store_path, **options)) as base:
        yield base


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_store_dir(tmp_path_factory.mktemp("serve") / "store")


@pytest.fixture(scope="module")
def reference(store_path: Path) -> Store:
    """The same store, opened read-only next to the server, for pyoxigraph's own answers."""
    return Store(store_path, read_only=True)


@pytest.fixture(scope="module")
def endpoint(store_path: Path) -> Iterator[str]:
    with running(store_path, max_body_bytes=10_000) as base:
        yield base + "/sparql"


def _wrapper(endpoint: str, query: str, fmt: str) -> SPARQLWrapper:
    sparql = SPARQLWrapper(endpoint)
    sparql.setQuery(vocab.SPARQL_PREFIXES + query)
    sparql.setReturnFormat(fmt)
    return sparql


def _expected_pairs(reference: Store) -> set[tuple[str, str]]:
    return {(r["e"].value, r["label"].value) for r in reference.query(LABELS)}  # type: ignore


def test_select_json_matches_pyoxigraph(endpoint: str, reference: Store) -> None:
    result = _wrapper(endpoint, LABELS, JSON).queryAndConvert()
    assert isinstance(result, dict)
    assert result["head"]["vars"] == ["e", "label"]
    got = {(b["e"]["value"], b["label"]["value"]) for b in result["results"]["bindings"]}
    assert got == _expected_pairs(reference)
    assert ("https://w3id.org/kg-news/id/person/何苗", "何苗") in got
    assert all(b["label"]["xml:lang"] == "zh" for b in result["results"]["bindings"])


def test_select_xml_and_csv(endpoint: str, reference: Store) -> None:
    document = _wrapper(endpoint, LABELS, XML).queryAndConvert()
    literals = {node.firstChild.data for node in document.getElementsByTagName("literal")}
    assert literals == {label for _, label in _expected_pairs(reference)}
    raw = _wrapper(endpoint, LABELS, CSV).queryAndConvert()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    assert rows[0] == ["e", "label"]
    assert {tuple(r) for r in rows[1:] if r} == _expected_pairs(reference)


def test_construct_as_turtle(endpoint: str, reference: Store) -> None:
    query = "CONSTRUCT { ?s schema:worksFor ?o } WHERE { ?s schema:worksFor ?o }"
    raw = _wrapper(endpoint, query, TURTLE).queryAndConvert()
    got = {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(raw, format=ox.RdfFormat.TURTLE)
    }
    assert got == set(reference.query(query))  # type: ignore[arg-type]
    assert len(got) == 1  # the same triple in two article graphs comes once


@pytest.mark.parametrize("method", [URLENCODED, POSTDIRECTLY])
def test_post(endpoint: str, reference: Store, method: str) -> None:
    sparql = _wrapper(endpoint, LABELS, JSON)
    sparql.setMethod(POST)
    sparql.setRequestMethod(method)
    result = sparql.queryAndConvert()
    assert isinstance(result, dict)
    got = {(b["e"]["value"], b["label"]["value"]) for b in result["results"]["bindings"]}
    assert got == _expected_pairs(reference)


def test_ask_and_graph_formats(endpoint: str) -> None:
    ask = httpx.get(endpoint, params={"query": "ASK { ?s a schema:Person }"})
    assert ask.status_code == 200 and ask.json() == {"head": {}, "boolean": True}
    query = {"query": "CONSTRUCT WHERE { ?s rdfs:label ?o }"}
    for media, fmt in (
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("application/n-quads", ox.RdfFormat.N_QUADS),
    ):
        response = httpx.get(endpoint, params=query, headers={"accept": media})
        assert response.status_code == 200 and response.headers["content-type"].startswith(media)
        assert len(list(ox.parse(response.content, format=fmt))) == EXPECTED.nodes - 1
    tsv = httpx.get(
        endpoint, params={"query": LABELS}, headers={"accept": "text/tab-separated-values"}
    )
    assert tsv.text.splitlines()[0] == "?e\t?label"


def test_unknown_parameters_ignored_and_dataset(endpoint: str, reference: Store) -> None:
    count = "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?a schema:mentions ?e }"
    params = {"query": count, "format": "json", "output": "json", "results": "json", "x": "1"}
    response = httpx.get(endpoint, params=params)
    assert response.status_code == 200
    assert response.json()["results"]["bindings"][0]["n"]["value"] == "8"
    graph = vocab.article_graph(DOC_A)
    scoped = httpx.get(endpoint, params={"query": count, "default-graph-uri": graph.value})
    expected = next(iter(reference.query(count, default_graph=[graph])))["n"].value  # type: ignore
    assert scoped.json()["results"]["bindings"][0]["n"]["value"] == expected == "5"
    named = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    only_a = httpx.get(endpoint, params={"query": named, "named-graph-uri": graph.value})
    assert [b["g"]["value"] for b in only_a.json()["results"]["bindings"]] == [graph.value]


@pytest.mark.filterwarnings("ignore:.*query type:RuntimeWarning")
def test_malformed_query_is_400(endpoint: str) -> None:
    response = httpx.get(endpoint, params={"query": "SELECT ?s WHERE { ?s ?p "})
    assert response.status_code == 400 and "malformed" in response.text
    with pytest.raises(QueryBadFormed):
        _wrapper(endpoint, "SELEC * {}", JSON).query()
    assert httpx.get(endpoint).status_code == 400  # no query at all


def test_updates_and_service_refused(endpoint: str) -> None:
    base = endpoint.rsplit("/", 1)[0]
    for target, data in (
        (base + "/update", {"update": "CLEAR ALL"}),
        (endpoint, {"update": "DROP ALL"}),
        (endpoint, {"query": "INSERT DATA { <http://a/s> <http://a/p> 1 }"}),
    ):
        response = httpx.post(target, data=data)
        assert response.status_code == 403, (target, data)
    service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    response = httpx.get(endpoint, params={"query": service})
    assert response.status_code == 403 and "SERVICE" in response.text
    # a string that merely mentions SERVICE is fine: the policy reads the parsed query
    harmless = 'SELECT ?s WHERE { ?s rdfs:label ?l FILTER(?l != "SERVICE <http://x/> {}") }'
    assert httpx.get(endpoint, params={"query": harmless}).status_code == 200


def test_body_limit_is_413(endpoint: str) -> None:
    padding = "# " + "x" * 20_000 + "\n"
    response = httpx.post(
        endpoint, content=padding + "ASK {}", headers={"content-type": "application/sparql-query"}
    )
    assert response.status_code == 413


def test_cors(endpoint: str) -> None:
    origin = {"origin": "https://yasgui.example.org"}
    response = httpx.get(endpoint, params={"query": "ASK {}"}, headers=origin)
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = httpx.options(
        endpoint,
        headers={
            **origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_home_and_health(endpoint: str, store_path: Path) -> None:
    base = endpoint.rsplit("/", 1)[0]
    assert "SPARQL" in httpx.get(base + "/").text
    health = httpx.get(base + "/health").json()
    assert health["status"] == "ok" and health["read_only"] is True
    assert httpx.get(base + "/query", params={"query": "ASK {}"}).status_code == 200


def test_timeout_and_result_limit(store_path: Path) -> None:
    with running(store_path, timeout_s=0.3, max_results=3) as base:
        started = time.monotonic()
        response = httpx.get(base + "/sparql", params={"query": SLOW}, timeout=30)
        assert response.status_code == 503 and "abandoned" in response.text
        assert time.monotonic() - started < 1.2  # answered at the deadline, not at the end
        many = httpx.get(base + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert many.status_code == 400 and "LIMIT" in many.text
        few = httpx.get(base + "/sparql", params={"query": "SELECT * { ?s ?p ?o } LIMIT 3"})
        assert few.status_code == 200


def test_updates_with_token(store_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "store"
    shutil.copytree(store_path, copy)
    with pytest.raises(ValueError):
        create_app(copy, allow_update=True)
    with running(copy, allow_update=True, update_token="s3cret") as base:
        insert = "INSERT DATA { <http://example.org/s> <http://example.org/p> 'new' }"
        assert httpx.post(base + "/update", data={"update": insert}).status_code == 403
        wrong = {"authorization": "Bearer nope", "content-type": "application/sparql-update"}
        assert httpx.post(base + "/update", content=insert, headers=wrong).status_code == 403
        good = {**wrong, "authorization": "Bearer s3cret"}
        assert httpx.post(base + "/update", content=insert, headers=good).status_code == 204
        load = "LOAD <http://127.0.0.1:9/data.ttl>"
        assert httpx.post(base + "/update", content=load, headers=good).status_code == 403
        ask = httpx.get(base + "/sparql", params={"query": "ASK { ?s ?p 'new' }"})
        assert ask.json()["boolean"] is True


def test_server_shares_the_store_with_a_writer(tmp_path: Path) -> None:
    """A running build (a writer) and the read-only server can hold the store together."""
    writer = make_store(tmp_path / "store")
    with running(tmp_path / "store") as base:
        ask = httpx.get(base + "/sparql", params={"query": "ASK { ?s a schema:Person }"})
        assert ask.json()["boolean"] is True
    assert len(writer) > 0


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", QueryKind.SELECT),
        (
            "PREFIX ex: <http://example.org/> CONSTRUCT { ?s ex:p ?o } WHERE { ?s ex:p ?o }",
            QueryKind.CONSTRUCT,
        ),
        ("ASK { ?s a schema:Person }", QueryKind.ASK),
        ("DESCRIBE <http://example.org/x>", QueryKind.DESCRIBE),
    ],
)
def test_policy_query_kinds(text: str, kind: QueryKind) -> None:
    assert check_query(text) is kind


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { OPTIONAL { SERVICE <http://x.example/s> { ?s ?p ?o } } }",
        "SELECT * { { SELECT ?s { SERVICE SILENT <http://x.example/s> { ?s ?p ?o } } } }",
        "ASK { ?s ?p ?o MINUS { SERVICE <http://x.example/s> { ?s ?p ?o } } }",
    ],
)
def test_policy_refuses_nested_service(text: str) -> None:
    with pytest.raises(UnsafeQueryError):
        check_query(text)
    assert check_query(text, allow_service=True) in (QueryKind.SELECT, QueryKind.ASK)


def test_policy_updates() -> None:
    with pytest.raises(UnsafeQueryError):
        check_query("DELETE WHERE { ?s ?p ?o }")  # an update sent as a query
    with pytest.raises(UnsafeQueryError):
        check_update("DROP ALL", allow_update=False)
    assert check_update("CLEAR GRAPH <http://g.example/>", allow_update=True) == ["Clear"]
    with pytest.raises(UnsafeQueryError):
        check_update("LOAD <http://x.example/d.ttl>", allow_update=True)
    assert check_update("LOAD <http://x.example/d.ttl>", allow_update=True, allow_service=True)
    with pytest.raises(UnsafeQueryError):
        check_update(
            "INSERT { ?s ?p ?o } WHERE { SERVICE <http://x.example/s> { ?s ?p ?o } }",
            allow_update=True,
        )
    with pytest.raises(QueryError) as malformed:
        check_update("INSERT DATA { <a:b> }", allow_update=True)
    assert not isinstance(malformed.value, UnsafeQueryError)
