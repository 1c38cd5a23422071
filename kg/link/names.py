"""Canonical names: the one ``rdfs:label`` an entity gets, whatever form the text used.

:func:`canonical_name` folds full-width ASCII, drops spaces next to Chinese characters (news pages
write ``2025 年``), strips surrounding quotes and brackets, and then by type:

- WORK keeps (or gets) its title marks: ``黑神话·悟空`` → ``《黑神话·悟空》``.
- PRODUCT / PROJECT lose a trailing class noun when what is left is clearly a name (ends in 号 /
  型 / a letter or digit, or was quoted): ``长征五号运载火箭`` → ``长征五号``,
  ``“悟空”号`` → ``悟空``,
  ``“千问”大模型`` → ``千问``; ``天问二号`` keeps its 号 (it is part of the name).
- PERSON: every middle-dot variant becomes ``·`` (``卡斯滕・芬克`` → ``卡斯滕·芬克``).
- ORG: brackets and quotes folded, a trailing ``的`` or list mark removed; ``X集团公司`` is
  ``X集团`` (the same group: 金世纪集团公司 / 金世纪集团) and a bare ``X公司`` is ``X``
  (嘉媚乐公司 / 嘉媚乐, 苹果公司 / 苹果) — not a legal form (有限公司, 股份公司), not a
  unit (总公司, 分公司, 子公司), not a place's company (北京公司, 美国公司), not a one-character
  ``X``.
- PLACE: the official administrative suffix of a province, municipality, autonomous region,
  special administrative region or listed prefecture-level city is dropped (:func:`place_core`):
  ``北京市`` → ``北京``, ``广东省`` → ``广东``, ``广西壮族自治区`` → ``广西``, ``香港特别行政区`` →
  ``香港``, ``深圳市`` → ``深圳``; a country's official name gives its short one
  (``中华人民共和国`` → ``中国``). The short name is the ``rdfs:label``; the official form, when
  the text wrote it, becomes a ``schema:alternateName`` (the linker keeps every surface seen).
  Only names in the tables below, each with the one suffix it takes, are folded, so different
  places never merge: ``吉林`` is both a province and a city (``吉林省`` and ``吉林市`` stay two
  places and ``吉林`` a third name), districts and counties (``朝阳区``, ``番禺区``, ``…县``) keep
  their suffix (district names repeat across cities and clash with city names: 朝阳区 / 朝阳市),
  and a suffix the table does not give the stem stays (``海南省`` → ``海南`` but ``海南州``
  unchanged).
"""

from __future__ import annotations

import re
import unicodedata

_QUOTES = "“”‘’\"'「」『』〝〞"
_WRAPPERS = (
    ("“", "”"),
    ("‘", "’"),
    ('"', '"'),
    ("'", "'"),
    ("「", "」"),
    ("『", "』"),
    ("(", ")"),
    ("[", "]"),
    ("【", "】"),
    ("〔", "〕"),
)
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_DOTS = re.compile(f"\\s*[•・‧∙⋅·]\\s*|(?<=[{_CJK}])\\s*\\.\\s*(?=[{_CJK}])")
_SPACE_NEAR_CJK = re.compile(f"(?<=[{_CJK}])\\s+|\\s+(?=[{_CJK}])")
_CLASS_NOUNS = (
    "运载火箭",
    "商业火箭",
    "火箭",
    "探测器",
    "飞船",
    "卫星",
    "无人机",
    "飞行器",
    "大模型",
    "模型",
    "系列",
    "型号",
)
_QUOTED_NAME = re.compile(r"^[“\"「『‘]([^”\"」』’]+)[”\"」』’](?:号|型)?(.*)$")
_NAME_END = re.compile(r"(?:号|型|[A-Za-z0-9])$")


#: Provinces (省), without 吉林 (also a city, 吉林市).
_PROVINCES = frozenset(
    """
    河北 山西 辽宁 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州 云南
    陕西 甘肃 青海 台湾
    """.split()  # noqa: SIM905
)
#: Municipalities and prefecture-level cities (市) whose bare name means the city. Left out on
#: purpose: 吉林 (a province), 黄山 (a mountain), 德州 (also Texas), 朝阳 (a Beijing district).
_CITIES = frozenset(
    """
    北京 天津 上海 重庆 深圳 广州 杭州 南京 武汉 成都 西安 苏州 青岛 大连 宁波 厦门 长沙 郑州
    济南 沈阳 哈尔滨 长春 合肥 福州 南昌 昆明 贵阳 南宁 兰州 太原 石家庄 呼和浩特 乌鲁木齐 银川
    西宁 拉萨 海口 三亚 无锡 常州 佛山 东莞 珠海 温州 烟台 潍坊 绍兴 嘉兴 台州 金华 泉州 中山
    惠州 洛阳 徐州 南通 扬州 镇江 唐山 保定 淄博 临沂 芜湖 汕头 湛江 江门 肇庆 揭阳 茂名 韶关
    清远 梅州 潮州 桂林 柳州 莆田 漳州 宁德 九江 赣州 景德镇 宜昌 襄阳 荆州 十堰 岳阳 株洲 湘潭
    衡阳 常德 绵阳 宜宾 南充 遵义 盐城 淮安 连云港 宿迁 泰州 湖州 舟山 衢州 丽水 蚌埠 安庆 阜阳
    包头 鄂尔多斯 大同 秦皇岛 邯郸 沧州 廊坊 邢台 张家口 鞍山 抚顺 锦州 营口 丹东 齐齐哈尔 大庆
    牡丹江 威海 日照 济宁 聊城 菏泽 枣庄 东营 开封 新乡 南阳 安阳 许昌 平顶山 商丘 信阳 周口
    驻马店 焦作 咸阳 宝鸡 延安 榆林 汉中 克拉玛依
    """.split()  # noqa: SIM905
)
#: Autonomous regions and special administrative regions: short name → official suffixes.
_REGIONS: dict[str, tuple[str, ...]] = {
    "内蒙古": ("自治区",),
    "广西": ("壮族自治区", "自治区"),
    "西藏": ("自治区",),
    "宁夏": ("回族自治区", "自治区"),
    "新疆": ("维吾尔自治区", "自治区"),
    "香港": ("特别行政区", "特区"),
    "澳门": ("特别行政区", "特区"),
}


#: ``X公司`` where ``公司`` is only a class noun (X: two characters at least, no legal form or
#: unit before it).
_BARE_COMPANY = re.compile(r".{2,}(?<!有限)(?<!股份)(?<!责任)(?<!集团)(?<![总分子母本该])公司")


def _is_place_stem(name: str) -> bool:
    from kg.nlp.relations.place_names import COUNTRIES, PLACE_PREFIXES

    core = place_core(name)
    return core in PLACE_PREFIXES or core in COUNTRIES or core in _CITIES or core != name


#: Countries' official long names → the short name news use.
_COUNTRY_NAMES = {
    "中华人民共和国": "中国",
    "美利坚合众国": "美国",
    "大不列颠及北爱尔兰联合王国": "英国",
    "俄罗斯联邦": "俄罗斯",
    "法兰西共和国": "法国",
    "德意志联邦共和国": "德国",
    "大韩民国": "韩国",
    "朝鲜民主主义人民共和国": "朝鲜",
    "日本国": "日本",
}


def place_core(name: str) -> str:
    """``name`` without the official administrative suffix its stem takes (北京市 → 北京,
    广东省 → 广东, 广西壮族自治区 → 广西), a country's short name for its official one
    (中华人民共和国 → 中国); any other name unchanged (吉林省, 朝阳区, 海南州)."""
    if name in _COUNTRY_NAMES:
        return _COUNTRY_NAMES[name]
    for stem, suffixes in _REGIONS.items():
        if name.startswith(stem) and name[len(stem) :] in suffixes:
            return stem
    if name.endswith("省") and name[:-1] in _PROVINCES:
        return name[:-1]
    if name.endswith("市") and name[:-1] in _CITIES:
        return name[:-1]
    return name


def fold_width(text: str) -> str:
    """Full-width ASCII → ASCII, ideographic space → space; other characters unchanged."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        elif code == 0x3000:
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def _strip_wrappers(text: str) -> str:
    changed = True
    while changed and len(text) >= 2:
        changed = False
        for left, right in _WRAPPERS:
            if text.startswith(left) and text.endswith(right) and len(text) > 2:
                inner = text[1:-1]
                if left not in inner and right not in inner:
                    text = inner.strip()
                    changed = True
    return text


def _strip_class_noun(name: str) -> str:
    quoted = _QUOTED_NAME.match(name)
    if quoted:
        rest = quoted.group(2)
        if not rest or rest in _CLASS_NOUNS:
            return quoted.group(1).strip()
    for noun in _CLASS_NOUNS:
        if name.endswith(noun) and len(name) > len(noun) + 1:
            stem = name[: -len(noun)].strip()
            if _NAME_END.search(stem):
                return stem
    return name


def normalise_surface(text: str) -> str:
    """NFC, full-width folded, whitespace collapsed and dropped next to Chinese characters."""
    name = unicodedata.normalize("NFC", fold_width(text))
    name = re.sub(r"\s+", " ", name).strip()
    return _SPACE_NEAR_CJK.sub("", name)


def canonical_name(text: str, label: str) -> str:
    """The canonical form of ``text`` naming an entity of NER label ``label``."""
    name = normalise_surface(text)
    name = name.strip("，。、；：,.;:！？!? ")
    if label == "WORK":
        core = _strip_wrappers(name.strip("《》〈〉"))
        return f"《{core}》" if core else ""
    if label in ("PRODUCT", "PROJECT"):
        name = _strip_class_noun(name)
    name = _strip_wrappers(name)
    if label == "PERSON":
        name = _DOTS.sub("·", name).strip("·")
    elif label == "ORG":
        name = re.sub(r"的$", "", name)
        group = name.endswith("集团公司") and len(name) > 5
        if group or (_BARE_COMPANY.fullmatch(name) and not _is_place_stem(name[:-2])):
            name = name[:-2]  # X集团公司 → X集团, X公司 → X
    elif label == "PLACE":
        name = place_core(name)
    return name.strip(_QUOTES + " ") or name
