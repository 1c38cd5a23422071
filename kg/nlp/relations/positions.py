"""Positions: ``worksFor`` with the title as written (and ``founder`` from 创始人 titles).

Rules (extractor names after ``rule:``):

- ``position/org-title-person`` (0.9): ORG/PROJECT, then ``[sub-unit] title``, then PERSON —
  天兵科技董事长康永来, …公司董事长兼总经理的程茂全. A chain
  (海口海关所属三亚海关企业管理和核查科副科长祝贺) gives the person the *innermost
  named* organisation (三亚海关) and keeps the sub-unit in the title as written
  (企业管理和核查科副科长); confidence 0.85 when a sub-unit is part of the title.
- ``position/list-continuation`` (0.8): 天兵科技董事长张三、总经理李四 — 李四 at the same org.
- ``position/person-org-title`` (0.8): 张三，清华大学教授 / 张三（清华大学教授） /
  张三是清华大学教授; 0.75 with nothing between (谭旭光潍柴动力股份有限公司董事长).
- ``position/person-appointed-org-title`` (0.85): 张三担任/出任/任/兼任/身兼/获任 + ORG +
  title, and every ORG + title listed after it (…利用担任A副厂长、B董事长等职务); the person
  replaced is not the one appointed (梁金辉接替余林，出任… → 梁金辉).
- ``position/org-person-title`` (0.8): 苏州银行王兰凤董事长(表示/在…) — the title ends the
  clause or a verb follows it.
- ``position/anaphor-title-person`` (0.7): 该公司/该行/该校 + title + PERSON → the last ORG of
  the last few sentences whose name ends with a matching head (…公司/…集团, …银行, …大学); also
  with a bare unit between (该校化学系教授陈红征 → the school, title 化学系教授).
- ``position/title-list-before`` (0.75): 中信资本董事长、金拱门公司董事会主席张懿宸 — the person
  holds every title of the list.
- ``position/person-clause-appointed`` (0.75): the sentence's first mention, a PERSON, then
  …，现任 ORG 董事长 (several: …、ORG 总经理).
- ``position/topic-title`` (0.75): ORG …，董事长 PERSON — the ORG opens the sentence, a later
  clause is only a title before the person, no other organisation or person named between.
- ``position/topic-appointed`` (0.7): ORG …，PERSON (同志)任董事长兼总经理 — the same, the title
  after the person and a verb.
- ``founder/title`` (0.9): a position whose title is 创始人 / 联合创始人 / 创办人 also gives
  founder.
- ``position/person-clause-apposition`` (0.75): …，1937年生于广东顺德，ORG 董事长 (the
  sentence's first mention, a PERSON), also after a first position (蔡西杰，…协会常务副会长，
  ORG 董事长); never a title another person's name follows.

A title with no person next to it gives nothing (据记者了解), and 记者 without an organisation
name before it neither.
"""

from __future__ import annotations

import re

from kg.nlp.records import Mention, Relation
from kg.nlp.relations.base import (
    CLAUSE_END,
    Context,
    no_break,
    opens_sentence,
    relation,
)
from kg.nlp.relations.lexicon import (
    ORG_CATEGORY,
    TITLE_PATTERN,
    is_title,
    split_parent,
    split_titles,
    title_of_gap,
)

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
#: A generic description before an organisation's name: 上市公司广东南洋电缆集团股份有限公司.
_ORG_DESCRIPTOR = f"(?:{ORG_CATEGORY})?"
#: Verbs that put a person into a post named next (担任 ORG 董事长, 身兼 …).
_TAKES_POST = (
    r"(?:担任|出任|兼任|升任|就任|接任|调任|转任|改任|继任|留任|任职于|当选为|当选|作为|身兼|"
    r"获任|获委任|受聘担任|受聘为|被任命为|被聘为|被选为|历任|任)"
)
_CONNECT = re.compile(
    r"^(?:[，,]\s*)?(?:同志|先生|女士)?(?:利用其?|凭借其?)?"
    + _ADVERBS
    + r"?(?:于[^，。；“”]{1,12}?)?"
    r"(?P<verb>" + _TAKES_POST + ")" + _ORG_DESCRIPTOR + "$"
)
#: 任命张三为 ORG 董事长: the verb before the person, 为 between person and org.
_APPOINT_BEFORE = re.compile(r"(?:任命|选举|推选|聘任|聘请|提名|推举|委任)$")
#: Before the object of a replacement (接替余林): that person leaves the post.
_REPLACED = re.compile(r"(?:接替|接任|代替|取代|替代|顶替)了?$")
#: A clause continuing the sentence's subject: …，现任 ORG 董事长.
_CLAUSE_APPOINTED = re.compile(
    r"[，,；;]\s*" + _ADVERBS + "?" + _TAKES_POST + _ORG_DESCRIPTOR + "$"
)
#: A clause that is only ORG + title: 梁庆德，1937年生于广东顺德，广东格兰仕集团有限公司董事长.
_CLAUSE_BARE = re.compile(r"[，,；;]\s*$")
#: Between an organisation and its title: an alias bracket (（以下简称“瑞福公司”）) may sit there,
#: or only its end when the organisation is the alias inside it (简称“瑞福公司”）董事长), or the
#: closing quote of a quoted name (“优游吧斯”董事长).
_GAP_BRACKET = re.compile(r"^(?:[（(][^）)]{0,30}[）)]|[”\"’」』]?[）)]|[”’」』](?=[^”’」』]))")
#: An alias or note bracket right after an organisation's name.
_ALIAS_BRACKET = re.compile(
    r"[（(](?:[^（()）]{0,10}(?:简称|下称|英文)[^（()）]{0,24}|[A-Za-z][A-Za-z0-9&.\- ]{0,30})[）)]"
)
_APPOSITION = re.compile(
    r"^(?:[，,（(]\s*(?:现任|现为|系|为|是)?|是|系|现为|\s+)" + _ORG_DESCRIPTOR + "$"
)


#: What may follow a title written after the name (苏州银行王兰凤董事长表示, …董事长推出…).
_VERB_AFTER_TITLE = (
    "表示|说|称|介绍|指出|认为|强调|透露|推出|发表|"
    "出席|会见|致辞|讲话|带领|率领|率队|在|向|对|为|就"
)


def _clean_gap(gap: str) -> str:
    """Without a closing 的 (…公司董事长兼总经理的程茂全) or 之一 (董事之一)."""
    gap = gap.removesuffix("的")
    return gap.removesuffix("之一")


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


#: An internal division with no name of its own (企业管理和核查科, 市场部, 办公室).
_DIVISION = re.compile(r"(?:科|处|室|股|组|部|车间|中队|大队)$")


def _named_org(ctx: Context, org: Mention, title: str) -> tuple[Mention, str]:
    """三亚海关企业管理和核查科 + 副科长 → 三亚海关 + 企业管理和核查科副科长: an ORG mention that
    ends with an internal division gives its named parent, the division going into the title."""
    split = split_parent(org.text)
    if split is None or not _DIVISION.search(org.text):
        return org, title
    cut = split[1]
    return ctx.sub_mention(org.start, org.start + cut, "ORG"), org.text[cut:] + title


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
                school = _unit_of_anaphor(ctx, prev, sentence) if match is not None else None
                if match is not None and school is not None:
                    # 该校化学系教授陈红征: at the school named before, the unit in the title
                    title = prev.text + match.text
                    extractor = "anaphor-title-person"
                    out += _position(ctx, person, school, title, sentence, extractor, 0.7)
                    placed[(person.start, person.end)] = (school, title)
                    continue
                if match is not None:
                    org, title = _named_org(ctx, prev, match.text)
                    conf = 0.85 if match.has_unit or colon or org is not prev else 0.9
                    out += _position(ctx, person, org, title, sentence, "org-title-person", conf)
                    placed[(person.start, person.end)] = (org, title)
                    out += _titles_listed_before(ctx, mentions, i - 1, person, sentence)
                    # …董事长的余承东现任华为常务董事: a second position after the name
                    for org2, title2, extractor, conf2 in _titles_after(ctx, mentions, i, sentence):
                        out += _position(ctx, person, org2, title2, sentence, extractor, conf2)
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
            # 该公司董事长张三: the organisation named before
            found = _anaphoric_position(ctx, person, prev, sentence)
            if found is not None:
                org, title = found
                out += _position(ctx, person, org, title, sentence, "anaphor-title-person", 0.7)
                placed[(person.start, person.end)] = (org, title)
                continue
            # ORG + PERSON + title (苏州银行王兰凤董事长)
            if prev is not None and prev.label == "ORG" and prev.end == person.start:
                tail = re.match(
                    f"^({TITLE_PATTERN})(?=$|[，,、。；和与一先女（(]|{_VERB_AFTER_TITLE})",
                    ctx.text[person.end : sentence[1]],
                )
                if tail and is_title(tail.group(1)):
                    out += _position(
                        ctx, person, prev, tail.group(1), sentence, "org-person-title", 0.8
                    )
                    continue
            # ORG opening the sentence …，董事长 PERSON
            topic = _topic_title(ctx, mentions, i, sentence)
            if topic is not None:
                out += _position(ctx, person, topic[0], topic[1], sentence, "topic-title", 0.75)
                continue
            # ORG opening the sentence …，PERSON 任董事长
            topic = _topic_appointed(ctx, mentions, i, sentence)
            if topic is not None:
                out += _position(ctx, person, topic[0], topic[1], sentence, "topic-appointed", 0.7)
                continue
            # PERSON + connector + ORG + title (several: …董事长、ORG 总经理)
            for org, title, extractor, conf in _titles_after(ctx, mentions, i, sentence):
                out += _position(ctx, person, org, title, sentence, extractor, conf)
    return out


_ANAPHOR = re.compile(
    r"(?:该|这家|这所|此)(?P<noun>公司|企业|集团|银行|学校|大学|医院|研究所|研究院|海关|机构|协会|"
    r"行|校|院|所|关)(?P<title>[^，。；：“”]{1,16})$"
)
_ANAPHOR_HEADS = {
    "企业": ("公司", "集团", "科技"),
    "机构": ("",),
    "行": ("银行", "行"),
    "校": ("大学", "学院", "学校", "中学", "小学"),
    "院": ("院",),
    "所": ("所",),
    "关": ("海关",),
}


def _anaphoric_position(
    ctx: Context, person: Mention, prev: Mention | None, sentence: tuple[int, int]
) -> tuple[Mention, str] | None:
    """该公司董事长张三 → the last ORG before, named with a matching head (…公司, …集团)."""
    start = max(sentence[0], prev.end if prev is not None else sentence[0])
    match = _ANAPHOR.search(ctx.text[start : person.start])
    if match is None:
        return None
    title = title_of_gap(match.group("title"))
    if title is None:
        return None
    org = _antecedent(ctx, match.group("noun"), start + match.start(), sentence)
    return (org, title.text) if org is not None else None


def _antecedent(
    ctx: Context, noun: str, anaphor_at: int, sentence: tuple[int, int]
) -> Mention | None:
    """The ORG 该<noun> at ``anaphor_at`` stands for: the last one before it, in this sentence or
    the three before, whose name ends with a matching head (该校 → …大学, …学院)."""
    heads = _ANAPHOR_HEADS.get(noun, (noun,))
    window = ctx.sentences.index(sentence)
    earliest = ctx.sentences[max(0, window - 3)][0]
    for m in reversed(ctx.mentions):
        if m.end > anaphor_at or m.start < earliest:
            continue
        if m.label == "ORG" and any(m.text.endswith(h) for h in heads):
            return m
    return None


#: 该校 right before a bare unit (该校化学系教授张三): the unit belongs to the school named before.
_ANAPHOR_BEFORE_UNIT = re.compile(
    r"(?:该|这家|这所|此)(?P<noun>公司|集团|银行|学校|大学|医院|研究所|研究院|行|校|院|所)$"
)
_BARE_UNIT = re.compile(r"^[\u4e00-\u9fff]{1,8}(?:系|学院|研究所|研究院|中心|实验室|部|科|处|室)$")


def _unit_of_anaphor(ctx: Context, unit: Mention, sentence: tuple[int, int]) -> Mention | None:
    """该校化学系: the school 该校 stands for, when ``unit`` is a bare unit right after it."""
    before = _ANAPHOR_BEFORE_UNIT.search(ctx.text, max(sentence[0], unit.start - 4), unit.start)
    if before is None or not _BARE_UNIT.match(unit.text):
        return None
    return _antecedent(ctx, before.group("noun"), before.start(), sentence)


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


def _topic_title(
    ctx: Context, mentions: list[Mention], i: int, sentence: tuple[int, int]
) -> tuple[Mention, str] | None:
    """瘦猴餐饮有限公司，创立于1999年，…，董事长刘青松: a later clause that is only a title
    before the PERSON, the ORG opening the sentence, no other organisation or person between
    (founders' titles are :mod:`.founders`' ``founder/topic-title``)."""
    org, person = mentions[0], mentions[i]
    if i == 0 or org.label != "ORG" or not opens_sentence(ctx, org, sentence):
        return None
    if any(m.label in ("ORG", "PROJECT", "PERSON") for m in mentions[1:i]):
        return None
    clause = re.search(r"[，,；;]\s*([^，,；;。]*)$", ctx.text[org.end : person.start])
    if clause is None or "“" in clause.group(1) or "”" in clause.group(1):
        return None
    match = title_of_gap(clause.group(1).rstrip("：: "))  # 董事长：张三
    if match is None or match.has_unit or _FOUNDER_TITLES.intersection(split_titles(match.text)):
        return None
    return org, match.text


#: After the person: 任董事长兼总经理 to the end of the clause.
_BARE_POST = re.compile(
    r"^(?:同志|先生|女士)?"
    + _ADVERBS
    + r"?(?:担任|出任|兼任|就任|任)(?P<title>[^，,。；;！!？?“”]{1,16})"
    r"(?=$|[，,。；;！!？?])"
)


def _topic_appointed(
    ctx: Context, mentions: list[Mention], i: int, sentence: tuple[int, int]
) -> tuple[Mention, str] | None:
    """山东泉林纸业有限责任公司正式挂牌成立，李洪法同志任董事长兼总经理: a person opening a
    later clause takes a bare title (no organisation after it) at the ORG opening the sentence,
    no other organisation named between (other people may be: …，张三任董事长，李四任总经理)."""
    org, person = mentions[0], mentions[i]
    if i == 0 or org.label != "ORG" or not opens_sentence(ctx, org, sentence):
        return None
    if any(m.label in ("ORG", "PROJECT") for m in mentions[1:i]):
        return None
    if not re.search(r"[，,；;]\s*$", ctx.text[org.end : person.start]):
        return None
    post = _BARE_POST.match(ctx.text[person.end : sentence[1]])
    if post is None or not is_title(post.group("title")):
        return None
    return org, post.group("title")


def _titles_after(
    ctx: Context, mentions: list[Mention], i: int, sentence: tuple[int, int]
) -> list[tuple[Mention, str, str, float]]:
    person = mentions[i]
    j = i + 1
    out: list[tuple[Mention, str, str, float]] = []
    k = i + 1
    if (
        j + 1 < len(mentions)
        and mentions[j].label == "PERSON"
        and _REPLACED.fullmatch(ctx.between(person, mentions[j]))
        and _CONNECT.match(ctx.between(mentions[j], mentions[j + 1]))
    ):
        j += 1  # 梁金辉接替余林，出任…董事长: the post is the replacing person's
        k = j
        if mentions[j].label in _EMPLOYERS:
            found = _title_tail(ctx, mentions[j], sentence, "person-appointed-org-title", 0.85)
            if found is not None:
                out, k = _chain(ctx, mentions, j, found, sentence)
                k += 1
    elif j < len(mentions) and mentions[j].label in _EMPLOYERS:
        found = _title_after(ctx, person, mentions[j], sentence)
        if found is not None:
            out, k = _chain(ctx, mentions, j, found, sentence)
            k += 1
    if mentions[0] is not person:
        return out
    # later clauses about the sentence's first mention, a person: …，现任 ORG 董事长 (also after
    # a first position: 蔡西杰，…协会常务副会长，…有限公司董事长)
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
            if j + 2 < len(mentions) and mentions[j + 2].label == "PERSON":
                # 王兆国，全国政协副主席、民革中央主席何鲁丽: the whole list is the next person's
                gap = ctx.between(mentions[j + 1], mentions[j + 2])
                if title_of_gap(gap) is not None:
                    return [], j + 1
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
    if _REPLACED.search(before):
        return None  # 梁金辉接替余林，出任…董事长: 余林 is the one replaced
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
    """The title right after ``org`` (and its alias bracket: …有限公司（简称“远盛电商”）创始人)
    up to the clause end (or 、 before another organisation)."""
    bracket = _ALIAS_BRACKET.match(ctx.text, org.end)
    begin = end = bracket.end() if bracket else org.end
    limit = sentence[1]
    while end < limit and ctx.text[end] not in CLAUSE_END + "）)" and ctx.starting_at(end) is None:
        if ctx.text[end] == "、" and ctx.starting_at(end + 1) is not None:
            break
        end += 1
    following = ctx.starting_at(end)
    if following is not None and following.label == "PERSON":
        return None  # ORG 董事长 PERSON: the title is that person's
    tail = ctx.text[begin:end]
    etc = re.search(r"等[^，。；]{0,4}?职", tail)  # …董事长等职务上的便利, 等数个职务
    if etc is not None:
        tail = tail[: etc.start()]
    for suffix in ("一职", "职务", "职位"):  # (等职, 等职务: cut with 等 above)
        if tail.endswith(suffix):
            tail = tail[: -len(suffix)]
    match = title_of_gap(_clean_gap(tail), weak=True)  # after an ORG, 委员 is a post
    if match is None or (match.has_unit and len(match.text) > 12):
        return None
    return match.text, extractor, conf, end
