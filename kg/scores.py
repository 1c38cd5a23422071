"""Precision, recall and F1 from counts, shared by the NER and relation evaluations."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Score:
    """True/false positives and false negatives of one label (or of all, ``label="ALL"``)."""

    label: str = ""
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0
