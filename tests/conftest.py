"""Fixtures shared across the test suite: small, hand-built, defined once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


@pytest.fixture(scope="session")
def blank_nlp() -> Language:
    """A model-free pipeline: the kg tokenizer and sentence splitter only (fast)."""
    import spacy

    from kg.nlp.records import register_extensions
    from kg.nlp.sentences import make_sentencizer  # noqa: F401  (registers the factory)
    from kg.nlp.tokenizer import CharTokenizer

    register_extensions()
    nlp = spacy.blank("zh")
    nlp.tokenizer = CharTokenizer(nlp.vocab)
    nlp.add_pipe("kg_sentences")
    return nlp


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The real pipeline of ``kg build`` (loaded once per test session)."""
    from kg.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seeds_store(tmp_path_factory: pytest.TempPathFactory, nlp: Language) -> Path:
    """A store built once from the seed pages with the real pipeline (read it, don't write)."""
    from kg.api import KnowledgeGraph

    path = tmp_path_factory.mktemp("seeds") / "kg-store"
    graph = KnowledgeGraph(path, nlp=nlp)
    graph.build([SEEDS])
    graph.close()
    del graph
    return path


# --- a real uvicorn on 127.0.0.1 (appended for the reliability tests) ------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def uvicorn_running(app: Any) -> Iterator[str]:
    """Serve an ASGI ``app`` with a real uvicorn in a thread on 127.0.0.1; yields the base URL."""
    import threading
    import time

    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture(scope="session")
def serve_app() -> Callable[[Any], AbstractContextManager[str]]:
    """``with serve_app(app) as base_url: ...`` runs ``app`` on a real uvicorn (loopback only)."""
    return uvicorn_running


# --- `kg` in a subprocess with the stand-in pipeline (appended for the reliability tests) -------

STAND_IN_KG = """
import sys

import spacy

from kg.nlp.records import register_extensions
from kg.nlp.sentences import make_sentencizer
from kg.nlp.tokenizer import CharTokenizer

register_extensions()
nlp = spacy.blank("zh")
nlp.tokenizer = CharTokenizer(nlp.vocab)
nlp.add_pipe("kg_sentences")

from kg.api import KnowledgeGraph

KnowledgeGraph.nlp = property(lambda self: nlp)

from kg.cli import main

sys.argv = ["kg", *sys.argv[1:]]
main()
"""


@pytest.fixture(scope="session")
def stand_in_kg() -> list[str]:
    """The command line of ``kg`` run in a new process with the stand-in pipeline (no model):
    ``subprocess.run([*stand_in_kg, "build", ...])``."""
    import sys

    return [sys.executable, "-c", STAND_IN_KG]
