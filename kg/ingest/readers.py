"""Read inputs from disk or standard input and yield ``Document``s or ``Problem``s.

* ``.txt`` (and standard input, ``-``): a newspaper page, split into articles;
* ``.md``/``.markdown``: Markdown syntax stripped, ``#`` headings are headlines, then as text;
* ``.html``/``.htm``: visible text (no script/style/nav...), title from ``<h1>``/``<title>``;
* ``.jsonl``: one article per line with ``id`` and ``text`` (optional ``title``, ``date``,
  ``source``, ``url``, ``authors``); the text is normalised but not split;
* directories: recursively, in sorted order, hidden entries and unknown extensions skipped.

Everything streams: one file is held in memory at a time. Offsets of page documents map into
the decoded file (for HTML: into the decoded markup); for JSONL they map into the record's
``text`` value.
"""

from __future__ import annotations

import io
import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.errors import InputError
from kg.ingest.encoding import DecodeError, decode_bytes
from kg.ingest.formats import html_to_text, markdown_to_text
from kg.ingest.normalize import normalize_chars, repair_text
from kg.ingest.page import split_page
from kg.ingest.records import Document, OffsetMap, Problem, make_document

logger = logging.getLogger(__name__)

PAGE_SUFFIXES = frozenset({".txt", ".text"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl"})
SUPPORTED = PAGE_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
_OPTIONAL_FIELDS = ("title", "date", "source", "url")

Item = Document | Problem


def _split_authors(value: str) -> tuple[str, ...]:
    parts = value.strip("[]").replace("，", ",").replace("、", ",").split(",")
    return tuple(dict.fromkeys(p.strip(" '\"") for p in parts if p.strip(" '\"")))


def has_text(text: str) -> bool:
    """True when ``text`` has at least one letter, digit or ideograph."""
    return any(ch.isalnum() for ch in text)


class _Reader:
    def __init__(self) -> None:
        self.seen_ids: set[str] = set()

    def claim(self, doc: Document, line: int | None = None) -> Item:
        if doc.id in self.seen_ids:
            return Problem(
                doc.path,
                f"duplicate document id {doc.id!r}; ids must be unique across inputs",
                line,
            )
        self.seen_ids.add(doc.id)
        return doc

    # -- paths ---------------------------------------------------------------------------

    def path(self, arg: str | Path) -> Iterator[Item]:
        if str(arg) == "-":
            yield from self.stdin()
            return
        path = Path(arg)
        try:
            if path.is_dir():
                yield from self.directory(path)
                return
            if not path.exists():
                yield Problem(str(path), "no such file or directory; check the path")
                return
        except OSError as exc:
            yield Problem(str(path), f"cannot access: {exc.strerror or exc}; check the permissions")
            return
        suffix = path.suffix.lower()
        if suffix not in SUPPORTED:
            yield Problem(
                str(path),
                f"unsupported file type {suffix or '(no extension)'!r}; "
                f"use one of {', '.join(sorted(SUPPORTED))}",
            )
            return
        yield from self.file(path)

    def directory(self, root: Path) -> Iterator[Item]:
        """Files under ``root`` in sorted path order; hidden entries and symlinked dirs skipped."""
        try:
            entries = sorted(os.scandir(root), key=lambda e: e.name)
        except OSError as exc:
            yield Problem(
                str(root),
                f"cannot list the directory: {exc.strerror or exc}; check the permissions",
            )
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                yield from self.directory(path)
            elif path.suffix.lower() in SUPPORTED:
                yield from self.file(path)
            else:
                logger.debug("skipping %s: unsupported extension", path)

    def stdin(self) -> Iterator[Item]:
        stream = sys.stdin
        if stream is None:
            yield Problem("-", "standard input is not available; pipe the text in or give a file")
            return
        buffer = getattr(stream, "buffer", None)
        data = buffer.read() if buffer is not None else stream.read().encode("utf-8")
        yield from self.page_bytes(data, "-", "stdin", markdown=False)

    def file(self, path: Path) -> Iterator[Item]:
        try:
            data = path.read_bytes()
        except OSError as exc:
            yield Problem(
                str(path), f"cannot read: {exc.strerror or exc}; check the file and its permissions"
            )
            return
        suffix = path.suffix.lower()
        if suffix in JSONL_SUFFIXES:
            yield from self.jsonl(data, str(path), path.stem)
        elif suffix in HTML_SUFFIXES:
            yield from self.html(data, str(path), path.stem)
        else:
            markdown = suffix in MARKDOWN_SUFFIXES
            yield from self.page_bytes(data, str(path), path.stem, markdown=markdown)

    # -- formats -------------------------------------------------------------------------

    def page_bytes(self, data: bytes, shown: str, stem: str, *, markdown: bool) -> Iterator[Item]:
        try:
            original = decode_bytes(data).text
        except DecodeError as exc:
            yield Problem(shown, str(exc))
            return
        norm, mapping = normalize_chars(original)
        headings: dict[int, int] = {}
        meta: dict[str, str] = {}
        if markdown:
            converted = markdown_to_text(norm, mapping)
            norm, mapping, headings, meta = (
                converted.text,
                converted.offsets,
                converted.headings,
                converted.meta,
            )
        yield from self.page(norm, mapping, shown, stem, headings, meta)

    def html(self, data: bytes, shown: str, stem: str) -> Iterator[Item]:
        try:
            raw = decode_bytes(data, html=True).text
        except DecodeError as exc:
            yield Problem(shown, str(exc))
            return
        converted = html_to_text(raw)
        norm, inner = normalize_chars(converted.text)
        mapping = inner.then(converted.offsets)
        yield from self.page(norm, mapping, shown, stem, converted.headings, converted.meta)

    def page(
        self,
        norm: str,
        mapping: OffsetMap,
        shown: str,
        stem: str,
        headings: dict[int, int],
        meta: dict[str, str],
    ) -> Iterator[Item]:
        articles = [a for a in split_page(norm, mapping, headings) if has_text(a.text)]
        if not articles:
            yield Problem(
                shown, "no text: only whitespace or punctuation; add text or remove the file"
            )
            return
        single = len(articles) == 1
        meta_authors = _split_authors(meta.get("authors") or meta.get("author") or "")
        for n, article in enumerate(articles, start=1):
            title = article.title or (meta.get("title") if single else None)
            authors = article.authors or (meta_authors if single else ())
            doc = make_document(
                id=f"{stem}#{n}",
                text=article.text,
                offsets=article.offsets,
                path=shown,
                title=title,
                authors=authors,
                source=article.source or (meta.get("source") if single else None),
                date=meta.get("date") if single else None,
                url=meta.get("url") if single else None,
            )
            yield self.claim(doc)

    def jsonl(self, data: bytes, shown: str, stem: str) -> Iterator[Item]:
        try:
            content = decode_bytes(data).text
        except DecodeError as exc:
            yield Problem(shown, str(exc))
            return
        for number, raw in enumerate(io.StringIO(content), start=1):
            if not raw.strip():
                continue
            yield self.jsonl_record(raw, shown, number)

    def jsonl_record(self, raw: str, shown: str, number: int) -> Item:
        try:
            # without its line break: an unclosed string must read "Unterminated string", not
            # "Invalid control character" (the newline inside it)
            record = json.loads(raw.rstrip("\r\n"))
        except json.JSONDecodeError as exc:
            where = f"column {exc.colno}" if exc.msg.endswith(" at") else f"at column {exc.colno}"
            return Problem(
                shown, f"not valid JSON ({exc.msg} {where}); fix or remove the line", number
            )
        if not isinstance(record, dict):
            return Problem(
                shown, "not a JSON object; each line must be an object with 'id' and 'text'", number
            )
        text = record.get("text")
        if not isinstance(text, str):
            what = "missing" if text is None else f"a {type(text).__name__}, not a string"
            return Problem(shown, f"'text' is {what}; every line needs a string 'text'", number)
        doc_id = record.get("id")
        if isinstance(doc_id, int) and not isinstance(doc_id, bool):
            doc_id = str(doc_id)
        if not isinstance(doc_id, str) or not doc_id.strip():
            return Problem(
                shown,
                "'id' is missing or empty; give every line a unique string or integer 'id'",
                number,
            )
        meta: dict[str, str | None] = {}
        for key in _OPTIONAL_FIELDS:
            value = record.get(key)
            if value is not None and not isinstance(value, str):
                return Problem(
                    shown, f"'{key}' must be a string, not {type(value).__name__}", number
                )
            meta[key] = value.strip() or None if isinstance(value, str) else None
        authors = record.get("authors") or []
        if isinstance(authors, str):
            authors = [authors]
        if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
            return Problem(
                shown, "'authors' must be a list of strings (or one string); fix the line", number
            )
        body, offsets = repair_text(text)
        if not has_text(body):
            return Problem(
                shown,
                "no text: 'text' is empty or only punctuation; fix or remove the line",
                number,
            )
        title = meta["title"]
        if title is not None:
            title = " ".join(normalize_chars(title)[0].split()) or None
        doc = make_document(
            id=doc_id,
            text=body,
            offsets=offsets,
            path=shown,
            title=title,
            authors=tuple(dict.fromkeys(a.strip() for a in authors if a.strip())),
            source=meta["source"],
            date=meta["date"],
            url=meta["url"],
        )
        return self.claim(doc, number)


def document_from_text(
    text: str,
    *,
    id: str,
    title: str | None = None,
    date: str | None = None,
    source: str | None = None,
    url: str | None = None,
    authors: Iterable[str] = (),
    path: str = "<text>",
) -> Document:
    """One article given as a string: normalised like a JSONL record (not page-split).

    Raises :class:`kg.errors.InputError` when ``text`` has no letters, digits or ideographs.
    """
    body, offsets = repair_text(text)
    if not has_text(body):
        raise InputError(f"{id}: no text: the text is empty or only punctuation; give some text")
    if title is not None:
        title = " ".join(normalize_chars(title)[0].split()) or None
    return make_document(
        id=id,
        text=body,
        offsets=offsets,
        path=path,
        title=title,
        authors=tuple(dict.fromkeys(a.strip() for a in authors if a.strip())),
        source=source,
        date=date,
        url=url,
    )


def iter_documents(
    paths: Iterable[str | Path] | str | Path, *, strict: bool = False
) -> Iterator[Document | Problem]:
    """Yield a ``Document`` per article and a ``Problem`` per input that cannot be read.

    ``paths`` are files, directories (read recursively in sorted order) or ``"-"`` for
    standard input. With ``strict=True`` the first problem raises :class:`kg.errors.InputError`.
    """
    if isinstance(paths, str | Path):  # one path given on its own, not a string to iterate
        paths = [paths]
    reader = _Reader()
    for arg in paths:
        for item in reader.path(arg):
            if isinstance(item, Problem):
                if strict:
                    raise InputError(str(item))
                logger.debug("%s", item)
            yield item
