"""Records the NLP pipeline attaches to a ``Doc``: relations and quotations.

Offsets are character offsets into ``doc.text`` (the normalised article text); the graph stage maps
them back to the original file with the article's :class:`~kg.ingest.records.OffsetMap`.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span

#: The entity labels of the graph contract, in a stable order.
ENTITY_LABELS: tuple[str, ...] = ("PERSON", "ORG", "PLACE", "PROJECT", "PRODUCT", "WORK", "EVENT")

#: The span group holding job titles (label ``TITLE``); titles are not graph entities.
TITLES_KEY = "titles"


@dataclass(frozen=True)
class Mention:
    """A stretch of ``doc.text`` that names an entity."""

    text: str
    label: str
    start: int
    end: int

    @classmethod
    def from_span(cls, span: Span) -> Mention:
        return cls(span.text, span.label_, span.start_char, span.end_char)


@dataclass(frozen=True)
class Relation:
    """One extracted statement with its evidence.

    ``predicate`` is the local name of a contract property (``worksFor``, ``founder``,
    ``parentOrganization``, ``manufacturer``, ``location``, ``containedInPlace``, ``isPartOf``,
    ``alumniOf``, ``foundingDate``, ``alternateName``). The object is either an entity mention or a
    literal ``value`` (ISO date for ``foundingDate``, the alias for ``alternateName``).
    """

    subject: Mention
    predicate: str
    object: Mention | None
    sentence: tuple[int, int]
    extractor: str
    confidence: float
    value: str | None = None
    title: str | None = None  # job title as written, for positions (``worksFor``)


@dataclass(frozen=True)
class Quote:
    """Who said what: the quoted text and the speaker."""

    speaker: Mention
    text: str
    start: int
    end: int
    sentence: tuple[int, int]
    extractor: str
    confidence: float = 0.8


def register_extensions() -> None:
    """Register ``doc._.relations`` and ``doc._.quotes`` (idempotent)."""
    if not Doc.has_extension("relations"):
        Doc.set_extension("relations", default=None)
    if not Doc.has_extension("quotes"):
        Doc.set_extension("quotes", default=None)


def relations_of(doc: Doc) -> list[Relation]:
    register_extensions()
    return list(doc._.relations or [])


def quotes_of(doc: Doc) -> list[Quote]:
    register_extensions()
    return list(doc._.quotes or [])
