"""Where the shipped data folders live (``ontology/`` and ``queries/``), and how many cores this
process may use (:func:`available_cores`).

An installed wheel carries them inside the package as ``kg/_data/<kind>`` (see the
``force-include`` table in ``pyproject.toml``); a source checkout has them at the repository's top
level, next to ``kg/``. :func:`data_path` returns whichever exists, the packaged copy first.
"""

from __future__ import annotations

import os
from pathlib import Path

from kg.errors import ModelError

#: The data folders the package ships.
KINDS: tuple[str, ...] = ("ontology", "queries")

_PACKAGE_DIR = Path(__file__).resolve().parent


class DataNotFoundError(ModelError):
    """A shipped data folder (``ontology/``, ``queries/``) is missing from the installation."""


def data_path(kind: str) -> Path:
    """Return the folder holding the shipped ``kind`` files (``"ontology"`` or ``"queries"``).

    >>> data_path("ontology").name
    'ontology'
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown data folder {kind!r}; expected one of {', '.join(KINDS)}.")
    candidates = (_PACKAGE_DIR / "_data" / kind, _PACKAGE_DIR.parent / kind)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    tried = ", ".join(str(path) for path in candidates)
    raise DataNotFoundError(
        f"The {kind!r} data folder is missing (looked in {tried}). Reinstall the package "
        "(`pip install -e .` in a checkout, or a freshly built wheel) so that it is present."
    )


def ontology_files() -> list[Path]:
    """The ontology files a store holds in its ontology graph: ``kg.ttl`` only.

    ``shapes.ttl`` stays in the package, where ``kg validate`` reads it: its SHACL lists and
    property shapes are blank nodes, which would make two builds' dumps of the same store differ.
    """
    return [data_path("ontology") / "kg.ttl"]


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
