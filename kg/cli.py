"""The ``kg`` command line: thin commands, each one call into the library.

Library errors (:mod:`kg.errors`) become one clean message and an exit status; see ``kg --help``.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from kg import __version__
from kg.errors import KgError

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

EXIT_PARTIAL = 3

store_option = click.option(
    "--store",
    "store",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("kg-store"),
    show_default=True,
    envvar="KG_STORE",
    help="The store folder (env KG_STORE).",
)
ner_model_option = click.option(
    "--ner-model",
    default="accurate",
    show_default=True,
    metavar="accurate|fast|DIR",
    help="The NER model: the accurate default, the fast one (1.2-1.4x the speed, about one "
    "point of F1 less; see the model cards) or a trained model's directory. Articles already "
    "in the store are skipped unless --force, whatever model built them.",
)


def handle_errors(func: F) -> F:
    """Turn :class:`KgError` into a message on stderr and its exit status."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KgError as error:
            click.secho(f"Error: {error}", fg="red", err=True)
            sys.exit(error.exit_code)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="kg")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
def cli(verbose: int) -> None:
    """kg — build a knowledge graph from Chinese news.

    \b
    Quick start:
      kg build seeds/                       # build the sample pages into ./kg-store
      kg query queries/positions.rq --format table
      kg stats
    """
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(
        level=max(level, logging.DEBUG), format="%(levelname)s %(name)s: %(message)s"
    )


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@store_option
@click.option("--strict", is_flag=True, help="Stop at the first input that cannot be read.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
@click.option(
    "--force",
    is_flag=True,
    help="Extract every article again, even those already in the store unchanged "
    "(after upgrading kg or changing the pipeline).",
)
@click.option(
    "-w",
    "--workers",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Extraction processes (0: one per core); the graph is the same for any number.",
)
@ner_model_option
@handle_errors
def build(
    paths: tuple[str, ...],
    store: Path,
    strict: bool,
    quiet: bool,
    force: bool,
    workers: int,
    ner_model: str,
) -> None:
    """Build files, folders or - (stdin) into the store.

    Reads .txt/.md pages (split into articles), .html, and .jsonl (one article a line:
    id, text, title, date, source, url). Unchanged articles are skipped (--force extracts them
    again), changed ones replaced.
    Exit status 3 means the build finished but skipped some inputs (each is named).

    \b
    Examples:
      kg build seeds/
      kg build corpus.jsonl --store /data/news-kg --workers 0
      kg build seeds/ --force               # re-extract after upgrading kg
      kg build corpus.jsonl --ner-model fast --workers 0
      cat page.txt | kg build -
    """
    from kg.api import KnowledgeGraph
    from kg.ingest import iter_documents
    from kg.parallel import parallel_builder

    stop = _StopAtArticleBoundary()
    with stop.installed():
        try:
            checked = _checked(paths)
            graph = KnowledgeGraph(store, ner_model=ner_model)
            builder = graph.builder() if workers == 1 else parallel_builder(graph, workers)
            builder.force = force
        except KeyboardInterrupt:
            stop.ignore_further()
            click.secho(
                "Interrupted before the build started: no article was built.", fg="yellow", err=True
            )
            sys.exit(130)
        try:
            items = stop.guard(iter_documents(checked, strict=strict))
            report = builder.build_documents(items, progress=not quiet)
        except KeyboardInterrupt:
            stop.ignore_further()
            report = builder.report
            graph.close()
            _print_problems(report.problems)
            counted = (
                f"{report.written} articles were committed whole "
                f"({report.added} added, {report.replaced} replaced)"
                if not stop.forced
                else "every article in the store is whole (the count of this run is unknown)"
            )
            click.secho(
                f"Interrupted: {counted}; run the same command to finish.", fg="yellow", err=True
            )
            sys.exit(130)
    graph.close()
    _print_problems(report.problems)
    if not quiet:
        click.echo(f"{report.summary()}\nstore: {store}")
    if report.problems:
        sys.exit(EXIT_PARTIAL)


def _print_problems(problems: list[Any]) -> None:
    for problem in problems:
        where = f"{problem.path}:{problem.line}" if problem.line else problem.path
        click.secho(f"skipped {where}: {problem.reason}", fg="yellow", err=True)


class _StopAtArticleBoundary:
    """Ctrl-C during ``kg build``: the first stops the build between articles, a second at once.

    A ``KeyboardInterrupt`` raised wherever Python happens to be could land between an article's
    commit and the line that counts it, and the "N articles were committed" message would be
    wrong. So the first SIGINT only sets a flag; :meth:`guard`, wrapped around the stream of
    inputs, raises ``KeyboardInterrupt`` when the builder asks for its next input, which it does
    only when every article taken so far is committed and counted. A second Ctrl-C interrupts at
    once (the store still holds only whole articles; only the count is then unknown).
    """

    def __init__(self) -> None:
        self.requested = False
        self.forced = False

    def _handle(self, signum: int, frame: Any) -> None:
        if self.requested:
            self.forced = True
            raise KeyboardInterrupt
        self.requested = True
        click.secho(
            "\nStopping after the articles in progress (Ctrl-C again to stop at once)...",
            fg="yellow",
            err=True,
        )

    def ignore_further(self) -> None:
        """While the interrupted build says what it did, more Ctrl-C must not cut it short."""
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = signal.signal(signal.SIGINT, self._handle)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)

    def guard(self, items: Iterable[T]) -> Iterator[T]:
        for item in items:
            if self.requested:
                raise KeyboardInterrupt
            yield item
        if self.requested:
            raise KeyboardInterrupt


def _checked(paths: tuple[str, ...]) -> list[str]:
    from kg.builder import check_paths

    return check_paths(paths)


@cli.command()
@click.argument("file", metavar="[FILE|QUERY]", required=False)
@click.option("--sparql", help="The query text, instead of a file.")
@store_option
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    type=click.Choice(["table", "json", "csv", "tsv", "xml", "turtle", "ntriples", "nquads"]),
    help="SELECT/ASK: table, json (SPARQL 1.1 JSON), csv, tsv, xml. CONSTRUCT/DESCRIBE: turtle, "
    "ntriples, nquads.",
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Allow SERVICE clauses (they make the store send HTTP requests).",
)
@handle_errors
def query(file: str | None, sparql: str | None, store: Path, fmt: str, allow_service: bool) -> None:
    """Run a SPARQL query over the union of all graphs.

    The query is a file (``.rq``) or its text, given as the argument or with --sparql. The
    schema, rdfs, xsd and kg prefixes need no PREFIX lines.

    \b
    Examples:
      kg query queries/positions.rq --format table
      kg query 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' --format json
      kg query --sparql 'CONSTRUCT WHERE { ?s schema:founder ?o }' --format turtle
    """
    from kg.errors import QueryError
    from kg.query import query_text, run_query

    if (file is None) == (sparql is None):
        raise QueryError("Give either a query FILE (or its text) or --sparql TEXT (one of them).")
    text = query_text(file) if file is not None else str(sparql)
    sys.stdout.write(run_query(store, text, fmt, allow_service=allow_service))


@cli.command()
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@handle_errors
def stats(store: Path, as_json: bool) -> None:
    """Count articles, entities by type and relations by property.

    \b
    Example:
      kg stats --store kg-store
    """
    import dataclasses
    import json

    from kg.api import KnowledgeGraph

    result = KnowledgeGraph(store, read_only=True).stats()
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(result), ensure_ascii=False, indent=2))
        return
    click.echo(f"articles    {result.articles}")
    click.echo(f"quotations  {result.quotations}")
    click.echo(f"quads       {result.quads}")
    click.echo("entities")
    for label, count in result.entities.items():
        click.echo(f"  {label:<10} {count}")
    click.echo("relations")
    for name, count in result.relations.items():
        click.echo(f"  {name:<20} {count}")


@cli.command()
@click.argument("doc_ids", nargs=-1, required=True)
@store_option
@handle_errors
def remove(doc_ids: tuple[str, ...], store: Path) -> None:
    """Delete articles (their named graphs) by document id.

    \b
    Example:
      kg remove '000_80a7bdd84154d8e7#2'
    """
    from kg.api import KnowledgeGraph

    graph = KnowledgeGraph(store)
    for doc_id in doc_ids:
        found = graph.remove(doc_id)
        click.echo(f"{'removed' if found else 'not found'}: {doc_id}")
    graph.close()


@cli.command()
@store_option
@handle_errors
def validate(store: Path) -> None:
    """Check the store against the graph contract's SHACL shapes (ontology/shapes.ttl).

    Exit status 1 and the SHACL report when the graph does not conform.

    \b
    Example:
      kg validate --store kg-store
    """
    from kg.graph.validate import validate_store
    from kg.store import Store

    report = validate_store(Store(store, read_only=True))
    if report.conforms:
        click.echo(f"conforms: {report.triples:,} triples checked against ontology/shapes.ttl")
        return
    click.echo(report.text)
    sys.exit(1)


def main() -> None:
    """Entry point of the ``kg`` console script."""
    from kg.commands import register_all

    register_all(cli)
    cli(prog_name="kg")
