"""The RDF vocabulary of ``kg``: namespaces, classes, properties and IRI minting for articles.

Entity IRIs are minted by :mod:`kg.link.iri`; everything else that names a node lives here.
"""

from __future__ import annotations

import hashlib

from pyoxigraph import NamedNode

BASE = "https://w3id.org/kg-news/"
KG = BASE + "ontology#"
SCHEMA = "http://schema.org/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"

ONTOLOGY_GRAPH = NamedNode(BASE + "graph/ontology")
#: The shared named graph of entity-level facts: one ``rdf:type`` and one ``rdfs:label`` per
#: entity, both determined by the entity's IRI. Written with every article that names the entity
#: (idempotent); an entity no article refers to any more is removed with the last such article
#: (see :meth:`kg.store.Store.replace_graph`). Everything else stays in the article graphs.
ENTITY_GRAPH = NamedNode(BASE + "graph/entities")
#: Entity IRIs start with this (``kg.link.iri.BASE``); positions live under ``id/position/``.
ENTITY_BASE = BASE + "id/"
_NOT_ENTITIES = (ENTITY_BASE + "position/",)

#: NER label → schema.org class (the contract's one coarse type per entity).
TYPE_OF_LABEL: dict[str, str] = {
    "PERSON": SCHEMA + "Person",
    "ORG": SCHEMA + "Organization",
    "PLACE": SCHEMA + "Place",
    "PROJECT": SCHEMA + "Project",
    "PRODUCT": SCHEMA + "Product",
    "WORK": SCHEMA + "CreativeWork",
    "EVENT": SCHEMA + "Event",
}
LABEL_OF_TYPE: dict[str, str] = {iri: label for label, iri in TYPE_OF_LABEL.items()}

#: The relations between entities (schema.org local names), in the contract's order.
ENTITY_RELATIONS: tuple[str, ...] = (
    "worksFor",
    "founder",
    "parentOrganization",
    "manufacturer",
    "location",
    "containedInPlace",
    "isPartOf",
    "alumniOf",
)

PREFIXES: dict[str, str] = {
    "kg": KG,
    "schema": SCHEMA,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
}

SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def schema(name: str) -> NamedNode:
    return NamedNode(SCHEMA + name)


def kg(name: str) -> NamedNode:
    return NamedNode(KG + name)


def rdf(name: str) -> NamedNode:
    return NamedNode(RDF + name)


def rdfs(name: str) -> NamedNode:
    return NamedNode(RDFS + name)


def xsd(name: str) -> NamedNode:
    return NamedNode(XSD + name)


def short_hash(*parts: str, length: int = 16) -> str:
    """A stable hex digest of ``parts`` (joined with a separator that cannot occur in text)."""
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:length]


def article_iri(doc_id: str) -> NamedNode:
    return NamedNode(f"{BASE}article/{short_hash(doc_id)}")


def article_graph(doc_id: str) -> NamedNode:
    """The named graph holding everything extracted from one article."""
    return NamedNode(f"{BASE}graph/{short_hash(doc_id)}")


def article_of_graph(graph: NamedNode) -> NamedNode:
    """The article node of an article graph (both named by the same hash)."""
    return NamedNode(BASE + "article/" + graph.value.rsplit("/", 1)[-1])


#: The links from an article node to every entity the builder writes a type and label for.
ARTICLE_ENTITY_LINKS = (SCHEMA + "mentions", SCHEMA + "author", KG + "reprintedFrom")


def is_article_graph(graph: NamedNode) -> bool:
    return graph.value.startswith(BASE + "graph/") and graph not in (ONTOLOGY_GRAPH, ENTITY_GRAPH)


def is_entity_iri(iri: str) -> bool:
    """Whether ``iri`` names an entity (``.../id/{type}/{name}``), not a position node."""
    return iri.startswith(ENTITY_BASE) and not iri.startswith(_NOT_ENTITIES)
