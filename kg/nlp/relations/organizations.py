"""Organisation facts: ``parentOrganization``, ``location``, ``manufacturer``, ``foundingDate``.

Rules (extractor names after ``rule:``):

- ``parent/cue`` (0.9): ORG + 所属/下属/附属/旗下/直属 + ORG (海口海关所属三亚海关).
- ``parent/nested-name`` (0.85): one name holding its parent (北京大学法学院 → 北京大学,
  复旦大学附属华山医院 → 复旦大学); the parent is a mention inside the child's span, not in
  ``doc.ents``. Chains are split one level at a time.
- ``parent/list-shared`` (0.7): 北京大学人工智能研究院、集成电路学院 → 集成电路学院 → 北京大学
  (units of the same kind: not 亚洲协会南加中心、美中友协美西分会).
- ``location/headquarters`` (0.9; 0.85 across a comma): ORG … 总部位于/设在 PLACE. Across a
  comma the subject is the ORG opening the sentence when there is one (not an ORG named in
  between: X公司是由Y株式会社投资的…，位于 PLACE → X公司).
- ``location/located-in`` (0.8; 0.75 across a comma): ORG/PROJECT/EVENT 位于/坐落于/地处/落户/
  创立于 PLACE;
  ``location/located-place-of`` (0.85): 位于 PLACE 的 ORG/PROJECT/EVENT (位于广东的江门中微子实验).
- ``location/name-prefix`` (0.7): a company name starting with a province, a large city or a
  …市/…县 is located there (青岛金暖阳燃气取暖器有限公司 → 青岛).
- ``manufacturer/org-made-product`` (0.75): ORG 研制/推出/发布/打造/生产/带来 … PRODUCT
  (same clause; also ORG + PERSON团队/课题组 研制的 PRODUCT: the team's institution);
  ``manufacturer/product-by-org`` (0.85; 0.8 each of a list): PRODUCT(大型客机…)由 ORG(与 ORG、
  ORG)(合作/抓总)研制, also 由 ORG 与多家企业合作研制;
  ``manufacturer/maker-in-discourse`` (0.6): 商业火箭“天龙三号”… then, within two sentences, the
  only ORG of a sentence saying it makes that class (天兵科技董事长…介绍，企业…从火箭自研…).
- ``founding/date-cue`` (0.9; 0.8 across a comma): ORG … 成立于/创建于/创办于 DATE, ORG 于 DATE
  成立, 成立于 DATE 的 ORG, 自 DATE 成立以来，ORG; ``founding/date-then-org`` (0.85):
  DATE，ORG 成立 (DATE，ORG、ORG 相继成立: each of the list); ``founding/date-clause-org``
  (0.75): DATE，…的 ORG（简称）也正式宣告成立 — the ORG right before the verb later in the
  clause, no other date or founding verb between, nothing after the verb;
  ``founding/date-verb-org`` (0.75): DATE，张三在上海创办了 ORG. Not when the verb has another
  object (1999年组建我院教育系). Cues include 创始于/创牌于/起家于, ORG于 DATE 经…批准成立,
  ORG于 DATE 由张三创建 and ORG在 DATE 正式在…成立; an alias bracket between the ORG and the cue
  is no break; ORG (是)由 … 于 DATE 创立 / 创立于 DATE is about that ORG, not an organisation
  named in the 由 phrase; a PERSON right before the verb makes it no founding (张三诞生于1950年);
  across a comma the subject is the ORG opening the sentence when one does. The value is ISO
  ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
"""

from __future__ import annotations

import itertools
import re

from kg.nlp.records import Mention, Relation
from kg.nlp.relations.base import (
    CLAUSE_END,
    Context,
    alone_in_brackets,
    opens_sentence,
    relation,
)
from kg.nlp.relations.dates import find_dates
from kg.nlp.relations.lexicon import (
    ORG_CATEGORY,
    PARENT_CUES,
    ends_with_subunit_head,
    split_parent,
)
from kg.nlp.relations.place_names import place_prefix

_LOCATED = ("ORG", "PROJECT", "EVENT")
_LOC_CUE = re.compile(
    r"(?P<cue>总部(?:所在地)?(?:位于|设在|设于|设立在|设立于|坐落于|在|为|是)|坐落于|坐落在|位于|地处|"
    r"落户于?|设在|设于|(?:创立|创建|诞生|成立)(?:于|在))(?:[^，。；、“”\s]{0,8}的)?\s*$"
)
_MADE = re.compile(
    r"^[”’」]?[）)]?[^，。；“”]{0,8}?(?:自主|独立|联合|首次|正式|成功|全新)?(?:研制|研发|推出|发布|打造|生产|制造|"
    r"设计|开发|量产|带来)(?:的|了|出)?[^，。；]{0,16}?[“‘「]?$"
)


#: A research team named after its leader, between an institution and what it made.
_TEAM = re.compile(r"^(?:院士|教授|研究员)?(?:科研|研究)?(?:团队|课题组|研究组|小组)")
_MADE_BY = re.compile(r"^[”’」]?[^，。；“”、]{0,6}?(?:是|系)?由$")
_MADE_BY_VERB = re.compile(
    r"^(?:等单位)?(?:(?:与|和|及)[^，。；“”]{1,10}?(?=合作|联合|共同))?"
    r"(?:自主|独立|联合|共同|合作|负责|牵头|抓总)?(?:研制|研发|生产|制造|设计|开发|打造|推出)"
)
_FOUND_BEFORE = re.compile(
    r"(?:成立|创立|创建|创办|组建|始建|始创|创始|始|建立|注册成立|创设|设立|创业|诞生|创牌|起家|创)"
    r"(?:于|时间为|时间是|日期为)[：:]?\s*$"
)
_FOUND_AFTER = re.compile(
    r"^\s*(?:正式)?(?:在[^，。；“”]{1,45}?|经[^，。；“”]{1,20}?(?:批准|核准)|由[^，。；“”]{1,20}?)?"
    r"(?:正式|注册|登记|宣告|挂牌|合并|新)*"
    r"(?:成立|创立|创建|创办|组建|建立|设立)(?!\d|[一二三四五六七八九十]+周年)"
)
#: After the founding verb: the clause ends (or 的/以来/时 …), so the verb has no other object.
_VERB_DONE = re.compile(
    r"^(?:$|[，,。；;！!？?、）)]|的|以来|时|后|之初|至今|初期|之时|伊始|于|在)"
)
#: 2011年，周海在上海创办了 ORG: a date, then the founding verb right before an ORG.
_LATER_FOUNDED = re.compile(
    r"^[，,]?[^。；“”年]{0,20}?(?:参与|共同|联合|合并|一手)?(?:创办|创立|创建|成立|组建)(?:了|的)?(?=.)"
)
#: DATE，(国有企业)ORG 成立: what may stand between the date and the ORG.
_DATE_THEN_ORG = re.compile(rf"^[，,]?\s*(?:{ORG_CATEGORY})?[“\"]?")
_ORG_FOUNDED = re.compile(
    r"^[”\"]?(?:[（(][^（()）]{0,30}[)）])?(?:也|亦|相继|先后|同时|分别|均)?(?:在[^，。；“”]{1,12}?)?"
    r"(?:正式|宣告|挂牌|注册)*(?:成立|创立|组建)(?!\d|[一二三四五六七八九十]+周年)"
)


#: After 成立 in 2015年，…ORG 正式成立: the clause ends there (not 成立的子公司, 成立以来).
_FOUNDED_CLAUSE_END = re.compile(r"^(?:$|[，,。；;！!？?、]|后|以后|之后|之初|伊始|时)")
#: Between a date and the ORG founded later in its clause: no sentence end, no other founding.
_FOUNDED_GAP_STOP = re.compile(
    r"[。；;！!？?]|(?:成立|创立|创建|创办|组建|设立|建立)(?!的)|^\s*(?:是|为)"
)


def _founded_later_in_clause(
    ctx: Context, orgs: list[Mention], date_end: int, limit: int
) -> Mention | None:
    """2015年，中国宝武旗下的欧冶云商股份有限公司（“欧冶云商”）成立以后 → 欧冶云商股份有限公司:
    the first ORG after the date that the founding verb follows, with no other date, founding
    verb or sentence end between (not 2015年是A公司成立的第十年, not 成立的子公司)."""
    for org in orgs:
        if org.start < date_end:
            continue
        gap = ctx.text[date_end : org.start]
        if len(gap) > 50 or _FOUNDED_GAP_STOP.search(gap) or find_dates(gap):
            return None
        rest = ctx.text[org.end : limit]
        verb = _ORG_FOUNDED.match(rest)
        if verb is not None and _FOUNDED_CLAUSE_END.match(rest[verb.end() :]):
            return org
    return None


def _org_list(ctx: Context, first: Mention) -> list[Mention]:
    """``first`` and the ORGs listed right after it (、 和 与 及 between)."""
    listed = [first]
    while ctx.text[listed[-1].end : listed[-1].end + 1] in ("、", "和", "与", "及"):
        nxt = ctx.starting_at(listed[-1].end + 1)
        if nxt is None or nxt.label != "ORG":
            break
        listed.append(nxt)
    return listed


#: ORG (（…）)(是)由 …: what follows says who made it (由张三于2016年创立, 是由张三创立于).
_BY_SOMEONE = re.compile(r"(?:[（(][^（()）]{0,30}[)）])?(?:是|系|则|最早|最初)?由")


def _founded_by(ctx: Context, orgs: list[Mention], pos: int) -> Mention | None:
    """The ORG a 由-phrase ending in the founding date at ``pos`` is about: 山东环创传媒有限公司
    由山东朱氏药业集团董事长朱坤福先生于2016年创立 → 山东环创传媒有限公司."""
    for org in reversed([o for o in orgs if o.end <= pos]):
        by = _BY_SOMEONE.match(ctx.text, org.end)
        if by is not None:
            between = ctx.text[by.end() : pos]
            if not re.search(r"[。；;由]", between) and len(between) <= 40:
                return org
    return None


def _person_before(ctx: Context, sentence: tuple[int, int], pos: int) -> bool:
    """A PERSON right before the verb that ends at ``pos`` (张三诞生于1950年): about the person,
    not the organisation named before (but 上海小水滴…公司是冯玉光于2015年3月10日注册成立)."""
    before = [m for m in ctx.mentions if sentence[0] <= m.start and m.end <= pos]
    if not before or before[-1].label != "PERSON":
        return False
    gap = ctx.text[before[-1].end : pos]
    return len(gap) <= 6 and _no_break(gap) and _FOUND_BEFORE.search(gap) is not None


def _names_the_subject(ctx: Context, org: Mention, pos: int) -> bool:
    """``org`` can be what a later cue at ``pos`` is about: not inside a bracket closed before
    ``pos`` (X（其前身为 Y），成立于… is about X)."""
    between = ctx.text[org.end : pos]
    opened = ctx.text[max(0, org.start - 30) : org.start]
    return not (re.search(r"[（(][^）)]*$", opened) and re.search(r"^[^（(]*[）)]", between))


#: An alias or note bracket after a name (（中文简称“耀皮玻璃”，…）): no break in the clause.
_BRACKETED = re.compile(r"[（(][^（()）]{0,60}[)）]")


def _topic_org(ctx: Context, mentions: list[Mention], sentence: tuple[int, int]) -> Mention | None:
    """The ORG opening the sentence (its topic), if one does; ``mentions`` are the sentence's."""
    if mentions and mentions[0].label == "ORG" and opens_sentence(ctx, mentions[0], sentence):
        return mentions[0]
    return None


def _no_break(text: str) -> bool:
    return not any(ch in CLAUSE_END for ch in text) and "“" not in text


def extract_parents(ctx: Context) -> list[Relation]:
    out: list[Relation] = []
    for sentence in ctx.sentences:
        orgs = ctx.in_sentence(sentence, ("ORG",))
        for i, org in enumerate(orgs):
            if i > 0 and PARENT_CUES.match(ctx.between(orgs[i - 1], org)):
                out.append(
                    relation(org, "parentOrganization", orgs[i - 1], sentence, "parent/cue", 0.9)
                )
            chain = _nested_parents(ctx, org, sentence)
            out += chain
            if chain and i + 1 < len(orgs):
                parent = chain[0].object
                assert parent is not None
                out += _shared_parent(ctx, orgs[i:], parent, sentence)
    return out


def _nested_parents(ctx: Context, org: Mention, sentence: tuple[int, int]) -> list[Relation]:
    out: list[Relation] = []
    child = org
    while True:
        split = split_parent(child.text)
        if split is None:
            return out
        name, _ = split
        parent = ctx.sub_mention(child.start, child.start + len(name), "ORG")
        out.append(
            relation(child, "parentOrganization", parent, sentence, "parent/nested-name", 0.85)
        )
        child = parent


def _shared_parent(
    ctx: Context, orgs: list[Mention], parent: Mention, sentence: tuple[int, int]
) -> list[Relation]:
    out: list[Relation] = []
    kind = orgs[0].text[-1]  # 院 of 人工智能研究院: the units listed are of the same kind
    for prev, org in itertools.pairwise(orgs):
        if ctx.between(prev, org) != "、":
            break
        if split_parent(org.text) is not None or not ends_with_subunit_head(org.text):
            break
        if len(org.text) > 10 or org.text[-1] != kind:
            break  # 亚洲协会南加中心、美中友协美西分会: another body's branch
        out.append(relation(org, "parentOrganization", parent, sentence, "parent/list-shared", 0.7))
    return out


def extract_locations(ctx: Context) -> list[Relation]:
    out: list[Relation] = []
    for sentence in ctx.sentences:
        mentions = ctx.in_sentence(sentence)
        for i, place in enumerate(mentions):
            if place.label != "PLACE":
                continue
            before = ctx.text[sentence[0] : place.start]
            cue = _LOC_CUE.search(before)
            if cue is None:
                continue
            if i > 0 and mentions[i - 1].label == "PLACE" and mentions[i - 1].end == place.start:
                continue  # the run's first place carries the cue
            target = place
            for m in mentions[i + 1 :]:
                if m.label == "PLACE" and ctx.text[target.end : m.start].strip() == "":
                    target = m
                else:
                    break
            hq = cue.group("cue").startswith("总部")
            # 位于 PLACE 的 X
            after = re.match(r"^[^，。；“”]{0,6}?的", ctx.text[target.end : sentence[1]])
            if after is not None:
                subject = ctx.starting_at(target.end + after.end())
                if subject is not None and subject.label in _LOCATED:
                    out.append(
                        relation(
                            subject, "location", target, sentence, "location/located-place-of", 0.85
                        )
                    )
                    continue
            subject = None
            for j in range(i - 1, -1, -1):
                m = mentions[j]
                if m.label in _LOCATED:
                    subject = m
                    named = mentions[j - 1] if j > 0 else None
                    if (
                        named is not None
                        and named.label in _LOCATED
                        and alone_in_brackets(ctx.text, named.end, m.start, m.end)
                    ):
                        subject = named  # 深度求索（DeepSeek）位于…: the name, not the bracket
                    break
                if m.label == "PERSON":
                    break
            cue_at = sentence[0] + cue.start()
            if subject is None or subject.end > cue_at:
                continue
            gap = ctx.text[subject.end : cue_at]
            if _no_break(gap):
                conf = 0.9 if hq else 0.8
            else:
                clause = re.split(r"[，,]", gap)[-1].strip()
                topic = _topic_org(ctx, mentions, sentence)
                if topic is not None and topic is not subject:
                    # a later clause speaks of the sentence's topic, not of an ORG named in
                    # between (…公司是由日本X株式会社投资的…公司，成立于1999年，位于…)
                    subject = topic
                    gap = ctx.text[subject.end : cue_at]
                    clause = re.split(r"[，,]", gap)[-1].strip()
                elif "“" in gap:
                    continue
                if "。" in gap or clause not in ("", "现", "目前", "其", "公司"):
                    continue
                conf = 0.85 if hq else 0.75
            extractor = "location/headquarters" if hq else "location/located-in"
            out.append(relation(subject, "location", target, sentence, extractor, conf))
    return out


def extract_name_locations(ctx: Context) -> list[Relation]:
    """A company name that starts with a place is located there (青岛金暖阳…有限公司 → 青岛)."""
    out: list[Relation] = []
    for org in ctx.mentions:
        if org.label != "ORG":
            continue
        place = place_prefix(org.text)
        if place is None:
            continue
        where = ctx.starting_at(org.start)
        obj = ctx.sub_mention(org.start, org.start + len(place), "PLACE")
        if where is not None and where.label == "PLACE" and where.end <= org.end:
            obj = where
        out.append(
            relation(org, "location", obj, ctx.sentence_of(org.start), "location/name-prefix", 0.7)
        )
    return out


def extract_manufacturers(ctx: Context) -> list[Relation]:
    out: list[Relation] = []
    for sentence in ctx.sentences:
        mentions = ctx.in_sentence(sentence)
        for i, product in enumerate(mentions):
            if product.label != "PRODUCT":
                continue
            prev = mentions[i - 1] if i > 0 else None
            j = i - 1
            while j > 0 and mentions[j].label == "PLACE":
                j -= 1  # 智谱在京发布…: where it was done stands between the maker and the product
            if (
                prev is not None
                and j < i - 1
                and mentions[j].label == "ORG"
                and re.search(r"[在于]$", ctx.between(mentions[j], mentions[j + 1]))
            ):
                prev = mentions[j]
            gap = ctx.between(prev, product) if prev is not None else ""
            team = _TEAM.match(gap) if prev is not None and prev.label == "PERSON" else None
            if (
                team
                and prev is not None
                and i > 1
                and mentions[i - 2].label == "ORG"
                and mentions[i - 2].end == prev.start
            ):
                # 中国科学技术大学潘建伟团队研制的“九章三号”: the team's institution made it
                prev, gap = mentions[i - 2], gap[team.end() :]
            elif (
                prev is not None
                and i > 1
                and alone_in_brackets(ctx.text, mentions[i - 2].end, prev.start, prev.end)
            ):
                # 深度求索（DeepSeek）发布的…: the name, not its bracket; the gap after the bracket
                prev, gap = mentions[i - 2], ctx.text[prev.end + 1 : product.start]
            if prev is not None and prev.label == "ORG" and _MADE.match(gap):
                out.append(
                    relation(
                        product,
                        "manufacturer",
                        prev,
                        sentence,
                        "manufacturer/org-made-product",
                        0.75,
                    )
                )
            nxt = mentions[i + 1] if i + 1 < len(mentions) else None
            if nxt is not None and nxt.label == "ORG" and _MADE_BY.match(ctx.between(product, nxt)):
                # 由 ORG(与 ORG、ORG)(合作)研制: every organisation of the list made it
                makers = _org_list(ctx, nxt)
                if _MADE_BY_VERB.match(ctx.text[makers[-1].end : sentence[1]]):
                    out += [
                        relation(
                            product,
                            "manufacturer",
                            maker,
                            sentence,
                            "manufacturer/product-by-org",
                            0.85 if len(makers) == 1 else 0.8,
                        )
                        for maker in makers
                    ]
    out += _makers_in_discourse(ctx)
    return out


#: What a product is, written next to its name (商业火箭“天龙三号”, 天龙三号火箭).
_PRODUCT_CLASS = "运载火箭|火箭|卫星|无人机|飞行器|芯片|机器人|手机|汽车|大模型|探测器|飞船|发动机"
_CLASS_BEFORE = re.compile(f"({_PRODUCT_CLASS})[“‘「]?$")
_CLASS_AFTER = re.compile(f"^[”’」]?({_PRODUCT_CLASS})")


def _makers_in_discourse(ctx: Context) -> list[Relation]:
    """``manufacturer/maker-in-discourse`` (0.6): a product named with its class
    (商业火箭“天龙三号”) and, in the same or one of the next two sentences, the one organisation
    of that sentence saying it makes that class itself (天兵科技董事长康永来介绍，企业…火箭自研)."""
    out: list[Relation] = []
    for product in ctx.mentions:
        if product.label != "PRODUCT":
            continue
        near = ctx.text[max(0, product.start - 5) : product.start]
        cls = _CLASS_BEFORE.search(near) or _CLASS_AFTER.match(ctx.text[product.end :])
        if cls is None:
            continue
        noun = cls.group(1)
        making = re.compile(
            f"(?:企业|公司|我们|该公司|本公司)[^。；“”]{{0,12}}?{noun}[^。；“”]{{0,4}}?"
            f"(?:自研|自主研发|研制|研发|制造|生产)|(?:自研|自主研发|研制|研发|制造)[^。；“”]{{0,4}}{noun}"
        )
        first = ctx.sentences.index(ctx.sentence_of(product.start))
        for sentence in ctx.sentences[first : first + 3]:
            orgs = ctx.in_sentence(sentence, ("ORG",))
            if len(orgs) != 1:
                continue
            clause = ctx.text[orgs[0].end : sentence[1]]
            if making.search(clause):
                out.append(
                    relation(
                        product,
                        "manufacturer",
                        orgs[0],
                        sentence,
                        "manufacturer/maker-in-discourse",
                        0.6,
                    )
                )
                break
    return out


def extract_founding_dates(ctx: Context) -> list[Relation]:
    out: list[Relation] = []
    for sentence in ctx.sentences:
        s0, s1 = sentence
        text = ctx.text[s0:s1]
        orgs = ctx.in_sentence(sentence, ("ORG",))
        for date in find_dates(text):
            start, end = s0 + date.start, s0 + date.end
            if re.match(r"^\s*[—\-–~至到]", ctx.text[end:s1]):
                continue  # a range (1980年—1991年)
            before = ctx.text[s0:start]
            after = ctx.text[end:s1]
            found_after = _FOUND_AFTER.match(after)
            subject: Mention | None = None
            conf = 0.9
            later = _LATER_FOUNDED.match(after)
            if found_after is not None:
                rest_at = end + found_after.end()
                rest = after[found_after.end() :]
                follow = re.match(r"^(?:了|出)?", rest)
                assert follow is not None
                since = re.match(r"^(?:以来[，,]|的)\s*", rest)
                if ctx.starting_at(rest_at + follow.end()) is not None:
                    subject = ctx.starting_at(rest_at + follow.end())
                elif since and ctx.starting_at(rest_at + since.end()) is not None:
                    subject = ctx.starting_at(rest_at + since.end())
                elif not _VERB_DONE.match(rest):
                    continue  # 1999年组建我院教育系: the verb has an object that is no entity
                if subject is not None and subject.label != "ORG":
                    continue
            elif _FOUND_BEFORE.search(before):
                if after.startswith("的"):
                    # 成立于1956年的（株）好丽友: the one named after 的; else the clause's ORG
                    # (力拓集团成立于1873年的跨国性…); else none
                    # (其前身是成立于1979年的中国黄金总公司)
                    named = re.match(r"^的(?:[（(][^）)]{1,4}[）)])?", after)
                    assert named is not None
                    subject = ctx.starting_at(end + named.end())
                    if subject is None or subject.label != "ORG":
                        subject = None
                        preceding = [o for o in orgs if o.end <= start]
                        if not preceding or not _no_break(ctx.text[preceding[-1].end : start]):
                            continue
            elif later is not None and ctx.starting_at(end + later.end()) is not None:
                org = ctx.starting_at(end + later.end())
                if (
                    org is not None
                    and org.label == "ORG"
                    and not re.match(
                        r"^[^，,。]{0,4}(?:之后|以后|后|之前|以前)", ctx.text[org.end :]
                    )
                ):
                    out.append(
                        relation(
                            org,
                            "foundingDate",
                            None,
                            sentence,
                            "founding/date-verb-org",
                            0.75,
                            value=date.iso,
                        )
                    )
                continue
            else:
                comma = _DATE_THEN_ORG.match(after)
                org = ctx.starting_at(end + comma.end()) if comma else None
                listed = _org_list(ctx, org) if org is not None and org.label == "ORG" else []
                # 1990年，上海证券交易所、深圳证券交易所相继成立
                rest = ctx.text[listed[-1].end : s1] if listed else ""
                verb = _ORG_FOUNDED.match(rest)
                if verb is None or not _FOUNDED_CLAUSE_END.match(rest[verb.end() :]):
                    later_org = _founded_later_in_clause(ctx, orgs, end, s1)
                    if later_org is not None:
                        out.append(
                            relation(
                                later_org,
                                "foundingDate",
                                None,
                                sentence,
                                "founding/date-clause-org",
                                0.75,
                                value=date.iso,
                            )
                        )
                    continue
                out += [
                    relation(
                        o,
                        "foundingDate",
                        None,
                        sentence,
                        "founding/date-then-org",
                        0.85,
                        value=date.iso,
                    )
                    for o in listed
                ]
                continue
            if subject is None:
                subject = _founded_by(ctx, orgs, start)  # ORG 由张三于2016年创立 / 创立于2012年
            if subject is None:
                if _person_before(ctx, sentence, start):
                    continue  # 张三诞生于1950年: about the person
                preceding = [
                    o for o in orgs if o.end <= start and _names_the_subject(ctx, o, start)
                ]
                if not preceding:
                    continue
                subject = preceding[-1]
                gap = _BRACKETED.sub("", ctx.text[subject.end : start])
                if not _no_break(gap):
                    conf = 0.8
                    topic = _topic_org(ctx, orgs, sentence)
                    if topic is not None and topic is not subject:
                        # a later clause is about the sentence's topic, not an ORG named in
                        # between (X公司是由Y株式会社投资的…公司，成立于1999年)
                        subject = topic
                        gap = _BRACKETED.sub("", ctx.text[subject.end : start])
                if "“" in gap or "。" in gap:
                    continue
            out.append(
                relation(
                    subject,
                    "foundingDate",
                    None,
                    sentence,
                    "founding/date-cue",
                    conf,
                    value=date.iso,
                )
            )
    return out
