"""Recognise byline and source lines of Chinese newspaper pages.

Supported bylines (names are never hard-coded; they are whatever the pattern leaves):

* marked lines: ``■ 谷业凯 喻思南 李君强``, ``■ 中新社记者 李纯``;
* role lines: ``中新社记者 李纯``, ``本报记者 刘军国``, ``记者 张三 通讯员 李四``;
* credits in parentheses: ``(本报记者刘军国采访整理)``, ``（记者 张三 李四）``;
* ``文/张三``, ``作者：张三``, ``文/张三 图/李四``;
* lead-in prefixes of a paragraph: ``本报讯（鲁小飞）…``, ``新华社北京1月5日电（记者张三）…``;
* a bare line of two or three person names right under a headline (``吴月辉``), checked
  against common surnames because nothing else marks it.

Source lines: ``（转自人民网）``, ``（来源：新华社）``, ``来源：光明日报``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CJK = r"\u4e00-\u9fff"
_NAME_CHARS = rf"{_CJK}A-Za-z·•・"
_MARKERS = "■□●○◆◇▲△▼★☆▌▍▎◎"
_ORG = rf"(?:[{_CJK}]{{1,8}}?(?:社|报|网|台|站|刊|中心))"
_ROLE = (
    rf"(?:{_ORG}?(?:驻[{_CJK}]{{1,6}})?(?:特派|特约|实习|见习|首席|全媒体)?"
    r"(?:记者|通讯员|实习生|评论员|编辑|摄影|撰稿人?))"
)
_CREDIT_SUFFIX = r"(?:采访整理|整理|采写|报道|摄影?|供稿|撰文|执笔|综合)"
_ROLE_LINE = re.compile(rf"^{_ROLE}[\s:：]*(?P<names>[{_NAME_CHARS}\s、，,]{{2,40}})$")
_PAREN = re.compile(r"^[（(](?P<inner>[^（）()]{2,60})[)）]$")
_WEN = re.compile(
    rf"^(?:文|撰文|作者|文图|图文|文/图)\s*[/／|｜:：]\s*(?P<names>[{_NAME_CHARS}\s、，,/／|｜:：]{{2,60}})$"
)
_SPLIT = re.compile(rf"{_ROLE}|{_CREDIT_SUFFIX}$|[\s、，,;；/／|｜:：]+|(?:图|摄)(?=[/／|｜:：])")
_TOKEN = re.compile(rf"^[{_NAME_CHARS}]{{1,12}}$")
_BARE_TOKEN = re.compile(rf"^[{_CJK}]{{2,4}}$")

_SOURCE_PAREN = re.compile(
    r"^[（(]\s*(?:转自|转载自|摘自|选自|原载于?|来源于|(?:稿件|本文|文章|信息)?来源\s*[:：])"
    r"\s*(?P<src>[^（）()]{1,40}?)\s*[)）]$"
)
_SOURCE_BARE = re.compile(
    r"^(?:(?:稿件|本文|文章|信息)?来源\s*[:：]|(?:转自|转载自|摘自)\s*[:：]?)\s*(?P<src>.{1,40})$"
)

_LEAD_BENBAO = re.compile(r"^本报讯\s*(?:[（(](?P<names>[^（）()]{1,40})[)）])?\s*")
_LEAD_DATELINE = re.compile(
    rf"^(?P<who>[{_CJK}]{{1,12}}?)(?:\d{{1,2}}月\d{{1,2}}日)(?:专|讯)?电\s*"
    r"(?:[（(](?P<names>[^（）()]{1,40})[)）])?\s*"
)
_AGENCY = re.compile(rf"^(?P<agency>[{_CJK}]{{1,8}}?(?:社|报|网|台))")

#: common Chinese surnames, used only to recognise an unmarked line of names
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏"
    "吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万"
    "钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包"
    "宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳"
    "时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇"
    "栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚"
    "皮粟冼蔺楼满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容"
    "敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾"
    "戎勾茅利於呼居揭干但尉斯元束檀衣信展阴昝智幸奉植衡富尧闭由玄"
)
_COMPOUND = (
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 令狐 慕容 夏侯 长孙 宇文 司徒 端木 独孤 南宫 西门"
)
COMPOUND_SURNAMES = frozenset(_COMPOUND.split(" "))


@dataclass(frozen=True)
class LeadIn:
    """A byline prefix at the start of a paragraph (``本报讯（鲁小飞）``)."""

    length: int  # characters to cut from the paragraph
    authors: tuple[str, ...]
    source: str | None


def split_names(text: str) -> tuple[str, ...]:
    """Names of a byline fragment: role words, credit suffixes and separators removed."""
    names: list[str] = []
    for token in _SPLIT.split(text):
        token = token.strip("·•・ ") if token else ""
        if token and _TOKEN.match(token) and token not in names:
            names.append(token)
    return tuple(names)


def _has_marker(text: str) -> bool:
    return text[0] in _MARKERS


def parse_byline(text: str) -> tuple[str, ...] | None:
    """The authors if the whole line ``text`` is a byline, else ``None``."""
    if len(text) > 80:
        return None
    if _has_marker(text):
        names = split_names(text.lstrip(_MARKERS + " "))
        return names or None
    match = _PAREN.match(text)
    if match:
        inner = match.group("inner").strip()
        if not re.search(rf"^{_ROLE}|^(?:文|作者)\s*[/／:：]", inner):
            return None
        names = split_names(re.sub(rf"{_CREDIT_SUFFIX}\s*$", "", inner))
        return names or None
    match = _ROLE_LINE.match(text) or _WEN.match(text)
    if match:
        names = split_names(match.group("names"))
        if names and all(len(n) <= 6 for n in names):
            return names
    return None


def parse_bare_names(text: str) -> tuple[str, ...] | None:
    """Authors if ``text`` is nothing but one to four person names (``吴月辉``, ``张三 李四``)."""
    tokens = text.split()
    if not 1 <= len(tokens) <= 4:
        return None
    for token in tokens:
        if not _BARE_TOKEN.match(token):
            return None
        compound = token[:2] in COMPOUND_SURNAMES
        if len(token) == 4 and not compound:
            return None
        if not compound and token[0] not in SURNAMES:
            return None
    return tuple(dict.fromkeys(tokens))


def _clean_source(src: str) -> str | None:
    src = src.strip().rstrip("。.")
    if src.startswith("《") and src.endswith("》"):
        src = src[1:-1]
    src = src.strip()
    return src or None


def parse_source(text: str) -> str | None:
    """The outlet named by a source line (``（转自人民网）`` → ``人民网``), else ``None``."""
    if len(text) > 60 or "。" in text[:-1]:
        return None
    match = _SOURCE_PAREN.match(text)
    if match:
        return _clean_source(match.group("src"))
    match = _SOURCE_BARE.match(text)
    if match and not any(c in "，。！？；" for c in match.group("src")):
        return _clean_source(match.group("src"))
    return None


def parse_lead_in(text: str) -> LeadIn | None:
    """A byline prefix at the start of a paragraph, if any."""
    match = _LEAD_BENBAO.match(text)
    if match:
        names = split_names(match.group("names") or "")
        return LeadIn(match.end(), names, None)
    match = _LEAD_DATELINE.match(text[:80])
    if match and match.end() < len(text):
        agency = _AGENCY.match(match.group("who"))
        source = agency.group("agency") if agency else None
        if source in {"本报", "本刊"}:
            source = None
        names = split_names(match.group("names") or "")
        return LeadIn(match.end(), names, source)
    return None
