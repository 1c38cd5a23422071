"""Click commands for training and evaluating the NER model.

The lead registers them on the main ``kg`` CLI::

    from kg.train.commands import train, eval_group
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import click

from kg.errors import KgError


def _parse_overrides(pairs: tuple[str, ...]) -> dict:
    overrides = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--set")
        try:
            overrides[key] = json.loads(value)
        except json.JSONDecodeError:
            overrides[key] = value
    return overrides


@click.group()
def train() -> None:
    """Train the project's models."""


@train.command("ner")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Training config (default: kg/train/configs/ner.cfg).",
)
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory to write the model to (kg/nlp/ner/model to replace the shipped one).",
)
@click.option(
    "--corpora",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of the corpora (default: ../shared/corpora beside the repository).",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where pretrained embeddings are cached (default: ~/.cache/kg/ner).",
)
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="KEY=VALUE",
    help="Override a config value, e.g. --set training.epochs=3 (repeatable).",
)
@click.option("--limit", type=int, default=None, help="Use only the first N sentences per split.")
@click.option(
    "--init-from",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Continue training from this model directory's weights and vocabularies; with another "
    "encoder in the config, start that encoder on this model's embeddings.",
)
def train_ner_command(config_path, output, corpora, cache_dir, overrides, limit, init_from) -> None:
    """Train the character-level NER model and evaluate it on the test split.

    \b
    Examples:
      python -m kg.train ner --config kg/train/configs/ner.cfg --output kg/nlp/ner/model
      python -m kg.train ner --config kg/train/configs/ner-fast.cfg \\
          --init-from kg/nlp/ner/model --output kg/nlp/ner/model-fast
    """
    from kg.train.evaluate import evaluate_ner
    from kg.train.ner import load_config, train_ner

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        config = load_config(config_path, _parse_overrides(overrides))
        model = train_ner(
            config,
            output,
            corpora_dir=corpora,
            cache_dir=cache_dir,
            limit=limit,
            init_from=init_from,
        )
        for split in ("msra:test", "cluener:dev"):
            report = evaluate_ner(split, model=model, corpora_dir=corpora, limit=limit)
            click.echo(f"{split}\n{report.table()}")
    except KgError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group("eval")
def eval_group() -> None:
    """Evaluate the project's models on annotated corpora."""


@eval_group.command("ner")
@click.option(
    "--corpus",
    "split",
    default="msra:test",
    show_default=True,
    help="Split: msra:test, msra:dev, cluener:dev, msra:train or cluener:train.",
)
@click.option(
    "--model-dir",
    default=None,
    metavar="accurate|fast|DIR",
    help="A shipped model's name or a model directory (default: accurate).",
)
@click.option(
    "--corpora",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of the corpora (default: ../shared/corpora beside the repository).",
)
@click.option("--threads", type=int, default=1, show_default=True, help="torch threads.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def eval_ner_command(split, model_dir, corpora, threads, as_json) -> None:
    """Entity-level strict P/R/F1 per type and chars/s of the NER model.

    \b
    Examples:
      kg eval ner --corpus msra:test
      kg eval ner --corpus cluener:dev --model-dir fast
    """
    from kg.train.evaluate import evaluate_ner

    try:
        report = evaluate_ner(split, model_dir=model_dir, corpora_dir=corpora, threads=threads)
    except KgError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(report.to_dict(), ensure_ascii=False) if as_json else report.table())


@eval_group.command("relations")
@click.argument(
    "file", type=click.Path(dir_okay=False, path_type=Path), required=False, default=None
)
@click.option(
    "--mode",
    type=click.Choice(["build", "gold-entities"]),
    default="build",
    show_default=True,
    help="build: extract with `kg build` into a temporary store and score what it holds; "
    "gold-entities: the relation rules alone, on DuIE's own subjects and objects.",
)
@click.option("--limit", type=int, default=0, help="Only the first N sentences.")
@click.option(
    "--ner-model",
    default=None,
    metavar="accurate|fast|DIR",
    help="The NER model of build mode (default: accurate).",
)
@click.option("--errors", type=int, default=0, help="Also print this many errors.")
@click.option("--name-prefix", is_flag=True, help="Also score locations read from company names.")
def eval_relations_command(file, mode, limit, ner_model, errors, name_prefix) -> None:
    """Per-predicate P/R/F1 of the relations on a DuIE 2.0 file.

    FILE defaults to duie2/duie_train.json in the corpora folder. DuIE's 董事长, 创始人,
    总部地点, 简称, 毕业院校 and 成立日期 are scored as worksFor (title 董事长), founder,
    location, alternateName, alumniOf and foundingDate.

    \b
    Examples:
      kg eval relations --limit 2000
      kg eval relations my-duie.json --mode gold-entities --errors 20
    """
    from kg.nlp.relations.evaluate import (
        evaluate,
        evaluate_build,
        gold_entity_predictions,
        load_duie,
    )
    from kg.train.corpora import default_corpora_dir

    path = file or default_corpora_dir() / "duie2" / "duie_train.json"
    try:
        examples = load_duie(path)[: limit or None]
        if mode == "build":
            report = evaluate_build(
                examples,
                ner_model=ner_model,
                keep_errors=errors,
                include_name_prefix=name_prefix,
                progress=True,
            )
        else:
            report = evaluate(
                examples,
                lambda ex: gold_entity_predictions(ex, include_name_prefix=name_prefix),
                keep_errors=errors,
            )
    except KgError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"file: {path}")
    click.echo(report.format())
    for kind, text, triple in report.errors:
        click.echo(f"{kind}\t{triple}\t{text[:160]}")
