"""Benchmark (not a test): ``nlp.pipe`` throughput in characters/second on one core.

Uses the full pipeline from ``kg.load_pipeline()`` when it exists, else the ``kg_ner`` component
in a blank ``zh`` pipeline (character segmentation). Text: MSRA test sentences, joined into
news-article-sized documents.

    .venv/bin/python bench/ner_throughput.py [--docs 200] [--threads 1] [--ner-only]
        [--ner-model accurate|fast|DIR]
"""

from __future__ import annotations

import argparse
import time

import torch


def build_pipeline(ner_only: bool, ner_model: str):
    """The pipeline to measure and a description of it."""
    if not ner_only:
        from kg.nlp import load_pipeline

        return load_pipeline(ner_model=ner_model), f"kg.load_pipeline(ner_model={ner_model!r})"
    import spacy

    import kg.nlp.ner.component  # noqa: F401  (registers the kg_ner factory)

    nlp = spacy.blank("zh")
    nlp.add_pipe("kg_ner", config={"model_dir": ner_model})
    nlp.initialize()
    return nlp, f"blank zh + kg_ner (model {ner_model!r})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200, help="number of documents")
    parser.add_argument("--sentences-per-doc", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    parser.add_argument("--ner-only", action="store_true", help="blank zh + kg_ner only")
    parser.add_argument("--ner-model", default="accurate", help="accurate, fast or a directory")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    from kg.link.names import fold_width
    from kg.train.corpora import read_split

    sentences = [fold_width(s.text) for s in read_split("msra:test")]
    per = args.sentences_per_doc
    docs = ["".join(sentences[i : i + per]) for i in range(0, len(sentences), per)][: args.docs]
    nlp, what = build_pipeline(args.ner_only, args.ner_model)
    list(nlp.pipe(docs[:5]))  # warm-up
    chars = sum(len(d) for d in docs)
    started, cpu_started = time.perf_counter(), time.process_time()
    n_ents = sum(len(doc.ents) for doc in nlp.pipe(docs))
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    print(f"pipeline: {what}; components: {nlp.pipe_names}; torch threads: {args.threads}")
    print(f"{len(docs)} docs, {chars:,} chars, {n_ents:,} entities in {seconds:.2f} s")
    print(f"throughput: {chars / seconds:,.0f} chars/s wall clock")
    # on a shared machine the wall clock includes time other processes held the core
    print(f"throughput: {chars / cpu_seconds:,.0f} chars per CPU second ({cpu_seconds:.2f} s)")


if __name__ == "__main__":
    main()
