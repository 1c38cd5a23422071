"""Word lists and patterns the relation rules share: job titles, organisation name heads, cues.

Job titles are recognised by composition: optional modifiers (副, 常务, 首席, 总, 高级, 二级 …)
followed by a core title from :data:`CORE_TITLES` (董事长, 研究员, 首席市场官 …), several of them
joined by 兼 / 、 (董事长兼总裁). :func:`title_at_end` finds a title that ends a stretch of text —
the way a title sits right before a name (天兵科技董事长康永来) — and :func:`title_of_gap` checks
that the whole text between an organisation and a person is "sub-unit + title"
(三亚海关 | 企业管理和核查科副科长 | 祝贺).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Modifiers that compose with a core title (副科长, 常务副总裁, 二级巡视员, 首席研究员 …).
TITLE_MODIFIERS: tuple[str, ...] = (
    "常务",
    "执行",
    "首席",
    "高级",
    "资深",
    "名誉",
    "荣誉",
    "特聘",
    "终身",
    "代理",
    "联合",
    "轮值",
    "首任",
    "一级",
    "二级",
    "三级",
    "四级",
    "副",
    "总",
    "正",
)

#: Core titles (modifiers above compose with them).
CORE_TITLES: tuple[str, ...] = (
    # companies
    "董事长",
    "董事",
    "独立董事",
    "监事长",
    "监事",
    "总经理",
    "经理",
    "总裁",
    "首席执行官",
    "执行官",
    "技术官",
    "市场官",
    "财务官",
    "运营官",
    "信息官",
    "产品官",
    "战略官",
    "科学家",
    "经济学家",
    "合伙人",
    "创始人",
    "创办人",
    "创立者",
    "创建人",
    "创建者",
    "创办者",
    "董秘",
    "董事会秘书",
    "总监",
    "负责人",
    "掌门人",
    "销售总裁",
    "CEO",
    "CTO",
    "CFO",
    "COO",
    "CMO",
    "CIO",
    "VP",
    # research, universities, hospitals
    "院士",
    "研究员",
    "教授",
    "讲师",
    "博士生导师",
    "博导",
    "工程师",
    "设计师",
    "总师",
    "专家",
    "主任医师",
    "医师",
    "校长",
    "院长",
    "所长",
    "系主任",
    "主任",
    "馆长",
    "台长",
    "站长",
    # government, associations, media
    "局长",
    "司长",
    "厅长",
    "处长",
    "科长",
    "部长",
    "署长",
    "关长",
    "主席",
    "委员",
    "常委",
    "书记",
    "秘书长",
    "理事长",
    "理事",
    "会长",
    "社长",
    "行长",
    "市长",
    "省长",
    "县长",
    "区长",
    "镇长",
    "巡视员",
    "调研员",
    "主编",
    "编辑",
    "总编辑",
    "记者",
    "发言人",
    "大使",
    "参赞",
    "领事",
    "组长",
    "队长",
    "团长",
    "指挥",
    "总指挥",
    "干事",
    "总干事",
    "分析师",
    "律师",
    "会计师",
    "建筑师",
    "架构师",
    "店长",
    "首席代表",
    "专员",
    "特派员",
    "召集人",
    # factories, villages, courts, parliaments, armed forces, sports
    "厂长",
    "矿长",
    "场长",
    "村长",
    "乡长",
    "庭长",
    "检察长",
    "审计长",
    "法官",
    "议员",
    "议长",
    "政委",
    "司令员",
    "参谋长",
    "师长",
    "军长",
    "舰长",
    "船长",
    "机长",
    "主教练",
    "教练",
    "领队",
)

_MOD = "(?:" + "|".join(sorted(TITLE_MODIFIERS, key=len, reverse=True)) + ")*"
_CORE = "(?:" + "|".join(sorted(set(CORE_TITLES), key=len, reverse=True)) + ")"
_ONE_TITLE = _MOD + _CORE
#: One or several titles joined by 兼 / 、 / 和 (董事长兼首席执行官).
TITLE_PATTERN = f"{_ONE_TITLE}(?:(?:兼|、|及|和|/|&)?{_ONE_TITLE})*"
_TITLE_AT_END = re.compile(f"(?:{TITLE_PATTERN})$")
_TITLE_FULL = re.compile(f"(?:{TITLE_PATTERN})")
_ONE_TITLE_RE = re.compile(_ONE_TITLE)

#: Words before a title that say when, not what (时任董事长 → 董事长).
_TENSE_PREFIX = re.compile(r"^(?:的|时任|现任|原任|原|前任|前|新任|首任|曾任|现为|时为)+")

#: A generic description written before an organisation's name (上市公司广东南洋电缆…, 1993年，
#: 国有企业星恒集团成立).
ORG_CATEGORY = "国有企业|民营企业|私营企业|合资企业|外资企业|国企|央企|上市公司"

#: A sub-unit between an organisation and a title: 企业管理和核查科, 销售与服务, VLBI测轨分系统.
_UNIT = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9·&\-（）()、 ]{0,16}$")
#: Words that show the stretch is a clause, not a sub-unit name.
_CLAUSE_WORDS = re.compile(
    r"是|在|了|将|对|向|从|由|被|把|据|等|说|表示|认为|称|和团队|以|为|带领|率领|"
    r"联合|共同|以及|这|那|其|之|一位|一名|一个|多位|首次|近日|日前|今年|去年|目前|已经|"
    r"都|如同|也|还|就|又|曾|即|像|作为|担任|身为|当时|后来|同样|第[一二三四五六七八九十\d]+期"
)
#: Titles that are ordinary words too often to stand alone before a name.
_WEAK_TITLES = frozenset({"委员", "编辑", "专家", "理事", "干事", "指挥", "正"})


@dataclass(frozen=True)
class TitleMatch:
    """A title found in a gap: ``text`` as written (sub-unit included), ``core`` the bare title."""

    text: str
    core: str
    start: int  # offset of ``text`` inside the examined string
    has_unit: bool


def title_at_end(text: str, *, weak: bool = False) -> str | None:
    """The title that ends ``text`` (``…首席研究员`` → ``首席研究员``), if any; ``weak``: also
    titles that are ordinary words too (委员, 理事), where the context already says "a post"."""
    match = _TITLE_AT_END.search(text)
    if match is None or (match.group() in _WEAK_TITLES and not weak):
        return None
    return match.group()


def is_title(text: str) -> bool:
    """``text`` is exactly one or several titles (``董事长兼总裁``)."""
    return _TITLE_FULL.fullmatch(text) is not None and text not in _WEAK_TITLES


def _brackets_closed(text: str) -> bool:
    """As many closing brackets as opening ones (full- or half-width)."""
    return text.count("（") + text.count("(") == text.count("）") + text.count(")")


def title_of_gap(
    gap: str, extra_title: str | None = None, *, weak: bool = False
) -> TitleMatch | None:
    """Read ``gap`` (the text between an organisation and a person) as ``[sub-unit] title``.

    ``extra_title`` is a title another component found ending the gap (``doc.spans["titles"]``);
    ``weak`` accepts titles that are ordinary words too (see :func:`title_at_end`).
    Returns ``None`` when the gap is not a title (a verb, a clause, too long).
    """
    raw = gap.rstrip()
    stripped = raw.lstrip()
    lead = len(raw) - len(stripped)
    prefix = _TENSE_PREFIX.match(stripped)
    cut = prefix.end() if prefix else 0
    body = stripped[cut:]
    if not body:
        return None
    core = title_at_end(body, weak=weak)
    if core is None and extra_title and body.endswith(extra_title):
        core = extra_title
    if core is None:
        return None
    unit = body[: len(body) - len(core)]
    if unit and (
        not _UNIT.match(unit)
        or _CLAUSE_WORDS.search(unit)
        or unit.endswith("的")
        or not _brackets_closed(unit)
    ):
        return None
    return TitleMatch(body, core, lead + cut, bool(unit))


def split_titles(title: str) -> list[str]:
    """The single titles in ``董事长兼总裁`` → ``["董事长", "总裁"]``, also when written side by
    side (``创始人总经理`` → ``["创始人", "总经理"]``); units dropped."""
    parts = re.split(r"兼|、|及|和|/|&", title)
    out: list[str] = []
    for part in parts:
        core = title_at_end(part)
        if core:
            out += [m.group() for m in _ONE_TITLE_RE.finditer(core)]
    return out


# --- organisations ------------------------------------------------------------------------------

#: Heads that end a complete organisation name (北京大学, 中国科学院, 国家医疗保障局, 海口海关).
ORG_HEADS: tuple[str, ...] = (
    "大学",
    "学院",
    "科学院",
    "研究院",
    "研究所",
    "医院",
    "集团",
    "公司",
    "银行",
    "海关",
    "总局",
    "局",
    "部",
    "委员会",
    "协会",
    "学会",
    "基金会",
    "联合会",
    "中心",
    "实验室",
    "天文台",
    "出版社",
    "报社",
    "电视台",
    "法院",
    "检察院",
    "政府",
    "党委",
)
#: Heads that end the name of a sub-unit (法学院, 高能物理研究所, 华山医院, 西南分公司, 采购司).
SUBUNIT_HEADS: tuple[str, ...] = (
    "学院",
    "研究院",
    "研究所",
    "医院",
    "系",
    "实验室",
    "重点实验室",
    "中心",
    "研究中心",
    "分公司",
    "子公司",
    "司",
    "处",
    "科",
    "局",
    "分局",
    "所",
    "院",
    "分院",
    "分行",
    "支行",
    "海关",
    "办公室",
    "委员会",
    "出版社",
    "事业部",
    "工作室",
    "研究室",
    "分会",
    "分部",
)
#: Words that only say what legal form a company has (控股有限公司); no sub-unit on their own.
LEGAL_FORM = re.compile(r"^(?:控股|有限|责任|股份|集团|公司|科技|实业|投资|（.*?）|\(.*?\))+$")
#: Cue words between a parent and a child organisation (海口海关所属三亚海关).
PARENT_CUES = re.compile(r"^(?:所属|下属|附属|旗下|直属|下设|属下)的?$")
_ORG_HEAD_END = re.compile("(?:" + "|".join(sorted(ORG_HEADS, key=len, reverse=True)) + ")$")
_SUBUNIT_END = re.compile("(?:" + "|".join(sorted(SUBUNIT_HEADS, key=len, reverse=True)) + ")$")


def ends_with_org_head(name: str) -> bool:
    return _ORG_HEAD_END.search(name) is not None


def ends_with_subunit_head(name: str) -> bool:
    return _SUBUNIT_END.search(name) is not None


def split_parent(name: str) -> tuple[str, int] | None:
    """Split a nested organisation name into its parent and where the child part starts.

    ``北京大学法学院`` → ``("北京大学", 4)``; ``复旦大学附属华山医院`` → ``("复旦大学", 4)``
    (the cue 附属 starts the rest). Never inside a bracket (…装备（集团）股份有限公司 stays whole).
    The longest parent wins (so a chain is split one level at a time). ``None`` when no split
    leaves a real sub-unit (``中国石油化工集团公司`` stays whole).
    """
    for cut in range(len(name) - 2, 2, -1):
        parent = name[:cut]
        if not ends_with_org_head(parent) or not _brackets_closed(parent):
            continue  # not inside a bracket (上海微电子装备（集团）股份有限公司)
        rest = name[cut:]
        cue = re.match(r"(?:所属|下属|附属|直属|旗下)的?", rest)
        child = rest[cue.end() :] if cue else rest
        if len(child) < 3 or child[0] in "（(" or LEGAL_FORM.match(child):
            continue
        if ends_with_subunit_head(child):
            return parent, cut
    return None
