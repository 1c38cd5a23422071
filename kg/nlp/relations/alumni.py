"""``alumniOf``: the schools people went to.

Rules (extractor names after ``rule:``):

- ``alumni/graduated-from`` (0.9; 0.8 across a comma): PERSON … 毕业于 ORG(、ORG), 毕业院校是 ORG;
  就读于/求学于 0.75.
- ``alumni/admitted-to`` (0.7): PERSON … 考入/考取 ORG.
- ``alumni/org-graduated`` (0.75): PERSON … ORG毕业 / ORG博士 / ORG研究生学历 / 在 ORG 读书 /
  ORG…2008级 (a student's year).
- 母校 ORG counts as 就读于 (0.75); 毕业于 ORG 的 PERSON names the person after the school.
- ``alumni/alumnus`` (0.8): school + 校友 + PERSON, also after a list of the person's posts
  (北京理工大学校友、小鹏汽车董事长何小鹏).

The object is the school, not its academic unit: 毕业于武汉大学数学系 → 武汉大学 (a part of the
mention; the unit → school link is ``parentOrganization``).

The person is the nearest one before the school in the sentence, unless it is introduced as a
relative (母亲为朱德之女朱敏) or modifies something else (乐嘉的妻子).
"""

from __future__ import annotations

import re

from kg.nlp.records import Mention, Relation
from kg.nlp.relations.base import (
    JOIN,
    POSSESSIVE,
    Context,
    nearest_person_before,
    no_break,
    relation,
)
from kg.nlp.relations.lexicon import split_parent

#: Cues right before the school: 毕业于 (0.9), 毕业院校是 (0.9), 就读于 (0.75), 考入 (0.7).
_GRADUATED = re.compile(
    r"(?:(?P<grad>(?:本科|硕士|博士|研究生)?毕业于|毕业院校(?:是|为|[：:]))"
    r"|(?P<study>就读于|求学于|肄业于|结业于|留学于|母校)|(?P<admit>考取了?|考入了?|考进了?|考上了?))"
    r"(?:[^，。；“”]{0,6}的)?\s*$"
)
#: After the school: 西北大学经济管理学院毕业, 北京大学研究生学历, 清华大学博士, 在 ORG 读书.
_ORG_GRADUATED = re.compile(
    r"^(?:[^，。；、“”]{0,10}?(?:本科|硕士|博士|研究生|大学)?毕业(?!于)"
    r"|(?:研究生|本科|大专|大学|博士|硕士)学历"
    r"|[^，。；、“”]{0,10}?(?:学士|硕士|博士)(?:学位)?(?=$|[，,。；、）)])"
    r"|[^，。；、“”]{0,10}?(?:读书|就读|求学|攻读)(?:时|期间)?)"
)


#: A student's year after a school: 浙江传媒学院播音主持艺术学院2008级.
_GRADE = re.compile(r"^[^，。；、“”]{0,14}?(?:19|20)\d\d级")
_SCHOOL = re.compile(r"(?:大学|学院|学校|中学|小学|书院|系|专业)$")


def extract_alumni(ctx: Context) -> list[Relation]:
    """``alumniOf``: PERSON … 毕业于 ORG(、ORG) and PERSON … ORG毕业."""
    out: list[Relation] = []
    for sentence in ctx.sentences:
        mentions = ctx.in_sentence(sentence)
        for i, org in enumerate(mentions):
            if org.label != "ORG":
                continue
            before = ctx.text[max(sentence[0], org.start - 16) : org.start]
            alumnus = _ALUMNUS.match(ctx.text, org.end, sentence[1])
            if alumnus is not None and _SCHOOL.search(org.text):
                # 北京理工大学校友、小鹏汽车董事长何小鹏: the person named after 校友
                person = _person_after_alumnus(ctx, mentions[i + 1 :], alumnus.end())
                if person is not None:
                    out.append(
                        relation(
                            person, "alumniOf", _school(ctx, org), sentence, _ALUMNUS_RULE, 0.8
                        )
                    )
                continue
            cue = _GRADUATED.search(before)
            orgs = [org]
            extractor, conf = "alumni/graduated-from", 0.9
            if cue is None:
                # ORG毕业
                after = ctx.text[org.end : sentence[1]]
                if not _ORG_GRADUATED.match(after) and not (
                    _SCHOOL.search(org.text) and _GRADE.match(after)
                ):
                    continue
                extractor, conf = "alumni/org-graduated", 0.75
            elif cue.group("study"):
                conf = 0.75
            elif cue.group("admit"):
                extractor, conf = "alumni/admitted-to", 0.7
            if extractor != "alumni/org-graduated":
                for m in mentions[i + 1 :]:
                    if m.label == "ORG" and JOIN.match(ctx.text[orgs[-1].end : m.start]):
                        orgs.append(m)
                    else:
                        break
            person = nearest_person_before(mentions[:i], stop_at_org=False)
            named_after = _person_after(ctx, orgs[-1]) if cue is not None else None
            if named_after is not None:  # 毕业于台湾交通大学的杜家滨先生
                out += [
                    relation(named_after, "alumniOf", _school(ctx, o), sentence, extractor, conf)
                    for o in orgs
                ]
                continue
            if person is None:
                continue
            gap = ctx.text[person.end : org.start]
            if POSSESSIVE.match(gap) or re.match(
                r"^[^，,。]{0,3}(?:女儿|儿子|妻子|丈夫|父亲|母亲)", gap
            ):
                continue
            if re.search(
                r"(?:之女|之子|女儿|儿子|妻子|丈夫|父亲|母亲|父|母)为?$",
                ctx.text[max(0, person.start - 3) : person.start],
            ):
                continue  # 母亲为朱德之女朱敏: a relative, not the sentence's subject
            if "“" in gap or "”" in gap or "。" in gap:
                continue
            if not no_break(gap):
                conf -= 0.1
            out += [
                relation(person, "alumniOf", _school(ctx, o), sentence, extractor, round(conf, 2))
                for o in orgs
            ]
    return out


#: 校友 right after a school's name (杰出校友, 知名校友).
_ALUMNUS = re.compile(r"(?:杰出|知名|优秀|老)?校友")
_ALUMNUS_RULE = "alumni/alumnus"


def _person_after_alumnus(ctx: Context, later: list[Mention], at: int) -> Mention | None:
    """The PERSON 校友 (ending at ``at``) describes: right after it, or after a list of posts
    (校友、小鹏汽车董事长何小鹏), no other person and no clause break between."""
    for m in later:
        if m.start < at:
            continue
        gap = ctx.text[at : m.start]
        if (gap and not gap.startswith("、")) or any(ch in "。；;！？!?“”" for ch in gap):
            return None
        if m.label == "PERSON":
            if gap and (len(gap) > 24 or ctx.text.startswith("的", m.end)):
                return None  # 校友、…张三的妻子: the one described is not named
            return m  # 清华大学校友张三, 校友、小鹏汽车董事长何小鹏
    return None


def _person_after(ctx: Context, org: Mention) -> Mention | None:
    """The PERSON right after ``ORG的`` (毕业于 ORG 的杜家滨先生), if one is there."""
    if not ctx.text.startswith("的", org.end):
        return None
    person = ctx.starting_at(org.end + 1)
    return person if person is not None and person.label == "PERSON" else None


#: How a school's academic unit ends (天津大学自动化系, 山东大学文学与新闻传播学院): the person
#: is an alumnus of the school; the unit's parentOrganization says which one.
_ACADEMIC_UNIT = re.compile(r"(?:系|学院|专业|学部|研究生院|研究所|书院|班)$")


def _school(ctx: Context, org: Mention) -> Mention:
    """The school an academic unit belongs to (the outermost, 浙江大学电气学院应电系 → 浙江大学)."""
    while (split := split_parent(org.text)) is not None and _ACADEMIC_UNIT.search(org.text):
        org = ctx.sub_mention(org.start, org.start + len(split[0]), "ORG")
    return org
