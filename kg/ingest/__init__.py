"""From files on disk to clean ``Document``s whose offsets map back into the original text.

Entry points: :func:`iter_documents` (files, directories, stdin) and
:func:`document_from_text` (one article given as a string).
See ``docs/architecture.md`` for the records.
"""

from __future__ import annotations

from kg.ingest.readers import document_from_text, iter_documents
from kg.ingest.records import Document, OffsetMap, Problem

__all__ = ["Document", "OffsetMap", "Problem", "document_from_text", "iter_documents"]
