"""``kg explain ENTITY``: what the graph knows about one entity and why its nodes were merged.

:func:`explain` takes an IRI or a name (label or alias) and a function that runs a SPARQL SELECT
with bound variables over the store (:func:`store_query` makes one from a
:class:`~kg.store.Store`). The linking decisions are those the build recorded as ``kg:Mention``
nodes: which surface forms were linked to the entity, by which rule, in which article.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from pyoxigraph import Literal, NamedNode

from kg.link.aliases import LABEL_OF_TYPE, row_value, term_value
from kg.link.iri import BASE
from kg.link.linker import LinkDecision
from kg.nlp.records import Mention

if TYPE_CHECKING:
    from kg.store import Store

#: Runs a SPARQL SELECT with variables bound (name → pyoxigraph term) and yields its rows.
QueryFn = Callable[[str, Mapping[str, Any]], Iterable[Any]]

_PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <http://schema.org/>
PREFIX kg: <https://w3id.org/kg-news/ontology#>
"""


@dataclass(frozen=True)
class Statement:
    """One relation triple about the entity with its evidence."""

    subject: str
    predicate: str
    object: str
    sentence: str
    article: str
    extractor: str
    confidence: str


@dataclass(frozen=True)
class EntityExplanation:
    iri: str
    labels: tuple[str, ...]
    types: tuple[str, ...]
    aliases: tuple[str, ...]
    articles: tuple[str, ...]
    statements: tuple[Statement, ...]
    reasons: tuple[str, ...]
    decisions: tuple[LinkDecision, ...] = ()


@dataclass(frozen=True)
class Explanation:
    """The answer to ``kg explain``: zero, one or several entities matching the query."""

    query: str
    entities: tuple[EntityExplanation, ...] = field(default_factory=tuple)

    def __str__(self) -> str:
        return self.format()

    def format(self) -> str:
        """A plain-text report for the terminal."""
        if not self.entities:
            return f"No entity is named {self.query!r} (label or alias) in the store."
        blocks = []
        for e in self.entities:
            lines = [
                e.iri,
                f"  label:   {', '.join(e.labels) or '-'}",
                f"  type:    {', '.join(e.types) or '-'}",
                f"  aliases: {', '.join(e.aliases) or '-'}",
                f"  articles: {len(e.articles)}",
            ]
            lines += [f"  why: {reason}" for reason in e.reasons]
            lines += [
                f"  linked: {d.mention.text!r} → {d.label} by {d.rule}"
                + (f" ({d.detail})" if d.detail else "")
                for d in e.decisions
            ]
            for s in e.statements:
                lines.append(
                    f"  {_short(s.subject)} {_short(s.predicate)} {_short(s.object)}"
                    f"  [{s.extractor} {s.confidence}] {s.sentence[:60]}"
                )
            blocks.append("\n".join(lines))
        return "\n\n".join(blocks)

    def to_json(self) -> str:
        return json.dumps(
            [
                {
                    "iri": e.iri,
                    "labels": e.labels,
                    "types": e.types,
                    "aliases": e.aliases,
                    "articles": e.articles,
                    "reasons": e.reasons,
                    "statements": [s.__dict__ for s in e.statements],
                    "decisions": [
                        {
                            "mention": d.mention.text,
                            "rule": d.rule,
                            "detail": d.detail,
                            "article": d.article,
                        }
                        for d in e.decisions
                    ],
                }
                for e in self.entities
            ],
            ensure_ascii=False,
            indent=2,
        )


def _short(iri: str) -> str:
    for prefix, short in (("http://schema.org/", "schema:"), (BASE, "")):
        if iri.startswith(prefix):
            return short + unquote(iri[len(prefix) :])
    return iri


def find_entities(name: str, query: QueryFn) -> list[str]:
    """IRIs of the entities whose label or alias is ``name`` (or ``name`` itself, an IRI)."""
    if name.startswith(("http://", "https://")):
        return [name]
    sparql = (
        _PREFIXES
        + """SELECT DISTINCT ?n ?e WHERE {
  { ?e rdfs:label ?n } UNION { ?e schema:alternateName ?n }
} ORDER BY ?e"""
    )
    return [
        term_value(row_value(row, "e"))
        for row in query(sparql, {"n": Literal(name, language="zh")})
    ]


def _values(query: QueryFn, iri: str, pattern: str) -> tuple[str, ...]:
    """The values of ``?v`` in ``pattern`` where ``?e`` is the entity."""
    rows = query(_PREFIXES + f"SELECT DISTINCT ?e ?v WHERE {{ {pattern} }}", {"e": NamedNode(iri)})
    return tuple(sorted({term_value(row_value(row, "v")) for row in rows} - {""}))


def _statements(iri: str, query: QueryFn) -> tuple[Statement, ...]:
    variables = ("s", "p", "o", "sentence", "article", "extractor", "confidence")
    rows: list[Any] = []
    for side in ("subject", "object"):
        sparql = (
            _PREFIXES
            + f"""SELECT ?e ?s ?p ?o ?sentence ?article ?extractor ?confidence WHERE {{
  ?st rdf:{side} ?e .
  ?st a kg:Evidence ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  OPTIONAL {{ ?st kg:sentence ?sentence }}
  OPTIONAL {{ ?st kg:article ?article }}
  OPTIONAL {{ ?st kg:extractor ?extractor }}
  OPTIONAL {{ ?st kg:confidence ?confidence }}
}}"""
        )
        rows += query(sparql, {"e": NamedNode(iri)})
    found = {tuple(term_value(row_value(row, v)) for v in variables) for row in rows}
    return tuple(Statement(*values) for values in sorted(found, key=lambda t: (t[1], t[2], t[0])))


def _decisions(iri: str, query: QueryFn) -> tuple[LinkDecision, ...]:
    """The linking decisions the build recorded as ``kg:Mention`` nodes."""
    sparql = (
        _PREFIXES
        + """SELECT DISTINCT ?e ?surface ?rule ?detail ?article ?start ?end ?label WHERE {
  ?m a kg:Mention ; kg:refersTo ?e ; kg:surface ?surface ; kg:linkRule ?rule ;
     kg:article ?article ; kg:startChar ?start ; kg:endChar ?end .
  OPTIONAL { ?m kg:linkDetail ?detail }
  OPTIONAL { ?e rdfs:label ?label }
} ORDER BY ?article ?start"""
    )
    decisions = []
    for row in query(sparql, {"e": NamedNode(iri)}):
        surface = term_value(row_value(row, "surface"))
        mention = Mention(
            surface,
            "",
            int(term_value(row_value(row, "start"))),
            int(term_value(row_value(row, "end"))),
        )
        decisions.append(
            LinkDecision(
                mention,
                term_value(row_value(row, "rule")),
                iri,
                term_value(row_value(row, "label")),
                term_value(row_value(row, "detail")),
                term_value(row_value(row, "article")),
            )
        )
    return tuple(decisions)


def _reasons(iri: str, aliases: Sequence[str]) -> tuple[str, ...]:
    reasons: list[str] = []
    tail = iri[len(BASE) :] if iri.startswith(BASE) else iri
    if "~" in tail:
        _, _, disc = tail.partition("~")
        disc = unquote(disc)
        if disc.startswith("doc-"):
            reasons.append(
                f"a common name with no organisation stated: kept apart per article ({disc})"
            )
        else:
            reasons.append(f"a common name: told apart by the organisation {disc}")
    if aliases:
        reasons.append("mentions under these names were merged: " + ", ".join(aliases))
    return tuple(reasons)


def explain(entity_iri_or_name: str, store_query_fn: QueryFn) -> Explanation:
    """Explain one entity: names, types, articles, evidence and the linking decisions.

    ``store_query_fn(sparql, bindings)`` runs a SELECT with ``bindings`` (variable → pyoxigraph
    term) substituted, e.g. :func:`store_query` over a :class:`kg.store.Store`.
    """
    out: list[EntityExplanation] = []
    for iri in find_entities(entity_iri_or_name, store_query_fn):
        aliases = _values(store_query_fn, iri, "?e schema:alternateName ?v")
        out.append(
            EntityExplanation(
                iri,
                _values(store_query_fn, iri, "?e rdfs:label ?v"),
                tuple(LABEL_OF_TYPE.get(t, t) for t in _values(store_query_fn, iri, "?e a ?v")),
                aliases,
                _values(store_query_fn, iri, "?v schema:mentions ?e"),
                _statements(iri, store_query_fn),
                _reasons(iri, aliases),
                _decisions(iri, store_query_fn),
            )
        )
    return Explanation(entity_iri_or_name, tuple(out))


def store_query(store: Store) -> QueryFn:
    """The :data:`QueryFn` of a :class:`kg.store.Store` (the union of all graphs).

    The bound values are written into the query as a ``VALUES`` block at the start of its
    ``WHERE`` clause (terms serialised by pyoxigraph, so escaped): Oxigraph then starts from the
    indexes of those terms, where ``substitutions`` made it scan the whole store (seconds per
    query at 10^6 quads).
    """

    def run(sparql: str, bindings: Mapping[str, Any]) -> Iterable[Any]:
        return store.select(with_values(sparql, bindings))

    return run


def with_values(sparql: str, bindings: Mapping[str, Any]) -> str:
    """``sparql`` with ``bindings`` (variable → pyoxigraph term) as a ``VALUES`` block.

    >>> with_values("SELECT ?v WHERE { ?e ?p ?v }", {"e": NamedNode("http://example.org/a")})
    'SELECT ?v WHERE { VALUES (?e) { (<http://example.org/a>) } ?e ?p ?v }'
    """
    if not bindings:
        return sparql
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(str(term) for term in bindings.values())
    head, found, tail = sparql.partition("WHERE {")
    if not found:
        raise ValueError("with_values needs a query with a WHERE { ... } clause")
    return f"{head}WHERE {{ VALUES ({names}) {{ ({terms}) }}{tail}"
