"""End to end: the seed pages built with the real pipeline meet the graph contract."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from spacy.language import Language

from kg.api import KnowledgeGraph
from kg.graph.validate import validate_store
from kg.store import Store


def canonical(store_path: Path) -> list[str]:
    store = Store(store_path, read_only=True)
    return sorted(str(q) for q in store.quads())


@pytest.fixture(scope="module")
def seeds(seeds_store: Path) -> KnowledgeGraph:
    return KnowledgeGraph(seeds_store, read_only=True)


def test_the_seeds_conform_to_the_shapes(seeds_store: Path) -> None:
    report = validate_store(Store(seeds_store, read_only=True))
    assert report.conforms, report.text
    assert report.triples > 500


def test_store_has_no_blank_nodes(seeds_store: Path) -> None:
    # dumps of equal stores are equal byte for byte once sorted (the contract's golden-file rule)
    store = Store(seeds_store, read_only=True)
    try:
        quads = list(store.quads())
    finally:
        store.close()
    assert [q for q in quads if isinstance(q.subject, ox.BlankNode)] == []
    assert [q for q in quads if isinstance(q.object, ox.BlankNode)] == []
    assert ox.NamedNode("https://w3id.org/kg-news/graph/ontology") in {q.graph_name for q in quads}


def test_every_article_has_a_headline_and_its_own_graph(seeds: KnowledgeGraph) -> None:
    rows = seeds.query(
        "SELECT ?a ?h ?g WHERE { GRAPH ?g { ?a a schema:NewsArticle ; schema:headline ?h } }"
    )
    assert len(rows) >= 10
    assert len({r["g"] for r in rows}) == len(rows)


def test_positions_query_lists_people_titles_and_orgs(seeds: KnowledgeGraph) -> None:
    query = (Path(__file__).parent.parent / "queries" / "positions.rq").read_text(encoding="utf-8")
    rows = seeds.query(query)
    assert rows.variables == ["person", "personLabel", "title", "org", "orgLabel"]
    found = {(r["personLabel"], r["title"], r["orgLabel"]) for r in rows}
    assert ("何苗", "研究员", "中国科学院高能物理研究所") in found
    assert ("康永来", "董事长", "天兵科技") in found


def test_entities_have_one_type_and_one_label(seeds: KnowledgeGraph) -> None:
    rows = seeds.query("""
        SELECT ?e (COUNT(DISTINCT ?label) AS ?labels) (COUNT(DISTINCT ?type) AS ?types) WHERE {
          ?e rdfs:label ?label ; a ?type .
          FILTER(STRSTARTS(STR(?e), "https://w3id.org/kg-news/id/")
                 && !STRSTARTS(STR(?e), "https://w3id.org/kg-news/id/position/"))
        } GROUP BY ?e HAVING (COUNT(DISTINCT ?label) != 1 || COUNT(DISTINCT ?type) != 1)""")
    assert list(rows) == []


def test_evidence_query_returns_the_sentence(seeds: KnowledgeGraph) -> None:
    query = (Path(__file__).parent.parent / "queries" / "evidence.rq").read_text(encoding="utf-8")
    rows = seeds.query(query)
    assert len(rows) > 0
    for row in rows:
        assert row["sentence"] and row["article"].startswith("https://w3id.org/kg-news/article/")


def test_rebuild_is_idempotent_and_a_changed_article_is_replaced(
    seeds_store: Path, tmp_path: Path, nlp: Language
) -> None:
    store_path = tmp_path / "store"
    shutil.copytree(seeds_store, store_path)
    before = canonical(store_path)
    pages = tmp_path / "pages"
    shutil.copytree(Path(__file__).parent.parent / "seeds", pages)
    graph = KnowledgeGraph(store_path, nlp=nlp)
    report = graph.build([pages.parent / "pages"])
    assert (report.added, report.replaced) == (0, 0)
    assert report.unchanged >= 10
    # Paths differ (pages/ vs seeds/) but content hashes match, so nothing is rewritten.
    graph.close()
    del graph
    assert canonical(store_path) == before

    page = next(pages.glob("001_*.txt"))
    page.write_text(page.read_text(encoding="utf-8").replace("吴月辉", "吴月晖"), encoding="utf-8")
    graph = KnowledgeGraph(store_path, nlp=nlp)
    report = graph.build([pages])
    assert report.replaced == 1 and report.added == 0
    names = graph.query("SELECT ?n WHERE { ?a schema:author/rdfs:label ?n }")
    assert "吴月晖" in {r["n"] for r in names} and "吴月辉" not in {r["n"] for r in names}

    # --force extracts unchanged articles again (after an upgrade) and gives the same graph
    graph.close()
    del graph
    after_change = canonical(store_path)
    graph = KnowledgeGraph(store_path, nlp=nlp)
    report = graph.build([pages], force=True)
    assert report.unchanged == 0 and report.replaced >= 10 and report.added == 0
    graph.close()
    del graph

    # the same graph, except that every article now names pages/ (not seeds/) as its file
    def without_paths(lines: list[str]) -> list[str]:
        return [line for line in lines if "#sourceFile>" not in line]

    assert without_paths(canonical(store_path)) == without_paths(after_change)


def test_remove_deletes_one_article(seeds_store: Path, tmp_path: Path) -> None:
    store_path = tmp_path / "store"
    shutil.copytree(seeds_store, store_path)
    graph = KnowledgeGraph(store_path)
    ids = [r["id"] for r in graph.query("SELECT ?id WHERE { ?a kg:documentId ?id }")]
    assert graph.remove(ids[0]) is True
    assert graph.remove(ids[0]) is False
    left = [r["id"] for r in graph.query("SELECT ?id WHERE { ?a kg:documentId ?id }")]
    assert sorted(left) == sorted(ids[1:])


def test_add_text_and_entity_lookup(nlp: Language) -> None:
    graph = KnowledgeGraph(None, nlp=nlp)
    graph.add_text("中国科学院高能物理研究所研究员何苗介绍了实验进展。", id="demo", title="示例")
    found = graph.entity("何苗")
    assert found is not None and found["type"] == "PERSON"
    assert graph.entity("不存在的名字") is None
    assert isinstance(graph.query("ASK { ?s ?p ?o }"), bool)
    assert isinstance(graph.query("CONSTRUCT WHERE { ?s schema:worksFor ?o }"), ox.QueryTriples)


def test_a_graph_takes_a_pipeline_or_a_model_name(nlp: Language) -> None:
    with pytest.raises(ValueError, match="either nlp or ner_model"):
        KnowledgeGraph(None, nlp=nlp, ner_model="fast")
    assert KnowledgeGraph(None, ner_model="fast").ner_model == "fast"
