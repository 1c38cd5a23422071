"""``kg query``: run SPARQL over a store and serialise the answer.

SELECT and ASK answers are written in the SPARQL 1.1 results formats (JSON, XML, CSV, TSV) by
pyoxigraph, or as a table for people; CONSTRUCT and DESCRIBE answers as Turtle, N-Triples or
N-Quads.
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pyoxigraph as ox

from kg.errors import QueryError
from kg.store import Store

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
}


#: How a SPARQL query or update starts (after comments): a prologue or a query form.
_QUERY_START = re.compile(
    r"^\s*(?:#[^\n]*\n\s*)*(?:PREFIX|BASE|SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE
)


def query_text(file_or_query: str) -> str:
    """The text of the query ``file_or_query`` names: a file's contents, or the argument itself
    when it is a query (``SELECT …``, ``PREFIX …``) rather than a path."""
    path = Path(file_or_query)
    if _QUERY_START.match(file_or_query):
        return file_or_query
    if path.is_file():
        return path.read_text(encoding="utf-8")
    raise QueryError(
        f"No query file {file_or_query!r}. Give a .rq file (see queries/) or the query text, "
        "e.g. kg query 'SELECT * WHERE { ?s ?p ?o } LIMIT 10'."
    )


def run_query(
    store_path: Path, text: str, fmt: str = "table", *, allow_service: bool = False
) -> str:
    """Run ``text`` on the store at ``store_path`` and return the serialised answer."""
    from kg.sparql_policy import check_query

    check_query(text, allow_service=allow_service)
    store = Store(store_path, read_only=True)
    return format_result(store.query(text), fmt)


def format_result(result: object, fmt: str) -> str:
    if isinstance(result, ox.QueryTriples):
        rdf_format = GRAPH_FORMATS.get(fmt if fmt != "table" else "turtle")
        if rdf_format is None:
            raise QueryError(
                f"A CONSTRUCT/DESCRIBE answer is a graph: use --format "
                f"{'|'.join(GRAPH_FORMATS)}, not {fmt}."
            )
        return _decode(result.serialize(format=rdf_format))
    if isinstance(result, ox.QueryBoolean):
        if fmt == "table":
            return "true\n" if bool(result) else "false\n"
        return _decode(result.serialize(format=_results_format(fmt)))
    assert isinstance(result, ox.QuerySolutions)
    if fmt == "table":
        return render_table(result)
    return _decode(result.serialize(format=_results_format(fmt)))


def _results_format(fmt: str) -> ox.QueryResultsFormat:
    try:
        return RESULT_FORMATS[fmt]
    except KeyError:
        raise QueryError(
            f"A SELECT/ASK answer is a table: use --format table|"
            f"{'|'.join(RESULT_FORMATS)}, not {fmt}."
        ) from None


def _decode(data: bytes | None) -> str:
    return (data or b"").decode("utf-8")


def render_table(solutions: ox.QuerySolutions) -> str:
    """A plain-text table, aligned for Chinese (wide) characters."""
    names = [v.value for v in solutions.variables]
    rows = [[_cell(solution[name]) for name in names] for solution in solutions]
    widths = [max([_width(n)] + [_width(r[i]) for r in rows]) for i, n in enumerate(names)]
    out = io.StringIO()
    out.write(_line(names, widths))
    out.write(_line(["-" * w for w in widths], widths))
    for row in rows:
        out.write(_line(row, widths))
    out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")
    return out.getvalue()


def _cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode):
        return term.value.replace("\n", " ")
    return str(term)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _line(cells: list[str], widths: list[int]) -> str:
    padded = [c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True)]
    return "  ".join(padded).rstrip() + "\n"
