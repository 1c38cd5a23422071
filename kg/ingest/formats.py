"""Markdown and HTML to plain page text, keeping offsets into the original file text.

Both functions keep the line structure meaningful for :func:`kg.ingest.page.split_page` and
report headings by line number (level 1 = article headline, 2 = section heading).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

from kg.ingest.records import OffsetBuilder, OffsetMap

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_ATX = re.compile(r"^\s{0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$|^\s{0,3}(#{1,6})[ \t]*$")
_SETEXT_1 = re.compile(r"^\s{0,3}=+\s*$")
_RULE = re.compile(r"^\s{0,3}(?:[-*_][ \t]*){3,}$")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_BLOCK_PREFIX = re.compile(r"^\s*(?:>\s?)*\s*(?:[-*+]\s+(?:\[[ xX]\]\s+)?|\d{1,3}[.)]\s+)?")
_INLINE = re.compile(
    r"!\[(?P<alt>[^\]\n]*)\]\([^)\n]*\)"  # image: dropped
    r"|\[(?P<link>[^\]\n]+)\]\([^)\n]*\)"  # link: its text
    r"|<(?P<auto>https?://[^>\s]+)>"  # autolink: the address
    r"|</?[A-Za-z][^>\n]*>"  # inline html tag: dropped
    r"|\*\*|__|~~|\*|`+"  # emphasis and code marks: dropped
    r"|\|"  # table cell separator: a space
)
_FRONT_KEY = re.compile(r"^(?P<key>[A-Za-z_]+)\s*:\s*(?P<value>.*?)\s*$")


@dataclass
class Converted:
    """Plain text made from a Markdown or HTML file."""

    text: str
    offsets: OffsetMap
    headings: dict[int, int] = field(default_factory=dict)  # line number → level
    meta: dict[str, str] = field(default_factory=dict)  # front matter / <title>


def _add_inline(out: OffsetBuilder, text: str, mapping: OffsetMap, start: int, end: int) -> None:
    pos = start
    for match in _INLINE.finditer(text, start, end):
        s, e = match.span()
        out.add_mapped(text, mapping, pos, s)
        group = next((g for g in ("link", "auto") if match.group(g) is not None), None)
        if group is not None:
            out.add_mapped(text, mapping, match.start(group), match.end(group))
        elif match.group() == "|":
            out.add(" ", mapping.to_original(s))
        pos = e
    out.add_mapped(text, mapping, pos, end)


def _front_matter(lines: list[tuple[int, int]], text: str) -> tuple[int, dict[str, str]]:
    """Number of front-matter lines at the top and the simple ``key: value`` pairs in them."""
    if not lines or text[lines[0][0] : lines[0][1]].strip() != "---":
        return 0, {}
    meta: dict[str, str] = {}
    for n, (s, e) in enumerate(lines[1:60], start=1):
        line = text[s:e]
        if line.strip() in {"---", "..."}:
            return n + 1, meta
        match = _FRONT_KEY.match(line)
        if match:
            meta[match.group("key").lower()] = match.group("value").strip("'\"")
    return 0, {}


def markdown_to_text(text: str, mapping: OffsetMap) -> Converted:
    """Strip Markdown syntax from normalised ``text``: one output line per input line."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"(?m)^[^\n]*", text)]
    skip, meta = _front_matter(spans, text)
    out = OffsetBuilder()
    headings: dict[int, int] = {}
    in_fence = False
    for number, (s, e) in enumerate(spans):
        if number:
            out.add("\n", mapping.to_original(s - 1))
        line = text[s:e]
        if number < skip:
            continue
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence or _RULE.match(line) or _TABLE_SEP.match(line) or _SETEXT_1.match(line):
            continue
        atx = _ATX.match(line)
        if atx:
            hashes = atx.group(1) or atx.group(3)
            headings[number] = len(hashes)
            if atx.group(2):
                _add_inline(out, text, mapping, s + atx.start(2), s + atx.end(2))
            continue
        if number + 1 < len(spans) and line.strip():
            ns, ne = spans[number + 1]
            if _SETEXT_1.match(text[ns:ne]):
                headings[number] = 1
        prefix = _BLOCK_PREFIX.match(line)
        _add_inline(out, text, mapping, s + (prefix.end() if prefix else 0), e)
    result, offsets = out.build()
    levels = sorted(set(headings.values()))
    # the shallowest heading level starts articles, deeper ones are sections
    ranked = {n: (1 if lvl == levels[0] else 2) for n, lvl in headings.items()}
    return Converted(result, offsets, ranked, meta)


_DROP = {
    "script", "style", "nav", "noscript", "template", "svg", "iframe", "head", "form",
    "button", "select", "object", "embed", "canvas", "map",
}  # fmt: skip
_BLOCK = {
    "p", "div", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "tr", "table", "section", "article", "blockquote", "pre", "header", "footer", "main", "aside",
    "figure", "figcaption", "address", "center", "td", "th", "caption", "body", "html",
}  # fmt: skip
_HEADINGS = {"h1": 1, "h2": 2, "h3": 2, "h4": 2, "h5": 2, "h6": 2}
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});?")
_STRICT_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")
_LINEBREAKS = str.maketrans({c: " " for c in "\r\n\u2028\u2029\f\v"})


class _HtmlText:
    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.cursor = 0
        self.out = OffsetBuilder()
        self.lines = 0
        self.headings: dict[int, int] = {}
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", raw)]

    def tag_offset(self, tag: Tag) -> int | None:
        """Where ``tag`` starts in the raw markup (html.parser records line and column)."""
        line, column = tag.sourceline, tag.sourcepos
        if line is None or column is None or not 0 < line <= len(self.line_starts):
            return None
        return self.line_starts[line - 1] + column

    def newline(self) -> None:
        if self.out.length and self.out.last_char() != "\n":
            self.out.add("\n", min(self.cursor, max(len(self.raw) - 1, 0)))
            self.lines += 1

    def string(self, value: str) -> None:
        if not value:
            return
        text = value.translate(_LINEBREAKS)
        found = self.raw.find(value, self.cursor)
        if found >= 0 and not _STRICT_ENTITY.search(self.raw, self.cursor, found):
            self.out.add(text, found)
            self.cursor = found + len(value)
            return
        origins, end, complete = self.align(text)
        if not complete and found >= 0:
            origins, end = list(range(found, found + len(value))), found + len(value)
        for ch, origin in zip(text, origins, strict=True):
            self.out.add(ch, origin)
        self.cursor = end

    def align(self, value: str) -> tuple[list[int], int, bool]:
        """Origins of ``value``'s chars in the raw markup, decoding ``&…;`` entities."""
        raw, p = self.raw, self.cursor
        limit = min(len(raw), p + 8 * len(value) + 256)
        origins: list[int] = []
        complete = True
        for ch in value:
            origin = -1
            while p < limit and raw[p] == "<":  # a comment or tag between text pieces
                close = raw.find(">", p, limit)
                if close < 0:
                    break
                p = close + 1
            if p < limit and raw[p] == "&":
                entity = _ENTITY.match(raw, p)
                if entity and html.unescape(entity.group()).translate(_LINEBREAKS) == ch:
                    origin, p = p, entity.end()
            if origin < 0 and p < limit and raw[p].translate(_LINEBREAKS) == ch:
                origin, p = p, p + 1
            if origin < 0 and not ch.isspace():  # resynchronise on the next occurrence
                ahead = raw.find(ch, p, min(limit, p + 16))
                if ahead >= 0:
                    origin, p = ahead, ahead + 1
            if origin < 0:  # lost track: keep the offsets monotonic and go on
                complete = False
                origin = min(p, max(len(raw) - 1, 0))
            origins.append(origin)
        return origins, p, complete

    def walk(self, root: Tag) -> None:
        stack: list[Tag | NavigableString | None] = [root]
        while stack:
            node = stack.pop()
            if node is None:
                self.newline()
                continue
            if isinstance(node, NavigableString):
                if not isinstance(node, Comment | Declaration | Doctype | ProcessingInstruction):
                    self.string(str(node))
                continue
            name = node.name.lower() if node.name else ""
            start = self.tag_offset(node)
            if name in _DROP:
                if start is not None:  # skip its content in the raw markup too
                    close = self.raw.find(f"</{name}", start)
                    close = self.raw.find(">", close) + 1 if close >= 0 else -1
                    self.cursor = max(self.cursor, close)
                continue
            if start is not None:
                self.cursor = max(self.cursor, start)
            if name in _BLOCK:
                self.newline()
                if name in _HEADINGS:
                    self.headings[self.lines] = _HEADINGS[name]
                stack.append(None)
            stack.extend(reversed(list(node.children)))  # type: ignore[arg-type]


def html_to_text(raw: str) -> Converted:
    """Visible text of an HTML document; offsets map into ``raw``. Title from <h1>/<title>."""
    soup = BeautifulSoup(raw, "html.parser")
    meta: dict[str, str] = {}
    h1 = soup.find("h1")
    title_tag = soup.find("title")
    for tag in (h1, title_tag):
        if isinstance(tag, Tag):
            value = " ".join(tag.get_text(" ").split())
            if value:
                meta["title"] = value
                break
    walker = _HtmlText(raw)
    walker.walk(soup)
    text, offsets = walker.out.build()
    levels = sorted(set(walker.headings.values()))
    ranked = {n: (1 if lvl == levels[0] else 2) for n, lvl in walker.headings.items()}
    return Converted(text, offsets, ranked, meta)
