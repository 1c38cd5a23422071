"""The view of one article the relation rules read: text, sentences, entity mentions, titles.

:class:`Context` can be built from a spaCy ``Doc`` (:meth:`Context.from_doc`) or directly from text
and mentions, so the rules stay pure functions ``Context → list[Relation]``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc

from kg.nlp.doctext import doc_text
from kg.nlp.records import TITLES_KEY, Mention, Relation
from kg.nlp.sentences import sentence_spans

#: Punctuation that ends a clause inside a sentence.
CLAUSE_END = "，,；;。！？!?：:\n"


@dataclass
class Context:
    """One article: ``text``, its sentences, its entity mentions (sorted) and title spans."""

    text: str
    mentions: list[Mention]
    sentences: list[tuple[int, int]] = field(default_factory=list)
    titles: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.mentions = sorted(self.mentions, key=lambda m: (m.start, -m.end))
        if not self.sentences:
            self.sentences = sentence_spans(self.text)
        self._sent_starts = [start for start, _ in self.sentences]
        self._mention_starts = [m.start for m in self.mentions]
        self._by_start = {m.start: m for m in self.mentions}
        self._by_end: dict[int, Mention] = {}
        for m in self.mentions:
            self._by_end.setdefault(m.end, m)

    @classmethod
    def from_doc(cls, doc: Doc) -> Context:
        mentions = [Mention.from_span(ent) for ent in doc.ents]
        if doc.has_annotation("SENT_START"):
            sentences = [(s.start_char, s.end_char) for s in doc.sents]
        else:
            sentences = sentence_spans(doc_text(doc))
        titles: list[tuple[int, int]] = []
        if TITLES_KEY in doc.spans:
            titles = [(span.start_char, span.end_char) for span in doc.spans[TITLES_KEY]]
        return cls(doc_text(doc), mentions, sentences, titles)

    @classmethod
    def from_text(
        cls, text: str, mentions: Iterable[tuple[str, str]] | Iterable[Mention]
    ) -> Context:
        """Convenience for tests: mentions as ``(surface, label)`` located left to right."""
        found: list[Mention] = []
        cursor = 0
        for item in mentions:
            if isinstance(item, Mention):
                found.append(item)
                continue
            surface, label = item
            start = text.index(surface, cursor)
            found.append(Mention(surface, label, start, start + len(surface)))
            cursor = start + len(surface)
        return cls(text, found)

    # --- navigation -----------------------------------------------------------------------------

    def sentence_of(self, pos: int) -> tuple[int, int]:
        index = bisect.bisect_right(self._sent_starts, pos) - 1
        if index < 0:
            return (0, len(self.text))
        return self.sentences[index]

    def in_sentence(self, sentence: tuple[int, int], labels: Sequence[str] = ()) -> list[Mention]:
        start, end = sentence
        first = bisect.bisect_left(self._mention_starts, start)
        last = bisect.bisect_left(self._mention_starts, end, lo=first)
        return [
            m
            for m in self.mentions[first:last]
            if m.end <= end and (not labels or m.label in labels)
        ]

    def starting_at(self, pos: int) -> Mention | None:
        return self._by_start.get(pos)

    def ending_at(self, pos: int) -> Mention | None:
        return self._by_end.get(pos)

    def title_ending_at(self, pos: int, earliest: int) -> str | None:
        """A ``doc.spans["titles"]`` span ending at ``pos``, starting at ``earliest`` or later."""
        for start, end in self.titles:
            if end == pos and start >= earliest:
                return self.text[start:end]
        return None

    def between(self, left: Mention, right: Mention) -> str:
        return self.text[left.end : right.start]

    def sub_mention(self, start: int, end: int, label: str) -> Mention:
        return Mention(self.text[start:end], label, start, end)


#: Joins two names of a list (张三、李四和王五; 柯文女士与多米尼克).
JOIN = re.compile(r"^(?:先生|女士)?(?:、|和|及|与|以及)$")
#: A name followed by this modifies what comes next (乐嘉的妻子): it is not the subject.
POSSESSIVE = re.compile(r"^(?:的|之)")


def no_break(text: str) -> bool:
    """``text`` stays inside one clause: no clause punctuation, no quotation marks."""
    return not any(ch in CLAUSE_END for ch in text) and "“" not in text and "”" not in text


def alone_in_brackets(text: str, after: int, start: int, end: int) -> bool:
    """``text[start:end]`` is all that a bracket opening at ``after`` holds (深度求索（DeepSeek）:
    DeepSeek after 深度求索)."""
    return text[after:start] in ("（", "(") and text[end : end + 1] in ("）", ")")


#: A date opening a sentence before its topic (2000年12月18日山东泉林纸业有限责任公司…).
_LEADING_DATE = re.compile(
    r"^(?:(?:\d{4}|[〇零○一二三四五六七八九]{4})\s*年)?(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*[日号])?[，,]?"
)


def opens_sentence(ctx: Context, mention: Mention, sentence: tuple[int, int]) -> bool:
    """``mention`` is the first thing its sentence says (quotation marks and a date aside): its
    topic."""
    before = ctx.text[sentence[0] : mention.start].strip('“”" ')
    return _LEADING_DATE.sub("", before, count=1).strip('“”" ') == ""


def nearest_person_before(mentions: list[Mention], *, stop_at_org: bool = True) -> Mention | None:
    """The last PERSON of ``mentions`` (``None`` past an ORG when ``stop_at_org``)."""
    for m in reversed(mentions):
        if m.label == "PERSON":
            return m
        if stop_at_org and m.label == "ORG":
            return None
    return None


def relation(
    subject: Mention,
    predicate: str,
    obj: Mention | None,
    sentence: tuple[int, int],
    extractor: str,
    confidence: float,
    *,
    value: str | None = None,
    title: str | None = None,
) -> Relation:
    """Build a :class:`Relation` with the ``rule:`` prefix added to ``extractor``."""
    return Relation(
        subject, predicate, obj, sentence, f"rule:{extractor}", confidence, value=value, title=title
    )


def dedupe(relations: Iterable[Relation]) -> list[Relation]:
    """Keep the most confident relation per (subject, predicate, object/value, title)."""
    best: dict[tuple[object, ...], Relation] = {}
    for rel in relations:
        obj = (rel.object.start, rel.object.end) if rel.object else None
        key = (rel.subject.start, rel.subject.end, rel.predicate, obj, rel.value, rel.title)
        if key not in best or rel.confidence > best[key].confidence:
            best[key] = rel
    return sorted(best.values(), key=lambda r: (r.sentence[0], r.subject.start, r.predicate))
