"""``founder``: who created an organisation.

Rules (extractor names after ``rule:``; ``founder/title`` — 摩尔线程创始人张建中 — comes with the
positions in :mod:`.positions`):

- ``founder/person-founded-org`` (0.8; 0.7 across a comma): 张三(于2002年)创办/创立/创建/成立了
  ORG, 张三和李四共同成立了 ORG (not 张三的父亲创办了 …).
- ``founder/org-by-person`` (0.85): ORG由张三、李四和王五(于…)创立; ORG是华裔张三创办的;
  ORG（…），是由张三创立的; ORG成立于2005年，由张三创立 (ORG opening the sentence, nothing named
  before the 由 clause); ORG于1987年由张三创建; ORG由星火集团董事长张三创立 (the founder's
  position before the name).
- ``founder/person-founded-the-org`` (0.85): 1916年由张謇创办的 ORG.
- ``founder/topic-person-founded`` (0.7): 余蒨蒨，…导演，…，于2002年创立 ORG (the PERSON opening
  the sentence, no other person before the ORG, nothing named in the founding clause).
- ``founder/topic-title`` (0.75): ORG是一家…公司，创始人张三 (ORG opening the sentence, the first
  person named after it, no other ORG between).
"""

from __future__ import annotations

import re

from kg.nlp.records import Mention, Relation
from kg.nlp.relations.base import (
    JOIN,
    POSSESSIVE,
    Context,
    alone_in_brackets,
    nearest_person_before,
    no_break,
    opens_sentence,
    relation,
)
from kg.nlp.relations.lexicon import title_of_gap

_FOUNDED = re.compile(
    r"(?:(?:一手|联合|共同|参与|合伙)?(?:创办|创立|创建|创设|组建)了?|(?:共同|联合|合伙|一起)?成立了?)$"
)
_BY_FOUNDED = re.compile(
    r"^(?:[^，。；“”]{0,16}?)(?:联合|共同|一手|合伙)?(?:创办|创立|创建|创设|组建|创始)"
)


def extract_founders(ctx: Context) -> list[Relation]:
    """``founder`` from 张三创办 ORG and ORG由张三创立 (titles are handled with positions)."""
    out: list[Relation] = []
    for sentence in ctx.sentences:
        mentions = ctx.in_sentence(sentence)
        for i, org in enumerate(mentions):
            if org.label != "ORG":
                continue
            out += _topic_founder_title(ctx, org, mentions, i, sentence)
            before = ctx.text[sentence[0] : org.start]
            if _FOUNDED.search(before):
                person = nearest_person_before(mentions[:i])
                if person is None:
                    out += _topic_person_founded(ctx, org, mentions[:i], sentence)
                else:
                    gap = ctx.text[person.end : org.start]
                    if (
                        "由" not in gap
                        and "“" not in gap
                        and "。" not in gap
                        and not POSSESSIVE.match(gap)
                    ):
                        conf = 0.8 if no_break(gap) else 0.7
                        for p in _person_list_ending(ctx, mentions[:i], person):
                            out.append(
                                relation(
                                    org, "founder", p, sentence, "founder/person-founded-org", conf
                                )
                            )
            # 张謇创办的 ORG / 由美国药剂师希尔先生创立的 ORG
            prev = mentions[i - 1] if i > 0 else None
            if (
                prev is not None
                and prev.label == "PERSON"
                and _FOUNDED_THE.match(ctx.between(prev, org))
            ):
                out.append(
                    relation(org, "founder", prev, sentence, "founder/person-founded-the-org", 0.85)
                )
            for cursor in _by_clauses(ctx, org, mentions[i + 1 :], sentence):
                found = _founders_from(ctx, mentions[i + 1 :], cursor, sentence)
                if found:
                    out += [
                        relation(org, "founder", p, sentence, "founder/org-by-person", 0.85)
                        for p in found
                    ]
                    break
    return out


#: A later clause naming the founder of the sentence's topic: …公司，创始人李奥先生.
_TITLE_CLAUSE = re.compile(
    r"[，,；;]\s*(?:其|该公司)?(?:联合)?(?:创始人|创办人)(?:是|为|[：:])?\s*$"
)


def _topic_founder_title(
    ctx: Context, org: Mention, mentions: list[Mention], i: int, sentence: tuple[int, int]
) -> list[Relation]:
    """广州揽胜广告有限公司是一家…公司，创始人李奥先生: the ORG opens the sentence and a later
    clause starts with 创始人 + PERSON, no other organisation named between."""
    if i != 0 or not opens_sentence(ctx, org, sentence):
        return []
    for m in mentions[1:]:
        if m.label == "ORG":
            return []
        if m.label == "PERSON":
            if _TITLE_CLAUSE.search(ctx.text[org.end : m.start]):
                return [relation(org, "founder", m, sentence, "founder/topic-title", 0.75)]
            return []
    return []


#: A later clause whose subject is the sentence's topic: …，于2002年创立 ORG.
_TOPIC_FOUNDED_CLAUSE = re.compile(
    r"[，,；;]\s*(?:又|并|后|随后|之后|还|也|先后|曾|于[^，。；“”]{1,12}?|在[^，。；“”]{1,8}?)*"
    r"(?:一手|联合|共同)?(?:创办|创立|创建|创设)了?$"
)


def _topic_person_founded(
    ctx: Context, org: Mention, before: list[Mention], sentence: tuple[int, int]
) -> list[Relation]:
    """余蒨蒨，中国台湾资深女导演，…，于2002年创立 ORG: the PERSON opening the sentence, the
    only person before, founded the ORG a later clause names (no mention in that clause)."""
    if not before or before[0].label != "PERSON" or not opens_sentence(ctx, before[0], sentence):
        return []
    if any(m.label == "PERSON" for m in before[1:]):
        return []
    clause = _TOPIC_FOUNDED_CLAUSE.search(ctx.text, sentence[0], org.start)
    if clause is None or any(m.end > clause.start() for m in before):
        return []
    return [relation(org, "founder", before[0], sentence, "founder/topic-person-founded", 0.7)]


#: Right after the organisation (an alias bracket may sit between): （是）由 / 是.
_BY = re.compile(
    r"(?:[（(][^（()）]{0,30}[)）])?(?:[，,]\s*)?(?:于[^，。；“”由是]{1,12}?)?(?:(?:是|最早|最初)?由|是)"
)
#: A later clause of the sentence the organisation is the topic of: …成立于2005年，由.
_BY_LATER = re.compile(r"[，,]\s*(?:最早|最初|后)?由")


def _by_clauses(
    ctx: Context, org: Mention, later: list[Mention], sentence: tuple[int, int]
) -> list[int]:
    """Where the founders may start: after ``ORG（…）是由`` and, when ``org`` opens the sentence
    and nothing but places and its own bracketed name is named before the clause, after
    ``ORG…，由`` (深度求索（DeepSeek）是一家位于杭州的…公司，由梁文锋于2023年创立)."""
    out: list[int] = []
    by = _BY.match(ctx.text, org.end, sentence[1])
    if by is not None:
        out.append(by.end())
    if org.start != sentence[0] and ctx.text[sentence[0] : org.start].strip('“”"') != "":
        return out
    named = [
        m
        for m in later
        if m.label != "PLACE" and not alone_in_brackets(ctx.text, org.end, m.start, m.end)
    ]
    limit = named[0].start if named else sentence[1]
    clause = _BY_LATER.search(ctx.text, org.end, limit)
    if clause is not None:
        out.append(clause.end())
    return out


def _founders_from(
    ctx: Context, later: list[Mention], cursor: int, sentence: tuple[int, int]
) -> list[Mention]:
    """The people a 由 clause at ``cursor`` names as founders (由张三、李四于2016年创立)."""
    people: list[Mention] = []
    for m in later:
        if m.start < cursor:
            continue
        if not people and m.label == "PLACE" and _LEAD.match(ctx.text[cursor : m.end]):
            continue  # 是华裔谢易初…, 由美国药剂师希尔: the place describes the founder
        if (
            not people
            and m.label == "ORG"
            and _LEAD.match(ctx.text[cursor : m.start])
            and _title_before_person(ctx, m, later)
        ):
            cursor = m.end  # 由山东朱氏药业集团董事长朱坤福: the founder's position
            continue
        gap = ctx.text[cursor : m.start]
        if m.label == "PERSON" and (
            (not people and _LEAD.match(gap)) or (people and JOIN.match(gap))
        ):
            people.append(m)
            cursor = m.end
            continue
        break
    return people if people and _BY_FOUNDED.match(ctx.text[cursor : sentence[1]]) else []


def _title_before_person(ctx: Context, org: Mention, later: list[Mention]) -> bool:
    """``org`` is followed by a title and then the next mention, a PERSON (…集团董事长朱坤福)."""
    after = [m for m in later if m.start >= org.end]
    if not after or after[0].label != "PERSON":
        return False
    return title_of_gap(ctx.between(org, after[0])) is not None


#: Between the founder and the organisation: 先生于1889年创立的.
_FOUNDED_THE = re.compile(
    r"^(?:先生|女士)?(?:于[^，。；“”]{1,10}?)?(?:在[^，。；“”]{1,8}?)?(?:一手|共同|联合)?"
    r"(?:创立|创办|创建)的$"
)
#: Before the first founder after 由/是: a short description (华裔, 美国药剂师).
_LEAD = re.compile(r"^[^，。；、“”\s]{0,5}$")


def _person_list_ending(ctx: Context, mentions: list[Mention], last: Mention) -> list[Mention]:
    """张三、李四和王五 → all three when ``last`` is 王五."""
    people = [last]
    index = mentions.index(last)
    while index > 0:
        prev = mentions[index - 1]
        if prev.label != "PERSON" or not JOIN.match(ctx.text[prev.end : people[-1].start]):
            break
        people.append(prev)
        index -= 1
    return people[::-1]
