"""``kg shard``: extraction on a dask cluster into N-Quads shards, then one bulk load.

A thin layer over :mod:`kg.distributed` (optional extra ``kg[dask]``); ``kg build --workers N``
is the one-machine alternative. See ``docs/scaling.md``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, cast

import click

from kg.cli import EXIT_PARTIAL, handle_errors, ner_model_option, store_option


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the shards; every dask worker must be able to write to it.",
)
@click.option(
    "--scheduler",
    default="local",
    show_default=True,
    help="dask scheduler address (tcp://HOST:8786), or 'local' for one worker per core here.",
)
@click.option(
    "--partition-size",
    type=click.IntRange(min=1),
    default=4,
    show_default=True,
    help="Input files per partition (one shard each).",
)
@click.option(
    "--load/--no-load",
    default=True,
    show_default=True,
    help="Bulk-load the shards into --store when all are written.",
)
@store_option
@ner_model_option
@handle_errors
def shard(
    paths: tuple[str, ...],
    out_dir: Path,
    scheduler: str,
    partition_size: int,
    load: bool,
    store: Path,
    ner_model: str,
) -> None:
    """Extract PATHS on a dask cluster into N-Quads shards, then bulk-load them into the store.

    The store ends up as `kg build` would leave it. Needs `pip install 'kg[dask]'`; the
    workers need kg installed and read the input paths themselves (use a shared file system).

    \b
    Examples:
      kg shard corpus/ --out shards/                          # a LocalCluster on this machine
      kg shard /nfs/corpus --out /nfs/shards --scheduler tcp://10.0.0.5:8786
      kg shard corpus/ --out shards/ --no-load      # shards only (kg.distributed.load_shards)
      kg shard corpus/ --out shards/ --ner-model fast
    """
    from kg.builder import check_paths
    from kg.distributed import extract_shards, load_shards
    from kg.link import Linker, load_alias_table
    from kg.nlp import load_pipeline
    from kg.parallel import prepare_store
    from kg.store import Store

    target = Store(store) if load else None
    rows = cast("Callable[[str], Iterable[Any]]", target.query) if target else None
    linker = Linker(load_alias_table(rows))
    report = extract_shards(
        check_paths(paths),
        out_dir,
        client=scheduler,
        partition_size=partition_size,
        nlp_factory=functools.partial(load_pipeline, ner_model=ner_model),
        linker=linker,
    )
    click.echo(
        f"{len(report.shards)} shards, {report.articles} articles, {report.quads:,} quads "
        f"in {out_dir}"
    )
    if target is not None:
        prepare_store(target)
        loaded = load_shards(target, report.shards)
        click.echo(f"loaded {loaded} articles into {store}")
    for problem in report.problems:
        click.secho(f"skipped {problem}", fg="yellow", err=True)
    if report.problems:
        raise SystemExit(EXIT_PARTIAL)
