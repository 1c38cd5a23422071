"""A SPARQL 1.1 Protocol endpoint over a ``kg`` store (Starlette + uvicorn): ``create_app``
returns the ASGI app, ``serve`` runs it with uvicorn.

Routes
    ``/sparql`` (alias ``/query``): queries by ``GET ?query=``, by ``POST`` form-encoded
    (``query=``) and by ``POST`` with ``Content-Type: application/sparql-query``;
    ``default-graph-uri`` / ``named-graph-uri`` are honoured and other parameters (SPARQLWrapper's
    ``format``, ``output``, ``results``) ignored. Without ``default-graph-uri`` the default graph
    is the union of all graphs. Results follow the ``Accept`` header: SPARQL JSON (default), XML,
    CSV, TSV for ``SELECT``/``ASK``; Turtle (default), N-Triples, N-Quads, TriG, JSON-LD, RDF/XML
    for ``CONSTRUCT``/``DESCRIBE``. All serialisation is pyoxigraph's.
    ``/update``: SPARQL Update, refused (403) unless the app was created with ``allow_update``
    and the request carries ``Authorization: Bearer <update_token>``.
    ``/``: a short HTML page; ``/health``: JSON status.

Safety
    Every query is parsed by :mod:`kg.sparql_policy` before it runs: updates are refused on the
    query routes and ``SERVICE`` (which pyoxigraph would really send over HTTP) is refused unless
    ``allow_service``. Request bodies larger than ``max_body_bytes`` get 413. A query runs in a
    worker thread; after ``timeout_s`` the client gets 503. **pyoxigraph cannot cancel a running
    query**: the worker thread keeps evaluating until the query ends, so a few pathological
    queries can keep the (small, bounded) worker pool busy; later queries then wait in the queue
    and time out too. Parsing (rdflib) runs in the worker thread as well. A query returning more
    than ``max_results`` rows (or triples) is refused with 400 and a message asking for a
    ``LIMIT``: rows are gathered before anything is sent, so an answer is never silently cut.

Store access
    Without updates the store is opened read-only (``kg.store.Store(path, read_only=True)``): many
    readers may share it, but not with a writer. Readers and writers take the store's lock file
    (see :mod:`kg.store`), so the server refuses to start while ``kg build`` writes the store, and
    ``kg build`` refuses to write while the server reads it (build into another folder and restart
    the server on it). With ``allow_update`` the store is opened for writing.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hmac
import html
import logging
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

import pyoxigraph as ox
import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from kg.errors import QueryError, StoreError, UnsafeQueryError
from kg.export.results import (
    graph_format,
    media_type,
    result_format,
    solutions_bytes,
    triples_bytes,
)
from kg.sparql_policy import QueryKind, check_query, check_update
from kg.store import Store

__all__ = ["create_app", "serve"]

log = logging.getLogger(__name__)

_WORKERS = 4


class _Refused(Exception):
    """An HTTP error with a readable message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class _Options:
    allow_update: bool
    update_token: str | None
    allow_service: bool
    timeout_s: float
    max_body_bytes: int
    max_results: int


@dataclass(frozen=True)
class _Request:
    """A SPARQL protocol request, whatever way it arrived."""

    query: str | None
    update: str | None
    default_graphs: list[str]
    named_graphs: list[str]


# --- running queries (in worker threads) ------------------------------------------------------


def _graph_nodes(iris: list[str]) -> list[ox.NamedNode]:
    try:
        return [ox.NamedNode(iri) for iri in iris]
    except ValueError as error:
        raise _Refused(400, f"Not a valid graph IRI: {error}") from None


def _run_query(
    store: Store,
    req: _Request,
    kind: QueryKind,
    fmt: ox.QueryResultsFormat | ox.RdfFormat,
    limit: int,
) -> bytes:
    assert req.query is not None
    result = store.query(
        req.query,
        default_graph=_graph_nodes(req.default_graphs) if req.default_graphs else None,
        named_graphs=_graph_nodes(req.named_graphs) if req.named_graphs else None,
    )
    if isinstance(result, ox.QuerySolutions):
        assert isinstance(fmt, ox.QueryResultsFormat)
        return solutions_bytes(result, fmt, limit)
    if isinstance(result, ox.QueryTriples):
        assert isinstance(fmt, ox.RdfFormat)
        return triples_bytes(result, fmt, limit)
    assert isinstance(fmt, ox.QueryResultsFormat)
    boolean = result if isinstance(result, ox.QueryBoolean) else None
    if boolean is None:  # pragma: no cover - pyoxigraph 0.5 always returns QueryBoolean
        raise QueryError(f"Unexpected {kind.value} result.")
    return boolean.serialize(format=fmt) or b""


def _run_query_in_thread(
    store: Store,
    req: _Request,
    kind: QueryKind,
    fmt: ox.QueryResultsFormat | ox.RdfFormat,
    limit: int,
) -> bytes | Exception:
    """:func:`_run_query`, returning (not raising) its error stripped of its traceback.

    pyoxigraph's result iterators must be dropped on the thread that made them; a traceback that
    crossed to the event loop would keep them alive there.
    """
    try:
        return _run_query(store, req, kind, fmt, limit)
    except (_Refused, QueryError) as error:
        return error.with_traceback(None)
    except Exception as error:
        log.exception("Query failed: %s", req.query)
        return QueryError(f"The query failed: {error}")


# --- the app ----------------------------------------------------------------------------------


def _open_store(path: Path, read_only: bool) -> Store:
    """Open the store; a read-only open retries while a writer is swapping its files."""
    for _ in range(9):
        with contextlib.suppress(RuntimeError):  # RocksDB saw files a writer just replaced
            return Store(path, read_only=read_only)
        time.sleep(0.2)
    try:
        return Store(path, read_only=read_only)
    except RuntimeError as error:
        raise StoreError(f"Could not open the store at {path}: {error}") from error


async def _body(request: Request, limit: int) -> bytes:
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limit:
        raise _Refused(413, f"The request body is larger than {limit} bytes, the limit here.")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _Refused(413, f"The request body is larger than {limit} bytes, the limit here.")
        chunks.append(chunk)
    return b"".join(chunks)


async def _protocol_request(request: Request, limit: int) -> _Request:
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    query = update = None
    if request.method == "POST":
        body = (await _body(request, limit)).decode("utf-8", errors="replace")
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media == "application/x-www-form-urlencoded":
            for key, values in parse_qs(body, keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
        elif media == "application/sparql-query":
            query = body
        elif media == "application/sparql-update":
            update = body
        else:
            raise _Refused(
                415,
                f"Unsupported Content-Type {media or '(none)'}: send "
                "application/sparql-query, application/sparql-update or a "
                "form (application/x-www-form-urlencoded).",
            )
    if query is None and params.get("query"):
        query = params["query"][0]
    if update is None and params.get("update"):
        update = params["update"][0]
    return _Request(
        query,
        update,
        params.get("default-graph-uri", []),
        params.get("named-graph-uri", []),
    )


def _error(status: int, message: str) -> PlainTextResponse:
    return PlainTextResponse(message + "\n", status_code=status)


def create_app(
    store_path: Path,
    *,
    allow_update: bool = False,
    update_token: str | None = None,
    allow_service: bool = False,
    timeout_s: float = 30.0,
    max_body_bytes: int = 1_000_000,
    max_results: int = 100_000,
) -> Starlette:
    """The SPARQL endpoint for the store at ``store_path`` as a Starlette app.

    ``allow_update`` requires an ``update_token`` (clients send it as a Bearer token) and opens
    the store for writing; otherwise the store is opened read-only.
    Raises :class:`~kg.errors.StoreError` if the store cannot be opened.
    """
    if allow_update and not update_token:
        raise ValueError(
            "allow_update needs an update_token: clients must send "
            "'Authorization: Bearer <token>' to change the store."
        )
    options = _Options(
        allow_update, update_token, allow_service, timeout_s, max_body_bytes, max_results
    )
    store = _open_store(Path(store_path), read_only=not allow_update)
    executor = ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="kg-sparql")

    async def in_thread(function: Any, *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(executor, function, *args)
        try:
            return await asyncio.wait_for(future, timeout=options.timeout_s)
        except TimeoutError:
            raise _Refused(
                503,
                f"The query ran longer than {options.timeout_s:g} s and was "
                "abandoned. Make it more selective or add a LIMIT. (The "
                "server finishes it in the background: pyoxigraph cannot "
                "cancel a running query.)",
            ) from None

    async def run_update(request: Request, text: str) -> Response:
        token = request.headers.get("authorization", "")
        expected = f"Bearer {options.update_token}"
        if not options.allow_update:
            check_update(text, allow_update=False)  # raises the read-only message
        if not hmac.compare_digest(token.encode(), expected.encode()):
            raise _Refused(
                403, "Updates need 'Authorization: Bearer <token>' with the server's update token."
            )
        await in_thread(
            functools.partial(check_update, allow_update=True, allow_service=options.allow_service),
            text,
        )
        await in_thread(store.update, text)
        await in_thread(store.flush)
        return Response(status_code=204)

    async def handle(request: Request, *, update_only: bool) -> Response:
        try:
            req = await _protocol_request(request, options.max_body_bytes)
            if update_only or (req.query is None and req.update is not None):
                if request.method != "POST" or req.update is None:
                    raise _Refused(
                        400,
                        "Send updates by POST, as 'update=' in a form or with "
                        "Content-Type: application/sparql-update.",
                    )
                return await run_update(request, req.update)
            if req.query is None:
                raise _Refused(
                    400,
                    "No query: pass the SPARQL text as the 'query' parameter "
                    "(GET or POST form) or POST it as application/sparql-query.",
                )
            # parsing a large text takes a while: keep it off the event loop, under the timeout
            kind = await in_thread(
                functools.partial(check_query, allow_service=options.allow_service), req.query
            )
            accept = request.headers.get("accept")
            fmt = graph_format(accept) if kind.returns_graph else result_format(accept)
            body = await in_thread(_run_query_in_thread, store, req, kind, fmt, options.max_results)
            if isinstance(body, Exception):
                raise body
            return Response(body, media_type=media_type(fmt))
        except _Refused as refused:
            return _error(refused.status, refused.message)
        except UnsafeQueryError as error:
            return _error(403, str(error))
        except QueryError as error:
            return _error(400, str(error))

    async def sparql(request: Request) -> Response:
        return await handle(request, update_only=False)

    async def update(request: Request) -> Response:
        return await handle(request, update_only=True)

    async def health(request: Request) -> Response:
        return JSONResponse(
            {
                "status": "ok",
                "store": str(store_path),
                "read_only": not allow_update,
                "updates": allow_update,
                "service": allow_service,
                "timeout_s": timeout_s,
                "max_results": max_results,
            }
        )

    async def home(request: Request) -> Response:
        return HTMLResponse(
            _HOME.format(
                store=html.escape(str(store_path)),
                mode="read-write" if allow_update else "read-only",
                example=html.escape(_EXAMPLE),
            )
        )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        executor.shutdown(wait=False, cancel_futures=True)

    routes = [
        Route("/", home),
        Route("/health", health),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/query", sparql, methods=["GET", "POST"]),
        Route("/update", update, methods=["POST"]),
    ]
    middleware = [
        Middleware(
            CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"], allow_headers=["*"]
        )
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.store = store
    return app


def serve(
    store_path: Path,
    host: str = "127.0.0.1",
    port: int = 7878,
    *,
    announce: Callable[[str], None] | None = None,
    **options: Any,
) -> None:
    """Run the endpoint with uvicorn until interrupted; ``options`` go to :func:`create_app`.

    The store is opened first, so a store that cannot be served (missing, locked by a build)
    raises before anything is announced; then ``announce`` gets the endpoint's URL.
    """
    app = create_app(Path(store_path), **options)
    url = f"http://{host}:{port}/sparql"
    log.info("SPARQL endpoint for %s at %s", store_path, url)
    if announce is not None:
        announce(url)
    uvicorn.run(app, host=host, port=port, log_level="info")


_EXAMPLE = "sparql?query=" + quote(
    "SELECT ?type (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?type } GROUP BY ?type ORDER BY DESC(?n)"
)

_HOME = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kg SPARQL endpoint</title></head>
<body><h1>kg SPARQL endpoint</h1>
<p>A SPARQL 1.1 endpoint over the knowledge graph in <code>{store}</code> ({mode}).
Chinese science and technology news as RDF: entities (schema:Person, schema:Organization, ...),
their relations with evidence sentences, one named graph per article.</p>
<ul>
<li><code>/sparql</code> (or <code>/query</code>): GET <code>?query=...</code>, POST a form or
<code>application/sparql-query</code>. The default graph is the union of all graphs; a statement
stated in several articles comes once per article graph, so use <code>DISTINCT</code>.
Results as SPARQL JSON, XML, CSV or TSV; graphs as Turtle, N-Triples, N-Quads, JSON-LD or RDF/XML,
chosen by the <code>Accept</code> header.</li>
<li><code>/update</code>: SPARQL Update, only if allowed. <code>/health</code>: status.</li>
</ul>
<p>Try: <a href="{example}">entities by type</a>.</p>
</body></html>
"""
