r"""SPARQL answers as bytes: content negotiation and pyoxigraph's serialisers, with a size limit.

Used by the endpoint (:mod:`kg.serve`) and usable by ``kg query``. Rows (or triples) are gathered
up to ``limit`` before anything is written, so an answer is never silently cut: past the limit
:class:`ResultLimitError` is raised.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> answer = store.query("SELECT ?x WHERE { VALUES ?x { 1 2 } }")
>>> solutions_bytes(answer, result_format("text/csv;q=0.9, */*;q=0.1"), limit=10)
b'x\r\n1\r\n2\r\n'
>>> graph_format("application/n-triples, text/turtle;q=0.5").name
'N-Triples'
"""

from __future__ import annotations

import contextlib
import json
from itertools import islice
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError

__all__ = [
    "ResultLimitError",
    "graph_format",
    "media_type",
    "result_format",
    "solutions_bytes",
    "triples_bytes",
]


class ResultLimitError(QueryError):
    """The answer has more rows (or triples) than the caller allows."""


_RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_GRAPH_ALIASES: dict[str, ox.RdfFormat] = {
    "application/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/json": ox.RdfFormat.JSON_LD,
    "text/plain": ox.RdfFormat.N_TRIPLES,
}


def accepted(accept: str | None) -> list[str]:
    """Media types of an ``Accept`` header, best first (stable for equal q-values)."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                with contextlib.suppress(ValueError):
                    q = float(value)
        if q > 0:
            ranked.append((-q, index, fields[0].lower()))
    return [media for _, _, media in sorted(ranked)]


def result_format(accept: str | None) -> ox.QueryResultsFormat:
    for media in accepted(accept):
        if media in _RESULT_FORMATS:
            return _RESULT_FORMATS[media]
        if media in ("*/*", "application/*"):
            break
    return ox.QueryResultsFormat.JSON


def graph_format(accept: str | None) -> ox.RdfFormat:
    for media in accepted(accept):
        fmt = _GRAPH_ALIASES.get(media) or ox.RdfFormat.from_media_type(media)
        if fmt is not None and fmt != ox.RdfFormat.STREAMING_JSON_LD:
            return fmt
        if media in ("*/*", "text/*"):
            break
    return ox.RdfFormat.TURTLE


def media_type(fmt: ox.QueryResultsFormat | ox.RdfFormat) -> str:
    """The media type to send ``fmt`` with."""
    return str(fmt.media_type)


def _term_json(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": _term_json(term.subject),
            "predicate": _term_json(term.predicate),
            "object": _term_json(term.object),
        },
    }


def _bytes(data: bytes | None) -> bytes:
    return data or b""


def _too_many(limit: int) -> ResultLimitError:
    return ResultLimitError(
        f"The query returns more than {limit} results, the limit of this "
        "endpoint. Add a LIMIT (and OFFSET to page through the answer).",
    )


def solutions_bytes(solutions: ox.QuerySolutions, fmt: ox.QueryResultsFormat, limit: int) -> bytes:
    """Gather at most ``limit`` rows, then let pyoxigraph serialise them in ``fmt``."""
    names = [v.value for v in solutions.variables]
    rows = list(islice(solutions, limit + 1))
    if len(rows) > limit:
        raise _too_many(limit)
    bindings = [
        {name: _term_json(row[name]) for name in names if row[name] is not None} for row in rows
    ]
    document = json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}})
    table = ox.parse_query_results(document.encode("utf-8"), format=ox.QueryResultsFormat.JSON)
    assert isinstance(table, ox.QuerySolutions)
    return _bytes(table.serialize(format=fmt))


def triples_bytes(triples: ox.QueryTriples, fmt: ox.RdfFormat, limit: int) -> bytes:
    gathered = list(islice(triples, limit + 1))
    if len(gathered) > limit:
        raise _too_many(limit)
    items: list[Any] = gathered
    if fmt.supports_datasets:
        items = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in gathered]
    return _bytes(ox.serialize(items, format=fmt, prefixes={"schema": "http://schema.org/"}))
