"""Per-predicate P/R/F1 of the relation extraction on DuIE 2.0.

    .venv/bin/python bench/relations_duie.py --mode build --limit 2000      # the official number
    .venv/bin/python bench/relations_duie.py --mode gold-entities           # the rules alone
    .venv/bin/python bench/relations_duie.py --mode pipeline --limit 2000   # kg.load_pipeline()
    .venv/bin/python bench/relations_duie.py --file ../shared/corpora/duie2/duie_train_4000.json

Rules were tuned on ``duie_train_4000.json``; the default report file is ``duie_train.json``.

Modes:

- ``build`` (the measurement issue 4 asks for; also ``kg eval relations``): the sentences are
  written as a JSONL file (one article a line, ``id`` = ``duie-<line>``) in a temporary folder
  and built with ``KnowledgeGraph.build`` — the function ``kg build`` calls — into a temporary
  store (:func:`kg.nlp.relations.evaluate.evaluate_build`); the relations are read back with
  SPARQL from their ``kg:Evidence`` nodes (article and sentence).
  Matching rule: a gold subject/object string matches an entity when it equals the entity's
  ``rdfs:label``, any of its ``schema:alternateName`` values, or the surface text of a mention
  of it in that article that occurs in the evidence sentence (DuIE's strings are surface
  forms). Gold strings get the same character folding as the built text.
- ``pipeline``: ``kg.load_pipeline()`` on each raw sentence, the relation's mention text only.
- ``gold-entities``: ``doc.ents`` set from the DuIE subjects and objects, relation rules only.
- ``auto``: ``pipeline`` when the pipeline loads, else ``gold-entities``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kg.nlp.relations.evaluate import (
    DuieExample,
    Prediction,
    evaluate,
    evaluate_build,
    gold_entity_predictions,
    load_duie,
    pipeline_runner,
)

DEFAULT = Path(__file__).resolve().parents[2] / "shared/corpora/duie2/duie_train.json"


def _pipeline(ner_model: str | None) -> Any:
    """``kg.load_pipeline()`` with the kg_ner model ``ner_model`` (a name or directory) if given."""
    from kg.nlp import load_pipeline

    return load_pipeline(ner_model=ner_model)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT)
    parser.add_argument(
        "--mode", choices=("auto", "build", "pipeline", "gold-entities"), default="auto"
    )
    parser.add_argument("--errors", type=int, default=0, help="print this many errors")
    parser.add_argument(
        "--name-prefix", action="store_true", help="also score locations read from company names"
    )
    parser.add_argument(
        "--ner-model",
        default=None,
        help="pipeline/build mode with this kg_ner model (accurate, fast, DIR)",
    )
    parser.add_argument("--limit", type=int, default=0, help="only the first N sentences")
    args = parser.parse_args()

    examples = load_duie(args.file)
    if args.limit:
        examples = examples[: args.limit]
    if args.mode == "build":
        started = time.perf_counter()
        report = evaluate_build(
            examples,
            nlp=_pipeline(args.ner_model),
            keep_errors=args.errors,
            include_name_prefix=args.name_prefix,
        )
        print(
            f"built and scored {len(examples)} sentences in {time.perf_counter() - started:.0f} s"
        )
        print(
            "matching: a gold string matches an entity's rdfs:label, any schema:alternateName, "
            "or the surface of a mention of it in the evidence sentence"
        )
    else:
        run: Callable[[DuieExample], list[Prediction]] = partial(
            gold_entity_predictions, include_name_prefix=args.name_prefix
        )
        mode = "gold-entities"
        if args.mode in ("auto", "pipeline"):
            try:
                nlp = _pipeline(args.ner_model)
                run = pipeline_runner(nlp, include_name_prefix=args.name_prefix)
                mode = "pipeline"
            except Exception as error:  # the NER model may not be there yet
                if args.mode == "pipeline":
                    raise
                print(
                    f"note: kg.load_pipeline() failed ({type(error).__name__}: {error}); "
                    "using gold entity spans",
                    file=sys.stderr,
                )
        report = evaluate(examples, run, mode, keep_errors=args.errors)
    print(f"file: {args.file}" + (f"; NER model: {args.ner_model}" if args.ner_model else ""))
    print(report.format())
    for kind, text, triple in report.errors:
        print(f"{kind}\t{triple}\t{text[:160]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
