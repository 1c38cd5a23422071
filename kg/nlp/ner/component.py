"""The spaCy component ``kg_ner``: writes ``doc.ents`` and ``doc.spans["titles"]``.

Prediction is character level and independent of the tokenizer (see
:class:`kg.nlp.ner.predictor.NerModel`); this module only turns the predicted character spans
into spaCy spans (``alignment_mode="expand"``). The weights are loaded by ``initialize`` /
``from_disk`` or on first use, never at import time of ``kg``, from ``model_dir``: a shipped
model's name, ``"accurate"`` (the default, ``kg/nlp/ner/model/``) or ``"fast"``
(``kg/nlp/ner/model-fast/``), or a directory. A missing model raises ``ModelError``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import torch
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans, minibatch

from kg.nlp.doctext import doc_text
from kg.nlp.ner.predictor import TITLE_LABEL, NerModel
from kg.nlp.ner.predictor import Span as CharSpan

log = logging.getLogger(__name__)


@Language.factory(
    "kg_ner",
    default_config={
        "model_dir": None,
        "titles_key": "titles",
        "overwrite_ents": True,
        "batch_size": 64,
        "batch_chars": 6000,
        "threads": 1,
    },
)
def make_kg_ner(
    nlp: Language,
    name: str,
    model_dir: str | None,
    titles_key: str,
    overwrite_ents: bool,
    batch_size: int,
    batch_chars: int,
    threads: int,
) -> KgNer:
    """Create the component (the model is loaded by ``initialize`` or on first use)."""
    return KgNer(
        nlp,
        name,
        model_dir=model_dir,
        titles_key=titles_key,
        overwrite_ents=overwrite_ents,
        batch_size=batch_size,
        batch_chars=batch_chars,
        threads=threads,
    )


class KgNer:
    """Character-level NER (PERSON, ORG, PLACE, WORK) plus job titles (TITLE)."""

    def __init__(
        self,
        nlp: Language,
        name: str = "kg_ner",
        *,
        model_dir: str | None = None,  # a str: spaCy validates init settings with pydantic
        titles_key: str = "titles",
        overwrite_ents: bool = True,
        batch_size: int = 64,
        batch_chars: int = 6000,
        threads: int = 1,
    ) -> None:
        self.name = name
        self.titles_key = titles_key
        self.overwrite_ents = overwrite_ents
        self.batch_size = batch_size
        self.batch_chars = batch_chars
        self.threads = threads
        # a shipped model's name ("accurate", "fast") or a directory, see predictor.model_path
        self.model_dir: str | None = str(model_dir) if model_dir else None
        self._model: NerModel | None = None

    @property
    def model(self) -> NerModel:
        """The loaded model (loaded on first use, so ``spacy.load`` reads the weights once)."""
        if self._model is None:
            self._model = NerModel.load(self.model_dir)
        return self._model

    @property
    def labels(self) -> list[str]:
        """The labels the component writes (entity labels and TITLE)."""
        return self.model.labels

    # ---------------------------------------------------------------- prediction
    def predict(self, docs: Iterable[Doc]) -> list[list[CharSpan]]:
        """Character spans ``(start, end, label)`` per doc; no annotation is written.

        Sets torch's intra-op threads to ``threads`` (process-wide; 0 leaves them alone). The
        network is small, so one thread is fastest per character, and on a busy machine torch's
        default of one thread per core ran 10x slower (measured); parallelism comes from build
        workers (``kg build --workers``).
        """
        if self.threads and torch.get_num_threads() != self.threads:
            torch.set_num_threads(self.threads)
        return self.model.predict([doc_text(doc) for doc in docs], batch_chars=self.batch_chars)

    def set_annotations(self, docs: Iterable[Doc], predictions: list[list[CharSpan]]) -> None:
        """Write ``doc.ents`` and ``doc.spans[titles_key]`` from character spans."""
        for doc, spans in zip(docs, predictions, strict=True):
            ents: list[Span] = []
            titles: list[Span] = []
            for start, end, label in spans:
                span = doc.char_span(start, end, label=label, alignment_mode="expand")
                if span is None:
                    continue
                (titles if label == TITLE_LABEL else ents).append(span)
            if not self.overwrite_ents:
                ents = list(doc.ents) + ents
            doc.ents = filter_spans(ents)
            doc.spans[self.titles_key] = titles

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations([doc], self.predict([doc]))
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int | None = None) -> Iterator[Doc]:
        """Annotate docs in batches of ``batch_size`` docs (one model call per batch)."""
        for docs in minibatch(stream, size=batch_size or self.batch_size):
            self.set_annotations(docs, self.predict(docs))
            yield from docs

    # ---------------------------------------------------------------- lifecycle
    def initialize(
        self,
        get_examples: Callable[[], Iterable] | None = None,
        *,
        nlp: Language | None = None,
        model_dir: str | None = None,  # a str: spaCy validates init settings with pydantic
    ) -> None:
        """Load the weights (from ``model_dir`` if given). The model is not trained here."""
        if model_dir is not None and str(model_dir) != self.model_dir:
            self.model_dir = str(model_dir)
            self._model = None
        if self._model is None:  # already loaded on first use (e.g. labels): not twice
            self._model = NerModel.load(self.model_dir)

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Copy the model files into ``path`` so ``spacy.load`` restores the same weights."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self.model.save(path)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> KgNer:
        """Load the model files written by :meth:`to_disk`."""
        self.model_dir = str(path)
        self._model = NerModel.load(self.model_dir)
        return self
