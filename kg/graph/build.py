"""Article → RDF quads, following ``graph-contract.md`` and ``ontology/kg.ttl``.

Everything extracted from one article goes into that article's named graph: the article node,
its mentions of entities and the names it uses for them (``schema:alternateName``), the relation
triples with one ``kg:Evidence`` node each, positions and quotations. The two entity-level facts
that follow from an entity's IRI alone, its ``rdf:type`` and canonical ``rdfs:label``, go into the
shared graph :data:`~kg.graph.vocab.ENTITY_GRAPH` instead, so the union of all graphs holds each
of them once, however many articles name the entity (see ``docs/architecture.md``). No blank
nodes: every node's IRI is derived from its content, so rebuilding the same input gives the same
quads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode, Quad

from kg.graph import vocab
from kg.graph.vocab import kg, rdf, rdfs, schema, xsd
from kg.nlp.doctext import doc_text
from kg.nlp.records import Mention, Relation, quotes_of, relations_of

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from kg.ingest.records import Document
    from kg.link.linker import Entity, LinkDecision

#: Maps a (start, end) mention span of ``doc.text`` to its linked entity.
Links = Mapping[tuple[int, int], "Entity"]
#: Makes the entity for a name the text states outside ``doc.ents`` (authors, source outlets).
EntityMaker = Callable[[str, str], "Entity"]

_ENTITY_PREDICATES = frozenset(vocab.ENTITY_RELATIONS)
_DATE_TYPES = {4: "gYear", 7: "gYearMonth", 10: "date"}


@dataclass
class _Builder:
    document: Document
    graph: NamedNode
    article: NamedNode
    quads: list[Quad] = field(default_factory=list)
    seen_entities: set[str] = field(default_factory=set)
    mentioned: set[str] = field(default_factory=set)

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        self.quads.append(Quad(s, p, o, self.graph))

    def entity(self, entity: Entity, *, mention: bool = True) -> NamedNode:
        node = NamedNode(entity.iri)
        if entity.iri not in self.seen_entities:
            self.seen_entities.add(entity.iri)
            shared = vocab.ENTITY_GRAPH
            kind = NamedNode(vocab.TYPE_OF_LABEL[entity.type])
            self.quads.append(Quad(node, rdf("type"), kind, shared))
            self.quads.append(
                Quad(node, rdfs("label"), Literal(entity.label, language="zh"), shared)
            )
            for alias in sorted(entity.aliases - {entity.label}):
                self.add(node, schema("alternateName"), Literal(alias, language="zh"))
        if mention and entity.iri not in self.mentioned:
            self.mentioned.add(entity.iri)
            self.add(self.article, schema("mentions"), node)
        return node

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        return self.document.offsets.span_to_original(start, end)


def article_quads(
    document: Document,
    doc: Doc,
    links: Links,
    make_entity: EntityMaker,
    decisions: Sequence[LinkDecision] = (),
) -> list[Quad]:
    """All quads of one article: in its own named graph, and its entities' type and label in
    :data:`~kg.graph.vocab.ENTITY_GRAPH`.

    ``decisions`` (from :attr:`kg.link.linker.Linker.decisions`) become ``kg:Mention`` nodes: one
    per surface form, entity and linking rule, so that ``kg explain`` can say why nodes merged.
    """
    b = _Builder(document, vocab.article_graph(document.id), vocab.article_iri(document.id))
    _article_node(b, make_entity)
    for ent in doc.ents:
        linked = links.get((ent.start_char, ent.end_char))
        if linked is not None:
            b.entity(linked)
    for index, relation in enumerate(relations_of(doc)):
        _relation(b, doc, links, relation, index)
    for index, quote in enumerate(quotes_of(doc)):
        speaker = links.get((quote.speaker.start, quote.speaker.end))
        if speaker is None or speaker.type != "PERSON":
            continue
        node = NamedNode(f"{b.article.value}/quote/{index + 1}")
        start, end = b.original_span(quote.start, quote.end)
        b.add(node, rdf("type"), schema("Quotation"))
        b.add(node, schema("text"), Literal(quote.text, language="zh"))
        b.add(node, schema("creator"), b.entity(speaker))
        b.add(node, schema("isPartOf"), b.article)
        b.add(node, kg("startChar"), Literal(str(start), datatype=xsd("integer")))
        b.add(node, kg("endChar"), Literal(str(end), datatype=xsd("integer")))
        b.add(node, kg("extractor"), Literal(quote.extractor))
    _mentions(b, decisions)
    return b.quads


def _mentions(b: _Builder, decisions: Sequence[LinkDecision]) -> None:
    first: dict[tuple[str, str, str], LinkDecision] = {}
    counts: dict[tuple[str, str, str], int] = {}
    for decision in decisions:
        if decision.entity_iri not in b.seen_entities:
            continue
        key = (decision.mention.text, decision.entity_iri, decision.rule)
        first.setdefault(key, decision)
        counts[key] = counts.get(key, 0) + 1
    for key, decision in sorted(first.items(), key=lambda item: item[1].mention.start):
        node = NamedNode(f"{b.article.value}/mention/{vocab.short_hash(*key)}")
        start, end = b.original_span(decision.mention.start, decision.mention.end)
        b.add(node, rdf("type"), kg("Mention"))
        b.add(node, kg("surface"), Literal(decision.mention.text, language="zh"))
        b.add(node, kg("refersTo"), NamedNode(decision.entity_iri))
        b.add(node, kg("linkRule"), Literal(decision.rule))
        if decision.detail:
            b.add(node, kg("linkDetail"), Literal(decision.detail))
        b.add(node, kg("article"), b.article)
        b.add(node, kg("startChar"), Literal(str(start), datatype=xsd("integer")))
        b.add(node, kg("endChar"), Literal(str(end), datatype=xsd("integer")))
        b.add(node, kg("count"), Literal(str(counts[key]), datatype=xsd("integer")))


def _article_node(b: _Builder, make_entity: EntityMaker) -> None:
    d, a = b.document, b.article
    b.add(a, rdf("type"), schema("NewsArticle"))
    b.add(a, kg("documentId"), Literal(d.id))
    b.add(a, kg("contentHash"), Literal(d.content_hash))
    b.add(a, kg("sourceFile"), Literal(d.path))
    start, end = b.original_span(0, len(d.text))
    b.add(a, kg("startChar"), Literal(str(start), datatype=xsd("integer")))
    b.add(a, kg("endChar"), Literal(str(end), datatype=xsd("integer")))
    b.add(a, schema("articleBody"), Literal(d.text, language="zh"))
    if d.title:
        b.add(a, schema("headline"), Literal(d.title, language="zh"))
    if d.date:
        b.add(a, schema("datePublished"), Literal(d.date))
    if d.url:
        b.add(a, schema("url"), Literal(d.url))
    for author in d.authors:
        b.add(a, schema("author"), b.entity(make_entity(author, "PERSON"), mention=False))
    if d.source:
        b.add(a, kg("reprintedFrom"), b.entity(make_entity(d.source, "ORG"), mention=False))


def _relation(b: _Builder, doc: Doc, links: Links, relation: Relation, index: int) -> None:
    subject = _linked(links, relation.subject)
    if subject is None:
        return
    s = b.entity(subject)
    p = schema(relation.predicate)
    o: NamedNode | Literal
    if relation.predicate in _ENTITY_PREDICATES:
        target = _linked(links, relation.object) if relation.object else None
        if target is None or target.iri == subject.iri:
            return
        o = b.entity(target)
    elif relation.predicate == "foundingDate" and relation.value:
        kind = _DATE_TYPES.get(len(relation.value))
        if kind is None:
            return
        o = Literal(relation.value, datatype=xsd(kind))
    elif relation.predicate == "alternateName" and relation.value:
        if relation.value == subject.label:
            return
        o = Literal(relation.value, language="zh")
    else:
        return
    b.add(s, p, o)
    if relation.predicate == "worksFor" and relation.title and isinstance(o, NamedNode):
        _position(b, s, o, relation.title)
    _evidence(b, doc, relation, s, p, o, index)


def _linked(links: Links, mention: Mention | None) -> Entity | None:
    return None if mention is None else links.get((mention.start, mention.end))


def _position(b: _Builder, person: NamedNode, org: NamedNode, title: str) -> None:
    node = NamedNode(f"{vocab.BASE}id/position/{vocab.short_hash(person.value, org.value, title)}")
    b.add(node, rdf("type"), kg("Position"))
    b.add(node, kg("holder"), person)
    b.add(node, kg("organization"), org)
    b.add(node, schema("roleName"), Literal(title, language="zh"))


def _evidence(
    b: _Builder,
    doc: Doc,
    relation: Relation,
    s: NamedNode,
    p: NamedNode,
    o: NamedNode | Literal,
    index: int,
) -> None:
    start, end = relation.sentence
    node = NamedNode(
        f"{b.article.value}/evidence/"
        f"{vocab.short_hash(s.value, p.value, str(o), str(start), str(index))}"
    )
    ostart, oend = b.original_span(start, end)
    b.add(node, rdf("type"), kg("Evidence"))
    b.add(node, rdf("subject"), s)
    b.add(node, rdf("predicate"), p)
    b.add(node, rdf("object"), o)
    b.add(node, kg("sentence"), Literal(doc_text(doc)[start:end]))
    b.add(node, kg("article"), b.article)
    b.add(node, kg("startChar"), Literal(str(ostart), datatype=xsd("integer")))
    b.add(node, kg("endChar"), Literal(str(oend), datatype=xsd("integer")))
    b.add(node, kg("extractor"), Literal(relation.extractor))
    b.add(node, kg("confidence"), Literal(f"{relation.confidence:.3f}", datatype=xsd("decimal")))
