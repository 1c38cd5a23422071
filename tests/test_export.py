"""Exports: networkx graph, GEXF 1.3 (read back by networkx and by graphology-gexf under Node),
GraphML, Gephi CSV and RDF round trips, all checked against the hand-made fixture store."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from kg.errors import ExportError
from kg.export import ExportReport, export_store, guess_format, to_networkx
from kg.export.gexf import GEXF_NS, VIZ_NS
from kg.export.tabular import EDGE_COLUMNS, NODE_COLUMNS
from kg.store import Store

try:
    from tests.consumers_fixtures import BEIJING, EXPECTED, HEMIAO, IHEP, make_store
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from consumers_fixtures import (  # type: ignore[no-redef]
        BEIJING,
        EXPECTED,
        HEMIAO,
        IHEP,
        make_store,
    )

JS_DIR = Path(__file__).parent / "js"
G = f"{{{GEXF_NS}}}"
V = f"{{{VIZ_NS}}}"


@pytest.fixture(scope="module")
def store() -> Store:
    return make_store(None)


@pytest.fixture(scope="module")
def gexf_file(store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gexf") / "graph.gexf"
    report = export_store(store, path, "gexf", layout=True)
    assert (report.nodes, report.edges) == (EXPECTED.nodes, EXPECTED.relation_edges)
    return path


def _store_weights(store: Store) -> dict[tuple[str, str, str], int]:
    rows = store.query("""SELECT ?s ?p ?o (COUNT(DISTINCT ?sentence) AS ?n) WHERE {
        ?ev rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:sentence ?sentence
    } GROUP BY ?s ?p ?o""")
    assert isinstance(rows, ox.QuerySolutions)
    return {
        (r["s"].value, r["p"].value.rsplit("/", 1)[-1], r["o"].value): int(r["n"].value)
        for r in rows
    }


def test_to_networkx_nodes(store: Store) -> None:
    graph = to_networkx(store)
    assert isinstance(graph, nx.MultiDiGraph)
    assert graph.number_of_nodes() == EXPECTED.nodes
    person = graph.nodes[HEMIAO.value]
    assert person == {"label": "何苗", "type": "Person", "mentions": 2, "aliases": []}
    assert graph.nodes[IHEP.value]["aliases"] == ["高能所"]
    # the relation target without label or type is added, typed from its IRI
    assert graph.nodes[BEIJING.value]["label"] == "北京"
    assert graph.nodes[BEIJING.value]["type"] == "Place"
    assert graph.graph["added_nodes"] == 1
    rows = store.query(
        "SELECT ?e (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a schema:mentions ?e } GROUP BY ?e"
    )
    assert isinstance(rows, ox.QuerySolutions)
    mentions = {r["e"].value: int(r["n"].value) for r in rows}
    for iri, data in graph.nodes(data=True):
        assert data["mentions"] == mentions.get(iri, 0)


def test_parallel_relations_kept_apart_and_weighted_by_sentences(store: Store) -> None:
    graph = to_networkx(store)
    between = graph.get_edge_data(HEMIAO.value, IHEP.value)
    assert set(between) == {"worksFor", "alumniOf"}
    assert between["worksFor"]["weight"] == EXPECTED.worksfor_weight  # two articles, two sentences
    assert between["alumniOf"] == {"label": "alumniOf", "kind": "alumniOf", "weight": 1}
    weights = {(u, k, v): d["weight"] for u, v, k, d in graph.edges(keys=True, data=True)}
    assert weights == _store_weights(store)
    assert all(u in graph and v in graph for u, v in graph.edges())


def test_query_select_and_construct(store: Store) -> None:
    people = to_networkx(store, query="SELECT ?e WHERE { ?e a schema:Person }")
    assert {d["label"] for _, d in people.nodes(data=True)} == {"何苗", "王小明", "康永来"}
    assert people.number_of_edges() == 0
    works = to_networkx(
        store, query="CONSTRUCT { ?s schema:worksFor ?o } WHERE { ?s schema:worksFor ?o }"
    )
    assert list(works.edges(keys=True, data="weight")) == [
        (HEMIAO.value, IHEP.value, "worksFor", EXPECTED.worksfor_weight)
    ]
    with pytest.raises(ExportError):
        to_networkx(store, query="ASK { ?s ?p ?o }")


def test_co_mentions(store: Store) -> None:
    by_article = to_networkx(store, co_mentions="article")
    pair = sorted([HEMIAO.value, IHEP.value])
    assert by_article.edges[pair[0], pair[1], "coMention"]["weight"] == 2  # both articles
    by_sentence = to_networkx(store, co_mentions="sentence")
    assert by_sentence.edges[pair[0], pair[1], "coMention"]["weight"] == 2  # S1 and S3
    assert by_sentence.number_of_edges() < by_article.number_of_edges()
    with pytest.raises(ExportError):
        to_networkx(store, co_mentions="paragraph")


def test_gexf_document(gexf_file: Path) -> None:
    text = gexf_file.read_text(encoding="utf-8")
    assert 'xmlns="http://gexf.net/1.3"' in text and 'xmlns:viz="http://gexf.net/1.3/viz"' in text
    root = ET.parse(gexf_file).getroot()
    assert root.tag == G + "gexf" and root.get("version") == "1.3"
    assert root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation") == (
        "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"
    )
    graph = root.find(G + "graph")
    assert graph is not None and graph.get("defaultedgetype") == "directed"
    declared = {
        cls.get("class"): {a.get("id"): a.get("type") for a in cls}
        for cls in graph.findall(G + "attributes")
    }
    assert declared["node"]["type"] == "string" and declared["node"]["mentions"] == "integer"
    assert declared["edge"]["kind"] == "string"
    nodes = graph.findall(f"{G}nodes/{G}node")
    ids = {n.get("id") for n in nodes}
    assert len(nodes) == len(ids) == EXPECTED.nodes
    labels = {n.get("id"): n.get("label") for n in nodes}
    assert labels[HEMIAO.value] == "何苗"
    for node in nodes:
        assert node.find(V + "color") is not None and node.find(V + "size") is not None
        assert node.find(V + "position") is not None  # layout=True
        for value in node.iter(G + "attvalue"):
            assert value.get("for") in declared["node"]
    edges = graph.findall(f"{G}edges/{G}edge")
    assert len(edges) == EXPECTED.relation_edges
    for edge in edges:
        assert edge.get("source") in ids and edge.get("target") in ids
        assert edge.get("kind") and edge.get("label") and float(edge.get("weight", "0")) >= 1
        for value in edge.iter(G + "attvalue"):
            assert value.get("for") in declared["edge"]


def test_gexf_reads_back_with_networkx(store: Store, gexf_file: Path) -> None:
    graph = nx.read_gexf(gexf_file, version="1.3")
    assert isinstance(graph, nx.MultiDiGraph)
    assert graph.number_of_nodes() == EXPECTED.nodes
    assert graph.number_of_edges() == EXPECTED.relation_edges
    assert graph.nodes[HEMIAO.value]["label"] == "何苗"
    assert graph.nodes[HEMIAO.value]["mentions"] == 2
    kinds = {d["kind"]: d["weight"] for _, _, d in graph.edges(HEMIAO.value, data=True)}
    assert kinds == {"worksFor": 2.0, "alumniOf": 1.0}


def _node_tools() -> tuple[str, str] | None:
    node, npm = shutil.which("node"), shutil.which("npm")
    return (node, npm) if node and npm else None


def test_gexf_reads_back_with_graphology(gexf_file: Path) -> None:
    tools = _node_tools()
    if tools is None:
        pytest.skip("node and npm are needed to check the GEXF with graphology-gexf")
    node, npm = tools
    if not (JS_DIR / "node_modules" / "graphology-gexf").is_dir():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=JS_DIR,
            check=True,
            capture_output=True,
            timeout=120,
        )
    done = subprocess.run(
        [node, str(JS_DIR / "parse_gexf.mjs"), str(gexf_file)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    parsed = json.loads(done.stdout)
    assert parsed["multi"] and parsed["type"] == "directed"
    assert (parsed["order"], parsed["size"]) == (EXPECTED.nodes, EXPECTED.relation_edges)
    nodes = {n["key"]: n["attributes"] for n in parsed["nodes"]}
    assert nodes[HEMIAO.value]["label"] == "何苗"
    assert nodes[HEMIAO.value]["type"] == "Person" and nodes[HEMIAO.value]["mentions"] == 2
    assert nodes[HEMIAO.value]["color"].startswith("rgb(")
    between = sorted(
        (e["attributes"]["kind"], e["attributes"]["weight"])
        for e in parsed["edges"]
        if e["source"] == HEMIAO.value and e["target"] == IHEP.value
    )
    assert between == [("alumniOf", 1), ("worksFor", 2)]


def test_gexf_to_stream(store: Store) -> None:
    buffer = io.BytesIO()
    export_store(store, buffer, "gexf")
    assert buffer.getvalue().startswith(b"<?xml") and "何苗".encode() in buffer.getvalue()


def test_graphml(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "graph.graphml"
    export_store(store, path, "graphml")
    graph = nx.read_graphml(path, force_multigraph=True)
    assert graph.number_of_nodes() == EXPECTED.nodes
    assert graph.number_of_edges() == EXPECTED.relation_edges
    assert graph.nodes[IHEP.value]["aliases"] == "高能所"


@pytest.mark.parametrize("target", ["gephi", "prefix.csv"])
def test_csv_for_gephi(store: Store, tmp_path: Path, target: str) -> None:
    report = export_store(store, tmp_path / target, "csv")
    nodes_path, edges_path = report.outputs
    with nodes_path.open(encoding="utf-8") as file:
        node_rows = list(csv.DictReader(file))
    with edges_path.open(encoding="utf-8") as file:
        edge_reader = csv.DictReader(file)
        edge_rows = list(edge_reader)
    assert tuple(node_rows[0]) == NODE_COLUMNS == ("Id", "Label", "Type", "Mentions")
    assert tuple(edge_reader.fieldnames or ()) == EDGE_COLUMNS
    assert len(node_rows) == EXPECTED.nodes and len(edge_rows) == EXPECTED.relation_edges
    assert {r["Type"] for r in edge_rows} == {"Directed"}
    assert {r["Id"] for r in node_rows} >= {r["Source"] for r in edge_rows} | {
        r["Target"] for r in edge_rows
    }


@pytest.mark.parametrize(
    ("report", "line"),
    [
        (ExportReport("nquads", statements=3101), "3,101 statements"),
        (ExportReport("gexf", nodes=158, edges=46), "158 nodes, 46 edges"),
        (
            ExportReport("csv", nodes=2, edges=1, added_nodes=1, dropped_edges=3),
            "2 nodes, 1 edges (1 relation targets without a type added as nodes; "
            "3 relations to non-entities left out)",
        ),
    ],
)
def test_report_line_for_people(report: ExportReport, line: str) -> None:
    assert report.describe() == line


def test_rdf_round_trips(store: Store, tmp_path: Path) -> None:
    quads = set(store.quads())
    for name in ("nquads", "trig"):
        path = tmp_path / f"dump.{name}"
        report = export_store(store, path, name)
        assert report.statements == len(quads)
        fmt = ox.RdfFormat.N_QUADS if name == "nquads" else ox.RdfFormat.TRIG
        assert set(ox.parse(path=str(path), format=fmt)) == quads
    union = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
    for name, fmt in (
        ("turtle", ox.RdfFormat.TURTLE),
        ("ntriples", ox.RdfFormat.N_TRIPLES),
        ("jsonld", ox.RdfFormat.JSON_LD),
    ):
        path = tmp_path / f"union.{name}"
        report = export_store(store, path, name)
        assert report.statements == len(union)
        parsed = {
            ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(path=str(path), format=fmt)
        }
        assert parsed == union
    path = tmp_path / "works.ttl"
    export_store(
        store,
        path,
        "turtle",
        query="CONSTRUCT { ?s schema:worksFor ?o } WHERE { ?s schema:worksFor ?o }",
    )
    assert len(set(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))) == 1


def test_formats_and_errors(store: Store, tmp_path: Path) -> None:
    assert guess_format(Path("a.gexf")) == "gexf" and guess_format(Path("a.nq")) == "nquads"
    with pytest.raises(ExportError):
        export_store(store, tmp_path / "x.bin", "pdf")
    with pytest.raises(ExportError):
        export_store(store, tmp_path / "x.ttl", "turtle", query="SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(ExportError):
        export_store(store, io.BytesIO(), "csv")
