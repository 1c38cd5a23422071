"""Place names the relation rules need: provinces, large cities and countries.

:func:`place_prefix` reads the place a company name starts with (青岛金暖阳燃气取暖器有限公司 →
青岛); :func:`is_larger_place` says whether a place written right before another one holds it
(阿联酋阿布扎比) or is its peer (北京上海).
"""

from __future__ import annotations

import re

#: Provinces and large cities, as company names begin with them (青岛金暖阳燃气取暖器有限公司).
PLACE_PREFIXES: frozenset[str] = frozenset(
    """
    北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南
    广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门 深圳 广州
    杭州 南京 武汉 成都 西安 苏州 青岛 大连 宁波 厦门 长沙 郑州 济南 沈阳 哈尔滨 长春 合肥 福州
    南昌 昆明 贵阳 南宁 兰州 太原 石家庄 呼和浩特 乌鲁木齐 银川 西宁 拉萨 海口 三亚 无锡 常州 佛山
    东莞 珠海 温州 烟台 潍坊 绍兴 嘉兴 台州 金华 泉州 中山 惠州 洛阳 徐州 南通 扬州 镇江 唐山 保定
    淄博 临沂 芜湖
    """.split()  # noqa: SIM905
)
_COMPANY_END = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|集团公司|集团|公司)$")
_ADMIN_PREFIX = re.compile(r"^[\u4e00-\u9fff]{2,3}(?:市|县)")


def place_prefix(org_name: str) -> str | None:
    """The place a company name starts with (``青岛金暖阳…有限公司`` → ``青岛``; ``淮南市…`` →
    ``淮南市``), or ``None`` for other organisations."""
    if not _COMPANY_END.search(org_name):
        return None
    found: str | None = None
    for size in (4, 3, 2):
        head = org_name[:size]
        if head in PLACE_PREFIXES:
            found = head
            if org_name[size : size + 1] in ("省", "市"):
                found = org_name[: size + 1]
            break
    if found is None:
        match = _ADMIN_PREFIX.match(org_name)
        found = match.group() if match else None
    if found is None or len(_COMPANY_END.sub("", org_name)) - len(found) < 2:
        return None
    return found


#: Countries (and regions) written before a place inside them (阿联酋阿布扎比, 尼日利亚阿布贾).
COUNTRIES: frozenset[str] = frozenset(
    """
    中国 美国 英国 法国 德国 意大利 西班牙 葡萄牙 荷兰 比利时 瑞士
    瑞典 挪威 芬兰 丹麦 冰岛 爱尔兰 奥地利 波兰 捷克 匈牙利 希腊
    土耳其 俄罗斯 乌克兰 白俄罗斯 哈萨克斯坦 乌兹别克斯坦 日本 韩国
    朝鲜 蒙古 越南 老挝 柬埔寨 泰国 缅甸 马来西亚 新加坡 印度尼西亚
    菲律宾 印度 巴基斯坦 孟加拉国 斯里兰卡 尼泊尔 伊朗 伊拉克
    沙特阿拉伯 沙特 阿联酋 卡塔尔 以色列 埃及 尼日利亚 南非 肯尼亚
    埃塞俄比亚 摩洛哥 阿尔及利亚 坦桑尼亚 加纳 安哥拉 加拿大 墨西哥
    巴西 阿根廷 智利 秘鲁 哥伦比亚 委内瑞拉 古巴 澳大利亚 新西兰
    斐济
    """.split()  # noqa: SIM905
)
#: How the name of a larger place ends (省, 市, 州 …).
_LARGER_PLACE_END = re.compile(r"(?:国|省|市|州|县|区|自治区|特别行政区|岛|邦)$")
_STREET_END = re.compile(r"(?:路|街|道|巷|桥|门|沟|山|河|湖|城)$")
#: What no city or region holds: a country (北京 | 中华人民共和国主席, a dateline), an ocean, a
#: strait, a long river (万州 | 长江二桥, 墨西哥 | 太平洋沿岸, 台湾 | 海峡两岸).
_NEVER_INSIDE = re.compile(r"(?:共和国|王国|联邦|洋|海峡|两岸|长江|黄河)$")


def is_larger_place(name: str, inner: str = "") -> bool:
    """``name`` can hold the place ``inner`` written right after it (阿联酋 | 阿布扎比); two
    provinces or cities side by side (北京上海) are peers, not one inside the other."""
    if _STREET_END.search(name) or _NEVER_INSIDE.search(inner):
        return False
    if inner and name not in COUNTRIES and (inner in PLACE_PREFIXES or inner in COUNTRIES):
        return False
    return name in COUNTRIES or name in PLACE_PREFIXES or bool(_LARGER_PLACE_END.search(name))
