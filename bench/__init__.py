"""Benchmarks of ``kg`` (not tests): build, store, queries, incremental updates and export.

Run everything with ``python -m bench [--quick]``; see ``bench/__main__.py``. Every number is
reported with a baseline measured in the same process, so that the ratios mean something on a
noisy or shared machine. The corpora are made in a temporary folder (never in the repository).
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MSRA = REPO.parent / "shared" / "corpora" / "msra_ner" / "train.txt"
SEEDS = REPO / "seeds"
QUERIES = REPO / "queries"
_TAG = re.compile(r"/(?:o|nr|ns|nt)(?=\s|$)")


@dataclass
class Row:
    """One line of the results table."""

    section: str
    measure: str
    value: float
    unit: str
    baseline: str = ""
    ratio: float | None = None
    target: str = ""
    ok: bool | None = None

    def cells(self) -> list[str]:
        ratio = "" if self.ratio is None else f"{self.ratio:.2f}×"
        verdict = "" if self.ok is None else ("✅" if self.ok else "❌")
        return [
            self.section,
            self.measure,
            f"{fmt(self.value)} {self.unit}",
            self.baseline,
            ratio,
            f"{self.target} {verdict}".strip(),
        ]


def fmt(value: float) -> str:
    if value != value:  # NaN: not measured
        return "–"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:,.2f}"
    return f"{value:.3g}"


def table(rows: list[Row]) -> str:
    head = ["section", "measure", "value", "baseline (same process)", "ratio", "target"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


@contextmanager
def timer() -> Iterator[Callable[[], float]]:
    """``with timer() as elapsed: ...; elapsed()`` → seconds (frozen at the end of the block)."""
    start = time.perf_counter()
    end: list[float] = []
    yield lambda: (end[0] if end else time.perf_counter()) - start
    end.append(time.perf_counter())


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def calibration() -> float:
    """A fixed pure-Python workload (million simple operations per second) for this machine."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i * i % 7
        best = min(best, time.perf_counter() - start)
    return 1.0 / best


def msra_sentences() -> Iterator[str]:
    """MSRA NER training sentences as plain text (tags and word spaces removed)."""
    with MSRA.open(encoding="utf-8") as handle:
        for line in handle:
            text = _TAG.sub("", line).replace(" ", "").strip()
            if text:
                yield text


def write_msra_corpus(
    folder: Path, chars: int, *, article_chars: int = 1500, per_file: int = 200
) -> tuple[list[Path], int, int]:
    """Cut MSRA into ~``article_chars`` articles (JSONL files of ``per_file`` articles) until
    ``chars`` characters, repeating the corpus (with new ids) if it is too small.

    Returns the files, the number of articles and of characters.
    """
    folder.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    articles = total = 0
    out = None
    sentences: list[str] = []
    try:
        while total < chars:
            for sentence in msra_sentences():
                sentences.append(sentence)
                if sum(map(len, sentences)) < article_chars:
                    continue
                if articles % per_file == 0:
                    if out:
                        out.close()
                    files.append(folder / f"part-{len(files):04d}.jsonl")
                    out = files[-1].open("w", encoding="utf-8")
                text = "".join(sentences)
                record = {"id": f"msra-{articles}", "title": text[:10], "text": text}
                assert out is not None
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                articles += 1
                total += len(text)
                sentences = []
                if total >= chars:
                    break
    finally:
        if out:
            out.close()
    return files, articles, total
