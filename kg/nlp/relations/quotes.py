"""Quotations: who said “…”.

Rules (extractor names after ``rule:``):

- ``quote/speaker-after`` (0.9): “…”[ORG title] PERSON 说/表示/介绍/指出/认为/评价 …
- ``quote/speaker-before`` (0.9): PERSON 表示/举例/说：“…” (何苗举例，“…”).
- ``quote/in-view-of`` (0.85): “…”在 PERSON 看来 … and 在 PERSON 看来，“…”.
- ``quote/pronoun`` (0.7): 他/她说 with the quote; the speaker is the person of the latest sentence
  that names people, when it names exactly one.
- ``quote/reported`` (0.75): reported speech without quotation marks, PERSON 表示/介绍/说，… and
  在 PERSON 看来，… (also 他/她 表示，… resolved as above): the text is the rest of the sentence
  after the comma or colon (at least 6 characters, not opening with a quotation mark), in
  sentences that hold no quotation.

Only real quotations count: at least 10 characters or ending in 。！？… — short quoted terms
(“向东看”, “天龙三号”) are not speech. A speaker must be a PERSON mention: “…”宝马集团相关负责人说
has none and gives nothing. ``Quote.start``/``end`` delimit the text inside the quotation marks.
"""

from __future__ import annotations

import re

from kg.nlp.records import Mention, Quote
from kg.nlp.relations.base import Context

_CUE = (
    r"(?:如是)?(?:说道|说|表示|介绍说|介绍|指出|认为|强调|评价|举例说|举例|坦言|称|透露|回忆|解释|"
    r"谈到|补充|感慨|告诉记者|直言|提到|说明|呼吁|分析|坦承|写道|形容|总结|笑言|感叹)"
)
_ADVERB = (
    r"(?:(?:此前|之前|近日|日前|今天|昨天|当天|再次|多次|也|还|则|又|都|均|分别|纷纷|进一步|随后|"
    r"同时|曾经|曾|对记者|向记者|接受采访时){1,3})?"
)
#: Between the speaker and the cue: a title or form of address (吴江林代表说, 张三教授表示) and
#: where it was said (在晚宴上说).
_AFTER_NAME = (
    r"(?:代表|委员|先生|女士|同志|教授|院士|博士|研究员|主任|会长|董事长|总经理|局长|部长)?"
    r"(?:在[^，。；“”]{1,12}?(?:上|中|时|期间|后))?"
)
_AFTER_CUE = re.compile(f"^{_AFTER_NAME}{_ADVERB}{_CUE}")
#: A quoted name, not speech: 在“…论坛”上, “…”中, 参加“…”.
_NAME_AFTER = re.compile(
    r"^(?:(?:上|中|里|内)(?=[，,、。；\s]|$)|期间|之际|会上|活动|论坛|大会|会议|的|之|等|一书|一文)"
)
_NAME_BEFORE = re.compile(r"(?:在|参加|出席|举办|召开|举行|主题为|题为|名为|《)$")
_BEFORE_TAIL = re.compile(f"^{_ADVERB}{_CUE}[，,：:]?\\s*$")
_PRONOUN_AFTER = re.compile(f"^[，,]?\\s*(?P<p>他|她){_ADVERB}{_CUE}")
_PRONOUN_BEFORE = re.compile(f"(?P<p>他|她){_ADVERB}{_CUE}[，,：:]?\\s*$")
_BREAK = re.compile(r"[。！？!?“”\n]")
_WINDOW = 48


def find_quotations(text: str) -> list[tuple[int, int]]:
    """Top-level “…” spans ``(open, close)``: indexes of the opening and closing marks."""
    spans: list[tuple[int, int]] = []
    depth, start = 0, -1
    for i, ch in enumerate(text):
        if ch == "“":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "”" and depth > 0:
            depth -= 1
            if depth == 0:
                spans.append((start, i))
        elif ch == "\n" and depth > 0:
            depth, start = 0, -1
    return spans


def _is_speech(inner: str) -> bool:
    inner = inner.strip()
    return len(inner) >= 10 or (len(inner) >= 4 and inner[-1] in "。！？!?…")


def _persons(ctx: Context, start: int, end: int) -> list[Mention]:
    return [m for m in ctx.mentions if m.label == "PERSON" and m.start >= start and m.end <= end]


def _speaker_after(ctx: Context, close: int) -> tuple[Mention, str, float] | None:
    after = close + 1
    if _NAME_AFTER.match(ctx.text[after : after + 4]):
        return None
    for person in _persons(ctx, after, after + _WINDOW):
        lead = ctx.text[after : person.start]
        if _BREAK.search(lead):
            break
        rest = ctx.text[person.end : person.end + 12]
        if re.match(r"^[，,]?\s*在", lead) and rest.startswith("看来"):
            return person, "quote/in-view-of", 0.85
        if _AFTER_CUE.match(rest):
            return person, "quote/speaker-after", 0.9
    pronoun = _PRONOUN_AFTER.match(ctx.text[after : after + 16])
    if pronoun:
        resolved = _resolve_pronoun(ctx, after + pronoun.start("p"))
        if resolved is not None:
            return resolved, "quote/pronoun", 0.7
    return None


def _speaker_before(ctx: Context, open_: int) -> tuple[Mention, str, float] | None:
    lo = max(0, open_ - _WINDOW)
    for person in reversed(_persons(ctx, lo, open_)):
        tail = ctx.text[person.end : open_]
        lead = ctx.text[max(lo, person.start - 2) : person.start]
        if re.match(r"^看来[，,：:]?\s*$", tail) and lead.endswith("在"):
            return person, "quote/in-view-of", 0.85
        if _BEFORE_TAIL.match(tail):
            return person, "quote/speaker-before", 0.9
        break
    pronoun = _PRONOUN_BEFORE.search(ctx.text[max(0, open_ - 16) : open_])
    if pronoun:
        resolved = _resolve_pronoun(ctx, max(0, open_ - 16) + pronoun.start("p"))
        if resolved is not None:
            return resolved, "quote/pronoun", 0.7
    return None


def _resolve_pronoun(ctx: Context, pos: int) -> Mention | None:
    """The one person of the latest sentence before ``pos`` that names people."""
    before = [m for m in ctx.mentions if m.label == "PERSON" and m.end <= pos]
    if not before:
        return None
    last = before[-1]
    if pos - last.end > 400:
        return None
    sentence = ctx.sentence_of(last.start)
    names = {m.text for m in before if m.start >= sentence[0]}
    return last if len(names) == 1 else None


#: Reported speech: the cue after the speaker, then a comma or colon (吴艳华介绍，…).
_REPORTED_CUE = re.compile(f"^{_AFTER_NAME}{_ADVERB}{_CUE}[，,：:]")
_REPORTED_PRONOUN = re.compile(f"(?<![其])(?P<p>他|她){_ADVERB}{_CUE}[，,：:]")
_IN_VIEW = re.compile(r"^看来[，,]")
#: Before the one spoken to, not the speaker (我对彭丹说, 向记者表示).
_TO_SOMEONE = frozenset("对向跟同给")
_MIN_REPORTED = 6


def _reported(ctx: Context, sentence: tuple[int, int]) -> Quote | None:
    """The sentence's reported speech: its first speaker + cue + comma, the rest as the text."""
    s0, s1 = sentence
    cue_end: int | None = None
    speaker: Mention | None = None
    for person in _persons(ctx, s0, s1):
        if ctx.text[person.start - 1 : person.start] in _TO_SOMEONE:
            continue  # 我对彭丹说，…: the one spoken to
        after = ctx.text[person.end : s1]
        in_view = ctx.text[person.start - 1 : person.start] == "在"
        cue = _IN_VIEW.match(after) if in_view else _REPORTED_CUE.match(after)
        if cue is not None:
            speaker, cue_end = person, person.end + cue.end()
            break
    if speaker is None:
        pronoun = _REPORTED_PRONOUN.search(ctx.text, s0, s1)
        if pronoun is not None:
            speaker = _resolve_pronoun(ctx, pronoun.start("p"))
            cue_end = pronoun.end()
    if speaker is None or cue_end is None:
        return None
    end = s1
    while end > cue_end and ctx.text[end - 1] in "。！？!?；; \n":
        end -= 1
    content = ctx.text[cue_end:end]
    if len(content) < _MIN_REPORTED or content[0] in '“"「『':
        return None  # a quotation right after the cue is handled (or judged no speech) above
    return Quote(speaker, content, cue_end, end, sentence, "rule:quote/reported", 0.75)


def extract_quotes(ctx: Context) -> list[Quote]:
    """Every quotation with a PERSON speaker, quoted or reported."""
    out: list[Quote] = []
    for open_, close in find_quotations(ctx.text):
        inner = ctx.text[open_ + 1 : close]
        if not _is_speech(inner) or _NAME_BEFORE.search(ctx.text[max(0, open_ - 4) : open_]):
            continue
        found = _speaker_after(ctx, close) or _speaker_before(ctx, open_)
        if found is None:
            continue
        speaker, extractor, conf = found
        first = ctx.sentence_of(open_)
        last = ctx.sentence_of(max(close, speaker.start))
        out.append(
            Quote(
                speaker,
                inner,
                open_ + 1,
                close,
                (first[0], max(first[1], last[1])),
                f"rule:{extractor}",
                conf,
            )
        )
    quoted = [q.sentence for q in out]
    for sentence in ctx.sentences:
        if any(a < sentence[1] and sentence[0] < b for a, b in quoted):
            continue  # a sentence with a quotation: the quotation is what was said
        reported = _reported(ctx, sentence)
        if reported is not None:
            out.append(reported)
    return out
