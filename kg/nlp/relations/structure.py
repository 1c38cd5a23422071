"""Places within places (``containedInPlace``) and projects within projects (``isPartOf``).

Rules (extractor names after ``rule:``):

- ``place/capital`` (0.95): PLACE + 首都/省会/首府 + PLACE (尼日利亚首都阿布贾);
  ``place/is-capital`` (0.9): PLACE 是 PLACE(的)省会 (合肥是安徽省省会).
- ``place/adjacent`` (0.8): two places written together, the first a country, province, large
  city or a name ending in 国/省/市/州/县/区 (阿联酋阿布扎比); not streets (新闸路石门路), and
  never a country, an ocean, a strait or a long river inside it (北京中华人民共和国主席,
  台湾海峡两岸).
- ``place/admin-name`` (0.85): one mention holding provinces/cities/districts (广东省江门市 →
  江门市 in 广东省); the parts are mentions inside the span.
- ``project/adjacent`` (0.8): PROJECT + [的] + PROJECT (天问二号 | VLBI测轨分系统).
- ``project/nested-name`` (0.75): a project name that starts with another project named in the
  article and ends in 系统/分系统/任务/工程/… (天问二号VLBI测轨分系统 → 天问二号).
- ``project/part-of`` (0.85): PROJECT 是 PROJECT 的(重要)组成部分/一部分.
"""

from __future__ import annotations

import itertools
import re

from kg.nlp.records import Mention, Relation
from kg.nlp.relations.base import Context, relation
from kg.nlp.relations.place_names import is_larger_place

_CAPITAL = re.compile(r"^(?:的)?(?:首都|省会|首府|首府城市)$")
#: PLACE 是 PLACE 的首都 / 省会: the capital named first (合肥是安徽省省会).
_IS_CAPITAL = re.compile(r"^(?:是|为|作为)$")
_CAPITAL_AFTER = re.compile(r"^(?:的)?(?:首都|省会|首府)(?:城市)?(?=$|[，,。；;、）)])")
_ADMIN = re.compile(
    r"^(?P<a>.{2,}?(?:省|自治区|特别行政区))(?P<b>.{1,}?(?:市|自治州|州|盟|地区))"
    r"(?P<c>.{1,}?(?:区|县|市|旗))?$"
)
_PART_SUFFIX = re.compile(r"(?:分系统|子系统|系统|任务|工程|项目|计划|平台|装置|载荷|舱|试验)$")
_PART_OF = re.compile(r"^(?:是|为|作为)$")
_PART_TAIL = re.compile(r"^的?(?:重要|核心|关键)?(?:组成部分|一部分|子项目|分系统|子系统)")


def extract_places(ctx: Context) -> list[Relation]:
    out: list[Relation] = []
    for sentence in ctx.sentences:
        places = ctx.in_sentence(sentence, ("PLACE",))
        for prev, place in itertools.pairwise(places):
            gap = ctx.between(prev, place)
            if _CAPITAL.match(gap):
                out.append(
                    relation(place, "containedInPlace", prev, sentence, "place/capital", 0.95)
                )
            elif _IS_CAPITAL.match(gap) and _CAPITAL_AFTER.match(ctx.text[place.end : sentence[1]]):
                out.append(
                    relation(prev, "containedInPlace", place, sentence, "place/is-capital", 0.9)
                )
            elif (
                gap == ""
                and len(place.text) >= 2
                and prev.text != place.text
                and is_larger_place(prev.text, place.text)
            ):
                out.append(
                    relation(place, "containedInPlace", prev, sentence, "place/adjacent", 0.8)
                )
        for place in places:
            out += _admin_parts(ctx, place, sentence)
    return out


def _admin_parts(ctx: Context, place: Mention, sentence: tuple[int, int]) -> list[Relation]:
    match = _ADMIN.match(place.text)
    if match is None:
        return []
    parts: list[Mention] = []
    for group in ("a", "b", "c"):
        if match.group(group):
            start, end = match.span(group)
            parts.append(ctx.sub_mention(place.start + start, place.start + end, "PLACE"))
    return [
        relation(inner, "containedInPlace", outer, sentence, "place/admin-name", 0.85)
        for outer, inner in itertools.pairwise(parts)
    ]


def extract_projects(ctx: Context) -> list[Relation]:
    out: list[Relation] = []
    names = sorted({m.text for m in ctx.mentions if m.label == "PROJECT"}, key=len, reverse=True)
    for sentence in ctx.sentences:
        projects = ctx.in_sentence(sentence, ("PROJECT",))
        for prev, project in itertools.pairwise(projects):
            gap = ctx.between(prev, project)
            if gap in ("", "的"):
                out.append(relation(project, "isPartOf", prev, sentence, "project/adjacent", 0.8))
            elif _PART_OF.match(gap) and _PART_TAIL.match(ctx.text[project.end : sentence[1]]):
                out.append(relation(prev, "isPartOf", project, sentence, "project/part-of", 0.85))
        for project in projects:
            for name in names:
                if len(name) < len(project.text) and project.text.startswith(name):
                    rest = project.text[len(name) :]
                    if len(rest) >= 2 and _PART_SUFFIX.search(rest):
                        whole = ctx.sub_mention(project.start, project.start + len(name), "PROJECT")
                        out.append(
                            relation(
                                project, "isPartOf", whole, sentence, "project/nested-name", 0.75
                            )
                        )
                    break
    return out
