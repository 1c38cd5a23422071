"""Speed of the ``kg_entity_rules`` component on MSRA NER test text (not a test; run by hand).

    .venv/bin/python bench/entity_rules_speed.py [PATH] [--repeat N]

Tokenises the text first (lines grouped into ~2,000-character documents, as news articles are),
then times the component alone and prints characters per second by wall clock and by CPU time
(trust the CPU figure on a shared, busy machine). The full pipeline budget is 30,000 chars/s on
one core; this component should stay far above it (≥ 300,000).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import spacy
from spacy.language import Language

from kg.nlp.entities import EntityRules
from kg.nlp.tokenizer import CharTokenizer

DEFAULT_TEXT = Path("/work/shared/corpora/msra_ner/test.txt")


def build_pipeline() -> Language:
    nlp = spacy.blank("zh")
    nlp.tokenizer = CharTokenizer(nlp.vocab)
    nlp.add_pipe("kg_entity_rules")
    nlp.initialize()
    return nlp


def documents(path: Path, size: int = 2000) -> list[str]:
    docs: list[str] = []
    current: list[str] = []
    length = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        current.append(line)
        length += len(line)
        if length >= size:
            docs.append("".join(current))
            current, length = [], 0
    if current:
        docs.append("".join(current))
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_TEXT)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    nlp = build_pipeline()
    component = nlp.get_pipe("kg_entity_rules")
    assert isinstance(component, EntityRules)
    texts = documents(args.path)
    docs = [nlp.make_doc(text) for text in texts]
    chars = sum(len(text) for text in texts)
    best_wall = best_cpu = float("inf")
    found = 0
    for _ in range(args.repeat):
        fresh = [doc.copy() for doc in docs]
        wall, cpu = time.perf_counter(), time.process_time()
        for doc in fresh:
            component(doc)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        found = sum(len(doc.ents) for doc in fresh)
    print(f"{len(docs)} docs, {chars:,} chars, {found:,} entities (best of {args.repeat})")
    print(f"kg_entity_rules: wall {best_wall:.3f} s → {chars / best_wall:,.0f} chars/s")
    print(f"kg_entity_rules: CPU  {best_cpu:.3f} s → {chars / best_cpu:,.0f} chars/s")


if __name__ == "__main__":
    main()
