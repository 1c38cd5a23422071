"""The alias table: other names → the canonical (label, type) of an entity, across articles.

It is filled from two places, both read by the caller:

- the store: :func:`alias_table_query` returns every ``rdfs:label`` / ``schema:alternateName`` /
  ``rdf:type`` over all graphs; :meth:`AliasTable.from_rows` reads its result rows;
- the gazetteer ``ontology/gazetteer.tsv`` (columns ``name``, ``label``, ``aliases`` separated by
  ``|``, ``note``): :meth:`AliasTable.from_gazetteer`. Template rows (``天问{N}号``) are skipped.

An alias that would point at two different entities of one type is dropped (and remembered in
:attr:`AliasTable.ambiguous`): precision over recall.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.link.iri import TYPE_SEGMENTS
from kg.link.names import canonical_name

log = logging.getLogger(__name__)

SCHEMA = "http://schema.org/"
#: schema.org class IRI → NER label.
LABEL_OF_TYPE: dict[str, str] = {
    SCHEMA + "Person": "PERSON",
    SCHEMA + "Organization": "ORG",
    SCHEMA + "Place": "PLACE",
    SCHEMA + "Project": "PROJECT",
    SCHEMA + "Product": "PRODUCT",
    SCHEMA + "CreativeWork": "WORK",
    SCHEMA + "Event": "EVENT",
}

QueryFn = Callable[[str], Iterable[Any]]


def alias_table_query() -> str:
    """SPARQL (over the union of all graphs) listing ``?e ?label ?alt ?type`` of every alias."""
    return """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <http://schema.org/>
SELECT DISTINCT ?e ?label ?alt ?type WHERE {
  ?e rdfs:label ?label ;
     schema:alternateName ?alt ;
     a ?type .
  FILTER(STRSTARTS(STR(?type), "http://schema.org/"))
}"""


@dataclass(frozen=True)
class AliasEntry:
    """Where an alias points: the canonical name, the NER label and (from the store) the IRI."""

    label: str
    type: str
    iri: str | None = None
    source: str = "store"


def term_value(term: Any) -> str:
    """A SPARQL result value as a string (pyoxigraph terms, rdflib terms or plain strings)."""
    if term is None:
        return ""
    value = getattr(term, "value", None)
    return str(value if value is not None else term)


def row_value(row: Any, key: str) -> Any:
    """``row[key]`` for dicts and pyoxigraph ``QuerySolution`` alike; ``None`` when unbound."""
    try:
        return row[key]
    except (KeyError, IndexError, TypeError):
        return None


class AliasTable:
    """``(type, alias)`` → :class:`AliasEntry`; names are compared in canonical form."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], AliasEntry] = {}
        self.ambiguous: set[tuple[str, str]] = set()

    def __len__(self) -> int:
        return len(self._entries)

    def add(
        self, alias: str, label: str, type_: str, iri: str | None = None, source: str = "store"
    ) -> None:
        if type_ not in TYPE_SEGMENTS:
            return
        key = (type_, canonical_name(alias, type_))
        canonical = canonical_name(label, type_)
        if not key[1] or key[1] == canonical or key in self.ambiguous:
            return
        entry = AliasEntry(canonical, type_, iri, source)
        old = self._entries.get(key)
        if old is not None and old.label != entry.label:
            del self._entries[key]
            self.ambiguous.add(key)
            return
        if old is None:
            self._entries[key] = entry
        elif old.iri is None and iri is not None:
            # The store confirms an alias already known (from the gazetteer): learn its IRI but
            # keep the first source, so a resumed build records the same rule as a fresh one.
            self._entries[key] = AliasEntry(canonical, type_, iri, old.source)

    def lookup(self, name: str, type_: str) -> AliasEntry | None:
        """The entry for ``name`` (already canonical or not) of NER label ``type_``."""
        return self._entries.get((type_, canonical_name(name, type_)))

    def update(self, other: AliasTable) -> AliasTable:
        for (type_, alias), entry in other._entries.items():
            self.add(alias, entry.label, type_, entry.iri, entry.source)
        self.ambiguous |= other.ambiguous
        return self

    @classmethod
    def from_rows(cls, rows: Iterable[Any]) -> AliasTable:
        """Read the rows of :func:`alias_table_query` (``e``, ``label``, ``alt``, ``type``)."""
        table = cls()
        for row in rows:
            type_ = LABEL_OF_TYPE.get(term_value(row_value(row, "type")))
            if type_ is None:
                continue
            table.add(
                term_value(row_value(row, "alt")),
                term_value(row_value(row, "label")),
                type_,
                term_value(row_value(row, "e")) or None,
                "store",
            )
        return table

    @classmethod
    def from_gazetteer(cls, path: Path) -> AliasTable:
        from kg.nlp.entity_gazetteer import read_gazetteer

        table = cls()
        for entry in read_gazetteer(path):
            if entry.is_family:
                continue
            for alias in entry.aliases:
                # A leading ~ marks an alias that names the entity only next to a class noun.
                table.add(alias.lstrip("~"), entry.name, entry.label, None, "gazetteer")
        return table


def gazetteer_path() -> Path | None:
    """``ontology/gazetteer.tsv`` if the package ships it, else ``None``."""
    try:
        from kg.resources import data_path

        path = data_path("ontology") / "gazetteer.tsv"
    except Exception:  # kg.resources missing or the data folder absent
        return None
    return path if path.is_file() else None


def load_alias_table(query_fn: QueryFn | None = None, gazetteer: Path | None = None) -> AliasTable:
    """The gazetteer's aliases, then the store's (``query_fn`` runs :func:`alias_table_query`)."""
    table = AliasTable()
    path = gazetteer or gazetteer_path()
    if path is not None and path.is_file():
        table.update(AliasTable.from_gazetteer(path))
    else:
        log.debug("no gazetteer found; linking without its aliases")
    if query_fn is not None:
        table.update(AliasTable.from_rows(query_fn(alias_table_query())))
    return table
