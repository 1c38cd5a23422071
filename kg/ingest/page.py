"""Split a newspaper page into articles with headline, byline and source.

Every non-blank line is classified as BODY (prose), HEAD (headline shape: short, no clause
punctuation), SUBTITLE (``——…``), BYLINE or SOURCE (see :mod:`kg.ingest.bylines`).
A run of non-BODY lines followed by body text is a *headline block*. It starts a new article when

* there is no article yet;
* it carries a byline, source or subtitle (``headline + ■ 谷业凯 …``);
* the current article has ended with a source or credit line (``（转自人民网）``);
* it has two or more headline lines (kicker + title:
  ``宇树科技首席市场官王其鑫`` / ``身怀绝技 彰显其能``);
* the paragraph after it opens with a lead-in byline (``本报讯（鲁小飞）``).

When the caller passes explicit headings (Markdown ``#``, HTML ``<h1>``…), only the
shallowest level starts articles and deeper levels are section headings.

Otherwise a one-line block is a section heading inside the article (kept in the text as its own
paragraph), or, when the previous paragraph stopped mid-sentence, simply the next piece of it.
The title of a block is its last line with a two-part headline space (``问天追星 行稳致远``),
else its first line; the other lines (kicker, subtitle) stay at the head of the text.
Byline and source lines leave the text. A credit line found in the middle of a sentence was
moved there by the page layout: it is credited to the closest earlier article that ended
without one.
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from kg.ingest.bylines import parse_bare_names, parse_byline, parse_lead_in, parse_source
from kg.ingest.normalize import (
    Line,
    Piece,
    assemble,
    continues,
    ends_sentence,
    is_heading_like,
    is_wide,
    iter_lines,
    mostly_latin,
)
from kg.ingest.records import OffsetBuilder, OffsetMap

_TWO_PART = re.compile(r"\S \S")


class Kind(enum.Enum):
    BODY = "body"
    HEAD = "head"
    SUBTITLE = "subtitle"
    BYLINE = "byline"
    SOURCE = "source"


@dataclass(frozen=True)
class _Item:
    line: Line
    kind: Kind
    authors: tuple[str, ...] = ()
    source: str | None = None
    level: int = 0  # Markdown heading level given by the caller (1 = article, 2 = section)


@dataclass(frozen=True)
class PageArticle:
    """One article of a page; ``offsets`` maps ``text`` into the page's original text."""

    title: str | None
    subtitle: str | None
    authors: tuple[str, ...]
    source: str | None
    text: str
    offsets: OffsetMap


@dataclass(eq=False)
class _Draft:
    title: Line | None = None
    subtitle: Line | None = None
    pieces: list[Piece] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    source: str | None = None
    closed: bool = False  # a closing credit or source line was seen
    ended: bool = False  # ... and nothing came after it yet

    def credit(self, item: _Item) -> None:
        for name in item.authors:
            if name not in self.authors:
                self.authors.append(name)
        if item.source and not self.source:
            self.source = item.source

    def last_body(self) -> Line | None:
        return self.pieces[-1].line if self.pieces else None

    def has_body(self) -> bool:
        return any(not p.heading for p in self.pieces)


def _classify(line: Line, level: int) -> _Item:
    text = line.text
    if level:
        return _Item(line, Kind.HEAD, level=level)
    source = parse_source(text)
    if source:
        return _Item(line, Kind.SOURCE, source=source)
    authors = parse_byline(text)
    if authors:
        return _Item(line, Kind.BYLINE, authors=authors)
    if text.startswith(("——", "--", "—")) and len(text) <= 60 and "。" not in text:
        return _Item(line, Kind.SUBTITLE)
    if is_heading_like(text):
        return _Item(line, Kind.HEAD)
    return _Item(line, Kind.BODY)


def _clean_title(line: Line) -> str:
    return " ".join(line.text.split())


class _Splitter:
    def __init__(self, text: str, headings: Mapping[int, int]) -> None:
        self.text = text
        self.items = [_classify(ln, headings.get(ln.number, 0)) for ln in iter_lines(text)]
        self.drafts: list[_Draft] = []
        self.unclosed: list[_Draft] = []  # drafts without a closing credit, in page order
        self.top_level = min(headings.values(), default=0)

    @property
    def cur(self) -> _Draft | None:
        return self.drafts[-1] if self.drafts else None

    def new_draft(self) -> _Draft:
        draft = _Draft()
        self.drafts.append(draft)
        self.unclosed.append(draft)
        return draft

    def add_body(self, item: _Item) -> None:
        cur = self.cur
        lead = parse_lead_in(item.line.text)
        if cur is not None and lead is not None and cur.has_body() and not cur.ended:
            cur = self.new_draft()  # a brief without headline: 本报讯（…）
        if cur is None:
            cur = self.new_draft()
        line = item.line
        if lead is not None and not cur.has_body():
            cur.credit(_Item(line, Kind.BYLINE, lead.authors, lead.source))
            cut = lead.length
            rest = line.text[cut:].lstrip()
            cut = len(line.text) - len(rest)
            if not rest:
                return
            line = Line(line.number, line.start + cut, line.end, rest)
        cur.pieces.append(Piece(line))
        cur.ended = False

    def closing(self, items: list[_Item], interrupts: bool) -> None:
        cur = self.cur
        if cur is None:
            return
        target = cur
        if interrupts:
            earlier = [d for d in self.unclosed[-2:] if d is not cur]
            if earlier:
                target = earlier[-1]
        for item in items:
            target.credit(item)
        if not target.closed:
            target.closed = True
            for k in range(len(self.unclosed) - 1, -1, -1):  # it is near the end
                if self.unclosed[k] is target:
                    del self.unclosed[k]
                    break
        if target is cur and not interrupts:
            cur.ended = True

    def head_block(self, block: list[_Item], nxt: _Item | None) -> None:
        # an unmarked line of names right under a headline is a byline
        fixed: list[_Item] = []
        for item in block:
            if (
                item.kind is Kind.HEAD
                and not item.level
                and any(x.kind is Kind.HEAD for x in fixed)
            ):
                names = parse_bare_names(item.line.text)
                if names:
                    item = _Item(item.line, Kind.BYLINE, authors=names)
            fixed.append(item)
        heads = [x for x in fixed if x.kind is Kind.HEAD]
        has_meta = any(x.kind is not Kind.HEAD for x in fixed)
        levels = {x.level for x in heads}
        cur = self.cur
        if nxt is None and cur is not None and not (cur.ended or has_meta):
            for item in fixed:  # trailing lines at the end of the page
                if item.kind is Kind.HEAD or item.kind is Kind.SUBTITLE:
                    cur.pieces.append(Piece(item.line, heading=True))
                else:
                    cur.credit(item)
            return
        if self.top_level:  # explicit headings (Markdown, HTML): only they start articles
            new = cur is None or self.top_level in levels
        else:
            new = (
                cur is None
                or has_meta
                or cur.ended
                or len(heads) >= 2
                or (nxt is not None and parse_lead_in(nxt.line.text) is not None)
            )
        if not new:
            assert cur is not None
            last = cur.last_body()
            line = heads[0].line
            if len(heads) == 1 and not heads[0].level and last and continues(last.text, line.text):
                cur.pieces.append(Piece(line))  # the rest of a broken sentence
            else:
                cur.pieces.extend(Piece(x.line, heading=True) for x in heads)
            return
        draft = self.new_draft()
        title = next((x for x in reversed(heads) if _TWO_PART.search(x.line.text)), None)
        if title is None and heads:
            title = heads[0]
        draft.title = title.line if title else None
        for item in fixed:
            if item is title:
                continue
            if item.kind is Kind.HEAD or item.kind is Kind.SUBTITLE:
                if item.kind is Kind.SUBTITLE and draft.subtitle is None:
                    draft.subtitle = item.line
                draft.pieces.append(Piece(item.line, heading=True))
            else:
                draft.credit(item)

    def run(self) -> list[_Draft]:
        items = self.items
        i = 0
        while i < len(items):
            item = items[i]
            if item.kind is Kind.BODY:
                self.add_body(item)
                i += 1
                continue
            j = i
            while j < len(items) and items[j].kind is not Kind.BODY:
                j += 1
            run = items[i:j]
            nxt = items[j] if j < len(items) else None
            k = 0
            if self.cur is not None:
                while k < len(run) and run[k].kind in (Kind.BYLINE, Kind.SOURCE):
                    k += 1
            if k:
                last = self.cur.last_body() if self.cur else None
                interrupts = (
                    k == len(run)
                    and nxt is not None
                    and last is not None
                    and not ends_sentence(last.text)
                )
                self.closing(run[:k], interrupts)
            if run[k:]:
                self.head_block(run[k:], nxt)
            i = j
        return self.drafts


def _display_width(text: str) -> int:
    return sum(2 if is_wide(c) else 1 for c in text)


def wrap_width(lines: Sequence[Line]) -> tuple[Callable[[str], int], int] | None:
    """The measure and width at which a page was hard-wrapped, if it clearly was.

    A page is wrapped when many unfinished lines share (nearly) the same length, counted in
    characters or in display columns (CJK = 2).
    """
    open_lines = [
        ln.text for ln in lines if 8 <= len(ln.text) <= 400 and not ends_sentence(ln.text)
    ]
    for measure, slack in ((len, 1), (_display_width, 2)):
        sizes = Counter(measure(t) for t in open_lines)
        if not sizes:
            return None
        width, _ = sizes.most_common(1)[0]
        near = sum(n for size, n in sizes.items() if width - slack <= size <= width)
        if near >= 5 and near >= 0.5 * len(open_lines):
            return measure, width - slack
    return None


def unwrap(text: str, mapping: OffsetMap) -> tuple[str, OffsetMap]:
    """Join the lines of a hard-wrapped page (see :func:`wrap_width`); else return it as is."""
    lines = list(iter_lines(text))
    found = wrap_width(lines)
    if found is None:
        return text, mapping
    measure, least = found
    latin = mostly_latin(text)
    out = OffsetBuilder()
    pos = 0
    for line, nxt in pairwise(lines):
        if measure(line.text) < least:
            continue
        soft_end = line.text[-1] in "：:—,，；;、"  # a full line ending so was cut, not finished
        if not (soft_end or continues(line.text, nxt.text)):
            continue
        if parse_byline(nxt.text) or parse_source(nxt.text) or parse_lead_in(nxt.text):
            continue
        out.add_mapped(text, mapping, pos, line.end)
        if latin and line.text[-1].isascii() and nxt.text[0].isascii():
            out.add(" ", mapping.to_original(line.end))
        pos = nxt.start
    out.add_mapped(text, mapping, pos, len(text))
    return out.build()


def split_page(
    text: str, mapping: OffsetMap | None = None, headings: Mapping[int, int] | None = None
) -> list[PageArticle]:
    """Split the normalised page ``text`` into articles.

    ``mapping`` maps ``text`` into the original (identity if omitted); ``headings`` optionally
    gives Markdown heading levels by 0-based line number; without them, a hard-wrapped page is
    unwrapped first (:func:`unwrap`). Articles without any text are dropped;
    an article that only has a headline gets the headline as its text.
    """
    mapping = mapping or OffsetMap.identity(len(text))
    if not headings:
        text, mapping = unwrap(text, mapping)
    articles: list[PageArticle] = []
    latin = mostly_latin(text)
    for draft in _Splitter(text, headings or {}).run():
        pieces = draft.pieces
        if not pieces and draft.title is not None:
            pieces = [Piece(draft.title, heading=True)]
        if not pieces:
            continue
        body, offsets = assemble(text, mapping, pieces, latin=latin)
        articles.append(
            PageArticle(
                title=_clean_title(draft.title) if draft.title else None,
                subtitle=_clean_title(draft.subtitle) if draft.subtitle else None,
                authors=tuple(draft.authors),
                source=draft.source,
                text=body,
                offsets=offsets,
            )
        )
    return articles
