"""The Oxigraph store wrapper: graphs replaced whole, queries, locks, read-only access."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import QueryError, StoreError, StoreLockedError
from kg.graph import vocab
from kg.store import Store

EX = "http://example.org/"


def quad(s: str, o: str, graph: ox.NamedNode) -> ox.Quad:
    return ox.Quad(ox.NamedNode(EX + s), ox.NamedNode(EX + "p"), ox.Literal(o), graph)


def test_replace_graph_touches_only_that_graph() -> None:
    store = Store(None)
    g1, g2 = vocab.article_graph("a"), vocab.article_graph("b")
    store.replace_graph(g1, [quad("x", "1", g1), quad("y", "2", g1)])
    store.replace_graph(g2, [quad("x", "3", g2)])
    store.replace_graph(g1, [quad("z", "4", g1)])
    assert sorted(q.subject.value for q in store.quads(g1)) == [EX + "z"]
    assert [q.object.value for q in store.quads(g2)] == ["3"]
    assert set(store.article_graphs()) == {g1, g2}


def test_query_runs_over_the_union_with_substitutions() -> None:
    store = Store(None)
    g1, g2 = vocab.article_graph("a"), vocab.article_graph("b")
    store.add([quad("x", "1", g1), quad("x", "2", g2)])
    rows = list(
        store.query(
            "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?o",
            substitutions={"s": ox.NamedNode(EX + "x")},
        )
    )
    assert [row["o"].value for row in rows] == ["1", "2"]


def test_malformed_query_is_a_query_error() -> None:
    with pytest.raises(QueryError, match="malformed"):
        Store(None).query("SELEKT * WHERE {}")


def test_article_hash_reads_the_recorded_hash() -> None:
    store = Store(None)
    graph, article = vocab.article_graph("doc"), vocab.article_iri("doc")
    assert store.article_hash("doc") is None
    store.add([ox.Quad(article, vocab.kg("contentHash"), ox.Literal("abc"), graph)])
    assert store.article_hash("doc") == "abc"


def test_ensure_ontology_loads_once(tmp_path: Path) -> None:
    ttl = tmp_path / "o.ttl"
    ttl.write_text("<http://example.org/a> <http://example.org/b> 'c' .\n", encoding="utf-8")
    store = Store(None)
    assert store.ensure_ontology([ttl]) is True
    assert store.ensure_ontology([ttl]) is False
    ttl.write_text("<http://example.org/a> <http://example.org/b> 'd' .\n", encoding="utf-8")
    assert store.ensure_ontology([ttl]) is True
    assert [
        q.object.value for q in store.quads(vocab.ONTOLOGY_GRAPH) if q.predicate.value == EX + "b"
    ] == ["d"]


def test_second_writer_gets_a_clear_lock_error(tmp_path: Path) -> None:
    first = Store(tmp_path / "s")
    first.add([quad("x", "1", vocab.article_graph("a"))])
    with pytest.raises(StoreLockedError, match="in use by another kg process"):
        Store(tmp_path / "s")
    reader = Store(tmp_path / "s", read_only=True)
    assert len(reader) == 1
    with pytest.raises(StoreError, match="read-only"):
        reader.add([])


def test_read_only_store_must_exist(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="kg build"):
        Store(tmp_path / "missing", read_only=True)


def _article(doc_id: str, *entities: str) -> tuple[ox.NamedNode, list[ox.Quad]]:
    """An article graph mentioning ``entities`` (person names), as kg.graph.build writes it."""
    graph, article = vocab.article_graph(doc_id), vocab.article_iri(doc_id)
    quads = [ox.Quad(article, vocab.rdf("type"), vocab.schema("NewsArticle"), graph)]
    for name in entities:
        node = ox.NamedNode(f"{vocab.ENTITY_BASE}person/{name}")
        quads += [
            ox.Quad(article, vocab.schema("mentions"), node, graph),
            ox.Quad(node, vocab.rdf("type"), vocab.schema("Person"), vocab.ENTITY_GRAPH),
            ox.Quad(node, vocab.rdfs("label"), ox.Literal(name, language="zh"), vocab.ENTITY_GRAPH),
        ]
    return graph, quads


def _labelled(store: Store) -> list[str]:
    return sorted(
        str(q.object.value)
        for q in store.quads(vocab.ENTITY_GRAPH)
        if q.predicate == vocab.rdfs("label")
    )


def test_entity_graph_keeps_one_label_per_entity_and_drops_orphans() -> None:
    store = Store(None)
    a, quads_a = _article("a", "何苗", "王伟")
    b, quads_b = _article("b", "何苗")
    store.replace_graph(a, quads_a)
    store.replace_graph(b, quads_b)
    assert _labelled(store) == ["何苗", "王伟"]
    assert len(list(store.quads(vocab.ENTITY_GRAPH))) == 4  # stored once, not once per article
    assert vocab.ENTITY_GRAPH not in set(store.article_graphs())
    a2, quads_a2 = _article("a", "张三")  # a new version of a no longer names 何苗 or 王伟
    store.replace_graph(a2, quads_a2)
    assert _labelled(store) == ["何苗", "张三"]  # 王伟: no article left; 何苗: still in b
    assert store.remove_graph(b) is True
    assert _labelled(store) == ["张三"]
    assert store.remove_graph(a) is True
    assert list(store.quads(vocab.ENTITY_GRAPH)) == []
