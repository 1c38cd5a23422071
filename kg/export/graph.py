"""The entity graph of a store as a :class:`networkx.MultiDiGraph`.

Nodes are entities (one of the contract's seven schema.org types), keyed by IRI, with attributes
``label`` (the ``rdfs:label``), ``type`` (``Person``, ``Organization``...), ``mentions`` (number of
distinct articles that ``schema:mentions`` the entity) and ``aliases`` (sorted
``schema:alternateName`` values). Edges are the contract's relations between entities, keyed by
the property's local name (``worksFor``, ``alumniOf``...), so parallel relations between the same
two entities stay apart; attributes ``label`` and ``kind`` (the local name) and ``weight`` (number
of distinct evidence sentences, at least 1).

Missing nodes: a relation whose target is an entity IRI (``https://w3id.org/kg-news/id/...``)
without a type or label in the store keeps its edge, and the target is added as a node whose type
comes from the IRI path (``/id/place/北京`` → ``Place``) and whose label is the IRI's last segment;
relations to anything else (articles, literals) are not edges. No edge ever points at a missing
node.

The store is read with a few flat queries, no DISTINCT subqueries: entity types and labels are
in the shared entity graph, once each (see ``docs/architecture.md``). Triples that articles
restate (a relation, an alias) are still aggregated with ``DISTINCT``, because pyoxigraph's union
default graph yields a triple once per named graph that holds it (oxigraph issue 1919).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Any
from urllib.parse import unquote

import networkx as nx
import pyoxigraph as ox

from kg.errors import ExportError
from kg.graph import vocab
from kg.sparql_policy import QueryKind, check_query
from kg.store import Store

__all__ = [
    "ENTITY_TYPES",
    "RELATIONS",
    "TYPE_COLORS",
    "Evidence",
    "edge_evidence",
    "local_name",
    "to_networkx",
]

ENTITY_BASE = vocab.BASE + "id/"
ENTITY_TYPES = ("Person", "Organization", "Place", "Project", "Product", "CreativeWork", "Event")
RELATIONS = vocab.ENTITY_RELATIONS
CO_MENTION = "coMention"
UNKNOWN = "Unknown"

#: Node colours (r, g, b) by type, shared by the GEXF export and the HTML view.
TYPE_COLORS: dict[str, tuple[int, int, int]] = {
    "Person": (228, 87, 86),
    "Organization": (76, 120, 168),
    "Place": (84, 162, 75),
    "Project": (178, 121, 162),
    "Product": (245, 133, 24),
    "CreativeWork": (236, 201, 70),
    "Event": (114, 183, 178),
    UNKNOWN: (157, 157, 157),
}
_TYPE_OF_SEGMENT = {
    "person": "Person",
    "org": "Organization",
    "place": "Place",
    "project": "Project",
    "product": "Product",
    "work": "CreativeWork",
    "event": "Event",
}

_VALUES_RELATIONS = " ".join(f"schema:{r}" for r in RELATIONS)

# Flat queries, no DISTINCT subqueries: entity types and labels are in the shared entity graph,
# once each (older stores that repeat them per article give the same graph, more slowly).
# One query per type: the type IRI is not decoded once per row.
_Q_ENTITIES = "SELECT ?e ?label WHERE { ?e a schema:TYPE . OPTIONAL { ?e rdfs:label ?label } }"
_Q_ALIASES = "SELECT DISTINCT ?e ?alt WHERE { ?e schema:alternateName ?alt }"
_Q_MENTIONS = "SELECT DISTINCT ?a ?e WHERE { ?a schema:mentions ?e }"
_Q_MENTION_COUNTS = """SELECT ?e (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a schema:mentions ?e }
GROUP BY ?e"""
# Relation triples and their number of evidence sentences (a quotation's schema:isPartOf is not
# one: left out before its terms are decoded). The evidence properties are read by one
# subquery each: Oxigraph joins those as whole index scans (hash joins) instead of one index
# lookup per evidence node and property (3x faster at 10^4 relations).
_Q_EDGES = f"""SELECT ?s ?p ?o ?w WHERE {{
  {{ SELECT DISTINCT ?s ?p ?o WHERE {{
       VALUES ?p {{ {_VALUES_RELATIONS} }} ?s ?p ?o . FILTER(isIRI(?o))
       MINUS {{ ?s a schema:Quotation }} }} }}
  OPTIONAL {{ {{ SELECT ?s ?p ?o (COUNT(DISTINCT ?sentence) AS ?w) WHERE {{
    {{ SELECT ?ev ?p WHERE {{ ?ev rdf:predicate ?p }} }}
    {{ SELECT ?ev ?s WHERE {{ ?ev rdf:subject ?s }} }}
    {{ SELECT ?ev ?o WHERE {{ ?ev rdf:object ?o }} }}
    {{ SELECT ?ev ?sentence WHERE {{ ?ev kg:sentence ?sentence }} }}
  }} GROUP BY ?s ?p ?o }} }}
}}"""
_Q_EVIDENCE = """SELECT DISTINCT ?s ?p ?o ?sentence ?article ?headline WHERE {
  ?ev rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:sentence ?sentence .
  OPTIONAL { ?ev kg:article ?article OPTIONAL { ?article schema:headline ?headline } }
}"""
_Q_SENTENCES = """SELECT DISTINCT ?sentence ?article WHERE {
  ?ev kg:sentence ?sentence ; kg:article ?article }"""


@dataclass(frozen=True)
class Evidence:
    """One sentence that states a relation."""

    sentence: str
    article: str | None
    headline: str | None


def local_name(iri: str) -> str:
    """The part of an IRI after its last ``#`` or ``/``, percent-decoded.

    >>> local_name("http://schema.org/worksFor")
    'worksFor'
    >>> local_name("https://w3id.org/kg-news/id/place/%E5%8C%97%E4%BA%AC")
    '北京'
    """
    return unquote(iri.rstrip("/").rsplit("#", 1)[-1].rsplit("/", 1)[-1])


def _rows(store: Store, sparql: str) -> Iterable[ox.QuerySolution]:
    result = store.query(sparql)
    assert isinstance(result, ox.QuerySolutions)
    return result


def _value(term: Any) -> str:
    return str(term.value)


def _placeholder(iri: str) -> dict[str, Any]:
    """Attributes for an entity that is only the target of a relation."""
    segment = iri[len(ENTITY_BASE) :].split("/", 1)[0]
    return {
        "label": local_name(iri),
        "type": _TYPE_OF_SEGMENT.get(segment, UNKNOWN),
        "mentions": 0,
        "aliases": [],
    }


def _article_mentions(store: Store) -> dict[str, set[str]]:
    """Article IRI → IRIs of the entities it mentions."""
    by_article: dict[str, set[str]] = defaultdict(set)
    for row in _rows(store, _Q_MENTIONS):
        by_article[_value(row["a"])].add(_value(row["e"]))
    return by_article


def _full_graph(store: Store) -> nx.MultiDiGraph:
    nodes: dict[str, tuple[str, str | None]] = {}  # IRI → (type name, smallest label)
    rank = {name: n for n, name in enumerate(ENTITY_TYPES)}
    rows = (
        (type_name, row)
        for type_name in ENTITY_TYPES
        for row in _rows(store, _Q_ENTITIES.replace("TYPE", type_name))
    )
    for type_name, row in rows:
        iri = _value(row["e"])
        term = row["label"]
        label = _value(term) if term is not None else None
        old = nodes.get(iri)
        if old is not None:
            # two coarse types break the contract; keep the first in ENTITY_TYPES order
            if rank[old[0]] < rank[type_name]:
                continue
            if old[0] == type_name and (label is None or (old[1] is not None and old[1] <= label)):
                continue
        nodes[iri] = (type_name, label)
    aliases: dict[str, set[str]] = defaultdict(set)
    for row in _rows(store, _Q_ALIASES):
        aliases[_value(row["e"])].add(_value(row["alt"]))
    mentions = {_value(row["e"]): int(row["n"].value) for row in _rows(store, _Q_MENTION_COUNTS)}
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(
        (
            iri,
            {
                "label": label if label is not None else local_name(iri),
                "type": type_name,
                "mentions": mentions.get(iri, 0),
                "aliases": sorted(aliases.get(iri, ())),
            },
        )
        for iri, (type_name, label) in sorted(nodes.items())
    )
    graph.graph["added_nodes"] = graph.graph["dropped_edges"] = 0
    edges = sorted(
        (
            _value(r["s"]),
            local_name(_value(r["p"])),
            _value(r["o"]),
            int(r["w"].value) if r["w"] is not None else 0,
        )
        for r in _rows(store, _Q_EDGES)
    )
    for s, p, o, count in edges:
        if s not in graph:  # not a relation between entities (a quotation's isPartOf...)
            continue
        if o not in graph and not o.startswith(ENTITY_BASE):
            graph.graph["dropped_edges"] += 1
            continue
        if o not in graph:
            graph.add_node(o, **_placeholder(o))
            graph.graph["added_nodes"] += 1
        graph.add_edge(s, o, key=p, label=p, kind=p, weight=max(1, count))
    return graph


def _co_mentions(store: Store, graph: nx.MultiDiGraph, mode: str) -> None:
    """Add ``coMention`` edges (source < target) weighted by shared articles or sentences."""
    by_article = _article_mentions(store)
    weights: dict[tuple[str, str], int] = defaultdict(int)
    if mode == "article":
        for entities in by_article.values():
            for pair in combinations(sorted(e for e in entities if e in graph), 2):
                weights[pair] += 1
    elif mode == "sentence":
        names = {iri: [data["label"], *data["aliases"]] for iri, data in graph.nodes.items()}
        for row in _rows(store, _Q_SENTENCES):
            sentence = _value(row["sentence"])
            candidates = by_article.get(_value(row["article"]), set())
            present = sorted(
                e
                for e in candidates
                if e in graph and any(name and name in sentence for name in names[e])
            )
            for pair in combinations(present, 2):
                weights[pair] += 1
    else:
        raise ExportError(f"Unknown co-mention mode {mode!r}: use 'sentence' or 'article'.")
    for (u, v), weight in sorted(weights.items()):
        graph.add_edge(u, v, key=CO_MENTION, label=CO_MENTION, kind=CO_MENTION, weight=weight)


def _from_query(store: Store, full: nx.MultiDiGraph, query: str) -> nx.MultiDiGraph:
    kind = check_query(query)
    result = store.query(query)
    if kind is QueryKind.SELECT:
        assert isinstance(result, ox.QuerySolutions)
        first = result.variables[0] if result.variables else None
        nodes = {
            _value(row[first])
            for row in result
            if first is not None and isinstance(row[first], ox.NamedNode)
        }
        sub = full.subgraph(n for n in nodes if n in full).copy()
        sub.graph.update(full.graph)
        return sub
    if not kind.returns_graph:
        raise ExportError(
            "An export query must be a CONSTRUCT (its triples among entities) or a "
            "SELECT whose first column holds entities, not an ASK."
        )
    assert isinstance(result, ox.QueryTriples)
    graph = nx.MultiDiGraph(**full.graph)
    for triple in {(t.subject, t.predicate, t.object) for t in result}:
        s, p, o = (_value(term) for term in triple)
        if not isinstance(triple[2], ox.NamedNode) or s not in full or o not in full:
            continue
        key = local_name(p)
        graph.add_node(s, **full.nodes[s])
        graph.add_node(o, **full.nodes[o])
        weight = full.edges[s, o, key]["weight"] if full.has_edge(s, o, key) else 1
        graph.add_edge(s, o, key=key, label=key, kind=key, weight=weight)
    for u, v, key, data in full.edges(keys=True, data=True):
        if key == CO_MENTION and u in graph and v in graph:
            graph.add_edge(u, v, key=key, **data)
    return graph


def to_networkx(
    store: Store, query: str | None = None, co_mentions: str | None = None
) -> nx.MultiDiGraph:
    """The entity graph of ``store`` (see the module docstring for nodes, edges and weights).

    ``query``: a CONSTRUCT (keep its triples between entities) or a SELECT whose first column
    lists entities (keep the subgraph they induce). ``co_mentions``: ``"article"`` adds a
    ``coMention`` edge between entities mentioned by the same article (weight: number of such
    articles), ``"sentence"`` between entities named in the same evidence sentence (weight: number
    of sentences). ``graph.graph`` records ``added_nodes`` and ``dropped_edges``.
    """
    graph = _full_graph(store)
    if co_mentions is not None:
        _co_mentions(store, graph, co_mentions)
    if query is not None:
        graph = _from_query(store, graph, query)
    return graph


def edge_evidence(store: Store) -> dict[tuple[str, str, str], list[Evidence]]:
    """(subject IRI, property local name, object IRI) → its evidence, sorted by sentence."""
    found: dict[tuple[str, str, str], set[Evidence]] = defaultdict(set)
    for row in _rows(store, _Q_EVIDENCE):
        key = (_value(row["s"]), local_name(_value(row["p"])), _value(row["o"]))
        article, headline = row["article"], row["headline"]
        found[key].add(
            Evidence(
                _value(row["sentence"]),
                _value(article) if article is not None else None,
                _value(headline) if headline is not None else None,
            )
        )
    return {
        key: sorted(items, key=lambda e: (e.sentence, e.article or ""))
        for key, items in found.items()
    }
