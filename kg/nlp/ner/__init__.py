"""The project's character-level Chinese NER model (spaCy component ``kg_ner``).

- :func:`predict_entities`: texts → ``(start, end, label)`` spans with the shipped model.
- :class:`kg.nlp.ner.predictor.NerModel`: load / save / predict with any model directory.
- :mod:`kg.nlp.ner.component`: the spaCy factory ``kg_ner`` (import it to register the factory).

Labels: PERSON, ORG, PLACE, WORK (entities) and TITLE (job titles). Nothing is loaded at import.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.nlp.ner.predictor import NerModel

__all__ = ["ENTITY_LABELS", "TITLE_LABEL", "load_model", "predict_entities"]

ENTITY_LABELS = ("PERSON", "ORG", "PLACE", "WORK")
TITLE_LABEL = "TITLE"


@lru_cache(maxsize=1)
def load_model() -> NerModel:
    """The shipped model, loaded once per process."""
    from kg.nlp.ner.predictor import NerModel

    return NerModel.load()


def predict_entities(texts: list[str]) -> list[list[tuple[int, int, str]]]:
    """Character spans ``(start, end_exclusive, label)`` per text, TITLE spans included."""
    return load_model().predict(texts)
