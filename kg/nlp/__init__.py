"""The spaCy pipeline of ``kg``: tokenizer, sentences, NER, entity rules, relations.

The pipeline is described by ``pipeline.cfg`` beside this file; :func:`load_pipeline` builds it
and lets each component load its data in ``initialize()``.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import ModelError

if TYPE_CHECKING:
    from spacy.language import Language

PIPELINE_CFG = Path(__file__).with_name("pipeline.cfg")

# Modules that register the pipeline's factories and the tokenizer with spaCy.
_COMPONENT_MODULES = (
    "kg.nlp.tokenizer",
    "kg.nlp.sentences",
    "kg.nlp.ner.component",
    "kg.nlp.entities",
    "kg.nlp.relations",
)


def register_components() -> None:
    """Import the component modules so their factories are registered (idempotent)."""
    for module in _COMPONENT_MODULES:
        importlib.import_module(module)


def load_pipeline(
    *,
    exclude: Iterable[str] = (),
    config_path: Path | None = None,
    ner_model: str | None = None,
) -> Language:
    """Build the ``kg`` pipeline from its ``.cfg`` and initialise every component.

    ``ner_model`` picks the ``kg_ner`` model: ``"accurate"`` (the default), ``"fast"`` (1.2-1.4x
    the speed of a build, about one point of F1 less; see the model cards) or a model directory.

    >>> nlp = load_pipeline()                                    # doctest: +SKIP
    >>> [(e.text, e.label_) for e in nlp("天兵科技董事长康永来介绍").ents]  # doctest: +SKIP
    [('天兵科技', 'ORG'), ('康永来', 'PERSON')]
    """
    from spacy.util import load_config, load_model_from_config

    from kg.nlp.records import register_extensions

    register_components()
    register_extensions()
    overrides = {"components.kg_ner.model_dir": ner_model} if ner_model else {}
    config = load_config(config_path or PIPELINE_CFG, overrides=overrides)
    try:
        nlp = load_model_from_config(config, auto_fill=True, exclude=list(exclude))
        nlp.initialize()
    except (OSError, ValueError) as error:
        raise ModelError(
            f"Could not load the kg pipeline ({error}). Reinstall the package "
            "(`pip install -e .`) so that the shipped model files are present."
        ) from error
    return nlp
