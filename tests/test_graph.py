"""Article → quads: the article node, entities, relations with evidence, positions, quotes."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from spacy.language import Language
from spacy.tokens import Doc

from kg.graph import vocab
from kg.graph.build import article_quads
from kg.ingest.records import Document, OffsetMap, make_document
from kg.link.linker import Entity
from kg.nlp.records import Mention, Quote, Relation
from kg.store import Store

TEXT = "天兵科技董事长康永来介绍新火箭。“这是最大的火箭。”康永来说。天兵科技成立于2019年。"
BASE = vocab.BASE + "id/"


def entity(label: str, name: str) -> Entity:
    return Entity(iri=f"{BASE}{label.lower()}/{name}", label=name, type=label, aliases=frozenset())


def span(text: str, label: str, nth: int = 0) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(text, start + 1)
    return Mention(text, label, start, start + len(text))


@pytest.fixture()
def annotated(blank_nlp: Language) -> tuple[Document, Doc, dict[tuple[int, int], Entity]]:
    doc = blank_nlp(TEXT)
    org, person = span("天兵科技", "ORG"), span("康永来", "PERSON")
    person2, org2 = span("康永来", "PERSON", 1), span("天兵科技", "ORG", 1)
    doc.ents = [doc.char_span(m.start, m.end, m.label) for m in (org, person, person2, org2)]
    sentence = (0, TEXT.index("。") + 1)
    doc._.relations = [
        Relation(person, "worksFor", org, sentence, "rule:test", 0.9, title="董事长"),
        Relation(
            org2,
            "foundingDate",
            None,
            (TEXT.rindex("天兵"), len(TEXT)),
            "rule:test",
            0.8,
            value="2019",
        ),
    ]
    quote_start = TEXT.index("“") + 1
    doc._.quotes = [
        Quote(
            person2,
            "这是最大的火箭。",
            quote_start,
            quote_start + 8,
            (quote_start - 1, TEXT.index("说。") + 2),
            "rule:quote",
        )
    ]
    links = {(m.start, m.end): entity(m.label, m.text) for m in (org, person, person2, org2)}
    document = make_document(
        id="t#1",
        text=TEXT,
        offsets=OffsetMap.identity(len(TEXT)),
        path="t.txt",
        title="标题",
        authors=("李纯",),
    )
    return document, doc, links


def test_quads_live_in_the_article_graph(annotated) -> None:  # type: ignore[no-untyped-def]
    quads = article_quads(*annotated, make_entity=lambda n, lab: entity(lab, n))
    assert {q.graph_name for q in quads} == {vocab.article_graph("t#1"), vocab.ENTITY_GRAPH}
    assert not any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object))


def test_entity_types_and_labels_live_once_in_the_entity_graph(annotated) -> None:  # type: ignore[no-untyped-def]
    quads = article_quads(*annotated, make_entity=lambda n, lab: entity(lab, n))
    shared = [q for q in quads if q.graph_name == vocab.ENTITY_GRAPH]
    assert {q.predicate for q in shared} == {vocab.rdf("type"), vocab.rdfs("label")}
    subjects = {q.subject.value for q in shared}
    assert len(shared) == 2 * len(subjects)  # one type and one label each
    assert subjects == {f"{BASE}person/康永来", f"{BASE}org/天兵科技", f"{BASE}person/李纯"}
    article_graph = vocab.article_graph("t#1")
    assert not any(
        q.predicate in (vocab.rdf("type"), vocab.rdfs("label"))
        for q in quads
        if q.graph_name == article_graph and q.subject.value in subjects
    )


def query_one(store: Store, sparql: str) -> list[tuple[str, ...]]:
    return sorted(tuple(t.value for t in row) for row in store.query(sparql))  # type: ignore[union-attr]


def test_relations_positions_evidence_and_quotes(annotated) -> None:  # type: ignore[no-untyped-def]
    store = Store(None)
    store.add(article_quads(*annotated, make_entity=lambda n, lab: entity(lab, n)))
    person, org = f"{BASE}person/康永来", f"{BASE}org/天兵科技"
    assert query_one(store, "SELECT ?p ?o WHERE { ?p schema:worksFor ?o }") == [(person, org)]
    assert query_one(store, "SELECT ?t WHERE { ?x a kg:Position ; schema:roleName ?t }") == [
        ("董事长",)
    ]
    assert query_one(
        store, "SELECT ?d (DATATYPE(?d) AS ?t) WHERE { ?o schema:foundingDate ?d }"
    ) == [("2019", vocab.XSD + "gYear")]
    evidence = query_one(
        store,
        "SELECT ?s ?sentence WHERE { ?e a kg:Evidence ; rdf:subject ?s ; kg:sentence ?sentence }",
    )
    assert (person, "天兵科技董事长康永来介绍新火箭。") in evidence
    assert query_one(
        store,
        "SELECT ?who ?text WHERE { ?q a schema:Quotation ; schema:creator ?who ;"
        " schema:text ?text }",
    ) == [(person, "这是最大的火箭。")]
    authors = query_one(store, "SELECT ?n WHERE { ?a schema:author/rdfs:label ?n }")
    assert authors == [("李纯",)]
    mentions = query_one(store, "SELECT ?e WHERE { ?a schema:mentions ?e }")
    assert mentions == [(org,), (person,)]


def test_same_input_gives_same_quads(annotated) -> None:  # type: ignore[no-untyped-def]
    first = article_quads(*annotated, make_entity=lambda n, lab: entity(lab, n))
    second = article_quads(*annotated, make_entity=lambda n, lab: entity(lab, n))
    assert sorted(map(str, first)) == sorted(map(str, second))
