"""Other names of an entity (``alternateName``, the alias in ``value``).

Rules (extractor names after ``rule:``), applied to the entity right before the cue:

- ``alias/abbreviation`` (0.95): 简称“X” / （简称X） / （以下简称“X”） / （下称“X”） / ，简称X、Y /
  英文简称X. Every clause of a bracket is read (（俗称X；英文：…，缩写：Y）), and a cue may follow
  another after a comma (英译名为…，简称Y).
- ``alias/abbreviation-full-name`` (0.9, 0.85): X，全称Y — X is the short form of Y (when X is not
  an entity of its own, only if all its characters are taken from Y, in order).
- ``alias/abbreviation-bracket`` (0.8): 国家医疗保障局（医保局） — a bracket holding only Han
  characters all taken from the name, in order, and not the name's last word or a place.
- ``alias/also-called`` (0.9): 又称 / 又名 / 亦称 / 别称 / 俗称 / 原名 / 全称 X.
- ``alias/english-name`` (0.9): 英文名(称)：X / 英文：X / 英语：X.
- ``alias/latin-bracket`` (0.85): Latin letters in brackets right after an entity
  (世界知识产权组织（WIPO）), also when cues follow in the bracket (（University of Wyoming，
  简称UW） gives both); ``alias/han-bracket`` (0.85) the other way round, Han characters
  in brackets after an entity named in Latin letters (IKEA（宜家）), not a place.

Other plain brackets give nothing: （2025年）, （转自人民网）, （香港） are not names. Quoted
aliases keep what is inside the quotes; unquoted ones end at the next bracket, comma or 、.
简称 followed by a comma is a noun (电影《X》简称，由…出品) unless a quoted or Latin name, or a
short one closing the bracket, follows (（简称，药管署）)."""

from __future__ import annotations

import re

from kg.nlp.records import Mention, Relation
from kg.nlp.relations.base import Context, relation
from kg.nlp.relations.place_names import COUNTRIES, PLACE_PREFIXES

_ALIASABLE = ("ORG", "PROJECT", "PRODUCT", "PLACE", "EVENT", "WORK", "PERSON")
_OPEN, _CLOSE = "（(", "）)"
_CUES: tuple[tuple[re.Pattern[str], str, float], ...] = (
    (
        re.compile(
            r"(?:或|亦|也)?(?:以下|下文)?(?:中文|英文|英语)?(?:简称|下称|简写|缩写)(?:为|作)?"
            # a comma only before a quoted or Latin name, or a short one closing a bracket:
            # not 电影《X》简称，由…出品 (简称 as a noun)
            r"(?:[：:]|[，,](?=\s*(?:[“\"A-Za-z]|[^，,。；;（）()]{2,12}[）)])))?\s*"
        ),
        "alias/abbreviation",
        0.95,
    ),
    (
        re.compile(r"(?:又称|又名|亦称|亦名|别称|别名|俗称|原名|全称|曾用名)(?:为|是)?[：:]?"),
        "alias/also-called",
        0.9,
    ),
    (
        re.compile(
            r"(?:(?:英文名称|英文全称|英文名|外文名|英文译名|英译名)(?:为|是)?[：:]?|(?:英文|英语)[：:])\s*"
        ),
        "alias/english-name",
        0.9,
    ),
)
_QUOTED = re.compile(r"^[“\"「『‘（(]([^”\"」』’）)]{1,30})[”\"」』’）)]")
_LATIN = re.compile(r"^[A-Za-z][A-Za-z0-9 .&'\-]{0,60}$")
#: A company's legal form after a comma, part of its Latin name (Co., Ltd. / Inc.).
_LATIN_LEGAL_TAIL = re.compile(r",\s*(?:Ltd|Inc|LLC|Limited|Corp|Co|PLC|AG|GmbH|S\.A)\b\.?")
#: A person's Latin name: capitalised words (Rupert Murdoch, Jean-Paul Sartre).
_LATIN_PERSON = re.compile(r"^[A-Z][a-z'\-]+(?:[ .\-]+[A-Z][A-Za-z'\-]*+)+\.?$")
_NOT_NAMES = frozenset({"blog", "weibo", "pdf", "ppt", "app", "vip", "ok", "tv", "id", "ip", "gif"})
#: Words that stand for the entity in a text but are not names (以下简称“公司”).
_GENERIC = frozenset(
    {
        "公司",
        "本公司",
        "该公司",
        "集团",
        "本集团",
        "本行",
        "该行",
        "本会",
        "协会",
        "学会",
        "本院",
        "学校",
        "本校",
        "医院",
        "项目",
        "本项目",
        "平台",
        "系统",
        "发行人",
        "甲方",
        "乙方",
        "丙方",
        "上市公司",
        "标的公司",
        "我们",
        "本所",
    }
)
_STOP = "，,。；;、）)（(：:\n或"


def _aliases_after(text: str, pos: int, in_bracket: bool) -> list[tuple[str, int]]:
    """Read one or more aliases starting at ``pos`` (quoted or up to a delimiter)."""
    out: list[tuple[str, int]] = []
    while pos < len(text):
        quoted = _QUOTED.match(text[pos : pos + 40])
        if quoted:
            out.append((quoted.group(1), pos + quoted.start(1)))
            pos += quoted.end()
        else:
            end = pos
            while end < len(text) and text[end] not in _STOP and end - pos < 40:
                if not in_bracket and text[end] in "的是和为" and end > pos:
                    break
                end += 1
            legal = _LATIN_LEGAL_TAIL.match(text, end)
            if legal is not None and text[pos : pos + 1].isascii():
                end = legal.end()  # Huawei Technologies Co., Ltd.: the comma is in the name
            value = text[pos:end].strip()
            if not value or end - pos >= 48:
                break
            if value[0].isascii() and value[0].isalpha():
                latin = re.match(r"[A-Za-z0-9 .,&'\-]+", value)  # a comma only before Ltd.
                value = latin.group().strip() if latin else value
            out.append((value, pos))
            pos = end
        sep = re.match(r"^(?:、|或者|或|和|，或|/)", text[pos : pos + 3])
        if sep is None:
            break
        pos += sep.end()
    return out


def _alias(
    subject: Mention, value: str, sentence: tuple[int, int], extractor: str, confidence: float
) -> Relation:
    return relation(subject, "alternateName", None, sentence, extractor, confidence, value=value)


def _valid(alias: str, subject: str) -> bool:
    if not alias or alias == subject or len(alias) > 30:
        return False
    if re.fullmatch(r"[\d\s年月日号.\-—–~至]+", alias) or re.search(r"\d{4}\s*年", alias):
        return False
    if alias in _GENERIC:
        return False
    return not alias.startswith(("转自", "来源", "记者", "图", "注"))


def _cue_aliases(
    ctx: Context, subject: Mention, pos: int, in_bracket: bool, sentence: tuple[int, int]
) -> tuple[list[Relation], int]:
    """Aliases after the cues starting at ``pos`` (several, when a bracket lists them)."""
    text = ctx.text
    out: list[Relation] = []
    while True:
        for cue, extractor, conf in _CUES:
            match = cue.match(text, pos)
            if match is None:
                continue
            found = _aliases_after(text, match.end(), in_bracket)
            for alias, at in found:
                alias = alias.strip("“”\"'‘’")
                if not _valid(alias, subject.text):
                    continue
                full = ctx.starting_at(at)
                if (
                    match.group().startswith("全称")
                    and full is not None
                    and full.text.startswith(alias)
                ):
                    # 布拉格大学，全称布拉格查理大学: the name before the cue is the short one
                    out.append(
                        _alias(full, subject.text, sentence, "alias/abbreviation-full-name", conf)
                    )
                else:
                    out.append(_alias(subject, alias, sentence, extractor, conf))
            if found:
                last, at = found[-1]
                pos = at + len(last)
                while pos < len(text) and text[pos] in "”\"'’」』）)" and text[pos - 1] != "（":
                    if text[pos] in "）)" and in_bracket:
                        break
                    pos += 1
            break
        else:
            return out, pos
        if text[pos : pos + 1] not in ("，", ",", "；", ";"):
            return out, pos
        pos += 1  # a further cue may follow: 英译名为…，简称CSCB


def extract_aliases(ctx: Context) -> list[Relation]:
    out: list[Relation] = []
    text = ctx.text
    for subject in ctx.mentions:
        if subject.label not in _ALIASABLE:
            continue
        out += _short_name_before(ctx, subject)
        sentence = ctx.sentence_of(subject.start)
        pos = subject.end
        # “易藤国际教育”（ETI）, 合肥市公共资源交易监督管理局2（以下简称…）: a closing quote
        # or a footnote number may sit between the name and the bracket
        skip = re.match(r"[”\"]|\d{1,2}(?=[（(])", text[pos : pos + 3])
        if skip:
            pos += skip.end()
        if pos >= len(text) or text[pos] in ("“", "”"):
            continue
        in_bracket = text[pos] in _OPEN
        if in_bracket:
            close = re.match(r"[^）)]{0,62}[）)]", text[pos + 1 :])
            found: list[Relation] = []
            for start in _clause_starts(text, pos + 1, pos + 1 + close.end() if close else pos + 1):
                found += _cue_aliases(ctx, subject, start, True, sentence)[0]  # （俗称…；缩写：…）
            # an English name opens the bracket, cues may follow: （University of Wyoming，简称UW）
            found += _latin_bracket(ctx, subject, pos + 1, sentence)
            out += found
            if not found:
                out += _short_form_bracket(ctx, subject, pos + 1, sentence) or _han_name_bracket(
                    ctx, subject, pos + 1, sentence
                )
            if close is None:
                continue
            pos = pos + 1 + close.end()
        if text[pos : pos + 1] in ("，", ","):
            out += _cue_aliases(ctx, subject, pos + 1, False, sentence)[0]
        elif not in_bracket:
            out += _cue_aliases(ctx, subject, pos, False, sentence)[0]  # 北京天文馆又称“天象厅”
    return out


_FULL_NAME_CUE = re.compile(r"(?:^|[，,（(])\s*全称(?:为|是)?[：:]?$")
_SHORT_BEFORE = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]{2,12}$")


def _short_name_before(ctx: Context, full: Mention) -> list[Relation]:
    """山东大学网管会，全称山东大学学生宿舍网管理委员会: the words before 全称 (not an entity of
    their own) are a short form of ``full`` when all their characters are taken from it, in
    order."""
    sentence = ctx.sentence_of(full.start)
    head = ctx.text[max(sentence[0], full.start - 24) : full.start]
    cue = _FULL_NAME_CUE.search(head)
    if cue is None:
        return []
    short = _SHORT_BEFORE.search(head[: cue.start()])
    if short is None or cue.start() == 0:
        return []
    value = short.group()
    start = full.start - len(head) + short.start()
    if start > sentence[0] and ctx.text[start - 1] not in "，,；;。：:\n “”":
        return []
    if not _is_subsequence(value, full.text) or not _valid(value, full.text):
        return []
    return [_alias(full, value, sentence, "alias/abbreviation-full-name", 0.85)]


def _clause_starts(text: str, start: int, end: int) -> list[int]:
    """The bracket's start and every position after a ，/； inside it (（英文…，简称UW）)."""
    out = [start]
    out += [i + 1 for i in range(start, end) if text[i] in "，,；;"]
    return out


def _latin_bracket(
    ctx: Context, subject: Mention, pos: int, sentence: tuple[int, int]
) -> list[Relation]:
    text = ctx.text
    close = min((i for i in (text.find("）", pos), text.find(")", pos)) if i >= 0), default=-1)
    if close < 0 or close - pos > 62:
        return []
    first = re.split(r"[，,；;]", text[pos:close])[0].strip()
    if (
        _LATIN.match(first)
        and re.search("[A-Z]", first)
        and first.lower() not in _NOT_NAMES
        and (subject.label != "PERSON" or _LATIN_PERSON.match(first))
        and _valid(first, subject.text)
    ):
        return [_alias(subject, first, sentence, "alias/latin-bracket", 0.85)]
    return []


_HAN_SHORT_FORM = re.compile(r"[\u4e00-\u9fff]{2,8}")


def _han_bracket_value(ctx: Context, subject: Mention, pos: int) -> str:
    """The Han name (2-8 characters) a bracket opened before ``pos`` holds alone, when it may
    name ``subject`` (not a person, not a place); else ``""``."""
    text = ctx.text
    close = text.find("）", pos) if text[pos - 1] == "（" else text.find(")", pos)
    value = text[pos:close] if close > pos else ""
    if (
        subject.label == "PERSON"
        or not _HAN_SHORT_FORM.fullmatch(value)
        or value in PLACE_PREFIXES
        or value in COUNTRIES
        or value[-1] in "省市县区州"
        or not _valid(value, subject.text)
    ):
        return ""
    return value


def _short_form_bracket(
    ctx: Context, subject: Mention, pos: int, sentence: tuple[int, int]
) -> list[Relation]:
    """国家医疗保障局（医保局）: a bracket holding only an abbreviation of the name before it —
    every character taken from the name, in order, not its last word, not a place. Other plain
    brackets give nothing."""
    value = _han_bracket_value(ctx, subject, pos)
    if (
        not value
        or len(value) >= len(subject.text)
        or not _is_subsequence(value, subject.text)
        or subject.text.endswith(value)  # the head noun: 星火科技（科技）
    ):
        return []
    return [_alias(subject, value, sentence, "alias/abbreviation-bracket", 0.8)]


def _han_name_bracket(
    ctx: Context, subject: Mention, pos: int, sentence: tuple[int, int]
) -> list[Relation]:
    """IKEA（宜家）: the Chinese name, in brackets, of an entity named in Latin letters (not a
    person's, not a place)."""
    value = _han_bracket_value(ctx, subject, pos)
    if not value or not _LATIN.match(subject.text):
        return []
    return [_alias(subject, value, sentence, "alias/han-bracket", 0.85)]


def _is_subsequence(short: str, name: str) -> bool:
    chars = iter(name)
    return all(ch in chars for ch in short)
