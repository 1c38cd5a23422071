"""Text patterns for PROJECT, PRODUCT, EVENT and WORK names in Chinese sci-tech news.

Pure functions: ``text`` (plus the start offsets of known places) → :class:`Candidate` list. They
know nothing about spaCy; :mod:`kg.nlp.entities` merges the candidates with the model's entities.

Rules, strongest first (the priority decides overlaps, see :mod:`kg.nlp.entities`):

* ``book_title``   《…》 → WORK, brackets included (《2025年全球创新指数报告》).
* ``quoted_cue``   a quoted name with a class noun right after it (“悟空”号, “千问”大模型) or a cue
  right before it (商业火箭“天龙三号”, 研制的“鲲影R6000”); the span is the name inside the quotes.
* ``numbered``     an unquoted 2-character name + numeral + 号 followed by a class noun
  (嫦娥七号探测器 → 嫦娥七号); ``model_number`` the same for CJK+Latin/digit names
  (鲲影R6000无人机).
* ``party_event``  二十届四中全会, 党的二十大, 十四届全国人大三次会议 → EVENT.
* ``project_suffix`` / ``event_suffix``: names anchored on 中国/国家/国际/全球/世界/全国
  (or a place) and ending in 实验/工程/计划/装置/观测站/平台/系统 (PROJECT) or
  会议/大会/论坛/博览会/峰会/… (EVENT); the body may not cross function words or punctuation.
  These are weak: they never override the model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Priorities: higher wins an overlap; the model's own spans sit at MODEL.
P_BOOK_TITLE = 100
P_ORDINAL_EVENT = 95  # 第十五次全国代表大会, 二十届四中全会: an event instance, over an ORG inside
P_GAZETTEER = 90
P_QUOTED = 85
P_ALIAS = 85
P_PROPAGATED = 75
P_MODEL = 70
P_NUMBERED = 60
P_SUFFIX = 40


@dataclass(frozen=True)
class Candidate:
    """A proposed entity: ``text[start:end]`` is a ``label`` found by ``rule``."""

    start: int
    end: int
    label: str
    priority: int
    rule: str
    kb_id: str = ""
    absorbs_places: bool = False  # may swallow model PLACE spans it strictly contains

    @property
    def length(self) -> int:
        return self.end - self.start


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Class nouns that may follow (or directly precede) a name, and the label they give it.
CLASS_NOUNS: dict[str, str] = {
    **dict.fromkeys(
        words(
            "运载火箭 火箭 大模型 模型 芯片 处理器 机器人 无人机 飞行器 飞机 客机 直升机 "
            "战斗机 运输机 手机 操作系统 汽车 车型 潜水器 潜航器 列车 动车组 超级计算机 "
            "航母 航空母舰 驱逐舰 护卫舰 潜艇 科考船 破冰船 邮轮 滑翔机 机器狗 机械臂 "
            "服务器 数据库 浏览器 光刻机 显卡 疫苗 "
            "量子计算机 计算机 发动机 智能体 APP App app 软件"
        ),
        "PRODUCT",
    ),
    **dict.fromkeys(
        words(
            "探测器 卫星 飞船 空间站 月球车 火星车 巡视器 着陆器 轨道器 望远镜 实验舱 "
            "核心舱 星座 计划 工程 实验 项目 任务 装置 平台 系统 对撞机 加速器 科考站"
        ),
        "PROJECT",
    ),
}
CLASS_NOUN_RE = re.compile("|".join(sorted(CLASS_NOUNS, key=len, reverse=True)))
CLASS_NOUN_BEFORE = re.compile("(?:" + CLASS_NOUN_RE.pattern + ")$")
# Class nouns that cue a quoted name when they stand right before it (商业火箭“天龙三号”); abstract
# ones (系统, 平台, 计划, 任务...) are too loose there (防护系统“窃取”机密).
_CONCRETE_BEFORE = {
    noun
    for noun in CLASS_NOUNS
    if noun not in words("计划 工程 实验 项目 任务 装置 平台 系统 模型 软件 智能体 APP App app")
}
# After a verb cue (发布“通知”), these are documents or lists, not products.
_NOT_PRODUCTS = set(words("通知 意见 决定 办法 规定 方案 报告 公告 榜单 名单 指南 倡议"))
# Verbs that introduce a made thing when they stand right before the quoted name.
PRODUCT_VERBS = ("发布", "推出", "研制", "研发", "打造", "上线", "亮相")
_VERB_GAP = set("了的首款新一代全 ")
_VERB_CUE_MAX = 8  # longer quoted text after 推出的 is a slogan or a title, not a product name
_NOUN_GAP = set("—-–：: ")
_ANY_GAP = _VERB_GAP | _NOUN_GAP

# Characters a name cannot contain: function words, clause punctuation, quotes, brackets.
STOP_CHARS = set("的在是了对由与和及或把被从向到为将以于让使给等并而也都就又还很最更已着过")
PUNCT = set("，。；：！？、,.;:!?“”‘’「」『』《》（）()[]【】…·—\n\t ")
_CJK = "\u4e00-\u9fff"

_BOOK_TITLE = re.compile(r"《[^《》\n]{1,40}》")
_QUOTED = re.compile(r"[“「『]([^“”「」『』\n，。；！？、]{2,20})[”」』]")
_NUMBERED = re.compile(
    r"(?:[一二三四五六七八九十〇零]+|[0-9]+)号(?:[A-Z](?![A-Za-z0-9])|甲|乙|丙|丁)?"
)
_MODEL_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])(?:[A-Z][A-Za-z]{0,6}-?[0-9][0-9A-Za-z]*|[0-9]{3,}[A-Za-z]*)(?![0-9A-Za-z])"
)
_ASCII_MODEL = re.compile(
    r"(?<![A-Za-z0-9.\-_])[A-Za-z][A-Za-z0-9]*(?:[.\-_][A-Za-z0-9]+)*(?<=[0-9])(?:[A-Za-z]+)?"
    r"(?![A-Za-z0-9.\-_])"
)
_NUMERAL = "[一二三四五六七八九十]+"
# Characters that cannot end the 2-character name before a numeral (numerals, function words).
_NAME_BREAK = STOP_CHARS | set("一二三四五六七八九十〇零第")
_PARTY_EVENT = re.compile(
    rf"(?:党的|中共)?第?{_NUMERAL}届{_NUMERAL}中全会|(?:党的|中共){_NUMERAL}大(?=[，。、的以召开精])"
    rf"|第?{_NUMERAL}届全国(?:人大|政协){_NUMERAL}次会议|全国政协{_NUMERAL}届{_NUMERAL}次会议"
)

_ANCHOR_WORDS = ("中国", "国家", "全国", "国际", "世界", "全球", "中央", "亚洲")
_PROJECT_ANCHORS = ("中国", "国家", "全国")
# Verbs inside a would-be event name show a clause (全国妇联主席某某出席会议), not a name.
_EVENT_BODY_VERBS = words("出席 参加 召开 举行 举办 主持 闭幕 开幕 讨论 通过 部署 强调 指出")
_DATE_START = re.compile(r"[一二三四五六七八九十〇零0-9]+[月日]")
_STOP = "".join(sorted(STOP_CHARS - set("与和")))
_BODY = rf"(?:(?![{_STOP}])[{_CJK}A-Za-z0-9]|—|[(（][{_CJK}]{{1,6}}[)）])"
_PROJECT_SUFFIX = re.compile(rf"{_BODY}{{1,14}}?(?:实验|工程|计划|装置|观测站|平台|系统)")
_EVENT_SUFFIX = re.compile(
    rf"{_BODY}{{2,16}}?(?:会议|大会|论坛|博览会|峰会|航展|运动会|展览会|交易会|电子展|年会)"
)
_YEAR_PREFIX = re.compile(r"(?:(?:19|20)[0-9]{2}|[〇零一二三四五六七八九]{4}) ?(?:年度?)? ?")
_EDITION_PREFIX = re.compile(rf"第(?:{_NUMERAL}|[0-9]+)[届次]")
_ORDINAL = re.compile(rf"第(?:{_NUMERAL}|[0-9]+)[届次]|{_NUMERAL}届")
# An anchor followed by a verb is a subject, not the start of a name (中国搭建…平台).
_ANCHOR_VERBS = words(
    "搭建 建设 建成 构建 打造 推出 发布 启动 开展 实施 推动 推进 加快 加强 完善 提出 "
    "实现 成为 形成 拥有 具有 支持 鼓励 引导 指导 开发 研发 研制 部署 设立 成立 举办 "
    "召开 出台 印发 提供 需要 已经 正在 首次 持续 不断 积极 全面 进一步 上线 开通 升级 "
    "主导 参与 牵头 组织 联合 依托"
)
# Bodies holding these are abstract notions (国家创新生态系统), not named systems or platforms.
_ABSTRACT = ("生态", "体系", "能力", "机制", "模式", "格局", "理念", "战略")
# A suffix followed by one of these is part of a longer word (实验室, 工程师, 会议室, 系统性...).
_PROJECT_NEXT = set("室师院所性化期局部处厅办中站心组队协学集公委研会技建设管咨造兵")
# 系统 after a sector or an organisation means "the whole sector" (全国公安系统, 农信社系统).
_SECTOR_END = re.compile(
    r"(?:公安|教育|卫生|金融|银行|税务|海关|司法|检察|法院|铁路|电力|[社局部行所院校委会厅办])系统$"
)
_EVENT_NEXT = set("室厅馆场员中")


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _quote_cue_label(text: str, open_at: int, close_at: int) -> str | None:
    """The label cued around the quoted name whose quotes sit at ``open_at`` and ``close_at``."""
    after = text[close_at + 1 : close_at + 8]
    if after.startswith("号"):
        if not all(_is_cjk(ch) for ch in text[open_at + 1 : close_at]):
            return None  # “皖K11625”号 is a licence plate, not a spacecraft
        noun = CLASS_NOUN_RE.search(after, 1)  # 号导弹驱逐舰: the noun may come a little later
        if noun and not any(ch in PUNCT for ch in after[1 : noun.start()]):
            return CLASS_NOUNS[noun.group()]
        before = _label_before(text, open_at)
        return before or "PROJECT"
    noun = CLASS_NOUN_RE.search(after)  # “海燕-X”水下滑翔机: a short modifier may come first
    if noun and not any(ch in PUNCT or ch in STOP_CHARS for ch in after[: noun.start()]):
        return CLASS_NOUNS[noun.group()]
    return _label_before(text, open_at)


def _label_before(text: str, open_at: int) -> str | None:
    """A class noun (gap ≤ 2 of —/：) or a product verb (gap ≤ 3 of 了的首款…) before a quote."""
    window = text[max(0, open_at - 12) : open_at]
    cut = len(window)
    while cut > 0 and len(window) - cut < 3 and window[cut - 1] in _ANY_GAP:
        cut -= 1
    head, gap = window[:cut], window[cut:]
    if len(gap) <= 2 and all(ch in _NOUN_GAP for ch in gap):
        noun = CLASS_NOUN_BEFORE.search(head)
        if noun and noun.group() in _CONCRETE_BEFORE:
            return CLASS_NOUNS[noun.group()]
    close_at = text.find("”", open_at)
    name = text[open_at + 1 : close_at]
    verb_cue = all(ch in _VERB_GAP for ch in gap) and head.endswith(PRODUCT_VERBS)
    # After a verb, the name must end its phrase (“免费试玩”玩法 names a kind of 玩法).
    ends_phrase = text[close_at + 1 : close_at + 2] in STOP_CHARS | PUNCT | {""}
    if verb_cue and ends_phrase and 0 < len(name) <= _VERB_CUE_MAX and name not in _NOT_PRODUCTS:
        return "PRODUCT"
    return None


def label_before(text: str, open_at: int) -> str | None:
    """The label a class noun right before the quote at ``open_at`` gives the quoted name."""
    return _label_before(text, open_at)


def _is_name_like(name: str) -> bool:
    """Not a phrase: no function words, not bare digits, not a category ending in a class noun."""
    if any(ch in STOP_CHARS for ch in name if ch not in "与和 "):
        return False
    if name.replace(" ", "").isdigit():
        return False
    noun = CLASS_NOUN_BEFORE.search(name)
    return noun is None or noun.group() == name


def book_titles(text: str) -> list[Candidate]:
    return [
        Candidate(m.start(), m.end(), "WORK", P_BOOK_TITLE, "book_title", m.group())
        for m in _BOOK_TITLE.finditer(text)
    ]


def quoted_names(text: str) -> list[Candidate]:
    """“name” with a class-noun or verb cue; the span is the name without the quotes."""
    found: list[Candidate] = []
    for match in _QUOTED.finditer(text):
        name = match.group(1)
        if not _is_name_like(name) or name.strip() != name:
            continue
        label = _quote_cue_label(text, match.start(), match.end() - 1)
        if label:
            found.append(Candidate(match.start(1), match.end(1), label, P_QUOTED, "quoted_cue"))
    return found


def numbered_names(text: str) -> list[Candidate]:
    """嫦娥七号探测器 → 嫦娥七号 (PROJECT), 天龙三号火箭 → 天龙三号 (PRODUCT): needs the noun."""
    found: list[Candidate] = []
    for regex, rule in ((_NUMBERED, "numbered"), (_MODEL_NUMBER, "model_number")):
        for match in regex.finditer(text):
            start = match.start() - 2
            prefix = text[max(start, 0) : match.start()]
            if start < 0 or not all(_is_cjk(ch) and ch not in _NAME_BREAK for ch in prefix):
                continue
            noun = CLASS_NOUN_RE.match(text, match.end())
            if not noun or noun.group() in ("计划", "工程", "实验", "项目", "平台", "系统"):
                continue
            label = CLASS_NOUNS[noun.group()]
            found.append(Candidate(start, match.end(), label, P_NUMBERED, rule))
    return found


#: After a Latin model name: its product class (Mate70手机, Mate70系列手机); not 疫苗, whose
#: Latin name is the disease's (COVID-19疫苗).
_CLASS_AFTER_MODEL = re.compile(r"\s?(?:系列)?(" + CLASS_NOUN_RE.pattern + ")")


def ascii_models(text: str) -> list[Candidate]:
    """A Latin model name with a digit right after a product class noun (具身大模型GO-1, 芯片H20)
    or right before one (Mate70手机, Mate70系列手机)."""
    found: list[Candidate] = []
    for match in _ASCII_MODEL.finditer(text):
        before = CLASS_NOUN_BEFORE.search(text, max(0, match.start() - 6), match.start())
        after = _CLASS_AFTER_MODEL.match(text, match.end())
        classes = [before.group()] if before is not None else []
        if after is not None and after.group(1) != "疫苗":
            classes.append(after.group(1))
        if any(CLASS_NOUNS[c] == "PRODUCT" for c in classes):
            found.append(
                Candidate(match.start(), match.end(), "PRODUCT", P_NUMBERED, "ascii_model")
            )
    return found


def party_events(text: str) -> list[Candidate]:
    if not any(cue in text for cue in ("全会", "次会议", "党的", "中共")):
        return []
    return [
        Candidate(m.start(), m.end(), "EVENT", P_ORDINAL_EVENT, "party_event")
        for m in _PARTY_EVENT.finditer(text)
    ]


def _anchors(text: str, place_starts: Iterable[int]) -> list[int]:
    starts = set(place_starts)
    for word in _ANCHOR_WORDS:
        start = text.find(word)
        while start >= 0:
            starts.add(start)
            start = text.find(word, start + 1)
    return sorted(starts)


def is_project_name(name: str) -> bool:
    """Whether a whole name ends like a project (实验, 工程, 计划, 装置, 观测站, 平台, 系统), and is
    not an abstract notion (国家创新生态系统) or a sector (海关系统)."""
    match = _PROJECT_SUFFIX.fullmatch(name)
    return bool(match and not any(w in name for w in _ABSTRACT) and not _SECTOR_END.search(name))


def suffix_names(text: str, place_starts: Iterable[int] = ()) -> list[Candidate]:
    """Weak PROJECT/EVENT names: an anchor (中国/国家/…, a year, 第N届, a place) + body + suffix."""
    found: list[Candidate] = []
    places = set(place_starts)
    for anchor in _anchors(text, places):
        if anchor not in places and text.startswith(_ANCHOR_VERBS, anchor + 2):
            continue
        match = None
        if anchor in places or text.startswith(_PROJECT_ANCHORS, anchor):
            match = _PROJECT_SUFFIX.match(text, anchor)
        if match and (
            any(w in match.group() for w in _ABSTRACT) or _SECTOR_END.search(match.group())
        ):
            match = None
        if match and text[match.end() : match.end() + 1] not in _PROJECT_NEXT:
            found.append(
                Candidate(anchor, match.end(), "PROJECT", P_SUFFIX, "project_suffix", "", True)
            )
        match = _EVENT_SUFFIX.match(text, anchor)
        if match and any(word in match.group() for word in (*_ABSTRACT, *_EVENT_BODY_VERBS)):
            match = None
        if match and text[match.end() : match.end() + 1] not in _EVENT_NEXT:
            found.append(_event(anchor, match))
    for prefix in (_YEAR_PREFIX, _EDITION_PREFIX):
        for lead in prefix.finditer(text):
            if lead.start() > 0 and text[lead.start() - 1].isdigit():
                continue
            start = lead.end() if prefix is _YEAR_PREFIX else lead.start()
            match = _EVENT_SUFFIX.match(text, lead.end())
            if match and (
                _DATE_START.match(match.group())
                or any(word in match.group() for word in _EVENT_BODY_VERBS)
            ):
                match = None
            if (
                match
                and match.end() - lead.end() >= 5
                and text[match.end() :][:1] not in _EVENT_NEXT
            ):
                found.append(_event(start, match))
    return found


def _event(start: int, match: re.Match[str]) -> Candidate:
    """An event name; one with an ordinal (第十五次…大会) names a single instance: strong."""
    priority = P_ORDINAL_EVENT if _ORDINAL.search(match.group()) else P_SUFFIX
    return Candidate(start, match.end(), "EVENT", priority, "event_suffix", "", True)


def find_candidates(text: str, place_starts: Iterable[int] = ()) -> list[Candidate]:
    """Every pattern candidate in ``text`` (gazetteer hits are added by the component)."""
    return [
        *book_titles(text),
        *quoted_names(text),
        *numbered_names(text),
        *ascii_models(text),
        *party_events(text),
        *suffix_names(text, place_starts),
    ]
