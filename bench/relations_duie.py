"""Per-predicate P/R/F1 of the relation rules on DuIE 2.0.

    .venv/bin/python bench/relations_duie.py                       # report file, auto mode
    .venv/bin/python bench/relations_duie.py --file ../shared/corpora/duie2/duie_train_4000.json

Rules were tuned on ``duie_train_4000.json``; the default report file is ``duie_train.json``.
``--mode auto`` runs the full ``kg.load_pipeline()`` when it loads and otherwise falls back to the
relation component alone with entity spans taken from the gold subjects/objects (the report says
which mode ran).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kg.nlp.relations.evaluate import (
    evaluate,
    load_duie,
    pipeline_runner,
    relations_with_gold_entities,
)

DEFAULT = Path(__file__).resolve().parents[2] / "shared/corpora/duie2/duie_train.json"


def _pipeline(ner_model: Path | None) -> Any:
    """``kg.load_pipeline()``, with the kg_ner component reading ``ner_model`` if given."""
    from kg.nlp import PIPELINE_CFG, load_pipeline

    if ner_model is None:
        return load_pipeline()
    from spacy.util import load_config

    config = load_config(PIPELINE_CFG)
    config["components"]["kg_ner"]["model_dir"] = str(ner_model)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pipeline.cfg"
        config.to_disk(path)
        return load_pipeline(config_path=path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT)
    parser.add_argument("--mode", choices=("auto", "pipeline", "gold-entities"), default="auto")
    parser.add_argument("--errors", type=int, default=0, help="print this many errors")
    parser.add_argument(
        "--name-prefix", action="store_true", help="also score locations read from company names"
    )
    parser.add_argument(
        "--ner-model", type=Path, default=None, help="pipeline mode with this kg_ner model folder"
    )
    parser.add_argument("--limit", type=int, default=0, help="only the first N sentences")
    args = parser.parse_args()

    examples = load_duie(args.file)
    if args.limit:
        examples = examples[: args.limit]
    run, mode = relations_with_gold_entities, "gold-entities"
    if args.mode in ("auto", "pipeline"):
        try:
            run, mode = pipeline_runner(_pipeline(args.ner_model)), "pipeline"
        except Exception as error:  # the NER model may not be there yet
            if args.mode == "pipeline":
                raise
            print(
                f"note: kg.load_pipeline() failed ({type(error).__name__}: {error}); "
                "using gold entity spans",
                file=sys.stderr,
            )
    report = evaluate(
        examples, run, mode, keep_errors=args.errors, include_name_prefix=args.name_prefix
    )
    print(f"file: {args.file}" + (f"; NER model: {args.ner_model}" if args.ner_model else ""))
    print(report.format())
    for kind, text, triple in report.errors:
        print(f"{kind}\t{triple}\t{text[:160]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
