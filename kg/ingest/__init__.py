"""From files on disk to clean ``Document``s whose offsets map back into the original text.

Entry point: :func:`iter_documents`. See ``docs/architecture.md`` for the records.
"""

from __future__ import annotations

from kg.ingest.readers import iter_documents
from kg.ingest.records import Document, OffsetMap, Problem

__all__ = ["Document", "OffsetMap", "Problem", "iter_documents"]
