"""Entity-level strict evaluation of the NER model on the named corpus splits.

A predicted span counts as correct only when start, end and label all equal a gold span.
Only labels the corpus annotates are scored (MSRA has no WORK or TITLE, so predictions of those
are ignored there).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import torch

from kg.errors import InputError
from kg.nlp.ner.predictor import NerModel
from kg.scores import Score as TypeScore
from kg.train.corpora import CORPUS_LABELS, SPLITS, Sentence, read_split


@dataclass
class NerReport:
    """Scores of one evaluation run."""

    split: str
    types: dict[str, TypeScore] = field(default_factory=dict)
    chars: int = 0
    seconds: float = 0.0

    @property
    def micro(self) -> TypeScore:
        total = TypeScore("ALL")
        for score in self.types.values():
            total.tp += score.tp
            total.fp += score.fp
            total.fn += score.fn
        return total

    @property
    def micro_f1(self) -> float:
        return self.micro.f1

    @property
    def chars_per_second(self) -> float:
        return self.chars / self.seconds if self.seconds else 0.0

    def table(self) -> str:
        """A plain-text table of P/R/F1 per label."""
        rows = [f"{'label':8} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6}"]
        for score in [*self.types.values(), self.micro]:
            rows.append(
                f"{score.label:8} {score.precision:6.4f} {score.recall:6.4f} {score.f1:6.4f} "
                f"{score.tp + score.fn:6d}"
            )
        rows.append(
            f"{self.chars} chars in {self.seconds:.2f} s = {self.chars_per_second:,.0f} chars/s"
        )
        return "\n".join(rows)

    def to_dict(self) -> dict:
        return {
            "split": self.split,
            "types": {
                k: {"p": round(v.precision, 4), "r": round(v.recall, 4), "f1": round(v.f1, 4)}
                for k, v in self.types.items()
            },
            "micro_f1": round(self.micro_f1, 4),
            "chars_per_second": round(self.chars_per_second),
        }


def score_spans(
    gold: Sequence[Sequence[tuple[int, int, str]]],
    pred: Sequence[Sequence[tuple[int, int, str]]],
    labels: Sequence[str],
) -> dict[str, TypeScore]:
    """Strict per-label counts of predicted against gold spans."""
    scores = {label: TypeScore(label) for label in labels}
    for g, p in zip(gold, pred, strict=True):
        gs = {s for s in g if s[2] in scores}
        ps = {s for s in p if s[2] in scores}
        for s in gs & ps:
            scores[s[2]].tp += 1
        for s in ps - gs:
            scores[s[2]].fp += 1
        for s in gs - ps:
            scores[s[2]].fn += 1
    return scores


def evaluate_model(
    model: NerModel, sentences: list[Sentence], split: str = "", batch_chars: int = 6000
) -> NerReport:
    """Predict ``sentences`` with ``model`` and score them."""
    corpus = sentences[0].corpus if sentences else "msra"
    texts = [s.text for s in sentences]
    started = time.perf_counter()
    pred = model.predict(texts, batch_chars=batch_chars)
    seconds = time.perf_counter() - started
    types = score_spans([s.spans for s in sentences], pred, CORPUS_LABELS[corpus])
    return NerReport(split, types, sum(len(t) for t in texts), seconds)


def evaluate_ner(
    corpus: str,
    split: str | None = None,
    *,
    model_dir: Path | str | None = None,
    model: NerModel | None = None,
    corpora_dir: Path | None = None,
    threads: int | None = 1,
    limit: int | None = None,
) -> NerReport:
    """Per-type P/R/F1 and characters/second of a model on a named split.

    ``corpus`` is ``msra`` or ``cluener`` with ``split`` ``test``/``dev``/``train``, or a full
    split name such as ``"msra:test"``. The model is the shipped one unless ``model`` or
    ``model_dir`` is given. ``threads`` sets torch's thread count for the run (restored after).
    """
    name = corpus if split is None else f"{corpus}:{split}"
    if name not in SPLITS:
        raise InputError(f"Unknown split {name!r}; use one of {', '.join(SPLITS)}.")
    sentences = read_split(name, corpora_dir)[: limit or None]
    model = model or NerModel.load(model_dir)
    previous = torch.get_num_threads()
    if threads:
        torch.set_num_threads(threads)
    try:
        return evaluate_model(model, sentences, name)
    finally:
        torch.set_num_threads(previous)
