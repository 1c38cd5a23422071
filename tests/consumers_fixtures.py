"""A small hand-made store for the consumer tests (serve, export, view).

It follows the graph contract: entities with one schema.org type, ``rdfs:label``@zh and
``schema:alternateName``; two article graphs that share an entity (何苗); a parallel pair
of relations between the same two nodes (何苗 worksFor / alumniOf 高能所); the same triple
restated in both article graphs with two evidence sentences; a relation whose target (北京)
has no label and no type; a position node, a quotation and a founding date (a literal, never
an edge).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.graph import vocab
from kg.store import Store

ID = vocab.BASE + "id/"


def entity(kind: str, name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{ID}{kind}/{name}")


HEMIAO = entity("person", "何苗")
WANG = entity("person", "王小明")
KANG = entity("person", "康永来")
IHEP = entity("org", "中国科学院高能物理研究所")
SPACE_PIONEER = entity("org", "天兵科技")
JUNO = entity("project", "江门中微子实验")
GUANGDONG = entity("place", "广东")
TIANLONG = entity("product", "天龙三号")
REPORT = entity("work", "2025年全球创新指数报告")
BEIJING = entity("place", "北京")  # target of a relation, no label, no type

LABELS: dict[ox.NamedNode, tuple[str, str]] = {
    HEMIAO: ("Person", "何苗"),
    WANG: ("Person", "王小明"),
    KANG: ("Person", "康永来"),
    IHEP: ("Organization", "中国科学院高能物理研究所"),
    SPACE_PIONEER: ("Organization", "天兵科技"),
    JUNO: ("Project", "江门中微子实验"),
    GUANGDONG: ("Place", "广东"),
    TIANLONG: ("Product", "天龙三号"),
    REPORT: ("CreativeWork", "2025年全球创新指数报告"),
}

DOC_A = "news-2025-08-27#1"
DOC_B = "news-2025-09-01#2"

S1 = "中国科学院高能物理研究所研究员何苗介绍，江门中微子实验已正式运行。"
S2 = "位于广东的江门中微子实验是国际领先的中微子实验。"
S3 = "何苗毕业于中国科学院高能物理研究所，现任该所研究员。"
S4 = "天兵科技自主研制的天龙三号运载火箭完成试车。"
S5 = "天兵科技创始人康永来表示，公司总部位于北京。"


@dataclass(frozen=True)
class Expected:
    """What the consumers must find in the fixture store."""

    nodes: int = 10  # 9 typed entities + 北京 (added for the edge that points to it)
    relation_edges: int = 6
    articles: int = 2
    worksfor_weight: int = 2
    person_label: str = "何苗"
    unlabeled: str = BEIJING.value


EXPECTED = Expected()


def _evidence(
    graph: ox.NamedNode,
    doc_id: str,
    n: int,
    s: ox.NamedNode,
    p: ox.NamedNode,
    o: ox.NamedNode,
    sentence: str,
) -> list[ox.Quad]:
    ev = ox.NamedNode(f"{vocab.BASE}evidence/{vocab.short_hash(doc_id, str(n))}")
    start = 10 * n
    return [
        ox.Quad(*t, graph)
        for t in [
            (ev, vocab.rdf("type"), vocab.kg("Evidence")),
            (ev, vocab.rdf("subject"), s),
            (ev, vocab.rdf("predicate"), p),
            (ev, vocab.rdf("object"), o),
            (ev, vocab.kg("sentence"), ox.Literal(sentence, language="zh")),
            (ev, vocab.kg("article"), vocab.article_iri(doc_id)),
            (ev, vocab.kg("startChar"), ox.Literal(str(start), datatype=vocab.xsd("integer"))),
            (
                ev,
                vocab.kg("endChar"),
                ox.Literal(str(start + len(sentence)), datatype=vocab.xsd("integer")),
            ),
            (ev, vocab.kg("extractor"), ox.Literal("rule:test")),
            (ev, vocab.kg("confidence"), ox.Literal("0.9", datatype=vocab.xsd("decimal"))),
        ]
    ]


def _entity_quads(e: ox.NamedNode, graph: ox.NamedNode) -> list[ox.Quad]:
    type_name, label = LABELS[e]
    quads = [
        ox.Quad(e, vocab.rdf("type"), vocab.schema(type_name), graph),
        ox.Quad(e, vocab.rdfs("label"), ox.Literal(label, language="zh"), graph),
    ]
    if e == IHEP:
        quads.append(
            ox.Quad(e, vocab.schema("alternateName"), ox.Literal("高能所", language="zh"), graph)
        )
    return quads


def _relations(
    graph: ox.NamedNode, doc_id: str, rels: list[tuple[ox.NamedNode, str, ox.NamedNode, str]]
) -> list[ox.Quad]:
    quads = []
    for n, (s, p, o, sentence) in enumerate(rels):
        prop = vocab.schema(p)
        quads.append(ox.Quad(s, prop, o, graph))
        quads += _evidence(graph, doc_id, n, s, prop, o, sentence)
    return quads


def article_a() -> list[ox.Quad]:
    g, art = vocab.article_graph(DOC_A), vocab.article_iri(DOC_A)
    quads = [
        ox.Quad(art, vocab.rdf("type"), vocab.schema("NewsArticle"), g),
        ox.Quad(
            art, vocab.schema("headline"), ox.Literal("江门中微子实验正式运行", language="zh"), g
        ),
        ox.Quad(art, vocab.schema("author"), WANG, g),
        ox.Quad(art, vocab.kg("documentId"), ox.Literal(DOC_A), g),
    ]
    for e in (HEMIAO, WANG, IHEP, JUNO, GUANGDONG, REPORT):
        quads += _entity_quads(e, g)
    for e in (HEMIAO, IHEP, JUNO, GUANGDONG, REPORT):
        quads.append(ox.Quad(art, vocab.schema("mentions"), e, g))
    quads += _relations(
        g, DOC_A, [(HEMIAO, "worksFor", IHEP, S1), (JUNO, "location", GUANGDONG, S2)]
    )
    quads.append(
        ox.Quad(
            IHEP, vocab.schema("foundingDate"), ox.Literal("1973", datatype=vocab.xsd("gYear")), g
        )
    )
    pos = ox.NamedNode(f"{vocab.BASE}position/{vocab.short_hash('何苗', '高能所', '研究员')}")
    quads += [
        ox.Quad(pos, vocab.rdf("type"), vocab.kg("Position"), g),
        ox.Quad(pos, vocab.kg("holder"), HEMIAO, g),
        ox.Quad(pos, vocab.kg("organization"), IHEP, g),
        ox.Quad(pos, vocab.schema("roleName"), ox.Literal("研究员", language="zh"), g),
    ]
    quote = ox.NamedNode(f"{vocab.BASE}quotation/{vocab.short_hash(DOC_A, 'q1')}")
    quads += [
        ox.Quad(quote, vocab.rdf("type"), vocab.schema("Quotation"), g),
        ox.Quad(quote, vocab.schema("text"), ox.Literal("实验运行良好", language="zh"), g),
        ox.Quad(quote, vocab.schema("creator"), HEMIAO, g),
        ox.Quad(quote, vocab.schema("isPartOf"), art, g),
    ]
    return quads


def article_b() -> list[ox.Quad]:
    g, art = vocab.article_graph(DOC_B), vocab.article_iri(DOC_B)
    quads = [
        ox.Quad(art, vocab.rdf("type"), vocab.schema("NewsArticle"), g),
        ox.Quad(art, vocab.schema("headline"), ox.Literal("天龙三号完成试车", language="zh"), g),
        ox.Quad(art, vocab.kg("documentId"), ox.Literal(DOC_B), g),
    ]
    for e in (HEMIAO, IHEP, SPACE_PIONEER, TIANLONG, KANG):
        quads += _entity_quads(e, g)
        quads.append(ox.Quad(art, vocab.schema("mentions"), e, g))
    quads += _relations(
        g,
        DOC_B,
        [
            (HEMIAO, "worksFor", IHEP, S3),  # same triple as in article A, another sentence
            (HEMIAO, "alumniOf", IHEP, S3),  # parallel to worksFor
            (TIANLONG, "manufacturer", SPACE_PIONEER, S4),
            (SPACE_PIONEER, "founder", KANG, S5),
            (SPACE_PIONEER, "location", BEIJING, S5),
        ],
    )
    return quads


def fill_store(store: Store) -> Store:
    """Add both articles to ``store`` and return it."""
    store.replace_graph(vocab.article_graph(DOC_A), article_a())
    store.replace_graph(vocab.article_graph(DOC_B), article_b())
    store.flush()
    return store


def make_store(path: Path | None = None) -> Store:
    """A filled store on disk at ``path`` (or in memory); closed writers let readers open it."""
    return fill_store(Store(path))


def make_store_dir(path: Path) -> Path:
    """Write the fixture store at ``path`` and release it, so that it can be opened read-only."""
    store = make_store(path)
    del store
    return path
