"""The named exceptions of ``kg``.

Every message says what went wrong and what to do about it; the CLI prints the message
without a traceback and exits with :attr:`KgError.exit_code`:

==  ==========================================================
1   any other error
2   wrong usage (unknown option, missing argument)
3   ``kg build`` finished but skipped some inputs (each is named)
4   :class:`InputError`    5  :class:`ModelError`   6  :class:`StoreError`
7   :class:`QueryError`    8  :class:`UnsafeQueryError`   9  :class:`ExportError`
==  ==========================================================
"""

from __future__ import annotations


class KgError(Exception):
    """Base class of every error ``kg`` raises on purpose."""

    exit_code: int = 1


class InputError(KgError):
    """An input file or document cannot be read (missing, undecodable, malformed)."""

    exit_code = 4


class ModelError(KgError):
    """The NLP pipeline or one of its trained models cannot be loaded."""

    exit_code = 5


class StoreError(KgError):
    """The store cannot be opened or written (missing, corrupted, held by another process)."""

    exit_code = 6


class StoreLockedError(StoreError):
    """Another process holds the store for writing."""


class QueryError(KgError):
    """A SPARQL query is malformed or failed while it ran."""

    exit_code = 7


class UnsafeQueryError(QueryError):
    """A query asks for something the current policy forbids (updates, SERVICE, LOAD...)."""

    exit_code = 8


class ExportError(KgError):
    """An export format or target is not supported."""

    exit_code = 9
