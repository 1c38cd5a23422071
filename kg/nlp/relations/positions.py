"""People and organisations: positions (``worksFor`` + title) and ``founder``.

Rules (extractor names after ``rule:``):

- ``position/org-title-person`` (0.9): ORG/PROJECT, then ``[sub-unit] title``, then PERSON —
  天兵科技董事长康永来. A chain (海口海关所属三亚海关企业管理和核查科副科长祝贺) gives the person
  the *innermost named* organisation (三亚海关) and keeps the sub-unit in the title as written
  (企业管理和核查科副科长); confidence 0.85 when a sub-unit is part of the title.
- ``position/list-continuation`` (0.8): 天兵科技董事长张三、总经理李四 — 李四 at the same org.
- ``position/person-org-title`` (0.8): 张三，清华大学教授 / 张三（清华大学教授） /
  张三是清华大学教授; 0.75 with nothing between (谭旭光潍柴动力股份有限公司董事长).
- ``position/person-appointed-org-title`` (0.85): 张三担任/出任/任/兼任 + ORG + title.
- ``position/org-person-title`` (0.8): 苏州银行王兰凤董事长.
- ``position/title-list-before`` (0.75): 中信资本董事长、金拱门公司董事会主席张懿宸 — the person
  holds every title of the list.
- ``position/person-clause-appointed`` (0.75): the sentence's first mention, a PERSON, then
  …，现任 ORG 董事长 (several: …、ORG 总经理).
- ``founder/title`` (0.9): a position whose title is 创始人 / 联合创始人 / 创办人 also gives
  founder.
- ``founder/person-founded-org`` (0.8): 张三(于2002年)创办/创立/创建 ORG.
- ``founder/org-by-person`` (0.85): ORG由张三、李四和王五(于…)创立; ORG是华裔张三创办的.
- ``founder/person-founded-the-org`` (0.85): 1916年由张謇创办的 ORG.
- ``position/person-clause-apposition`` (0.75): …，1937年生于广东顺德，ORG 董事长 (the
  sentence's first mention, a PERSON).

A title with no person next to it gives nothing (据记者了解), and 记者 without an organisation
name before it neither.
"""

from __future__ import annotations

import re

from kg.nlp.records import Mention, Relation
from kg.nlp.relations.base import (
    CLAUSE_END,
    JOIN,
    POSSESSIVE,
    Context,
    nearest_person_before,
    no_break,
    relation,
)
from kg.nlp.relations.lexicon import TITLE_PATTERN, is_title, split_titles, title_of_gap

_EMPLOYERS = ("ORG", "PROJECT")
_FOUNDER_TITLES = {
    "创始人",
    "联合创始人",
    "创办人",
    "共同创始人",
    "创立者",
    "创建人",
    "创建者",
    "创办者",
}
_ADVERBS = r"(?:现|曾|曾经|目前|后|同时|并|已|将|先后|还|也|又|一直|长期|自?[^，。；“”]{1,12}?起)"
_CONNECT = re.compile(
    r"^(?:[，,]\s*)?(?:同志|先生|女士)?" + _ADVERBS + r"?(?:于[^，。；“”]{1,12}?)?"
    r"(?P<verb>担任|出任|兼任|升任|就任|接任|调任|任职于|当选为|当选|作为|任)$"
)
#: 任命张三为 ORG 董事长: the verb before the person, 为 between person and org.
_APPOINT_BEFORE = re.compile(r"(?:任命|选举|推选|聘任|聘请|提名|推举|委任)$")
#: A clause continuing the sentence's subject: …，现任 ORG 董事长.
_CLAUSE_APPOINTED = re.compile(
    r"[，,；;]\s*" + _ADVERBS + r"?(?:担任|出任|兼任|升任|就任|接任|任|作为)$"
)
#: A clause that is only ORG + title: 梁庆德，1937年生于广东顺德，广东格兰仕集团有限公司董事长.
_CLAUSE_BARE = re.compile(r"[，,；;]\s*$")
#: Between an organisation and its title: an alias bracket (（以下简称“瑞福公司”）) may sit there.
_GAP_BRACKET = re.compile(r"^[（(][^）)]{0,30}[）)]")
_APPOSITION = re.compile(r"^(?:[，,（(]\s*(?:现任|现为|系|为|是)?|是|系|现为|\s+)$")
_FOUNDED = re.compile(
    r"(?:(?:一手|联合|共同|参与|合伙)?(?:创办|创立|创建|创设|组建)了?|(?:共同|联合|合伙|一起)?成立了?)$"
)
_BY_FOUNDED = re.compile(
    r"^(?:[^，。；“”]{0,16}?)(?:联合|共同|一手|合伙)?(?:创办|创立|创建|创设|组建|创始)"
)


def _clean_gap(gap: str) -> str:
    return gap[:-2] if gap.endswith("之一") else gap


def _position(
    ctx: Context,
    person: Mention,
    org: Mention,
    title: str,
    sentence: tuple[int, int],
    extractor: str,
    confidence: float,
) -> list[Relation]:
    out = [
        relation(
            person, "worksFor", org, sentence, f"position/{extractor}", confidence, title=title
        )
    ]
    if org.label == "ORG" and _FOUNDER_TITLES.intersection(split_titles(title)):
        out.append(relation(org, "founder", person, sentence, "founder/title", 0.9))
    return out


def extract_positions(ctx: Context) -> list[Relation]:
    """``worksFor`` relations (with ``title``) and the founders they name."""
    out: list[Relation] = []
    for sentence in ctx.sentences:
        mentions = ctx.in_sentence(sentence)
        placed: dict[tuple[int, int], tuple[Mention, str]] = {}
        for i, person in enumerate(mentions):
            if person.label != "PERSON":
                continue
            prev = mentions[i - 1] if i > 0 else None
            # ORG + title + PERSON
            if prev is not None and prev.label in _EMPLOYERS and prev.end <= person.start:
                gap = _GAP_BRACKET.sub("", _clean_gap(ctx.between(prev, person)))
                colon = re.search(r"[：:]\s*$", gap)
                if colon:
                    gap = gap[: colon.start()]
                extra = ctx.title_ending_at(person.start, prev.end)
                match = title_of_gap(gap, extra) if no_break(gap) else None
                if match is not None:
                    conf = 0.85 if match.has_unit or colon else 0.9
                    out += _position(
                        ctx, person, prev, match.text, sentence, "org-title-person", conf
                    )
                    placed[(person.start, person.end)] = (prev, match.text)
                    out += _titles_listed_before(ctx, mentions, i - 1, person, sentence)
                    continue
            # PERSON、title + PERSON after a position: same organisation
            if prev is not None and prev.label == "PERSON" and (prev.start, prev.end) in placed:
                gap = ctx.between(prev, person)
                if gap in ("、", "和", "与", "及"):  # 创始人：张三、李四 — same title
                    org, title = placed[(prev.start, prev.end)]
                    out += _position(ctx, person, org, title, sentence, "list-continuation", 0.8)
                    placed[(person.start, person.end)] = (org, title)
                    continue
                if gap[:1] in ("、", "，", ",") and no_break(gap[1:]):
                    match = title_of_gap(gap[1:])
                    if match is not None and not match.has_unit:
                        org, _ = placed[(prev.start, prev.end)]
                        out += _position(
                            ctx, person, org, match.text, sentence, "list-continuation", 0.8
                        )
                        placed[(person.start, person.end)] = (org, match.text)
                        continue
            # ORG + PERSON + title (苏州银行王兰凤董事长)
            if prev is not None and prev.label == "ORG" and prev.end == person.start:
                tail = re.match(
                    f"^({TITLE_PATTERN})(?=$|[，,、。；和与一先女（(])",
                    ctx.text[person.end : sentence[1]],
                )
                if tail and is_title(tail.group(1)):
                    out += _position(
                        ctx, person, prev, tail.group(1), sentence, "org-person-title", 0.8
                    )
                    continue
            # PERSON + connector + ORG + title (several: …董事长、ORG 总经理)
            for org, title, extractor, conf in _titles_after(ctx, mentions, i, sentence):
                out += _position(ctx, person, org, title, sentence, extractor, conf)
    return out


def _titles_listed_before(
    ctx: Context, mentions: list[Mention], j: int, person: Mention, sentence: tuple[int, int]
) -> list[Relation]:
    """中信资本董事长、金拱门公司董事会主席张懿宸: the person holds the earlier titles too."""
    out: list[Relation] = []
    while j >= 1:
        org, earlier = mentions[j - 1], mentions[j]
        gap = ctx.between(org, earlier)
        if org.label not in _EMPLOYERS or not gap.endswith("、") or not no_break(gap[:-1]):
            break
        match = title_of_gap(gap[:-1])
        if match is None:
            break
        out += _position(ctx, person, org, match.text, sentence, "title-list-before", 0.75)
        j -= 1
    return out


def _titles_after(
    ctx: Context, mentions: list[Mention], i: int, sentence: tuple[int, int]
) -> list[tuple[Mention, str, str, float]]:
    person = mentions[i]
    j = i + 1
    if j < len(mentions) and mentions[j].label in _EMPLOYERS:
        found = _title_after(ctx, person, mentions[j], sentence)
        if found is not None:
            return _chain(ctx, mentions, j, found, sentence)[0]
    if mentions[0] is not person:
        return []
    # later clauses about the sentence's first mention, a person: …，现任 ORG 董事长
    out: list[tuple[Mention, str, str, float]] = []
    k = i + 1
    while k < len(mentions):
        m = mentions[k]
        if m.label == "PERSON":
            break
        gap = ctx.text[person.end : m.start]
        if "。" in gap or "“" in gap:
            break
        if m.label in _EMPLOYERS:
            appointed = _CLAUSE_APPOINTED.search(gap)
            if appointed or _CLAUSE_BARE.search(gap):
                extractor = "person-clause-appointed" if appointed else "person-clause-apposition"
                found = _title_tail(ctx, m, sentence, extractor, 0.75)
                if found is not None:
                    chain, k = _chain(ctx, mentions, k, found, sentence)
                    out += chain
        k += 1
    return out


def _chain(
    ctx: Context,
    mentions: list[Mention],
    j: int,
    found: tuple[str, str, float, int],
    sentence: tuple[int, int],
) -> tuple[list[tuple[Mention, str, str, float]], int]:
    """The first (org, title) and those listed after it: …董事长、ORG 总经理."""
    title, extractor, conf, end = found
    out = [(mentions[j], title, extractor, conf)]
    while (
        ctx.text[end : end + 1] == "、"
        and j + 1 < len(mentions)
        and mentions[j + 1].start == end + 1
        and mentions[j + 1].label in _EMPLOYERS
    ):
        nxt = _title_tail(ctx, mentions[j + 1], sentence, extractor, min(conf, 0.75))
        if nxt is None:
            break
        j += 1
        title, _, _, end = nxt
        out.append((mentions[j], title, extractor, min(conf, 0.75)))
    return out, j


def _title_after(
    ctx: Context, person: Mention, org: Mention, sentence: tuple[int, int]
) -> tuple[str, str, float, int] | None:
    connector = ctx.between(person, org)
    before = ctx.text[max(sentence[0], person.start - 4) : person.start]
    appointed = _CONNECT.match(connector) or (
        connector in ("为", "担任") and _APPOINT_BEFORE.search(before)
    )
    if appointed:
        return _title_tail(ctx, org, sentence, "person-appointed-org-title", 0.85)
    if _APPOSITION.match(connector):
        return _title_tail(ctx, org, sentence, "person-org-title", 0.8)
    if connector == "":
        return _title_tail(ctx, org, sentence, "person-org-title", 0.75)
    return None


def _title_tail(
    ctx: Context, org: Mention, sentence: tuple[int, int], extractor: str, conf: float
) -> tuple[str, str, float, int] | None:
    """The title right after ``org`` up to the clause end (or 、 before another organisation)."""
    end = org.end
    limit = sentence[1]
    while end < limit and ctx.text[end] not in CLAUSE_END + "）)" and ctx.starting_at(end) is None:
        if ctx.text[end] == "、" and ctx.starting_at(end + 1) is not None:
            break
        end += 1
    following = ctx.starting_at(end)
    if following is not None and following.label == "PERSON":
        return None  # ORG 董事长 PERSON: the title is that person's
    tail = ctx.text[org.end : end]
    for suffix in ("一职", "职务", "职位", "等职", "等职务"):
        if tail.endswith(suffix):
            tail = tail[: -len(suffix)]
    match = title_of_gap(_clean_gap(tail))
    if match is None or (match.has_unit and len(match.text) > 12):
        return None
    return match.text, extractor, conf, end


def extract_founders(ctx: Context) -> list[Relation]:
    """``founder`` from 张三创办 ORG and ORG由张三创立 (titles are handled with positions)."""
    out: list[Relation] = []
    for sentence in ctx.sentences:
        mentions = ctx.in_sentence(sentence)
        for i, org in enumerate(mentions):
            if org.label != "ORG":
                continue
            before = ctx.text[sentence[0] : org.start]
            if _FOUNDED.search(before):
                person = nearest_person_before(mentions[:i])
                if person is not None:
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
            after = ctx.text[org.end : sentence[1]]
            by = re.match(r"^(?:[，,]\s*)?(?:(?:是|最早|最初)?由|是)", after)
            if by is None:
                continue
            people: list[Mention] = []
            cursor = org.end + by.end()
            for m in mentions[i + 1 :]:
                if m.start < cursor:
                    continue
                gap = ctx.text[cursor : m.start]
                if m.label == "PERSON" and (
                    (not people and _LEAD.match(gap)) or (people and JOIN.match(gap))
                ):
                    people.append(m)
                    cursor = m.end
                    continue
                break
            if people and _BY_FOUNDED.match(ctx.text[cursor : sentence[1]]):
                out += [
                    relation(org, "founder", p, sentence, "founder/org-by-person", 0.85)
                    for p in people
                ]
    return out


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
