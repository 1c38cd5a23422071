"""What a SPARQL request may do, decided on the parsed text (never by substring matching).

pyoxigraph really evaluates ``SERVICE`` (it sends HTTP requests to the named endpoint) and ``LOAD``
(it fetches the document), so an endpoint open to others must refuse them unless told otherwise;
and a read-only endpoint must refuse every update. Both checks parse the text with rdflib's SPARQL
1.1 grammar (:func:`rdflib.plugins.sparql.parser.parseQuery` / ``parseUpdate``, no prefix
resolution, so ``schema:``-style names without ``PREFIX`` lines still parse) and walk the parse
tree.

A text rdflib cannot parse is refused as malformed (:class:`~kg.errors.QueryError`): the policy
cannot vouch for what it cannot read. Extensions that oxigraph accepts but SPARQL 1.1 lacks
(RDF-star ``<< >>``, ``LATERAL``) are therefore refused too.

>>> check_query("SELECT ?s WHERE { ?s a schema:Person }")
<QueryKind.SELECT: 'SELECT'>
>>> check_query("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
Traceback (most recent call last):
...
kg.errors.UnsafeQueryError: The query uses SERVICE <http://example.org/sparql>, ...
>>> check_update("CLEAR ALL", allow_update=False)
Traceback (most recent call last):
...
kg.errors.UnsafeQueryError: Updates are disabled: ...
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Iterator
from typing import Any

from pyparsing import ParseBaseException, ParseResults
from rdflib.plugins.sparql import parser as _rdflib_parser
from rdflib.plugins.sparql.parserutils import CompValue

from kg.errors import QueryError, UnsafeQueryError

__all__ = ["QueryKind", "UpdateOperation", "check_query", "check_update"]


class QueryKind(enum.Enum):
    """The four SPARQL query forms."""

    SELECT = "SELECT"
    CONSTRUCT = "CONSTRUCT"
    ASK = "ASK"
    DESCRIBE = "DESCRIBE"

    @property
    def returns_graph(self) -> bool:
        """Whether the answer is RDF triples (CONSTRUCT, DESCRIBE) rather than a result table."""
        return self in (QueryKind.CONSTRUCT, QueryKind.DESCRIBE)


_QUERY_KINDS = {
    "SelectQuery": QueryKind.SELECT,
    "ConstructQuery": QueryKind.CONSTRUCT,
    "AskQuery": QueryKind.ASK,
    "DescribeQuery": QueryKind.DESCRIBE,
}

UpdateOperation = str
"""The rdflib name of one update operation: ``Load``, ``Clear``, ``Drop``, ``InsertData``..."""


def _walk(node: Any) -> Iterator[CompValue]:
    """Every :class:`CompValue` in a parse tree, depth first."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, ParseResults | list | tuple):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())


def _services(tree: Any) -> list[str]:
    return [str(c.get("term")) for c in _walk(tree) if c.name == "ServiceGraphPattern"]


def _refuse_services(tree: Any, allow_service: bool) -> None:
    services = _services(tree)
    if services and not allow_service:
        raise UnsafeQueryError(
            f"The query uses SERVICE <{services[0]}>, which would make this server send requests "
            "to other endpoints; federated queries are disabled. Query the other endpoint "
            "yourself, or start the server with SERVICE allowed (allow_service=True / "
            "--allow-service)."
        )


# rdflib's pyparsing grammar is not thread-safe (concurrent first parses corrupt it for good), and
# the endpoint parses in worker threads: one parse at a time. Parsing takes milliseconds.
_PARSE_LOCK = threading.Lock()


def _parse_query(text: str) -> ParseResults:
    with _PARSE_LOCK:
        return _rdflib_parser.parseQuery(text)


def _parse_update(text: str) -> CompValue:
    with _PARSE_LOCK:
        return _rdflib_parser.parseUpdate(text)


def _message(error: ParseBaseException) -> str:
    return f"line {error.lineno}, column {error.col}: {error.msg}"


def check_query(text: str, *, allow_service: bool = False) -> QueryKind:
    """Parse a SPARQL query and return its form; refuse updates and (by default) ``SERVICE``.

    Raises :class:`~kg.errors.QueryError` if the text is not a SPARQL 1.1 query, and
    :class:`~kg.errors.UnsafeQueryError` if it is an update or calls ``SERVICE`` while
    ``allow_service`` is false.

    >>> check_query("CONSTRUCT WHERE { ?s ?p ?o }").returns_graph
    True
    >>> check_query("SELEC * {}")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: The SPARQL query is malformed (line 1, column 1: ...
    """
    try:
        tree = _parse_query(text)
    except ParseBaseException as error:
        try:
            _parse_update(text)
        except ParseBaseException:
            raise QueryError(
                f"The SPARQL query is malformed ({_message(error)}). Check the syntax against "
                "SPARQL 1.1: https://www.w3.org/TR/sparql11-query/"
            ) from None
        raise UnsafeQueryError(
            "This is a SPARQL update, not a query. Send it to the update endpoint (/update), "
            "which is disabled unless the server was started with updates allowed."
        ) from None
    except RecursionError:
        raise QueryError("The SPARQL query is nested too deeply to be parsed.") from None
    except ValueError as error:  # from rdflib's expansion of bad \u and \U escapes
        raise QueryError(f"The SPARQL query is malformed ({error}).") from None
    kind = next((_QUERY_KINDS[c.name] for c in _walk(tree) if c.name in _QUERY_KINDS), None)
    if kind is None:  # pragma: no cover - the grammar guarantees one of the four forms
        raise QueryError("The SPARQL text holds no SELECT, CONSTRUCT, ASK or DESCRIBE query.")
    _refuse_services(tree, allow_service)
    return kind


def check_update(
    text: str, *, allow_update: bool, allow_service: bool = False
) -> list[UpdateOperation]:
    """Parse a SPARQL update and return its operations, or refuse it.

    Updates are refused unless ``allow_update``; ``LOAD`` (which fetches a URL) and ``SERVICE``
    inside ``WHERE`` are refused unless ``allow_service`` as well.

    >>> check_update("INSERT DATA { <http://a/s> <http://a/p> 1 }", allow_update=True)
    ['InsertData']
    >>> check_update("LOAD <http://example.org/data.ttl>", allow_update=True)
    Traceback (most recent call last):
    ...
    kg.errors.UnsafeQueryError: LOAD fetches <http://example.org/data.ttl> from the network, ...
    """
    if not allow_update:
        raise UnsafeQueryError(
            "Updates are disabled: this endpoint is read-only. Change the store with `kg build`, "
            "or start the server with updates allowed and an update token."
        )
    try:
        tree = _parse_update(text)
    except ParseBaseException as error:
        raise QueryError(
            f"The SPARQL update is malformed ({_message(error)}). Check the syntax against "
            "SPARQL 1.1 Update: https://www.w3.org/TR/sparql11-update/"
        ) from None
    except RecursionError:
        raise QueryError("The SPARQL update is nested too deeply to be parsed.") from None
    except ValueError as error:  # from rdflib's expansion of bad \u and \U escapes
        raise QueryError(f"The SPARQL update is malformed ({error}).") from None
    requests = list(tree["request"] or [])
    operations = [str(op.name) for op in requests]
    if not allow_service:
        for op in requests:
            if op.name == "Load":
                raise UnsafeQueryError(
                    f"LOAD fetches <{op.get('iri')}> from the network, which is disabled. Load the "
                    "file with `kg` locally, or allow network access (allow_service=True)."
                )
        _refuse_services(tree, allow_service)
    return operations
