"""``kg serve``, ``kg export``, ``kg view`` and ``kg explain``: thin commands over the library."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

import click

from kg.cli import handle_errors, store_option

EXPORT_FORMATS = ["gexf", "graphml", "csv", "nquads", "trig", "turtle", "ntriples", "jsonld"]


@click.command()
@store_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind; 0.0.0.0 exposes the endpoint to the network.",
)
@click.option("--port", default=7878, show_default=True, type=int)
@click.option(
    "--allow-update", is_flag=True, help="Accept SPARQL Update at /update (needs a token)."
)
@click.option(
    "--token", envvar="KG_UPDATE_TOKEN", help="Bearer token for updates (env KG_UPDATE_TOKEN)."
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Allow SERVICE clauses (the server would fetch any URL a query names).",
)
@click.option(
    "--timeout", default=30.0, show_default=True, type=float, help="Query time limit (s)."
)
@handle_errors
def serve(
    store: Path,
    host: str,
    port: int,
    allow_update: bool,
    token: str | None,
    allow_service: bool,
    timeout: float,
) -> None:
    """Serve the store as a SPARQL 1.1 endpoint (read-only unless told otherwise).

    \b
    Examples:
      kg serve                              # http://127.0.0.1:7878/sparql
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE {?s ?p ?o} LIMIT 5' \\
           http://127.0.0.1:7878/sparql
    """
    from kg.errors import KgError
    from kg.serve import serve as run

    if allow_update and not token:
        raise KgError("--allow-update needs a token: pass --token or set KG_UPDATE_TOKEN.")
    run(
        store,
        host=host,
        port=port,
        announce=lambda url: click.echo(f"SPARQL endpoint: {url} (store {store})", err=True),
        allow_update=allow_update,
        update_token=token,
        allow_service=allow_service,
        timeout_s=timeout,
    )


@click.command()
@store_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default="gexf",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Output file (for csv: a folder or prefix). Default: stdout for RDF formats, "
    "graph.<ext> otherwise.",
)
@click.option(
    "--query",
    "query_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A CONSTRUCT, or a SELECT of entities, choosing the subgraph to export.",
)
@click.option(
    "--co-mentions",
    type=click.Choice(["sentence", "article"]),
    help="Add weighted co-mention edges between entities named together.",
)
@click.option("--layout", is_flag=True, help="Precompute node positions (GEXF).")
@handle_errors
def export(
    store: Path,
    fmt: str,
    output: Path | None,
    query_file: Path | None,
    co_mentions: str | None,
    layout: bool,
) -> None:
    """Export the graph for Gephi (GEXF, GraphML, CSV) or as RDF.

    \b
    Examples:
      kg export --format gexf -o graph.gexf --layout
      kg export --format csv -o gephi/          # nodes.csv + edges.csv
      kg export --format turtle > graph.ttl
      kg export --format gexf --query queries/positions-graph.rq -o positions.gexf
    """
    from kg.export import export_store
    from kg.store import Store

    query = query_file.read_text(encoding="utf-8") if query_file else None
    source = Store(store, read_only=True)
    target: Path | BinaryIO
    if output is None and fmt in {"nquads", "trig", "turtle", "ntriples", "jsonld"}:
        target = sys.stdout.buffer
    else:
        target = output or Path(f"graph.{'csv' if fmt == 'csv' else fmt}")
    report = export_store(
        source,
        target,
        fmt,
        query=query,
        co_mentions=co_mentions,
        layout=layout,
    )
    if target is not sys.stdout.buffer:
        written = ", ".join(str(p) for p in report.outputs) or str(target)
        click.echo(f"wrote {written}: {report.describe()}", err=True)


@click.command()
@store_option
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), default=Path("graph.html"), show_default=True
)
@click.option(
    "--query",
    "query_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Show only the subgraph a CONSTRUCT or SELECT of entities chooses.",
)
@handle_errors
def view(store: Path, output: Path, query_file: Path | None) -> None:
    """Write one self-contained HTML page to explore the graph offline.

    \b
    Example:
      kg view -o graph.html && xdg-open graph.html
    """
    from kg.export.view import write_view
    from kg.store import Store

    query = query_file.read_text(encoding="utf-8") if query_file else None
    path = write_view(Store(store, read_only=True), output, query=query)
    click.echo(f"wrote {path}", err=True)


@click.command()
@click.argument("entity")
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
@handle_errors
def explain(entity: str, store: Path, as_json: bool) -> None:
    """Show which mentions, aliases and rules made an entity node.

    ENTITY is a label, an alias or an IRI.

    \b
    Examples:
      kg explain 国家医保局
      kg explain https://w3id.org/kg-news/id/org/中国科学院
    """
    from kg.link.explain import explain as run
    from kg.link.explain import store_query
    from kg.store import Store

    answer = run(entity, store_query(Store(store, read_only=True)))
    click.echo(answer.to_json() if as_json else answer.format())
