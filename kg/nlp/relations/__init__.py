"""Relations and quotations from Chinese news: the ``kg_relations`` pipeline component.

The component runs after NER (``doc.ents``) and the entity rules, reads ``doc.ents`` and
``doc.spans["titles"]`` and writes ``doc._.relations`` (:class:`~kg.nlp.records.Relation`) and
``doc._.quotes`` (:class:`~kg.nlp.records.Quote`). Every rule is lexical and names itself in
``Relation.extractor`` (``rule:position/org-title-person`` …); the modules list their rules and
confidences:

- :mod:`.positions` — ``worksFor`` (with ``title``), ``founder`` from titles
- :mod:`.founders` — ``founder``
- :mod:`.alumni` — ``alumniOf``
- :mod:`.organizations` — ``parentOrganization``, ``location``, ``manufacturer``, ``foundingDate``
- :mod:`.structure` — ``containedInPlace``, ``isPartOf``
- :mod:`.aliases` — ``alternateName``
- :mod:`.quotes` — quotations

The extraction itself is pure (:func:`extract_relations`, :func:`extract_quotes` on a ``Doc`` or
a :class:`Context`); :class:`RelationExtractor` only stores the results on the ``Doc``.
A bare co-mention never makes a relation: every rule needs a cue between or around the mentions.
Mentions a relation refers to are usually ``doc.ents`` spans; a few rules name a part of one
(北京大学 inside 北京大学法学院), and the linker links those too.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.language import Language
from spacy.tokens import Doc

from kg.nlp.records import Quote, Relation, register_extensions
from kg.nlp.relations.aliases import extract_aliases
from kg.nlp.relations.alumni import extract_alumni
from kg.nlp.relations.base import Context, dedupe
from kg.nlp.relations.founders import extract_founders
from kg.nlp.relations.organizations import (
    extract_founding_dates,
    extract_locations,
    extract_manufacturers,
    extract_name_locations,
    extract_parents,
)
from kg.nlp.relations.positions import extract_positions
from kg.nlp.relations.quotes import extract_quotes as _extract_quotes
from kg.nlp.relations.structure import extract_places, extract_projects

__all__ = [
    "RULES",
    "Context",
    "RelationExtractor",
    "extract_quotes",
    "extract_relations",
    "make_relations",
]

#: Every relation rule family, in the order they run.
RULES: tuple[Callable[[Context], list[Relation]], ...] = (
    extract_positions,
    extract_founders,
    extract_alumni,
    extract_parents,
    extract_locations,
    extract_name_locations,
    extract_manufacturers,
    extract_founding_dates,
    extract_places,
    extract_projects,
    extract_aliases,
)


def _context(source: Doc | Context) -> Context:
    return source if isinstance(source, Context) else Context.from_doc(source)


def extract_relations(source: Doc | Context, min_confidence: float = 0.0) -> list[Relation]:
    """All relations of one article, deduplicated, in text order."""
    ctx = _context(source)
    found: list[Relation] = []
    for rule in RULES:
        found.extend(rule(ctx))
    return [r for r in dedupe(found) if r.confidence >= min_confidence]


def extract_quotes(source: Doc | Context) -> list[Quote]:
    """All quotations of one article whose speaker is a PERSON mention."""
    return _extract_quotes(_context(source))


class RelationExtractor:
    """The ``kg_relations`` component: sets ``doc._.relations`` and ``doc._.quotes``."""

    def __init__(self, name: str = "kg_relations", min_confidence: float = 0.0) -> None:
        self.name = name
        self.min_confidence = min_confidence
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        ctx = Context.from_doc(doc)
        doc._.relations = extract_relations(ctx, self.min_confidence)
        doc._.quotes = extract_quotes(ctx)
        return doc


@Language.factory("kg_relations", default_config={"min_confidence": 0.0})
def make_relations(nlp: Language, name: str, min_confidence: float) -> RelationExtractor:
    return RelationExtractor(name, min_confidence)
