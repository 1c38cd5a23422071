"""Pure entity matching and resolution for ``kg_entity_rules`` (no spaCy objects).

:func:`match_entities` takes the text and the model's entities (as :class:`Candidate` with
``rule="model"``) and returns the resolved entity list:

* every candidate has a priority: 《…》 100 > ordinal events (第十五次全国代表大会) 95 >
  gazetteer 90 > quoted name with a cue, 简称 alias 85 > a repeat of a strongly matched name 75 >
  the model 70 >
  unquoted numbered or model-number names 60 > suffix heuristics 40; overlaps go to the higher
  priority, then the longer span. So the gazetteer and strong patterns override (and relabel) model
  spans and weak rules never do, except that a weak name may swallow model PLACE spans nested
  inside it (中国 in 中国药品价格登记系统).
* a rule match strictly inside a longer model span is dropped (the model's 中国科学院高能物理研究所
  keeps the gazetteer's 中国科学院 from cutting it).
* model repairs (:func:`repair_model_spans`): two names run together are cut apart
  (…有限公司系…有限公司; 张红梅May; 昆明卷烟厂昆明卷烟厂; 国有企业 + 广西中恒集团; 罗马大学 +
  法学; a space between Han characters: 三一重工   三一集团有限公司, 邓中翰 王小丫); a Latin
  PERSON with an institution word (University of …) is an ORG; a model ORG stopping before its
  subsystem takes it in (天问二号VLBI + 测轨分系统); an ORG that is only a
  generic noun (公司, 该集团), a one-character PERSON, one starting with a symbol (&CEO) or an
  adverb of manner (郑重地说道) and a
  PLACE ending in 市场/市值/市民 are dropped; an ORG running into 总部 (…有限公司总部位于) ends
  before it; a PLACE or PERSON that was founded (…创立的曼秀雷敦), has a founder
  (阿迪达斯的创始人) or is followed by a company word is an ORG (龙源 + 电力 → the ORG 龙源电力),
  and so is a PERSON followed by a founding date (金评媒成立于2014年; not 诞生于, 创立于) or by a
  company title another person holds (永辉超市董事长张轩松); a PLACE right after 研发的/研制的/
  推出的 is a PRODUCT (百济神州研发的泽布替尼), one right before a government body is that
  body (余杭区 + 人民政府);
  an ORG named like a project is a PROJECT; a span running into a job title is cut before it
  and a party body before a title leaves an ORG (:func:`trim_before_titles`); a name right
  after a title becomes a weak PERSON (:func:`title_people`).
* organisations no model span names, from their founding date (:func:`founded_names`:
  菜鸟物流成立于2013年, 成立于1935年的TDK), their legal form (:func:`legal_form_names`) or a
  company title someone holds (:func:`titled_orgs`: 掌趣科技董事长刘惠城).
* ORG spans (model or gazetteer) that stop just before an org suffix are extended over it
  (中国科学院 + 高能物理研究所; 北京大学 + 法学院), repeatedly, so nested names stay whole; never
  into a job title or a person, never across 所属/下属 or a leading 与/和, and never from a legal
  form into another company's name (…有限公司 + 北京…有限公司; a branch, …有限公司西南分公司, is
  taken in).
* a second pass adds 简称 aliases (…系统(简称“中国药登”) → 中国药登 gets the label), parts named
  right after a PROJECT (天问二号VLBI测轨分系统), and repeats of strongly matched names.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from kg.ingest.bylines import COMPOUND_SURNAMES, SURNAMES
from kg.nlp.entity_gazetteer import QUOTE_PAIRS, Gazetteer, GazetteerHit
from kg.nlp.patterns import (
    CLASS_NOUN_RE,
    CLASS_NOUNS,
    P_ALIAS,
    P_BOOK_TITLE,
    P_GAZETTEER,
    P_PROPAGATED,
    P_SUFFIX,
    STOP_CHARS,
    Candidate,
    find_candidates,
    is_project_name,
    label_before,
    numbered_names,
    words,
)
from kg.nlp.relations.base import alone_in_brackets
from kg.nlp.relations.lexicon import TITLE_PATTERN
from kg.nlp.relations.place_names import COUNTRIES, PLACE_PREFIXES

MODEL_RULE = "model"

ORG_SUFFIXES: tuple[str, ...] = tuple(
    sorted(
        words(
            "研究所 研究院 研究中心 研究室 科学院 工程院 大学 学院 集团 分公司 公司 医院 实验室 "
            "中心 委员会 协会 学会 基金会 办公室 海关 银行 支行 分行 法院 检察院 天文台 出版社 "
            "报社 电视台 分局 局 部 署 司 厅 系"
        ),
        key=len,
        reverse=True,
    )
)
# Words that end in a one-character org suffix but are not organisations.
_NOT_ORG_ENDINGS = set(
    words(
        "布局 格局 大局 全局 结局 开局 变局 当局 出局 部署 签署 总部 内部 外部 全部 局部 东部 "
        "西部 南部 北部 中部 本部 干部 头部 底部 顶部 上司 官司 大厅 议厅 会厅 餐厅 展厅 客厅 "
        "关系 体系 联系 派系 水系 星系 直系 旁系 母系 父系 嫡系 维系 世系 谱系 语系 品系 菜系 "
        "银河系 太阳系"
    )
)
# Words that start with a one-character org suffix (星海科技加快部署, 相关部门, 司令员, 系统).
_NOT_ORG = set(
    words(
        "部署 部门 部分 部件 部位 部落 部委 局面 局势 局限 司法 司机 司令 署名 厅堂 "
        "系统 系列 系数 系着 系在 系上"
    )
)
# An org word followed by one of these is part of another word (公司治理, 大学生, 银行业).
_NOT_ORG_NEXT = set("业法治制化生里内间股债卡账级")
# A tail holding a job title or a reporting verb is a clause, not the rest of a name.
_TAIL_NOT_NAME = words(
    "副 主席 主任 书记 总裁 总监 经理 教授 院士 研究员 部长 局长 司长 校长 院长 所长 行长 厅长 "
    "处长 科长 董事 总理 委员 发布 要求 允许 力促 表示 认为 指出 宣布 推动 加强 实施 开展 "
    "提出 通过 批准 下发 印发 出台 颁布 召开 举行 成立 组建 设立 携手 发起"
)
_TAIL_BREAK = re.compile(r"所属|下属|日电")  # 海口海关所属三亚海关; 新华社北京五月一日电…局
_ORG_TAIL_MAX = 14
# 系/是 start no name (X有限公司系Y有限公司: 系 = 是; 复旦大学 + 物理系 has a tail of 物理系)
_ORG_TAIL_BREAKS = words("所属 下属 旗下 联合 牵头 与 和 及 、 电 讯 系 是")
_ORG_TAIL_STOP = STOP_CHARS - set("与和及")
_LEGAL_FORM_END = re.compile(r"(?:有限公司|有限责任公司|株式会社)$")
#: A segment naming a company of its own, not a branch (西南分公司) or a unit (研究院).
_COMPANY_END = re.compile(r"(?<![分子])(?:公司|集团)$")
_ALIAS = re.compile(r"[(（](?:以下)?简称[“\"]?([^”\"()（）\n，。、]{2,12})[”\"]?[)）]")
# A part named right after its whole: 天问二号VLBI测轨分系统 → VLBI测轨分系统 (PROJECT).
_PART = re.compile(r"[A-Za-z0-9\u4e00-\u9fff]{1,10}?(?:分系统|子系统|载荷|舱)")
#: The parts a model ORG may take in: subsystems only (…载荷 and …舱 are things, not bodies).
_SUBSYSTEM = re.compile(r"[A-Za-z0-9\u4e00-\u9fff]{1,10}?(?:分系统|子系统)")


def _part_at(pattern: re.Pattern[str], text: str, pos: int) -> re.Match[str] | None:
    """The part name ``pattern`` finds right at ``pos``, if no function word is in it."""
    part = pattern.match(text, pos)
    return part if part and not any(ch in STOP_CHARS for ch in part.group()) else None


_VERSION = re.compile(r"[-.]?[0-9][0-9A-Za-z]*(?:[.\-_][0-9A-Za-z]+)*")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
_COMMON_WORD = 400  # jieba frequency above which a word crossing a short name's edge wins
_PROPAGATE_RULES = {"quoted_cue", "alias", "part", "party_event", "gazetteer_cue", "numbered"}


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _aligned(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` starts and ends on character-token boundaries."""
    for cut in (start, end):
        if (
            0 < cut < len(text)
            and _ASCII_WORD.match(text[cut - 1])
            and _ASCII_WORD.match(text[cut])
        ):
            return False
    return start < end


def _has_cue(text: str, hit: GazetteerHit) -> bool:
    """An ambiguous name counts only when followed by 号 or a class noun (“悟空”号, 混元大模型), or
    quoted right after a class noun of its label (卫星“慧眼”); quotes alone also mark metaphors."""
    before = text[hit.start - 1 : hit.start]
    quoted = before in QUOTE_PAIRS and text[hit.end : hit.end + 1] == QUOTE_PAIRS[before]
    after = hit.end + 1 if quoted else hit.end
    if text.startswith("号", after) or CLASS_NOUN_RE.match(text, after) is not None:
        return True
    return quoted and label_before(text, hit.start - 1) == hit.label


@functools.cache
def _word_freq() -> dict[str, int]:
    """jieba's dictionary word frequencies (loaded once, on the first two-character hit)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return dict(jieba.dt.FREQ)


@functools.cache
def _word_tags() -> dict[str, str]:
    """jieba's dictionary part-of-speech tags (loaded once, on the first name ending in 地)."""
    import jieba

    with jieba.get_dict_file() as lines:
        rows = (line.decode("utf-8").split() for line in lines)
        return {row[0]: row[2] for row in rows if len(row) == 3}


#: What makes a person's name part of a scientific term (量子反常霍尔效应, 摩尔定律): no person.
_NAMED_TERM = re.compile(r"效应|定律|定理|方程|常数|猜想|悖论|不等式")
#: Meetings the model took for a person after a title (亚太经合组织公司总裁高峰会).
_MEETING = re.compile(r"(?:高峰会|峰会|年会|大会|论坛|座谈会|研讨会|发布会|博览会|联席会)")
#: Tags of words that make an adverb of manner with 地 (郑重地说道): adjectives, adverbs.
_MANNER_TAGS = frozenset({"a", "ad", "an", "b", "d", "z", "i", "l"})


def _is_manner_adverb(name: str) -> bool:
    """郑重地, 认真地: an adjective or adverb + 地, not a name (张大地: 张大 is a name)."""
    return len(name) >= 3 and name.endswith("地") and _word_tags().get(name[:-1]) in _MANNER_TAGS


def _splits_words(text: str, start: int, end: int) -> bool:
    """Whether a short name is cut out of common words (北大 in 东北大学, 京东方 in 北京东方).
    Names of two or three CJK characters are checked; longer ones are specific enough."""
    freq = _word_freq()
    left = text[start - 1 : start + 1] if start > 0 else ""
    right = text[end - 1 : end + 1] if end < len(text) else ""
    return any(len(piece) == 2 and freq.get(piece, 0) >= _COMMON_WORD for piece in (left, right))


#: After a school's name, 生 makes students of a place (湖南大学生创业大赛: 湖南 + 大学生), not the
#: school's (北京大学生命科学学院, 浙江大学生态研究所).
_STUDENTS = re.compile(r"(?<=[大中小]学)生(?![命物态理化产])")


def gazetteer_candidates(text: str, gazetteer: Gazetteer) -> list[Candidate]:
    found: list[Candidate] = []
    for hit in gazetteer.find(text):
        end = hit.end
        if hit.label == "PRODUCT" and not _aligned(text, hit.start, end):
            version = _VERSION.match(text, end)  # Qwen3, Llama3.1, GPT-4o: the name + its version
            end = version.end() if version else end
        if not _aligned(text, hit.start, end) or _STUDENTS.match(text, end):
            continue
        short = hit.end - hit.start <= 3 and _is_cjk(text[hit.start]) and not hit.family
        if short and _splits_words(text, hit.start, hit.end):
            continue
        if hit.needs_cue:
            after = hit.end + 1 if text[hit.end : hit.end + 1] in "”」』" else hit.end
            noun = CLASS_NOUN_RE.match(text, after)
            if not _has_cue(text, hit) or (noun and CLASS_NOUNS[noun.group()] != hit.label):
                continue  # “星火”计划 is a programme, not the 星火 model
            rule = "gazetteer_cue"
        else:
            rule = "gazetteer_family" if hit.family else "gazetteer"
        found.append(Candidate(hit.start, end, hit.label, P_GAZETTEER, rule, hit.canonical))
    return found


def _org_segment(text: str, end: int, tail: str) -> int:
    """Length of the org-name segment that ``tail`` (the text at ``end``) starts with, or 0."""
    for size in range(2, len(tail) + 1):
        segment = tail[:size]
        suffix = next((s for s in ORG_SUFFIXES if segment.endswith(s)), None)
        if suffix is None or segment[-2:] in _NOT_ORG_ENDINGS:
            continue
        if len(suffix) == 1 and (size < 3 or text[end + size - 1 : end + size + 1] in _NOT_ORG):
            continue
        if text[end + size : end + size + 1] in _NOT_ORG_NEXT:
            continue
        if any(word in segment[: size - len(suffix)] for word in _TAIL_NOT_NAME):
            return 0
        # 银行 + 研究室, 中心 + 支行: a second multi-character suffix belongs to the same name.
        more = next((s for s in ORG_SUFFIXES if len(s) > 1 and tail.startswith(s, size)), "")
        return size + len(more)
    return 0


def extend_org(text: str, start: int, end: int, blocked: Callable[[int, int], bool]) -> int:
    """The end of the ORG ``text[start:end]`` extended over following org-name segments."""
    for _ in range(3):
        limit = min(len(text), end + _ORG_TAIL_MAX)
        stop = end
        while stop < limit and _is_cjk(text[stop]) and text[stop] not in _ORG_TAIL_STOP:
            stop += 1
        tail = text[end:stop]
        if not tail or tail.startswith(_ORG_TAIL_BREAKS) or _TAIL_BREAK.search(tail):
            return end
        size = _org_segment(text, end, tail)
        if not size or blocked(end, end + size):
            return end
        if _LEGAL_FORM_END.search(text, start, end) and _COMPANY_END.search(tail, 0, size):
            return end  # a company after a company is another one (…有限公司北京…有限公司)
        end += size
    return end


def _overlaps_any(spans: Sequence[tuple[int, int]]) -> Callable[[int, int], bool]:
    def blocked(start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in spans)

    return blocked


def repair_orgs(
    text: str, candidates: Iterable[Candidate], protected: Sequence[tuple[int, int]]
) -> list[Candidate]:
    """Extend ORG candidates over a following org suffix, never into ``protected`` spans."""
    blocked = _overlaps_any(protected)
    repaired: list[Candidate] = []
    for cand in candidates:
        if cand.label == "ORG":
            end = extend_org(text, cand.start, cand.end, blocked)
            if end != cand.end:
                kb_id = "" if cand.rule == MODEL_RULE else text[cand.start : end]
                rule = cand.rule if cand.rule == MODEL_RULE else cand.rule + "+org_suffix"
                cand = Candidate(cand.start, end, "ORG", cand.priority, rule, kb_id)
        repaired.append(cand)
    return repaired


#: A job title by composition (副科长, 首席市场官, 董事长兼总裁), see :mod:`.relations.lexicon`.
_TITLE = re.compile(TITLE_PATTERN)
#: What may follow a name written right after a title (副科长祝贺介绍, 首席市场官王其鑫表示).
_SPEECH_VERBS = "说|称|表示|介绍|指出|认为|强调|透露|告诉|坦言|解释|谈到"
_AFTER_NAME = re.compile(r"$|[，,。、；;：:（(“”！？!?\s]|(?:" + _SPEECH_VERBS + ")")
#: A speech verb after a title is no name, though its first character is a surname (负责人强调指出).
_SPEECH_VERB = re.compile(r"(?:" + _SPEECH_VERBS + ")")
_PLACE_END = re.compile(r"[省市县区州国镇乡村]$")
#: A qualifier of the title run into the ORG before it, after an org suffix (恒丰银行原 | 党委书记).
_MODIFIER_BEFORE_TITLE = re.compile(r"(?<=[行司团院所局厂会部社])(?:原|前|时任|现任|新任|首任)$")
#: A party or union body written into an ORG before its title (…公司党委书记): not the name.
_BODY_BEFORE_TITLE = re.compile(r"(?:党委|党组|党支部|党总支|纪委|团委|工会|董事局|董事会|监事会)$")


#: Model PLACE spans the 市 of a city name misleads: 具身智能市场, 总市值, 广大市民.
_NOT_PLACE_END = re.compile(r"市(?:场|值|民)$")


#: An ORG that is only a determiner and a generic head (公司, 我们公司, 该集团, 分公司): a common
#: noun standing for some organisation, not its name.
_GENERIC_ORG = re.compile(
    r"(?:我们|我|本|该|此|这家|那家|这个|这所|那所|这|其|贵|各|全|总|母|子|分|上市|一家|一所)?"
    r"(?:合资|独资|外资|外商独资|中外合资|国有|民营|私营|州立|公立|私立|国立|总部|控股|股份|联合|"
    r"国家重点|重点)?"
    r"(?:科技|技术|实业|投资|贸易|网络|信息|文化|传媒|电子|发展|咨询|管理|服务|商贸|控股){0,3}"
    r"(?:股份有限公司|有限责任公司|有限公司|公司|集团|企业|单位|机构|部门|工厂|厂|银行|医院|学校|"
    r"大学|学院|中心|协会|学会|政府|研究院|研究所|实验室|委员会|基金会|联合会|出版社|报社|电视台|"
    r"党委|党组|纪委|团委|工会|董事会|董事局|监事会|党支部|党总支|管委会|居委会|村委会)"
    r"(?:总部)?"
)


def is_generic_org(name: str) -> bool:
    return _GENERIC_ORG.fullmatch(name) is not None


def title_spans(text: str, protected: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Job titles: the model's TITLE spans (``protected``) and lexicon matches, merged."""
    found = {(m.start(), m.end()) for m in _TITLE.finditer(text)}
    return sorted(found.union(protected))


#: What an organisation is the object of (张三创立的曼秀雷敦, 创办了…) or the owner of
#: (阿迪达斯的创始人): a model PLACE or PERSON there is an ORG.
_FOUNDED_BEFORE = re.compile(r"(?:创立|创办|创建|组建|创设)(?:了|的)$")
_FOUNDER_AFTER = re.compile(r"的?(?:联合)?(?:创始人|创办人|创建人)")
#: What only follows a company or a brand (新秀丽旗下, 阿迪达斯品牌, …公司): a model PERSON there
#: is an ORG (never 的公司: 张三的公司 is his company).
_COMPANY_AFTER = re.compile(r"(?:旗下|品牌|集团|公司|股份有限公司|有限公司)")
#: What a company is written after (阿里巴巴集团旗下的阿里云): a model PERSON there is an ORG.
_UNIT_OF_BEFORE = re.compile(r"(?:旗下|下属|所属|附属|直属|控股)的?$")
#: An industry noun right after a model PERSON span makes it a company name (龙源 + 电力,
#: 宇树 + 科技): nouns only, no verbs (投资, 建设, 控股 also follow people as verbs).
_INDUSTRY_AFTER = re.compile(
    r"(?:科技|电力|速递|快递|证券|银行|化工|煤业|传媒|电子|软件|汽车|地产|置业|医药|药业|制药|食品|"
    r"物流|能源|矿业|钢铁|航空|保险|电器|电气|通信|光电|重工|机械|实业|商贸|影业|酒业|乳业|纺织|"
    r"轮胎|家居|服饰|珠宝|餐饮)"
    # 科技部, 电力局: a government body; 电力工程师, 医药专家: an occupation, so 王明 is a person
    r"(?![部局厅委处司所]|工程师|技师|专家|学者|工人|人员|工作者|从业者)"
)
#: What may follow a whole name: punctuation, the end, or a function word.
_NAME_END = re.compile(r"$|[，,。、；;：:（(）)“”！？!?\s]|[的是在于和与及并后]")


def _without_headquarters(text: str, cand: Candidate) -> Candidate:
    """An ORG running into 总部 (…有限公司总部位于) ends before it: 总部 starts the cue."""
    if cand.label == "ORG" and text.endswith("总部", cand.start, cand.end) and cand.length > 4:
        return replace(cand, end=cand.end - 2)
    return cand


def founded_orgs(
    text: str, candidates: Iterable[Candidate], titles: Sequence[tuple[int, int]] = ()
) -> list[Candidate]:
    """Relabel model PLACE/PERSON spans an organisation-founding cue marks as ORG, and model
    PERSON spans a company word (新秀丽旗下, 阿迪达斯品牌, 星火公司), a founding date (金评媒成立于
    2014年) or a company title another person holds (永辉超市董事长张轩松) follows, and acronyms
    before any title a person holds (ＰＡＴＡ主席拉特纳帕拉); a PERSON span an industry noun
    follows becomes an ORG that includes it (龙源电力)."""
    candidates = list(candidates)
    people = {c.start for c in candidates if c.label == "PERSON"}
    title_end_at = dict(titles)  # a title's start → its end
    out: list[Candidate] = []
    for cand in candidates:
        if cand.rule == MODEL_RULE and cand.label in ("PLACE", "PERSON"):
            before = _FOUNDED_BEFORE.search(text, max(0, cand.start - 3), cand.start)
            if before is not None and not _NAME_END.match(text, cand.end):
                before = None  # 创办了中国第一所…学校: the place only describes what was founded
            company = cand.label == "PERSON" and (
                _COMPANY_AFTER.match(text, cand.end)
                or _UNIT_OF_BEFORE.search(text, max(0, cand.start - 4), cand.start)
                or _ORG_FOUNDED_ON.match(text, cand.end)
                or _holds_company_title(text, cand.end, people)
                or (
                    _ACRONYM.fullmatch(text, cand.start, cand.end) is not None
                    and title_end_at.get(cand.end) in people
                )
            )
            industry = _INDUSTRY_AFTER.match(text, cand.end) if cand.label == "PERSON" else None
            if industry is not None and not any(  # 王明 + 电力工程师: a title follows
                s < industry.end() and industry.start() < e for s, e in titles
            ):
                cand = replace(cand, end=industry.end(), label="ORG")
            elif before is not None or company or _FOUNDER_AFTER.match(text, cand.end):
                cand = replace(cand, label="ORG")
        out.append(cand)
    return out


#: An acronym the model took for a person (ＰＡＴＡ主席拉特纳帕拉): an ORG when a title held by a
#: person follows it.
_ACRONYM = re.compile(r"[A-ZＡ-Ｚ]{2,8}")


#: A government body named after its place: 余杭区 + 人民政府, 海口市 + 公安局.
_BODY_OF_PLACE = re.compile(
    r"(?:人民政府|人民法院|人民检察院|人大常委会|政协|公安局|财政局|教育局|卫生健康委员会|卫健委|"
    r"发展和改革委员会|发改委|市场监督管理局|市场监管局|生态环境局|税务局|海关)"
)


def place_bodies(text: str, candidates: Iterable[Candidate]) -> list[Candidate]:
    """A model PLACE right before a government body's name is that body, an ORG (浙江省杭州市余杭区
    人民政府 → the ORG 余杭区人民政府, the places before it stay places)."""
    out: list[Candidate] = []
    for c in candidates:
        body = _BODY_OF_PLACE.match(text, c.end) if c.rule == MODEL_RULE else None
        if c.label == "PLACE" and body is not None:
            c = replace(c, end=body.end(), label="ORG")
        out.append(c)
    return out


#: What was made, right before a name: 百济神州研发的泽布替尼.
_MADE_BEFORE = re.compile(r"(?:研发|研制|推出|生产|开发|发布)的$")


def made_products(text: str, candidates: Iterable[Candidate]) -> list[Candidate]:
    """A model PLACE right after …研发的 / 研制的 / 推出的 is a PRODUCT (百济神州研发的泽布替尼:
    no place is developed)."""
    return [
        replace(c, label="PRODUCT")
        if c.rule == MODEL_RULE
        and c.label == "PLACE"
        and _MADE_BEFORE.search(text, max(0, c.start - 3), c.start)
        else c
        for c in candidates
    ]


def _holds_company_title(text: str, pos: int, people: set[int]) -> bool:
    """A company title at ``pos`` that a person (starting in ``people``) holds: 永辉超市 +
    董事长张轩松 (never 张三董事长表示: the title after a name is how it is addressed)."""
    title = _COMPANY_TITLE.match(text, pos)
    if title is None:
        return False
    end = title.end() + (text[title.end() : title.end() + 1] == " ")
    return end in people


#: How only events' names end (a 大会 or 论坛 may be a body: 全国人民代表大会, 世界经济论坛).
_EVENT_END = re.compile(r"..(?:年会|峰会|博览会|展览会|运动会|交易会|航展|电子展|研讨会|发布会)$")


def project_orgs(text: str, candidates: Iterable[Candidate]) -> list[Candidate]:
    """Relabel model ORG spans named like a project (天问二号VLBI测轨分系统, …观测站) as PROJECT:
    the contract makes systems, platforms and facilities that institutions build projects, and
    those named like an event (…年会, …博览会, …峰会) as EVENT. A
    model ORG that is a numbered name and its class noun is that name (嫦娥六号探测器 → the
    PROJECT 嫦娥六号, 天龙三号火箭 → the PRODUCT 天龙三号), as the patterns read it."""
    numbered: dict[int, Candidate] | None = None
    out: list[Candidate] = []
    for cand in candidates:
        name = text[cand.start : cand.end]
        if cand.rule == MODEL_RULE and cand.label == "ORG":
            if is_project_name(name):
                cand = replace(cand, label="PROJECT")
            elif _EVENT_END.search(name):
                cand = replace(cand, label="EVENT")  # 中关村论坛年会: held, not a body
            elif "号" in name or any(ch.isdigit() for ch in name):
                if numbered is None:
                    numbered = {c.start: c for c in numbered_names(text)}
                found = numbered.get(cand.start)
                noun = CLASS_NOUN_RE.fullmatch(text, found.end, cand.end) if found else None
                if found is not None and noun is not None:
                    cand = replace(cand, end=found.end, label=found.label)
        out.append(cand)
    return out


def trim_before_titles(
    text: str, candidates: Iterable[Candidate], titles: Sequence[tuple[int, int]]
) -> list[Candidate]:
    """Cut a model span where a job title begins inside it and runs past its end, so the title
    stays whole (宇树科技首席市场 | 官 → 宇树科技 | 首席市场官); a PLACE left with a name that
    does not end like a place becomes an ORG (a company, by the title after it). An ORG that
    ends with a party body or a qualifier right before a title loses it (…集团公司党委 | 书记 →
    …集团公司, 恒丰银行原 | 党委书记 → 恒丰银行). A PERSON span starting with a title loses the
    title (CEO | 雷军)."""
    out: list[Candidate] = []
    for cand in candidates:
        if cand.rule == MODEL_RULE and cand.label == "PERSON":
            lead = max((e for s, e in titles if s <= cand.start < e <= cand.end - 2), default=None)
            if lead is not None:  # CEO雷军: the title is no part of the name
                cand = replace(cand, start=lead)
        if cand.rule == MODEL_RULE and cand.label != "PERSON":
            cut = min((s for s, e in titles if cand.start + 2 <= s < cand.end <= e), default=None)
            if cut is None and cand.label == "ORG" and any(s == cand.end for s, _ in titles):
                body = _BODY_BEFORE_TITLE.search(text, cand.start, cand.end)
                at = body.start() if body else cand.end
                modifier = _MODIFIER_BEFORE_TITLE.search(text, cand.start, at)
                at = modifier.start() if modifier else at
                cut = at if at != cand.end and at - cand.start >= 2 else None
            if cut is not None:
                name = text[cand.start : cut]
                label = cand.label
                if label == "PLACE" and not (
                    _PLACE_END.search(name) or name in PLACE_PREFIXES or name in COUNTRIES
                ):
                    label = "ORG"
                cand = Candidate(cand.start, cut, label, cand.priority, cand.rule, cand.kb_id)
        out.append(cand)
    return out


def title_people(
    text: str, titles: Sequence[tuple[int, int]], taken: Sequence[Candidate]
) -> list[Candidate]:
    """A two- or three-character name with a common surname right after a job title and before
    a boundary (，。、 说 表示 介绍 （ …) is a PERSON when nothing else covers it (副科长祝贺介绍).
    Weak (``P_SUFFIX``): any other candidate overlapping it wins."""
    covered = _overlaps_any([(c.start, c.end) for c in taken])
    in_title = _overlaps_any(titles)
    found: list[Candidate] = []
    for _, end in titles:
        if text[end : end + 2] in COMPOUND_SURNAMES:
            sizes: tuple[int, ...] = (3, 4)
        elif text[end : end + 1] in SURNAMES:
            sizes = (2, 3)
        else:
            continue
        for size in sizes:
            name = text[end : end + size]
            if (
                len(name) == size
                and all(_is_cjk(ch) and ch not in STOP_CHARS for ch in name[1:])
                and not _SPEECH_VERB.match(name)
                and not _SPEECH_TAIL.search(name)  # 学员时强调: 时 is a surname, 强调 no name
                and _AFTER_NAME.match(text, end + size)
                and not covered(end, end + size)
                and not in_title(end, end + size)
            ):
                found.append(Candidate(end, end + size, "PERSON", P_SUFFIX, "title_person"))
                break
    return found


#: A place or partnership form in brackets inside a company name: 中国银行（香港）有限公司,
#: 礼顺天下（北京）礼品有限公司, 上海冰阳投资管理中心（有限合伙）.
_BRACKET_TAIL = re.compile(
    r"[（(](?:(?P<form>有限合伙|普通合伙|特殊普通合伙)|[\u4e00-\u9fff]{2,4})[）)]"
    r"(?(form)|[\u4e00-\u9fff]{0,8}?(?:股份有限公司|有限责任公司|有限公司|集团|公司))"
)
_NAME_BEFORE_BRACKET = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]{2,12}$")


def bracketed_names(text: str, model_spans: Sequence[Candidate]) -> list[Candidate]:
    """Company names with a bracket inside (中国银行（香港）有限公司) or after
    (…中心（有限合伙）), which the model cuts at the bracket. The name starts where a model span
    ending at the bracket starts, else after the clause break or function word before it."""
    ends = {c.end: c for c in model_spans if c.label != "PERSON"}
    found: list[Candidate] = []
    for match in _BRACKET_TAIL.finditer(text):
        start: int | None = None
        if match.start() in ends:
            start = ends[match.start()].start
        else:
            start = _head_start(text, match.start(), 2)
        if start is not None:
            found.append(Candidate(start, match.end(), "ORG", P_GAZETTEER, "bracket_name"))
    return found


def _head_start(text: str, end: int, shortest: int) -> int | None:
    """Where a name ending at ``end`` starts: after the clause break or function word before
    it, at most 12 characters back (``None`` when that leaves fewer than ``shortest``)."""
    head = _NAME_BEFORE_BRACKET.search(text, max(0, end - 12), end)
    if head is None:
        return None
    start = head.start()
    while start < end and (
        any(ch in STOP_CHARS for ch in text[start:end])
        or (start > 0 and text[start - 1] not in _NAME_MAY_FOLLOW)
    ):
        start += 1
    for verb in _VERB_BEFORE_NAME.finditer(text, start, end):
        start = verb.end()
    return start if end - start >= shortest else None


#: A company's legal form (…有限公司, …株式会社): the end of a whole name.
_LEGAL_FORM = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|株式会社)")
#: Verbs that may stand right before a company name with no break (公司宣布收购星火科技有限公司):
#: the name starts after the last of them.
_VERB_BEFORE_NAME = re.compile(
    r"收购|并购|成立|创办|创立|创建|组建|设立|加入|入股|担任|出任|任职|就职|供职|携手|通过|"
    r"旗下|下属|全资|起诉|来自|隶属|宣布|表示|签约|签署|决定"
)


def legal_form_names(text: str, model_spans: Sequence[Candidate]) -> list[Candidate]:
    """Company names ending in a legal form (瘦猴麻辣烫餐饮有限公司) that no model span ends
    with: from the clause break or function word before them (three characters of name at
    least, a leading verb left out: 收购星火科技有限公司)."""
    ends = {c.end for c in model_spans if c.label != "PERSON"}
    found: list[Candidate] = []
    for match in _LEGAL_FORM.finditer(text):
        if match.end() in ends:
            continue
        start = _head_start(text, match.start(), 3)
        if start is not None and not is_generic_org(text[start : match.end()]):
            found.append(Candidate(start, match.end(), "ORG", P_GAZETTEER, "legal_form_name"))
    return found


#: A bracket between a name and what is said of it (缤特力（Plantronics）成立于…).
_BRACKET_NOTE = r"(?:[（(][^（()）]{1,24}[)）])?"
_FOUNDING_PREFIX = r"(?:始|正式|注册|最早)?"
_FOUNDING_VERB = _FOUNDING_PREFIX + r"(?:成立|创建|创立|创办|设立|组建|始建|始创|建立)"
_YEAR_AFTER_VERB = (
    r"于\s*(?:公元|西元)?\s*(?:1[5-9]\d\d|20\d\d|[一二][〇零○一二三四五六七八九]{3})年"
)
#: A founding verb and a year: 成立于1995年, 始建于一九二八年, 创业于1968年7月.
_FOUNDED_ON = (
    rf"(?:{_FOUNDING_VERB}|创业|诞生){_YEAR_AFTER_VERB}"
    r"(?:[0-9一二三四五六七八九十]{1,2}月(?:[0-9一二三四五六七八九十]{1,3}日)?)?[初底末]?"
)
#: Right after a model PERSON, only an organisation's founding: not 诞生于, 创业于 (born, started)
#: and not 创立于, 创办于 (由张三创立于2012年: the founder).
_ORG_FOUNDED_ON = re.compile(
    _BRACKET_NOTE + _FOUNDING_PREFIX + r"(?:成立|始建|始创|设立|组建)" + _YEAR_AFTER_VERB
)
#: The founded organisation named before the verb, a bracket between (缤特力（Plantronics）).
_FOUNDED_AFTER_NAME = re.compile(_BRACKET_NOTE + _FOUNDED_ON)
#: … or after it: 成立于1956年的（株）好丽友是…, 创业于1968年的美的集团，…
_FOUNDED_BEFORE_NAME = re.compile(
    _FOUNDED_ON
    + r"的(?:[（(][^（()）]{1,4}[)）])?(?P<name>[\u4e00-\u9fffA-Za-z0-9]{2,12}?)(?=[，,。；;]|是)"
)


#: No organisation's name: pronouns, demonstratives and groups of people (他们成立于…,
#: 这里…董事长), clauses (…解散了).
_NOT_CUED_NAME = re.compile(
    # a pronoun or demonstrative, unless it opens a long company name (我爱我家控股集团)
    r"^(?:(?:他|她|它|我|你|您|咱|这|那|此|该)(?![^，。]{3,}(?:集团|公司|银行)$)"
    r"|本报|有关|大家|人们|双方|两人|两家|三家|各方)"
    rf"|[{''.join(sorted(STOP_CHARS - set('的')))}]"  # function words, but 美的集团 keeps 的
)


def founded_names(text: str, candidates: Sequence[Candidate]) -> list[Candidate]:
    """Organisations named by a founding date that no candidate covers: 菜鸟物流成立于2013年
    (the name from the clause break or function word before the verb), 成立于1935年的TDK，
    (the whole name between 的 and the clause break). Weak (suffix priority): any model span
    wins; generic nouns (该公司成立于) are no names."""
    ends = {c.end for c in candidates}
    found: list[Candidate] = []

    def add(start: int, end: int, rule: str) -> None:
        if _written_twice(text[start:end]):  # a heading run into the text: 联创电暖器联创电暖器
            start += (end - start) // 2
        name = text[start:end]
        covered = any(c.start <= start and end <= c.end for c in candidates)
        if (
            not covered
            and not is_generic_org(name)
            and not name.isdigit()
            and not _NOT_CUED_NAME.search(name)
        ):
            # a model PLACE fragment inside (金/PLACE in 金途教育成立于2008年) gives way, unless
            # the name is a place's (浦东新区成立于1993年)
            absorbs = _PLACE_END.search(name) is None and not name.endswith("岛")
            found.append(Candidate(start, end, "ORG", P_SUFFIX, rule, absorbs_places=absorbs))

    for match in _FOUNDED_AFTER_NAME.finditer(text):
        end = match.start()
        if end in ends:
            continue
        start = _head_start(text, end, 2)
        if start is not None:
            add(start, end, "founded_name")
    for match in _FOUNDED_BEFORE_NAME.finditer(text):
        add(match.start("name"), match.end("name"), "founded_name")
    return found


_CLAUSE_START = set('，,。；;：:、！？!?\n “”"')
#: What may stand right before a name found from its end: a clause break, a function word or
#: an opening bracket (刘江峰（Dmall多点创始人）).
_NAME_MAY_FOLLOW = _CLAUSE_START | STOP_CHARS | set("（(")


def resolve(candidates: Sequence[Candidate], length: int) -> list[Candidate]:
    """Pick non-overlapping candidates by priority, then length, then position."""
    models = [c for c in candidates if c.rule == MODEL_RULE]
    pool = [
        c
        for c in candidates
        if c.rule == MODEL_RULE
        or c.priority >= P_BOOK_TITLE
        or not any(m.start <= c.start and c.end <= m.end and m.length > c.length for m in models)
    ]
    owner: list[int] = [-1] * length
    accepted: dict[int, Candidate] = {}

    def order(c: Candidate) -> tuple[int, int, bool, int]:  # a listed name beats a family tie
        return (-c.priority, -c.length, c.rule == "gazetteer_family", c.start)

    for index, cand in enumerate(sorted(pool, key=order)):
        clashes = {owner[i] for i in range(cand.start, cand.end) if owner[i] >= 0}
        if clashes:
            absorbable = cand.absorbs_places and all(
                accepted[j].rule == MODEL_RULE
                and accepted[j].label == "PLACE"
                and cand.start <= accepted[j].start
                and accepted[j].end <= cand.end
                for j in clashes
            )
            if not absorbable:
                continue
            for j in clashes:
                old = accepted.pop(j)
                owner[old.start : old.end] = [-1] * old.length
        accepted[index] = cand
        owner[cand.start : cand.end] = [index] * cand.length
    return sorted(accepted.values(), key=lambda c: c.start)


def _second_pass(text: str, chosen: Sequence[Candidate]) -> list[Candidate]:
    """简称 aliases of chosen entities, and repeats of strongly matched names."""
    extra: list[Candidate] = []
    ends = {c.end: c for c in chosen}
    for match in _ALIAS.finditer(text):
        source = ends.get(match.start())
        if source is not None and source.label != "PERSON":
            kb_id = source.kb_id or text[source.start : source.end]
            extra.append(
                Candidate(match.start(1), match.end(1), source.label, P_ALIAS, "alias", kb_id)
            )
    for cand in chosen:
        if cand.label != "PROJECT":
            continue
        part = _part_at(_PART, text, cand.end)
        if part is not None:
            extra.append(Candidate(cand.end, part.end(), "PROJECT", P_ALIAS, "part"))
    seen: set[str] = set()
    for cand in [*chosen, *extra]:
        name = text[cand.start : cand.end]
        if cand.rule not in _PROPAGATE_RULES or len(name) < 2 or name in seen:
            continue
        seen.add(name)
        priority = min(cand.priority, P_PROPAGATED)
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            if start != cand.start and _aligned(text, start, end):
                extra.append(
                    Candidate(start, end, cand.label, priority, "propagated", cand.kb_id or name)
                )
            start = text.find(name, end)
    return extra


#: Bracket and quote pairs a name may contain only whole (《》 and “” included).
_PAIRS = {"(": ")", "（": "）", "[": "]", "【": "】", "《": "》", "“": "”", "「": "」", "『": "』"}
_CLOSERS = {close: open_ for open_, close in _PAIRS.items()}


def balance_brackets(text: str, cand: Candidate) -> Candidate | None:
    """``cand`` without an unmatched bracket: the name starts after an unmatched closing one
    (“二线口岸”(货运)集中查验场 → 集中查验场) or a leading opening one, ends before an unmatched
    closing one that ends it (“优游吧斯” → 优游吧斯) and before any other unmatched opening one;
    ``None`` when fewer than two characters are left."""
    start, end = cand.start, cand.end
    opened: list[int] = []
    for i in range(cand.start, cand.end):
        char = text[i]
        if char in _PAIRS:
            opened.append(i)
        elif char in _CLOSERS:
            if opened and text[opened[-1]] == _CLOSERS[char]:
                opened.pop()
            elif i == cand.end - 1 and i > start:
                end = i  # the name's closing quote: its opening one is before the span
            else:
                start, opened = i + 1, []
    if opened and opened[0] == start:  # “二线口岸 → 二线口岸
        start = opened.pop(0) + 1
    if opened:
        end = opened[0]
    if (start, end) == (cand.start, cand.end):
        return cand
    if end - start < 2:
        return None
    return replace(cand, start=start, end=end, kb_id="")


#: The titles of a company's people, the only ones whose holders name their company right
#: before the title often enough (not 记者, 主席, 总理, 负责人: 本报讯记者X, 有关部门负责人X).
_COMPANY_TITLE = re.compile(
    r"(?:联合|联席|执行|常务|副)?(?:创始人|创办人|董事长|董事会主席|董事|总裁|总经理|合伙人|"
    r"CEO|CTO|COO|CFO|首席[\u4e00-\u9fff]{1,4}官)"
)
#: Words that qualify a title and end no organisation's name (新任董事长, 星火公司时任董事长).
_TITLE_MODIFIER = re.compile(r"(?:新任|时任|现任|前任|原任|首任|历任|曾任|兼任|代理|名誉|荣誉)$")


def titled_orgs(
    text: str, titles: Sequence[tuple[int, int]], taken: Sequence[Candidate]
) -> list[Candidate]:
    """The name before a company title (董事长, 创始人, CEO …) is an ORG when a person holds the
    title and nothing covers the name: 掌趣科技董事长刘惠城, 追一科技创始人兼CEO 吴悦,
    刘江峰（Dmall多点创始人&CEO）. The name runs from the clause break or function word before
    it (2–10 characters) and is no generic noun (公司董事长) and no common word (品牌创始人); a
    qualifier of the title is left out (星火公司时任董事长 → 星火公司; 新任董事长 → none).
    Weak (``P_SUFFIX``): any other candidate overlapping it wins."""
    covered = _overlaps_any([(c.start, c.end) for c in taken])
    people_from = {c.start for c in taken if c.label == "PERSON"}
    people_to = {c.end for c in taken if c.label == "PERSON"}
    title_at = {start: end for start, end in titles}
    title_ends = {end for _, end in titles}
    freq = _word_freq()
    found: list[Candidate] = []
    for start, end in titles:
        if start in title_ends or start - 1 in title_ends:
            continue  # the second title of 董事长兼总裁
        while end + 1 in title_at or end in title_at:  # the chain: 创始人兼CEO, 创始人&CEO
            end = title_at.get(end) or title_at[end + 1]
        head = _head_start(text, start, 2)
        if head is None or start - head > 10 or not _COMPANY_TITLE.match(text, start):
            continue
        held = text[end : end + 1] == " " and end + 1 in people_from
        if not (
            end in people_from or held or (text[head - 1 : head] in "（(" and head - 1 in people_to)
        ):
            continue
        modifier = _TITLE_MODIFIER.search(text, head, start)
        if modifier is not None:  # 星火公司时任 | 董事长: the name ends before 时任
            start = modifier.start()
        name = text[head:start]
        if (
            len(name) < 2
            or _NOT_CUED_NAME.search(name)
            or covered(head, start)
            or is_generic_org(name)
            or freq.get(name, 0) >= _COMMON_WORD
            or name.isdigit()
        ):
            continue
        found.append(Candidate(head, start, "ORG", P_SUFFIX, "title_org"))
    return found


#: A company name ending inside a longer model ORG span, before a verb or a conjunction:
#: …橡胶工业有限公司系保定天威…有限公司 (系 = 是), X公司与Y公司, 清华大学与腾讯公司. Not 公司系统.
_JOINED_AT = re.compile(
    r"(?:有限责任公司|有限公司|股份公司|集团公司|株式会社|公司)(?=[系是为与和及、](?!统))"
    r"|(?:大学|研究院|研究所|科学院|集团|银行)(?=[与和及、](?!其))"
)
#: A category noun before an ORG's name (国有企业广西中恒集团, 新控股公司Alphabet).
_CATEGORY_BEFORE = re.compile(
    r"(?:新|一家|其)?(?:国有企业|民营企业|外资企业|上市公司|母公司|控股公司|合资公司|独资公司)"
    r"(?=[\u4e00-\u9fffA-Za-z]{3})(?![分子总])"
)
#: A field of study run into a school's name (罗马大学法学, 兰州大学生物系 + 动物学,
#: …学院管理工程专业); 中学, 小学 and 大学 are no fields.
_FIELD_AFTER_SCHOOL = re.compile(
    r"(?:大学|学院|学校|系)((?:(?!系)[\u4e00-\u9fff]){1,5}(?<![中小大])学|[\u4e00-\u9fff]{1,8}专业)$"
)
#: An English given name glued to the end of a Chinese person's name (张红梅May; not 小V).
_LATIN_TAIL = re.compile(r"(?<=[\u4e00-\u9fff])[A-Z][a-z]+$")
#: A research team run into its institution's name (浙江大学研究团队).
_TEAM_AFTER = re.compile(
    r"(?:联合)?(?:科研|研究|创新|技术)?(?:团队|课题组)$|(?<=[学院校])(?:杰出|知名|优秀)?校友$"
)
#: A clause run into the start of an ORG span: a byline's 综合报道, an event's 会上 (第四届中国地产
#: 金融年会上住房和城乡建设部政策研究中心副主任…).
_LEAD_IN = re.compile(r"^[^，。；“”]{0,16}?(?:综合报道|报道|会上|会议上|论坛上|典礼上|仪式上)")
#: A speech verb run into the end of a person's name (no given name ends so).
_SPEECH_TAIL = re.compile(
    "(?:" + "|".join(v for v in _SPEECH_VERBS.split("|") if len(v) == 2) + ")$"
)
#: A day of the week run into a person's name (王兆星周四称), or standing for one (周三表示).
_WEEKDAY = re.compile(r"(?:周|星期|礼拜)[一二三四五六日天]$")
#: Whitespace between two Han characters: no Chinese name has it, so a span across it is two.
_HAN_SPACE_HAN = re.compile(r"[\u4e00-\u9fff]\s+(?=[\u4e00-\u9fff])")


def _written_twice(name: str) -> bool:
    """A name of two or more Han characters written twice in a row (昆明卷烟厂昆明卷烟厂; not
    LULU)."""
    half = len(name) // 2
    return (
        len(name) >= 4
        and len(name) % 2 == 0
        and name[:half] == name[half:]
        and any(_is_cjk(ch) for ch in name)
    )


def split_joined(text: str, spans: Sequence[Candidate]) -> list[Candidate]:
    """Model spans that run two names together, cut apart: a name written twice, a field of
    study after a school's name, a category noun before an ORG's name, an ORG at a company
    name's legal form before 系/是/为/与/和/及/、 (the rest stays an ORG when it is a name: two
    characters and not generic), an ORG before a research team (浙江大学研究团队), a PERSON
    before Latin letters after its Han characters and before a day of the week (王兆星周四; a
    PERSON that is only a day is dropped)."""
    out: list[Candidate] = []
    for cand in spans:
        name = text[cand.start : cand.end]
        if cand.rule != MODEL_RULE:
            out.append(cand)
        elif cand.label in ("ORG", "PERSON") and _HAN_SPACE_HAN.search(name):
            # a heading or a second name after a space: 三一重工   三一集团有限公司, 邓中翰 王小丫
            cuts = [cand.start]
            for gap in _HAN_SPACE_HAN.finditer(name):
                cuts += [cand.start + gap.start() + 1, cand.start + gap.end()]
            cuts.append(cand.end)
            pieces = zip(cuts[::2], cuts[1::2], strict=True)
            out += [replace(cand, start=a, end=b) for a, b in pieces if b - a >= 2]
        elif _written_twice(name):  # a heading run into the text: 昆明卷烟厂昆明卷烟厂
            half = cand.start + cand.length // 2
            out += [replace(cand, end=half), replace(cand, start=half)]
        elif cand.label == "ORG" and (field := _FIELD_AFTER_SCHOOL.search(name)):
            out.append(replace(cand, end=cand.start + field.start(1)))  # 罗马大学 | 法学
        elif cand.label == "ORG" and (team := _TEAM_AFTER.search(name)):
            if team.start() >= 2:  # 浙江大学 | 研究团队, 北京理工大学 | 校友: not organisations
                out.append(replace(cand, end=cand.start + team.start()))
        elif cand.label == "ORG" and (prefix := _CATEGORY_BEFORE.match(name)):
            out.append(replace(cand, start=cand.start + prefix.end()))  # 国有企业广西中恒集团
        elif cand.label == "ORG" and (lead := _LEAD_IN.match(name)):
            if cand.length - lead.end() >= 3:  # 综合报道 | 住房和城乡建设部…, …年会上 | 住房…
                out.append(replace(cand, start=cand.start + lead.end()))
        elif cand.label == "ORG" and (cut := _JOINED_AT.search(text, cand.start, cand.end - 2)):
            out.append(replace(cand, end=cut.end()))
            rest = replace(cand, start=cut.end() + 1)
            if rest.length >= 2 and not is_generic_org(text[rest.start : rest.end]):
                out.append(rest)
        elif cand.label == "PERSON" and (tail := _LATIN_TAIL.search(text, cand.start, cand.end)):
            if tail.start() - cand.start >= 2:
                out.append(replace(cand, end=tail.start()))
        elif cand.label == "PERSON" and (said := _SPEECH_TAIL.search(name)):
            if said.start() >= 2:  # 王刚强调 → 王刚; 时强调 (会见…时强调): no name
                out.append(replace(cand, end=cand.start + said.start()))
        elif cand.label == "PERSON" and (day := _WEEKDAY.search(text, cand.start, cand.end)):
            if day.start() - cand.start >= 2:  # 王兆星周四称: the day he said it; 周三 alone: none
                out.append(replace(cand, end=day.start()))
        else:
            out.append(cand)
    return out


#: Words only institutions have in their Latin names (University of Colorado Denver).
_LATIN_INSTITUTION = re.compile(
    r"(?<![A-Za-z])(?:University|College|Institute|Academy|School|Company|Corporation|Corp|Inc|Ltd|"
    r"Group|Bank|Association|Society|Bureau|Agency|Foundation|Laboratory|Council|Committee|"
    r"Ministry|Department|Federation|Organi[sz]ation)(?![A-Za-z])"
)


def latin_institutions(text: str, spans: Iterable[Candidate]) -> list[Candidate]:
    """A model PERSON span whose Latin name has an institution word is an ORG."""
    return [
        replace(c, label="ORG")
        if c.label == "PERSON" and _LATIN_INSTITUTION.search(text, c.start, c.end)
        else c
        for c in spans
    ]


def with_subsystems(text: str, spans: Iterable[Candidate]) -> list[Candidate]:
    """A model ORG or PROJECT that stops right before the name of one of its subsystems takes
    it in (天问二号VLBI + 测轨分系统); the whole is then named like a project."""
    out: list[Candidate] = []
    for cand in spans:
        part = _part_at(_SUBSYSTEM, text, cand.end)
        if cand.rule == MODEL_RULE and cand.label in ("ORG", "PROJECT") and part is not None:
            cand = replace(cand, end=part.end(), kb_id="")
        out.append(cand)
    return out


def repair_model_spans(
    text: str, spans: Sequence[Candidate], titles: Sequence[tuple[int, int]]
) -> list[Candidate]:
    """The model's spans after the model repairs (see the module docstring), in order: names
    run together cut apart, Latin institutions made ORGs, spans cut before job titles,
    founded names made ORGs, subsystems taken in, project names made PROJECTs, developed
    places made PRODUCTs, places before a government body made that body, non-names dropped,
    总部 cut off."""
    spans = trim_before_titles(text, latin_institutions(text, split_joined(text, spans)), titles)
    spans = project_orgs(text, with_subsystems(text, founded_orgs(text, spans, titles)))
    spans = place_bodies(text, made_products(text, spans))
    return [_without_headquarters(text, c) for c in spans if not _not_a_name(text, c)]


#: Before an ORG span that describes an organisation rather than naming it: 是一家位于杭州的
#: 人工智能公司, 国内首家…的上市公司 (a name is introduced by 名为/叫 instead).
_DESCRIBED = re.compile(
    r"(?:一|首|第[一二三四五六七八九十])(?:家|所|个|座)(?:[^，。；“”名叫]{0,20}的)?$"
)
_DESCRIBED_HEAD = re.compile(
    r"(?:公司|企业|机构|集团|平台|医院|学校|大学|银行|中心|厂商|研究所|研究院|实验室)$"
)


def _not_a_name(text: str, cand: Candidate) -> bool:
    """A generic ORG noun (该公司) or a description (是一家…的人工智能公司), a one-character
    PERSON (江 of 江主席: no one to link), one starting with a symbol (&CEO of 创始人&CEO), an
    adverb of manner (郑重地说道) or the name in a scientific term (霍尔效应, 摩尔定律), or a
    PLACE that the 市 of a city name misled (具身智能市场)."""
    if cand.label == "ORG":
        name = text[cand.start : cand.end]
        return is_generic_org(name) or (
            _DESCRIBED_HEAD.search(name) is not None
            and _DESCRIBED.search(text, max(0, cand.start - 24), cand.start) is not None
        )
    if cand.label == "PERSON":
        name = text[cand.start : cand.end]
        return (
            cand.length < 2
            or not name[0].isalnum()
            or _is_manner_adverb(name)
            or _MEETING.fullmatch(name) is not None
            or _NAMED_TERM.match(text, cand.end) is not None
        )
    if cand.label == "PLACE":
        return _NOT_PLACE_END.search(text, cand.start, cand.end) is not None
    return False


def match_entities(
    text: str,
    model_spans: Sequence[Candidate] = (),
    gazetteer: Gazetteer | None = None,
    *,
    protected: Sequence[tuple[int, int]] = (),
    propagate: bool = True,
    repair_org: bool = True,
) -> list[Candidate]:
    """The resolved entities of ``text``: model spans kept, repaired or replaced, plus rule matches.

    ``model_spans`` are the model's entities as candidates with ``rule="model"``; ``protected`` are
    character spans an ORG may not be extended into (job titles).
    """
    titles = title_spans(text, protected)
    model_spans = repair_model_spans(text, model_spans, titles)
    places = [c.start for c in model_spans if c.label == "PLACE"]
    candidates = [*model_spans, *find_candidates(text, places)]
    if gazetteer is not None:
        candidates += gazetteer_candidates(text, gazetteer)
    candidates += bracketed_names(text, candidates)
    candidates += legal_form_names(text, candidates)
    candidates += founded_names(text, candidates)
    candidates = [
        b
        for c in candidates
        if (b := balance_brackets(text, c)) is not None and _aligned(text, b.start, b.end)
    ]
    if repair_org:
        people = [(c.start, c.end) for c in model_spans if c.label == "PERSON"]
        candidates = repair_orgs(text, candidates, [*titles, *people])
        candidates = trim_before_titles(text, candidates, titles)  # no 党支部 before 书记
    chosen = resolve(candidates, len(text))
    named = title_people(text, titles, chosen)
    named += titled_orgs(text, titles, [*chosen, *named])
    if named:
        candidates += named
        chosen = resolve(candidates, len(text))
    if propagate:
        extra = _second_pass(text, chosen)
        if extra:
            chosen = resolve([*candidates, *extra], len(text))
    return _bracketed_latin_names(text, chosen)


#: A Latin name or abbreviation alone in a bracket (DeepSeek, SMG, Plantronics).
_LATIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9&.\- ]*")


def _bracketed_latin_names(text: str, chosen: list[Candidate]) -> list[Candidate]:
    """A Latin name alone in a bracket right after an organisation's name is that organisation's
    other name, so it has its label (深度求索（DeepSeek）: not the PRODUCT the model or the
    gazetteer says DeepSeek is elsewhere)."""
    out = list(chosen)
    for i in range(1, len(out)):
        name, inner = out[i - 1], out[i]
        if (
            name.label == "ORG"
            and inner.label != "ORG"
            and inner.rule in (MODEL_RULE, "gazetteer", "gazetteer_family")
            and alone_in_brackets(text, name.end, inner.start, inner.end)
            and _LATIN_NAME.fullmatch(text, inner.start, inner.end)
        ):
            out[i] = replace(inner, label="ORG", kb_id="")
    return out
