"""Fixtures shared across the test suite: small, hand-built, defined once."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


@pytest.fixture(scope="session")
def blank_nlp() -> Language:
    """A model-free pipeline: the kg tokenizer and sentence splitter only (fast)."""
    import spacy

    from kg.nlp.records import register_extensions
    from kg.nlp.sentences import make_sentencizer  # noqa: F401  (registers the factory)
    from kg.nlp.tokenizer import CharTokenizer

    register_extensions()
    nlp = spacy.blank("zh")
    nlp.tokenizer = CharTokenizer(nlp.vocab)
    nlp.add_pipe("kg_sentences")
    return nlp


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The real pipeline of ``kg build`` (loaded once per test session)."""
    from kg.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS
