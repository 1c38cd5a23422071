"""Entity linking: canonical names, deterministic IRIs, alias tables, merge decisions.

- :func:`canonical_name` (:mod:`.names`) — the one label of an entity.
- :func:`entity_iri` (:mod:`.iri`) — ``https://w3id.org/kg-news/id/{type}/{name}[~{disc}]``.
- :class:`Linker` / :class:`Entity` (:mod:`.linker`) — mentions of an article → entities.
- :class:`AliasTable`, :func:`alias_table_query`, :func:`load_alias_table` (:mod:`.aliases`).
- :func:`explain` (:mod:`.explain`) — ``kg explain ENTITY``.
"""

from __future__ import annotations

from kg.link.aliases import AliasEntry, AliasTable, alias_table_query, load_alias_table
from kg.link.explain import Explanation, explain
from kg.link.iri import entity_iri
from kg.link.linker import Entity, LinkDecision, Linker, is_ambiguous_person
from kg.link.names import canonical_name

__all__ = [
    "AliasEntry",
    "AliasTable",
    "Entity",
    "Explanation",
    "LinkDecision",
    "Linker",
    "alias_table_query",
    "canonical_name",
    "entity_iri",
    "explain",
    "is_ambiguous_person",
    "load_alias_table",
]
