"""``kg explain ENTITY``: what the graph knows about one entity and why its nodes were merged.

:func:`explain` takes an IRI or a name (label or alias) and a function that runs a SPARQL SELECT
over the store and yields rows (``dict``-like, values as strings or pyoxigraph terms) — for
example ``lambda q: store.query(q)``. Merge decisions come from the linker
(:attr:`~kg.link.linker.Linker.decisions`) when the caller has them; without them the
explanation still shows the names, the discriminator read from the IRI and the evidence.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from kg.link.aliases import LABEL_OF_TYPE, row_value, term_value
from kg.link.iri import BASE
from kg.link.linker import LinkDecision

QueryFn = Callable[[str], Iterable[Any]]

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


def _literal(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _iri(text: str) -> str:
    if any(ch in text for ch in '<>"{}|^`\\ '):
        raise ValueError(f"Not an IRI: {text!r}")
    return f"<{text}>"


def find_entities(name: str, query: QueryFn) -> list[str]:
    """IRIs of the entities whose label or alias is ``name`` (or ``name`` itself, an IRI)."""
    if name.startswith(("http://", "https://")):
        return [name]
    sparql = (
        _PREFIXES
        + f"""SELECT DISTINCT ?e WHERE {{
  {{ ?e rdfs:label ?n }} UNION {{ ?e schema:alternateName ?n }}
  FILTER(STR(?n) = {_literal(name)})
}} ORDER BY ?e"""
    )
    return [term_value(row_value(row, "e")) for row in query(sparql)]


def _values(query: QueryFn, sparql: str, var: str) -> tuple[str, ...]:
    return tuple(sorted({term_value(row_value(row, var)) for row in query(sparql)} - {""}))


def _statements(iri: str, query: QueryFn) -> tuple[Statement, ...]:
    sparql = (
        _PREFIXES
        + f"""SELECT ?s ?p ?o ?sentence ?article ?extractor ?confidence WHERE {{
  ?st a kg:Evidence ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  FILTER(?s = {_iri(iri)} || ?o = {_iri(iri)})
  OPTIONAL {{ ?st kg:sentence ?sentence }}
  OPTIONAL {{ ?st kg:article ?article }}
  OPTIONAL {{ ?st kg:extractor ?extractor }}
  OPTIONAL {{ ?st kg:confidence ?confidence }}
}} ORDER BY ?p ?o"""
    )
    return tuple(
        Statement(
            *(
                term_value(row_value(row, v))
                for v in ("s", "p", "o", "sentence", "article", "extractor", "confidence")
            )
        )
        for row in query(sparql)
    )


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


def explain(
    entity_iri_or_name: str,
    store_query_fn: QueryFn,
    decisions: Sequence[LinkDecision] = (),
) -> Explanation:
    """Explain one entity: names, types, articles, evidence and the linking decisions."""
    out: list[EntityExplanation] = []
    for iri in find_entities(entity_iri_or_name, store_query_fn):
        node = _iri(iri)
        labels = _values(
            store_query_fn, _PREFIXES + f"SELECT ?v WHERE {{ {node} rdfs:label ?v }}", "v"
        )
        types = _values(store_query_fn, f"SELECT ?v WHERE {{ {node} a ?v }}", "v")
        aliases = _values(
            store_query_fn, _PREFIXES + f"SELECT ?v WHERE {{ {node} schema:alternateName ?v }}", "v"
        )
        articles = _values(
            store_query_fn, _PREFIXES + f"SELECT ?v WHERE {{ ?v schema:mentions {node} }}", "v"
        )
        out.append(
            EntityExplanation(
                iri,
                labels,
                tuple(LABEL_OF_TYPE.get(t, t) for t in types),
                aliases,
                articles,
                _statements(iri, store_query_fn),
                _reasons(iri, aliases),
                tuple(d for d in decisions if d.entity_iri == iri),
            )
        )
    return Explanation(entity_iri_or_name, tuple(out))
