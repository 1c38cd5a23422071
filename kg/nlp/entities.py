"""The rule-based entity component ``kg_entity_rules``: gazetteer, patterns and model repair.

It runs after the NER model (``kg_ner``) and covers what the model is not trained for —
PROJECT, PRODUCT, EVENT and most WORK names — with the gazetteer (:mod:`kg.nlp.entity_gazetteer`)
and the patterns of :mod:`kg.nlp.patterns`, and repairs obvious model errors.

Matching is pure (:func:`match_entities`: text + the model's spans → resolved
:class:`~kg.nlp.patterns.Candidate` list) and kept apart from writing ``doc.ents``
(:class:`EntityRules`). Resolution, in short:

* every candidate has a priority: 《…》 100 > gazetteer 90 > quoted name with a cue, 简称 alias 85 >
  a name repeated from a strong match elsewhere in the text 75 > the model 70 > unquoted numbered or
  model-number names 60 > suffix heuristics 40; overlaps go to the higher priority, then the longer
  span. So the gazetteer and strong patterns override (and relabel) model spans, weak rules never
  do; the one exception is that a weak name may swallow model PLACE spans nested inside it
  (江门 in 江门中微子实验).
* a rule match strictly inside a longer model span is dropped (the model's 中国科学院高能物理研究所
  keeps the gazetteer's 中国科学院 from cutting it).
* ORG spans (model or gazetteer) that stop just before an org suffix are extended over it
  (中国科学院 + 高能物理研究所; 北京大学 + 法学院), repeatedly, so nested names stay whole.
"""

# No ``from __future__ import annotations``: spaCy validates initialize()'s settings with pydantic
# and needs the real annotation objects.
import functools
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Self

import numpy
import srsly
from spacy.attrs import ENT_IOB, ORTH, SPACY
from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.nlp.entity_gazetteer import (
    QUOTE_PAIRS,
    Gazetteer,
    GazetteerHit,
    format_gazetteer,
    parse_rows,
)
from kg.nlp.patterns import (
    CLASS_NOUN_RE,
    CLASS_NOUNS,
    P_ALIAS,
    P_BOOK_TITLE,
    P_GAZETTEER,
    P_MODEL,
    P_PROPAGATED,
    STOP_CHARS,
    Candidate,
    find_candidates,
    label_before,
    words,
)
from kg.nlp.records import TITLES_KEY

GAZETTEER_FILE = "gazetteer.tsv"
MODEL_RULE = "model"

ORG_SUFFIXES: tuple[str, ...] = tuple(
    sorted(
        words(
            "研究所 研究院 研究中心 科学院 工程院 大学 学院 集团 分公司 公司 医院 实验室 中心 "
            "委员会 协会 学会 基金会 办公室 海关 银行 法院 检察院 天文台 出版社 报社 电视台 "
            "分局 局 部 署 司 厅"
        ),
        key=len,
        reverse=True,
    )
)
# Words that end in a one-character org suffix but are not organisations.
_NOT_ORG_ENDINGS = set(
    words(
        "布局 格局 大局 全局 结局 开局 变局 当局 出局 部署 总部 内部 外部 全部 局部 东部 "
        "西部 南部 北部 中部 本部 干部 头部 底部 顶部 上司 官司"
    )
)
# Words that start with a one-character org suffix (星海科技加快部署, 相关部门).
_NOT_ORG = set(words("部署 部门 部分 部件 部位 部落 局面 局势 局限 司法 司机 署名 厅堂"))
_ORG_TAIL_MAX = 14
_ORG_TAIL_BREAKS = ("所属", "下属", "旗下", "联合", "牵头", "与", "和", "及", "、")
_ORG_TAIL_STOP = STOP_CHARS - set("与和及")
_ALIAS = re.compile(r"[(（](?:以下)?简称[“\"]?([^”\"()（）\n，。、]{2,12})[”\"]?[)）]")
# A part named right after its whole: 天问二号VLBI测轨分系统 → VLBI测轨分系统 (PROJECT).
_PART = re.compile(r"[A-Za-z0-9\u4e00-\u9fff]{1,10}?(?:分系统|子系统|载荷|舱)")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
_COMMON_WORD = 400  # jieba frequency above which a word crossing a short name's edge wins
_PROPAGATE_RULES = {"quoted_cue", "alias", "part", "party_event", "gazetteer_cue", "numbered"}


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _aligned(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` starts and ends on character-token boundaries."""
    for cut in (start, end):
        if (
            0 < cut < len(text)
            and _ASCII_WORD.match(text[cut - 1])
            and _ASCII_WORD.match(text[cut])
        ):
            return False
    return start < end


def _has_cue(text: str, hit: GazetteerHit) -> bool:
    """An ambiguous name counts only when followed by 号 or a class noun (“悟空”号, 混元大模型), or
    quoted right after a class noun of its label (卫星“慧眼”); quotes alone also mark metaphors."""
    before = text[hit.start - 1 : hit.start]
    quoted = before in QUOTE_PAIRS and text[hit.end : hit.end + 1] == QUOTE_PAIRS[before]
    after = hit.end + 1 if quoted else hit.end
    if text.startswith("号", after) or CLASS_NOUN_RE.match(text, after) is not None:
        return True
    return quoted and label_before(text, hit.start - 1) == hit.label


@functools.cache
def _word_freq() -> dict[str, int]:
    """jieba's dictionary word frequencies (loaded once, on the first two-character hit)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return dict(jieba.dt.FREQ)


def _splits_words(text: str, start: int, end: int) -> bool:
    """Whether a two-character name is cut out of common words (北大 in 东北大学, 京东 in 北京东路).
    Names of exactly two CJK characters are checked; longer ones are specific enough."""
    freq = _word_freq()
    left = text[start - 1 : start + 1] if start > 0 else ""
    right = text[end - 1 : end + 1] if end < len(text) else ""
    return any(len(piece) == 2 and freq.get(piece, 0) >= _COMMON_WORD for piece in (left, right))


def gazetteer_candidates(text: str, gazetteer: Gazetteer) -> list[Candidate]:
    found: list[Candidate] = []
    for hit in gazetteer.find(text):
        if not _aligned(text, hit.start, hit.end):
            continue
        short = hit.end - hit.start == 2 and _is_cjk(text[hit.start]) and not hit.family
        if short and _splits_words(text, hit.start, hit.end):
            continue
        if hit.needs_cue:
            after = hit.end + 1 if text[hit.end : hit.end + 1] in "”」』" else hit.end
            noun = CLASS_NOUN_RE.match(text, after)
            if not _has_cue(text, hit) or (noun and CLASS_NOUNS[noun.group()] != hit.label):
                continue  # “星火”计划 is a programme, not the 星火 model
            rule = "gazetteer_cue"
        else:
            rule = "gazetteer_family" if hit.family else "gazetteer"
        found.append(Candidate(hit.start, hit.end, hit.label, P_GAZETTEER, rule, hit.canonical))
    return found


def extend_org(text: str, start: int, end: int, blocked: Callable[[int, int], bool]) -> int:
    """The end of the ORG ``text[start:end]`` extended over following org-name segments."""
    for _ in range(3):
        limit = min(len(text), end + _ORG_TAIL_MAX)
        stop = end
        while stop < limit and _is_cjk(text[stop]) and text[stop] not in _ORG_TAIL_STOP:
            stop += 1
        tail = text[end:stop]
        if not tail or tail.startswith(_ORG_TAIL_BREAKS) or "所属" in tail or "下属" in tail:
            return end
        new_end = end
        for size in range(2, len(tail) + 1):
            segment = tail[:size]
            suffix = next((s for s in ORG_SUFFIXES if segment.endswith(s)), None)
            if suffix is None or segment[-2:] in _NOT_ORG_ENDINGS:
                continue
            if len(suffix) == 1 and (size < 3 or text[end + size - 1 : end + size + 1] in _NOT_ORG):
                continue
            if blocked(end, end + size):
                continue
            new_end = end + size
            break
        if new_end == end:
            return end
        end = new_end
    return end


def _overlaps_any(spans: Sequence[tuple[int, int]]) -> Callable[[int, int], bool]:
    def blocked(start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in spans)

    return blocked


def repair_orgs(
    text: str, candidates: Iterable[Candidate], protected: Sequence[tuple[int, int]]
) -> list[Candidate]:
    """Extend ORG candidates over a following org suffix, never into ``protected`` spans."""
    blocked = _overlaps_any(protected)
    repaired: list[Candidate] = []
    for cand in candidates:
        if cand.label == "ORG":
            end = extend_org(text, cand.start, cand.end, blocked)
            if end != cand.end:
                kb_id = "" if cand.rule == MODEL_RULE else text[cand.start : end]
                rule = cand.rule if cand.rule == MODEL_RULE else cand.rule + "+org_suffix"
                cand = Candidate(cand.start, end, "ORG", cand.priority, rule, kb_id)
        repaired.append(cand)
    return repaired


def resolve(candidates: Sequence[Candidate], length: int) -> list[Candidate]:
    """Pick non-overlapping candidates by priority, then length, then position."""
    models = [c for c in candidates if c.rule == MODEL_RULE]
    pool = [
        c
        for c in candidates
        if c.rule == MODEL_RULE
        or c.priority >= P_BOOK_TITLE
        or not any(m.start <= c.start and c.end <= m.end and m.length > c.length for m in models)
    ]
    owner: list[int] = [-1] * length
    accepted: dict[int, Candidate] = {}

    def order(c: Candidate) -> tuple[int, int, bool, int]:  # a listed name beats a family tie
        return (-c.priority, -c.length, c.rule == "gazetteer_family", c.start)

    for index, cand in enumerate(sorted(pool, key=order)):
        clashes = {owner[i] for i in range(cand.start, cand.end) if owner[i] >= 0}
        if clashes:
            absorbable = cand.absorbs_places and all(
                accepted[j].rule == MODEL_RULE
                and accepted[j].label == "PLACE"
                and cand.start <= accepted[j].start
                and accepted[j].end <= cand.end
                for j in clashes
            )
            if not absorbable:
                continue
            for j in clashes:
                old = accepted.pop(j)
                owner[old.start : old.end] = [-1] * old.length
        accepted[index] = cand
        owner[cand.start : cand.end] = [index] * cand.length
    return sorted(accepted.values(), key=lambda c: c.start)


def _second_pass(text: str, chosen: Sequence[Candidate]) -> list[Candidate]:
    """简称 aliases of chosen entities, and repeats of strongly matched names."""
    extra: list[Candidate] = []
    ends = {c.end: c for c in chosen}
    for match in _ALIAS.finditer(text):
        source = ends.get(match.start())
        if source is not None and source.label != "PERSON":
            kb_id = source.kb_id or text[source.start : source.end]
            extra.append(
                Candidate(match.start(1), match.end(1), source.label, P_ALIAS, "alias", kb_id)
            )
    for cand in chosen:
        if cand.label != "PROJECT":
            continue
        part = _PART.match(text, cand.end)
        if part and not any(ch in STOP_CHARS for ch in part.group()):
            extra.append(Candidate(cand.end, part.end(), "PROJECT", P_ALIAS, "part"))
    seen: set[str] = set()
    for cand in [*chosen, *extra]:
        name = text[cand.start : cand.end]
        if cand.rule not in _PROPAGATE_RULES or len(name) < 2 or name in seen:
            continue
        seen.add(name)
        priority = min(cand.priority, P_PROPAGATED)
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            if start != cand.start and _aligned(text, start, end):
                extra.append(
                    Candidate(start, end, cand.label, priority, "propagated", cand.kb_id or name)
                )
            start = text.find(name, end)
    return extra


def match_entities(
    text: str,
    model_spans: Sequence[Candidate] = (),
    gazetteer: Gazetteer | None = None,
    *,
    protected: Sequence[tuple[int, int]] = (),
    propagate: bool = True,
    repair_org: bool = True,
) -> list[Candidate]:
    """The resolved entities of ``text``: model spans kept, repaired or replaced, plus rule matches.

    ``model_spans`` are the model's entities as candidates with ``rule="model"``; ``protected`` are
    character spans an ORG may not be extended into (job titles).
    """
    places = [c.start for c in model_spans if c.label == "PLACE"]
    candidates = [*model_spans, *find_candidates(text, places)]
    if gazetteer is not None:
        candidates += gazetteer_candidates(text, gazetteer)
    candidates = [c for c in candidates if _aligned(text, c.start, c.end)]
    if repair_org:
        people = [(c.start, c.end) for c in model_spans if c.label == "PERSON"]
        candidates = repair_orgs(text, candidates, [*protected, *people])
    chosen = resolve(candidates, len(text))
    if propagate:
        extra = _second_pass(text, chosen)
        if extra:
            chosen = resolve([*candidates, *extra], len(text))
    return chosen


def _doc_text(doc: Doc) -> str:
    """``doc.text``, built from the ORTH/SPACY arrays (spaCy's property makes a Token per token)."""
    if not len(doc):
        return ""
    array = doc.to_array([ORTH, SPACY])
    orths, inverse = numpy.unique(array[:, 0], return_inverse=True)
    strings = doc.vocab.strings
    pieces = numpy.array([strings[int(orth)] for orth in orths], dtype=object)[inverse]
    spaced = array[:, 1] != 0
    if spaced.any():
        pieces[spaced] = pieces[spaced] + " "
    return "".join(pieces.tolist())


def _entities(doc: Doc) -> list[Span]:
    """``doc.ents`` without spaCy's per-token Python loop (which costs more than this component)."""
    iob = doc.to_array(ENT_IOB)
    starts = numpy.flatnonzero(iob == 3).tolist()
    spans: list[Span] = []
    for start in starts:
        end = start + 1
        while end < len(iob) and iob[end] == 1:
            end += 1
        token = doc[start]
        spans.append(Span(doc, start, end, label=token.ent_type, kb_id=token.ent_kb_id))
    return spans


class EntityRules:
    """Adds gazetteer and pattern entities to ``doc.ents`` and repairs the model's ones."""

    def __init__(
        self, nlp: Language, name: str = "kg_entity_rules", *, propagate: bool, repair_org: bool
    ) -> None:
        self.nlp = nlp
        self.name = name
        self.propagate = propagate
        self.repair_org = repair_org
        self.gazetteer: Gazetteer | None = None

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        gazetteer_path: str | None = None,  # a str: spaCy validates init settings with pydantic
    ) -> None:
        """Load the gazetteer (default: ``gazetteer.tsv`` in the shipped ``ontology`` folder)."""
        if gazetteer_path is None:
            from kg.resources import data_path

            self.gazetteer = Gazetteer.from_path(data_path("ontology") / GAZETTEER_FILE)
        else:
            self.gazetteer = Gazetteer.from_path(gazetteer_path)

    def match(
        self, doc: Doc, text: str | None = None, ents: Sequence[Span] | None = None
    ) -> list[Candidate]:
        """The resolved candidates for ``doc`` (pure: ``doc`` is not changed)."""
        if self.gazetteer is None:
            self.initialize()
        text = _doc_text(doc) if text is None else text
        model = [
            Candidate(e.start_char, e.end_char, e.label_, P_MODEL, MODEL_RULE, e.kb_id_)
            for e in (_entities(doc) if ents is None else ents)
        ]
        titles = doc.spans[TITLES_KEY] if TITLES_KEY in doc.spans else ()  # noqa: SIM401
        return match_entities(
            text,
            model,
            self.gazetteer,
            protected=[(t.start_char, t.end_char) for t in titles],
            propagate=self.propagate,
            repair_org=self.repair_org,
        )

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        ents = _entities(doc)
        originals = {(e.start_char, e.end_char, e.label_): e for e in ents}
        spans: list[Span] = []
        for cand in self.match(doc, _doc_text(doc), ents):
            span = originals.get((cand.start, cand.end, cand.label))
            if span is None:
                span = doc.char_span(
                    cand.start,
                    cand.end,
                    label=cand.label,
                    kb_id=cand.kb_id,
                    alignment_mode="strict",
                )
            if span is not None:
                spans.append(span)
        doc.set_ents(spans, default="outside")
        return doc

    # Serialisation: the gazetteer travels with the pipeline.
    def _cfg(self) -> dict[str, Any]:
        return {"propagate": self.propagate, "repair_org": self.repair_org}

    def _gazetteer_text(self) -> str:
        if self.gazetteer is None:
            self.initialize()
        assert self.gazetteer is not None
        return format_gazetteer(self.gazetteer.entries)

    def _load(self, cfg: dict[str, Any], gazetteer_text: str, source: str) -> None:
        self.propagate = bool(cfg.get("propagate", self.propagate))
        self.repair_org = bool(cfg.get("repair_org", self.repair_org))
        self.gazetteer = Gazetteer(parse_rows(gazetteer_text.splitlines(), source))

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / GAZETTEER_FILE).write_text(self._gazetteer_text(), encoding="utf-8")
        srsly.write_json(path / "cfg", self._cfg())

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> Self:
        path = Path(path)
        cfg = srsly.read_json(path / "cfg") if (path / "cfg").exists() else {}
        gazetteer_file = path / GAZETTEER_FILE
        self._load(cfg, gazetteer_file.read_text(encoding="utf-8"), str(gazetteer_file))
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return srsly.msgpack_dumps({"cfg": self._cfg(), "gazetteer": self._gazetteer_text()})

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> Self:
        msg = srsly.msgpack_loads(data)
        self._load(msg.get("cfg", {}), msg["gazetteer"], "<bytes>")
        return self


@Language.factory(
    "kg_entity_rules",
    default_config={"propagate": True, "repair_org": True},
    assigns=["doc.ents"],
)
def make_entity_rules(nlp: Language, name: str, propagate: bool, repair_org: bool) -> EntityRules:
    return EntityRules(nlp, name, propagate=propagate, repair_org=repair_org)
