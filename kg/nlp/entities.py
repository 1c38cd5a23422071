"""The rule-based entity component ``kg_entity_rules``: gazetteer, patterns and model repair.

It runs after the NER model (``kg_ner``) and covers what the model is not trained for —
PROJECT, PRODUCT, EVENT and most WORK names — with the gazetteer (:mod:`kg.nlp.entity_gazetteer`)
and the patterns of :mod:`kg.nlp.patterns`, and repairs obvious model errors (ORG spans cut
before their suffix, gazetteer names with the wrong label).

Matching is pure (:func:`kg.nlp.entity_resolve.match_entities`: text + the model's spans →
resolved :class:`~kg.nlp.patterns.Candidate` list, see that module for the priorities) and kept
apart from writing ``doc.ents`` (:class:`EntityRules`). Gazetteer matches carry the canonical
name in ``span.kb_id_`` (国家医保局 → 国家医疗保障局).

Config (``[components.kg_entity_rules]``): ``propagate`` (repeat strongly matched names and 简称
aliases through the text, default true), ``repair_org`` (extend ORG spans over org suffixes,
default true). Initialisation (``[initialize.components.kg_entity_rules]``): ``gazetteer_path``
(default: ``gazetteer.tsv`` in the shipped ``ontology`` folder). ``to_disk`` saves the gazetteer
with the pipeline, so ``spacy.load()`` needs no data files.
"""

# No ``from __future__ import annotations``: spaCy validates initialize()'s settings with pydantic
# and needs the real annotation objects.
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Self

import numpy
import srsly
from spacy.attrs import ENT_IOB
from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.nlp.doctext import doc_text
from kg.nlp.entity_gazetteer import Gazetteer, format_gazetteer, parse_rows
from kg.nlp.entity_resolve import MODEL_RULE, match_entities
from kg.nlp.patterns import P_MODEL, Candidate
from kg.nlp.records import TITLES_KEY

__all__ = ["GAZETTEER_FILE", "EntityRules", "make_entity_rules", "match_entities"]

GAZETTEER_FILE = "gazetteer.tsv"


def _entities(doc: Doc) -> list[Span]:
    """``doc.ents`` without spaCy's per-token Python loop (which costs more than this component)."""
    iob = doc.to_array(ENT_IOB)
    starts = numpy.flatnonzero(iob == 3).tolist()
    spans: list[Span] = []
    for start in starts:
        end = start + 1
        while end < len(iob) and iob[end] == 1:
            end += 1
        token = doc[start]
        spans.append(Span(doc, start, end, label=token.ent_type, kb_id=token.ent_kb_id))
    return spans


class EntityRules:
    """Adds gazetteer and pattern entities to ``doc.ents`` and repairs the model's ones."""

    def __init__(
        self, nlp: Language, name: str = "kg_entity_rules", *, propagate: bool, repair_org: bool
    ) -> None:
        self.nlp = nlp
        self.name = name
        self.propagate = propagate
        self.repair_org = repair_org
        self.gazetteer: Gazetteer | None = None

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        gazetteer_path: str | None = None,  # a str: spaCy validates init settings with pydantic
    ) -> None:
        """Load the gazetteer (default: ``gazetteer.tsv`` in the shipped ``ontology`` folder)."""
        if gazetteer_path is None:
            from kg.resources import data_path

            self.gazetteer = Gazetteer.from_path(data_path("ontology") / GAZETTEER_FILE)
        else:
            self.gazetteer = Gazetteer.from_path(gazetteer_path)

    def match(
        self, doc: Doc, text: str | None = None, ents: Sequence[Span] | None = None
    ) -> list[Candidate]:
        """The resolved candidates for ``doc`` (pure: ``doc`` is not changed)."""
        if self.gazetteer is None:
            self.initialize()
        text = doc_text(doc) if text is None else text
        model = [
            Candidate(e.start_char, e.end_char, e.label_, P_MODEL, MODEL_RULE, e.kb_id_)
            for e in (_entities(doc) if ents is None else ents)
        ]
        titles = doc.spans[TITLES_KEY] if TITLES_KEY in doc.spans else ()  # noqa: SIM401
        return match_entities(
            text,
            model,
            self.gazetteer,
            protected=[(t.start_char, t.end_char) for t in titles],
            propagate=self.propagate,
            repair_org=self.repair_org,
        )

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        ents = _entities(doc)
        originals = {(e.start_char, e.end_char, e.label_): e for e in ents}
        spans: list[Span] = []
        for cand in self.match(doc, doc_text(doc), ents):
            span = originals.get((cand.start, cand.end, cand.label))
            if span is None:
                span = doc.char_span(
                    cand.start,
                    cand.end,
                    label=cand.label,
                    kb_id=cand.kb_id,
                    alignment_mode="strict",
                )
            if span is not None:
                spans.append(span)
        doc.set_ents(spans, default="outside")
        return doc

    # Serialisation: the gazetteer travels with the pipeline.
    def _cfg(self) -> dict[str, Any]:
        return {"propagate": self.propagate, "repair_org": self.repair_org}

    def _gazetteer_text(self) -> str:
        if self.gazetteer is None:
            self.initialize()
        assert self.gazetteer is not None
        return format_gazetteer(self.gazetteer.entries)

    def _load(self, cfg: dict[str, Any], gazetteer_text: str, source: str) -> None:
        self.propagate = bool(cfg.get("propagate", self.propagate))
        self.repair_org = bool(cfg.get("repair_org", self.repair_org))
        self.gazetteer = Gazetteer(parse_rows(gazetteer_text.splitlines(), source))

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / GAZETTEER_FILE).write_text(self._gazetteer_text(), encoding="utf-8")
        srsly.write_json(path / "cfg", self._cfg())

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> Self:
        path = Path(path)
        cfg = srsly.read_json(path / "cfg") if (path / "cfg").exists() else {}
        gazetteer_file = path / GAZETTEER_FILE
        self._load(cfg, gazetteer_file.read_text(encoding="utf-8"), str(gazetteer_file))
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return srsly.msgpack_dumps({"cfg": self._cfg(), "gazetteer": self._gazetteer_text()})

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> Self:
        msg = srsly.msgpack_loads(data)
        self._load(msg.get("cfg", {}), msg["gazetteer"], "<bytes>")
        return self


@Language.factory(
    "kg_entity_rules",
    default_config={"propagate": True, "repair_org": True},
    assigns=["doc.ents"],
)
def make_entity_rules(nlp: Language, name: str, propagate: bool, repair_org: bool) -> EntityRules:
    return EntityRules(nlp, name, propagate=propagate, repair_org=repair_org)
