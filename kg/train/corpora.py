"""Readers for the annotated corpora in ``../shared/corpora`` and the project's named splits.

Labels are mapped to the project's labels when read:

| corpus  | corpus label                          | project label |
|---------|---------------------------------------|---------------|
| MSRA    | nr / ns / nt                          | PERSON / PLACE / ORG |
| CLUENER | name                                  | PERSON |
| CLUENER | company, government, organization    | ORG |
| CLUENER | address, scene                        | PLACE |
| CLUENER | book, movie, game                     | WORK |
| CLUENER | position                              | TITLE |

Named splits: ``msra:train``, ``msra:dev`` (1 in 20 lines of ``train.txt`` by SHA-1 of the line),
``msra:test`` (``test_with_label.txt``), ``cluener:train``, ``cluener:dev`` (1 in 10 lines of
``train.json`` by SHA-1 of the line). Lines are read in place, never copied.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError

MSRA_LABELS = {"nr": "PERSON", "ns": "PLACE", "nt": "ORG"}
CLUENER_LABELS = {
    "name": "PERSON",
    "company": "ORG",
    "government": "ORG",
    "organization": "ORG",
    "address": "PLACE",
    "scene": "PLACE",
    "book": "WORK",
    "movie": "WORK",
    "game": "WORK",
    "position": "TITLE",
}
CORPUS_LABELS = {
    "msra": ("PERSON", "ORG", "PLACE"),
    "cluener": ("PERSON", "ORG", "PLACE", "WORK", "TITLE"),
}
DEV_MODULUS = {"msra": 20, "cluener": 10}
SPLITS = ("msra:train", "msra:dev", "msra:test", "cluener:train", "cluener:dev")


def default_corpora_dir() -> Path:
    """``../shared/corpora`` relative to the repository root (``KG_CORPORA`` overrides it)."""
    import os

    env = os.environ.get("KG_CORPORA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared" / "corpora"


@dataclass
class Sentence:
    """One annotated sentence: character spans ``(start, end_exclusive, label)``."""

    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    corpus: str = ""


def is_dev_line(line: str, corpus: str) -> bool:
    """Whether a training-file line belongs to the carved dev split (stable hash of the line)."""
    digest = hashlib.sha1(line.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % DEV_MODULUS[corpus] == 0


def parse_msra_line(line: str) -> Sentence:
    """Parse ``word/tag word/tag ...``; every non-``o`` token is one entity."""
    text_parts: list[str] = []
    spans: list[tuple[int, int, str]] = []
    pos = 0
    for token in line.split(" "):
        if not token:
            continue
        word, sep, tag = token.rpartition("/")
        if not sep:
            word, tag = token, "o"
        if not word:
            continue
        label = MSRA_LABELS.get(tag)
        if label:
            spans.append((pos, pos + len(word), label))
        text_parts.append(word)
        pos += len(word)
    return Sentence("".join(text_parts), spans, "msra")


def parse_cluener_line(line: str) -> Sentence:
    """Parse one CLUENER JSON line (end index inclusive) into exclusive-end spans."""
    row = json.loads(line)
    spans = []
    for ctype, surfaces in row.get("label", {}).items():
        label = CLUENER_LABELS.get(ctype)
        if label is None:
            continue
        for positions in surfaces.values():
            spans += [(start, end + 1, label) for start, end in positions]
    return Sentence(row["text"], sorted(set(spans)), "cluener")


def read_split(name: str, corpora_dir: Path | None = None) -> list[Sentence]:
    """The sentences of a named split (see the module docstring)."""
    if name not in SPLITS:
        raise InputError(f"Unknown split {name!r}; use one of {', '.join(SPLITS)}.")
    corpus, part = name.split(":")
    root = corpora_dir or default_corpora_dir()
    if corpus == "msra":
        path = root / "msra_ner" / ("test_with_label.txt" if part == "test" else "train.txt")
        parse = parse_msra_line
    else:
        path = root / "cluener2020" / "train.json"
        parse = parse_cluener_line
    if not path.is_file():
        raise InputError(
            f"Corpus file {path} is missing. Put the shared corpora at ../shared/corpora beside "
            "the repository or set KG_CORPORA to their folder."
        )
    out = []
    for line in _lines(path):
        if part != "test" and is_dev_line(line, corpus) != (part == "dev"):
            continue
        sentence = parse(line)
        if sentence.text.strip():
            out.append(sentence)
    return out


def raw_texts(corpora_dir: Path | None = None) -> Iterator[str]:
    """Unlabelled text for embedding pretraining: the train splits plus the DuIE sentences."""
    root = corpora_dir or default_corpora_dir()
    for name in ("msra:train", "cluener:train"):
        for sentence in read_split(name, root):
            yield sentence.text
    for path in sorted((root / "duie2").glob("duie_train*.json")):
        for line in _lines(path):
            yield json.loads(line)["text"]


def _lines(path: Path) -> Iterator[str]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\r\n")
            if line.strip():
                yield line
