"""Tests of the rule-based entity component ``kg_entity_rules`` and its gazetteer.

Sentences are hand-written (not taken from the seeds). The model's ``doc.ents`` are set by hand
where a case needs them, so these tests do not depend on the trained NER model.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Span

from kg.errors import KgError, ModelError
from kg.nlp.entities import EntityRules, match_entities
from kg.nlp.entity_gazetteer import Gazetteer, parse_rows
from kg.nlp.entity_resolve import balance_brackets
from kg.nlp.patterns import Candidate
from kg.nlp.records import ENTITY_LABELS
from kg.resources import DataNotFoundError, data_path

Ents = list[tuple[str, str]]


def _blank() -> Language:
    import kg.nlp.tokenizer  # noqa: F401  (registers kg.char_tokenizer.v1)

    return spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "kg.char_tokenizer.v1"}}})


@pytest.fixture(scope="module")
def nlp() -> Language:
    pipeline = _blank()
    pipeline.add_pipe("kg_entity_rules")
    pipeline.initialize()
    return pipeline


def run(nlp: Language, text: str, model: Ents = ()) -> Ents:  # type: ignore[assignment]
    """Entities of ``text`` after the component, with ``model`` (substring, label) as doc.ents."""
    doc = nlp.make_doc(text)
    spans = []
    for piece, label in model:
        start = text.index(piece)
        span = doc.char_span(start, start + len(piece), label)
        assert span is not None, piece
        spans.append(span)
    doc.ents = spans
    doc = nlp.get_pipe("kg_entity_rules")(doc)
    return [(ent.text, ent.label_) for ent in doc.ents]


# --- positives, one per rule and type -----------------------------------------------------------

POSITIVES = [
    # gazetteer: missions, facilities, products, events, organisations
    ("嫦娥六号完成月球背面采样返回。", ("嫦娥六号", "PROJECT")),
    ("位于广东的江门中微子实验发布首批成果。", ("江门中微子实验", "PROJECT")),
    ("中国天眼又发现一批脉冲星。", ("中国天眼", "PROJECT")),
    ("不少企业使用DeepSeek开展业务。", ("DeepSeek", "PRODUCT")),
    ("国产大飞机C919投入商业运营。", ("C919", "PRODUCT")),
    ("2025年中央经济工作会议作出部署。", ("中央经济工作会议", "EVENT")),
    ("主任在2025年度全国星海基金工作会议上作报告。", ("全国星海基金工作会议", "EVENT")),
    ("中科院发布年度报告。", ("中科院", "ORG")),
    ("美国对华为的制裁持续。", ("华为", "ORG")),
    ("据北大统计，毕业生增加。", ("北大", "ORG")),
    # gazetteer families: numbered series beyond the listed members
    ("嫦娥八号将开展月球资源原位利用试验。", ("嫦娥八号", "PROJECT")),
    ("神舟二十一号乘组顺利出舱。", ("神舟二十一号", "PROJECT")),
    ("长征十二号甲完成首飞。", ("长征十二号甲", "PRODUCT")),
    ("华为发布搭载麒麟9010的新机。", ("麒麟9010", "PRODUCT")),
    # class-noun stripping
    ("长征五号运载火箭点火升空。", ("长征五号", "PRODUCT")),
    ("长征五号B运载火箭将空间站舱段送入轨道。", ("长征五号B", "PRODUCT")),
    ("暗物质粒子探测卫星“悟空”号在轨运行十年。", ("悟空", "PROJECT")),
    ("载人潜水器“奋斗者”号完成万米下潜。", ("奋斗者", "PRODUCT")),
    # quoted names with a cue (names not in the gazetteer)
    ("我国新一代商业火箭“星河一号”完成静态点火试验。", ("星河一号", "PRODUCT")),
    ("研究团队研制的“探索十号”卫星成功入轨。", ("探索十号", "PROJECT")),
    ("该公司推出了“星语”大模型。", ("星语", "PRODUCT")),
    ("全球首款倾转旋翼无人驾驶飞行器——“鹏翔T800”完成首飞。", ("鹏翔T800", "PRODUCT")),
    ("北京启动“脑科学与类脑研究”计划。", ("脑科学与类脑研究", "PROJECT")),
    # unquoted numbered / model-number names followed by a class noun
    ("我国成功发射遥感四十号卫星。", ("遥感四十号", "PROJECT")),
    ("企业发布星驰X500无人机。", ("星驰X500", "PRODUCT")),
    ("公司发布通用具身基座大模型GO-1。", ("GO-1", "PRODUCT")),
    ("团队基于Qwen2.5训练了新模型。", ("Qwen2.5", "PRODUCT")),
    ("我国自主研制的“海燕-X”水下滑翔机完成深潜。", ("海燕-X", "PRODUCT")),
    # PROJECT and EVENT names by suffix, anchored on 中国/全国/第N届
    ("新上线的中国药品价格登记系统已有企业注册。", ("中国药品价格登记系统", "PROJECT")),
    ("全国一体化政务服务平台持续升级。", ("全国一体化政务服务平台", "PROJECT")),
    ("第三届长三角数字经济峰会在杭州举行。", ("第三届长三角数字经济峰会", "EVENT")),
    ("2026中国量子计算产业大会在合肥召开。", ("中国量子计算产业大会", "EVENT")),
    ("党的二十届四中全会提出明确要求。", ("党的二十届四中全会", "EVENT")),
    (
        "中国科学技术协会第十一次全国代表大会开幕。",
        ("中国科学技术协会第十一次全国代表大会", "EVENT"),
    ),
    ("“星火”计划惠及农村。", ("星火", "PROJECT")),
    # 《》 works keep their brackets
    (
        "根据世界知识产权组织《2025年全球创新指数报告》，中国排名上升。",
        ("《2025年全球创新指数报告》", "WORK"),
    ),
    ("游戏《黑神话·悟空》在全球热销。", ("《黑神话·悟空》", "WORK")),
    # a part named after its whole
    ("天问二号VLBI测轨分系统完成观测任务。", ("VLBI测轨分系统", "PROJECT")),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_finds_entity(nlp: Language, text: str, expected: tuple[str, str]) -> None:
    assert expected in run(nlp, text)


@pytest.mark.parametrize(
    ("text", "model", "expected"),
    [
        ("星为发布了Mate90系列手机。", [], [("Mate90", "PRODUCT")]),
        ("星伟达H90芯片对外出口。", [("星伟达", "ORG")], [("H90", "PRODUCT")]),
        ("星瑞的COVID-19疫苗获批。", [], []),  # the disease's name, not the vaccine's
    ],
)
def test_latin_model_names_next_to_a_class_noun(
    nlp: Language, text: str, model: Ents, expected: Ents
) -> None:
    assert [e for e in run(nlp, text, model) if e[1] == "PRODUCT"] == expected


def test_long_latin_words_are_linear() -> None:
    """A long Latin word with no digit is no model name, and is rejected in linear time (the
    old model-name pattern backtracked exponentially: 1.5 s for 24 letters)."""
    from kg.nlp.patterns import ascii_models

    word = "ArtCenterCollegeofDesign" * 4
    assert ascii_models(f"芯片{word}发布。") == []
    assert [c.end - c.start for c in ascii_models(f"芯片{word}9发布。")] == [len(word) + 1]


def test_work_brackets_hide_inner_names(nlp: Language) -> None:
    assert run(nlp, "《黑神话·悟空》“哪吒”系列动画电影") == [("《黑神话·悟空》", "WORK")]


def test_alias_and_repeats_share_the_label(nlp: Language) -> None:
    text = (
        "平台上线的中国药品价格登记系统(简称“中国药登”)运行平稳。目前，中国药登已有60家企业注册。"
    )
    ents = run(nlp, text)
    assert ents.count(("中国药登", "PROJECT")) == 2


def test_quoted_name_repeated_without_cue(nlp: Language) -> None:
    text = "无人驾驶飞行器——“鹏翔T800”完成首飞。“鹏翔T800”的首飞意义重大。"
    assert run(nlp, text).count(("鹏翔T800", "PRODUCT")) == 2


# --- negatives ----------------------------------------------------------------------------------

NEGATIVES = [
    "我国科技产出实现了数量、质量的“双提升”。",
    "得益于静下心来从事“从0到1”的工作。",
    "这是底层算力必须突破的“深水区”。",
    "过去只有“国家队”存在的领域。",
    "团队打造的全新“AI超级计算机”即将上线。",
    "他住在3号楼。",
    "交警查获“皖K11625”号货车。",
    "报社即将推出的“怎样做一个文明消费者”讨论。",
    "全国妇联主席张三出席会议。",
    "今年的1号文件聚焦乡村振兴。",
    "评委慧眼识珠，他联想到了过去。",
    "天眼查数据显示，该公司注册资本增加。",
    "东北大学位于沈阳。",
    "车辆沿江北大道行驶，途中车辆较多。",
    "气温达到一百度以上，创新浪潮涌动。",
    "中国搭建交易与价格平台。",
    "国家创新生态系统深刻重塑。",
    "代表们在中国科技会议室开会。",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_finds_nothing(nlp: Language, text: str) -> None:
    assert run(nlp, text) == []


# --- merging with the model's spans -------------------------------------------------------------


def test_gazetteer_relabels_model_span(nlp: Language) -> None:
    assert run(nlp, "天问二号飞行正常。", [("天问二号", "PERSON")]) == [("天问二号", "PROJECT")]
    assert run(nlp, "企业使用千问开发应用。", [("千问", "ORG")]) == [("千问", "PRODUCT")]


def test_gazetteer_overrides_shorter_model_place(nlp: Language) -> None:
    ents = run(nlp, "位于广东的江门中微子实验。", [("广东", "PLACE"), ("江门", "PLACE")])
    assert ents == [("广东", "PLACE"), ("江门中微子实验", "PROJECT")]


@pytest.mark.parametrize(
    ("text", "model", "expected"),
    [
        ("首届湖南大学生创业大赛举行。", [("湖南", "PLACE")], [("湖南", "PLACE")]),
        ("湖南大学生物学院成立。", [], [("湖南大学生物学院", "ORG")]),
    ],
)
def test_a_school_name_before_students_is_no_match(
    nlp: Language, text: str, model: Ents, expected: Ents
) -> None:
    assert run(nlp, text, model) == expected


def test_book_title_overrides_model_work(nlp: Language) -> None:
    assert run(nlp, "游戏《黑神话·悟空》热销。", [("黑神话·悟空", "WORK")]) == [
        ("《黑神话·悟空》", "WORK")
    ]


def test_longer_model_span_keeps_gazetteer_name_inside(nlp: Language) -> None:
    text = "中国科学院高能物理研究所研究员说。"
    assert run(nlp, text, [("中国科学院高能物理研究所", "ORG")]) == [
        ("中国科学院高能物理研究所", "ORG")
    ]


def test_weak_suffix_rule_never_overrides_model(nlp: Language) -> None:
    text = "国家医保局交易平台上线。"
    assert run(nlp, text, [("国家医保局", "ORG")]) == [("国家医保局", "ORG")]


def test_weak_suffix_rule_absorbs_nested_place(nlp: Language) -> None:
    text = "新上线的中国药品价格登记系统。"
    assert run(nlp, text, [("中国", "PLACE")]) == [("中国药品价格登记系统", "PROJECT")]


def test_cue_only_name_leaves_model_span_alone(nlp: Language) -> None:
    assert run(nlp, "联想推出新电脑。", [("联想", "ORG")]) == [("联想", "ORG")]


# --- ORG repair ---------------------------------------------------------------------------------

ORG_REPAIRS = [
    ("华东理工大学材料学院教授说。", "华东理工大学", "华东理工大学材料学院"),
    ("湖州师范学院附属第一医院医生介绍。", "湖州师范学院", "湖州师范学院附属第一医院"),
    (
        "中国科学技术发展战略研究院科技统计与区域创新研究所所长认为。",
        "中国科学技术发展战略研究院",
        "中国科学技术发展战略研究院科技统计与区域创新研究所",
    ),
    ("星海科技西南分公司项目推进。", "星海科技", "星海科技西南分公司"),
    ("中国人民银行宁波市中心支行行长说。", "中国人民银行", "中国人民银行宁波市中心支行"),
    ("星海银行研究室主任说。", "星海银行", "星海银行研究室"),
    ("星海科技有限公司西南分公司成立。", "星海科技有限公司", "星海科技有限公司西南分公司"),
]


@pytest.mark.parametrize(("text", "model", "expected"), ORG_REPAIRS)
def test_org_extended_over_suffix(nlp: Language, text: str, model: str, expected: str) -> None:
    assert (expected, "ORG") in run(nlp, text, [(model, "ORG")])


ORG_KEPT = [
    ("中国科学院与清华大学联合发布成果。", [("中国科学院", "ORG"), ("清华大学", "ORG")]),
    ("海口海关所属洋浦海关负责人表示。", [("海口海关", "ORG"), ("洋浦海关", "ORG")]),
    ("星海科技完善全栈产品布局。", [("星海科技", "ORG")]),
    ("星海科技加快部署。", [("星海科技", "ORG")]),
    ("星海科技董事长张三说。", [("星海科技", "ORG"), ("张三", "PERSON")]),
    ("星海证监会副主席张三和国家外汇管理局", [("星海证监会", "ORG")]),
    ("星海银行力促商业银行放贷。", [("星海银行", "ORG")]),
    ("星海通讯社电新加坡金融管理局昨日说。", [("星海通讯社", "ORG")]),
    ("星海银行业务增长，星海大学生就业。", [("星海", "ORG")]),
    ("星海军委军事运输司令员说。", [("星海军委", "ORG")]),
    # a company after a company's legal form is another company
    ("星海科技有限公司北京星米科技有限公司签约。", [("星海科技有限公司", "ORG")]),
    ("星海建材股份有限公司星海集团成立。", [("星海建材股份有限公司", "ORG")]),
]


@pytest.mark.parametrize(("text", "model"), ORG_KEPT)
def test_org_not_extended(nlp: Language, text: str, model: Ents) -> None:
    assert run(nlp, text, model) == model


def test_org_not_extended_into_title(nlp: Language) -> None:
    doc = nlp.make_doc("星海科技研究中心主任说。")
    doc.ents = [Span(doc, 0, 4, "ORG")]
    doc.spans["titles"] = [Span(doc, 4, 10, "TITLE")]
    doc = nlp.get_pipe("kg_entity_rules")(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("星海科技", "ORG")]


# --- job titles: the name after a title, spans cut before a title -------------------------------


@pytest.mark.parametrize(
    ("text", "model", "expected"),
    [
        # a name after a title and before a boundary, with a common surname
        (
            "星海海关综合科副科长祝贺介绍，通关量增长。",
            [("星海海关综合科", "ORG")],
            [("星海海关综合科", "ORG"), ("祝贺", "PERSON")],
        ),
        (
            "星河动力首席技术官王其鑫表示，火箭将复用。",
            [("星河动力", "ORG")],
            [("星河动力", "ORG"), ("王其鑫", "PERSON")],
        ),
        (
            "星河动力总经理欧阳小明说，火箭将复用。",
            [("星河动力", "ORG")],
            [("星河动力", "ORG"), ("欧阳小明", "PERSON")],
        ),
        # a model span running into a title is cut before it; a PLACE that does not end like a
        # place then names the company
        (
            "星树科技首席市场官王其鑫表示，机器人将走进家庭。",
            [("星树科技首席市场", "PLACE"), ("王其鑫", "PERSON")],
            [("星树科技", "ORG"), ("王其鑫", "PERSON")],
        ),
        (
            "星海市首席科学家李四说，",
            [("星海市首席", "PLACE"), ("李四", "PERSON")],
            [("星海市", "PLACE"), ("李四", "PERSON")],
        ),
        # a party body written into an ORG before its title stays out of the name
        (
            "星海航空集团有限公司党委书记、董事长李四出席。",
            [("星海航空集团有限公司党委", "ORG"), ("李四", "PERSON")],
            [("星海航空集团有限公司", "ORG"), ("李四", "PERSON")],
        ),
        (
            "星海网络公司董事局主席王五在会上发言。",
            [("星海网络公司董事局", "ORG"), ("王五", "PERSON")],
            [("星海网络公司", "ORG"), ("王五", "PERSON")],
        ),
        (  # a title the model put into a person's name
            "星米集团创始人、董事长兼CEO雷星在发布会上宣布。",
            [("星米集团", "ORG"), ("CEO雷星", "PERSON")],
            [("星米集团", "ORG"), ("雷星", "PERSON")],
        ),
        (  # a qualifier of the title (原 = former) is no part of the name
            "星丰银行原党委书记、董事长蔡华被调查。",
            [("星丰银行原党委", "ORG"), ("蔡华", "PERSON")],
            [("星丰银行", "ORG"), ("蔡华", "PERSON")],
        ),
        (  # the model stops before the party body: no org suffix rule extends over it
            "星海出版集团股份有限公司党支部书记、董事长赵六出席。",
            [("星海出版集团股份有限公司", "ORG"), ("赵六", "PERSON")],
            [("星海出版集团股份有限公司", "ORG"), ("赵六", "PERSON")],
        ),
    ],
)
def test_titles_repair_entities(nlp: Language, text: str, model: Ents, expected: Ents) -> None:
    assert run(nlp, text, model) == expected


@pytest.mark.parametrize(
    ("text", "model"),
    [
        ("星河动力总经理王伟在会上发言。", [("星河动力", "ORG")]),  # no boundary after the name
        ("星河动力总经理认为，火箭将复用。", [("星河动力", "ORG")]),  # no surname
        ("星河动力总经理王伟说，", [("星河动力", "ORG"), ("王伟", "PERSON")]),  # already a person
        ("星海大学党委召开会议。", [("星海大学党委", "ORG")]),  # no title after the body
        ("星海出版署负责人强调指出，", [("星海出版署", "ORG")]),  # a speech verb, not 强 + name
        ("星海出版署负责人介绍说，", [("星海出版署", "ORG")]),
    ],
)
def test_titles_leave_entities_alone(nlp: Language, text: str, model: Ents) -> None:
    assert run(nlp, text, model) == model


@pytest.mark.parametrize(
    ("text", "model", "expected"),
    [
        (
            "星海银行（香港）有限公司董事长李四签署了协议。",
            [("星海银行", "ORG"), ("香港）有限公司", "ORG"), ("李四", "PERSON")],
            [("星海银行（香港）有限公司", "ORG"), ("李四", "PERSON")],
        ),
        (
            "星顺天下（北京）礼品有限公司是一家礼品公司。",
            [("北京）礼品有限公司", "ORG")],
            [("星顺天下（北京）礼品有限公司", "ORG")],
        ),
        (
            "星冰投资管理中心（有限合伙）于2016年成立。",
            [("星冰投资管理中心", "ORG")],
            [("星冰投资管理中心（有限合伙）", "ORG")],
        ),
        # a bracket that is no part of a company name
        ("星火科技（北京）发布报告。", [("星火科技", "ORG")], [("星火科技", "ORG")]),
    ],
)
def test_company_names_with_brackets(nlp: Language, text: str, model: Ents, expected: Ents) -> None:
    assert run(nlp, text, model) == expected


@pytest.mark.parametrize(
    ("text", "model", "expected"),
    [
        ("1889年由希尔创立的星秀雷敦，畅销百年。", [("星秀雷敦", "PLACE")], [("星秀雷敦", "ORG")]),
        ("达斯勒，星迪达斯的创始人", [("星迪达斯", "PERSON")], [("星迪达斯", "ORG")]),
        ("星秀雷敦的风景很美。", [("星秀雷敦", "PLACE")], [("星秀雷敦", "PLACE")]),
        ("张帆创办了星国第一所音乐学校。", [("星国", "PLACE")], [("星国", "PLACE")]),
        # an ORG running into 总部 ends before it
        (
            "星盛传媒有限公司总部位于新疆。",
            [("星盛传媒有限公司总部", "ORG")],
            [("星盛传媒有限公司", "ORG")],
        ),
        # a person's name a company word follows is a company or brand
        ("星秀丽旗下的箱包品牌", [("星秀丽", "PERSON")], [("星秀丽", "ORG")]),
        ("星迪达斯品牌的球鞋", [("星迪达斯", "PERSON")], [("星迪达斯", "ORG")]),
        ("张帆的公司在上海。", [("张帆", "PERSON")], [("张帆", "PERSON")]),
        ("张帆表示公司很好。", [("张帆", "PERSON")], [("张帆", "PERSON")]),
        # a name that was founded in a year, or whose chairman is a person, is a company
        ("星评媒成立于2014年。", [("星评媒", "PERSON")], [("星评媒", "ORG")]),
        ("张帆诞生于1950年。", [("张帆", "PERSON")], [("张帆", "PERSON")]),
        # 校友 after a school is no part of its name
        (
            "星京理工大学校友何小星捐款。",
            [("星京理工大学校友", "ORG"), ("何小星", "PERSON")],
            [("星京理工大学", "ORG"), ("何小星", "PERSON")],
        ),
        # what a group owns is a company, not a person
        (
            "星巴集团旗下的星云今天发布了新版本。",
            [("星巴集团", "ORG"), ("星云", "PERSON")],
            [("星巴集团", "ORG"), ("星云", "ORG")],
        ),
        # a description is no name (a name comes after 名为), nor a modifier of another noun
        (
            "星度求索是一家位于杭州的人工智能公司。",
            [("星度求索", "ORG"), ("杭州", "PLACE"), ("人工智能公司", "ORG")],
            [("星度求索", "ORG"), ("杭州", "PLACE")],
        ),
        (
            "他加入了一家名为星火科技有限公司的企业。",
            [("星火科技有限公司", "ORG")],
            [("星火科技有限公司", "ORG")],
        ),
        (
            "俄罗斯和另一个独联体国家签署了条约。",
            [("俄罗斯", "PLACE"), ("独联体", "ORG")],
            [("俄罗斯", "PLACE"), ("独联体", "ORG")],
        ),
        # a model PLACE fragment inside a founded name gives way, unless it names a place
        ("星途教育成立于2008年。", [("星", "PLACE")], [("星途教育", "ORG")]),
        (
            "上海星东新区成立于1993年。",
            [("上海", "PLACE"), ("星东新区", "PLACE")],
            [("上海", "PLACE"), ("星东新区", "PLACE")],
        ),
        ("由张帆创立于2012年。", [("张帆", "PERSON")], [("张帆", "PERSON")]),
        (
            "星辉超市董事长张轩与李忠会晤。",
            [("星辉超市", "PERSON"), ("张轩", "PERSON"), ("李忠", "PERSON")],
            [("星辉超市", "ORG"), ("张轩", "PERSON"), ("李忠", "PERSON")],
        ),
        ("张帆董事长表示满意。", [("张帆", "PERSON")], [("张帆", "PERSON")]),
        # a place right before a government body is that body
        (
            "浙江省星杭市余星区人民政府与星里集团签约。",
            [("浙江省", "PLACE"), ("星杭市", "PLACE"), ("余星区", "PLACE")],
            [("浙江省", "PLACE"), ("星杭市", "PLACE"), ("余星区人民政府", "ORG")],
        ),
        ("余星区人民很热情。", [("余星区", "PLACE")], [("余星区", "PLACE")]),
        # a developed "place" is a product
        ("星济神州研发的泽星替尼上市。", [("泽星替尼", "PLACE")], [("泽星替尼", "PRODUCT")]),
        ("星济神州位于泽星。", [("泽星", "PLACE")], [("泽星", "PLACE")]),
        # an acronym before a title a person holds is an organisation
        (
            "副部长李星、ＰＡＴＡ主席拉特纳出席。",
            [("李星", "PERSON"), ("ＰＡＴＡ", "PERSON"), ("拉特纳", "PERSON")],
            [("李星", "PERSON"), ("ＰＡＴＡ", "ORG"), ("拉特纳", "PERSON")],
        ),
        ("LULU主席表示满意。", [("LULU", "PERSON")], [("LULU", "PERSON")]),
    ],
)
def test_founded_names_are_orgs(nlp: Language, text: str, model: Ents, expected: Ents) -> None:
    assert run(nlp, text, model) == expected


@pytest.mark.parametrize(
    ("text", "model", "expected"),
    [
        # a model ORG named like a system, facility or programme is a PROJECT
        ("星河五号VLBI测轨分系统总师", [("星河五号VLBI测轨分系统", "ORG")], "PROJECT"),
        ("星海深部地质观测站启用", [("星海深部地质观测站", "ORG")], "PROJECT"),
        # not: organisations, sectors, abstract notions, laboratories
        ("星海重点实验室主任", [("星海重点实验室", "ORG")], "ORG"),
        ("星海海关系统表彰先进", [("星海海关系统", "ORG")], "ORG"),
        ("星海创新生态系统建设", [("星海创新生态系统", "ORG")], "ORG"),
        ("星海工程院院士", [("星海工程院", "ORG")], "ORG"),
        # named like an event that is held, not a body that meets
        ("星关村论坛年会开幕", [("星关村论坛年会", "ORG")], "EVENT"),
        ("星海国际博览会开幕", [("星海国际博览会", "ORG")], "EVENT"),
        ("星海人民代表大会召开", [("星海人民代表大会", "ORG")], "ORG"),
    ],
)
def test_orgs_named_like_projects(nlp: Language, text: str, model: Ents, expected: str) -> None:
    assert run(nlp, text, model) == [(model[0][0], expected)]


@pytest.mark.parametrize(
    ("text", "model", "expected"),
    [
        # a numbered name and its class noun: the name, labelled by the noun
        ("星娥六号探测器将发射。", [("星娥六号探测器", "ORG")], [("星娥六号", "PROJECT")]),
        ("星龙三号火箭首飞。", [("星龙三号火箭", "ORG")], [("星龙三号", "PRODUCT")]),
        ("星海三号公司成立。", [("星海三号公司", "ORG")], [("星海三号公司", "ORG")]),
    ],
)
def test_a_model_org_that_is_a_numbered_name(
    nlp: Language, text: str, model: Ents, expected: Ents
) -> None:
    assert run(nlp, text, model) == expected


@pytest.mark.parametrize(
    ("text", "model", "expected"),
    [
        # a Latin name alone in a bracket after an organisation is that organisation's name
        ("星度求索（StarSeek）发布新模型。", [("星度求索", "ORG"), ("StarSeek", "PRODUCT")],
         [("星度求索", "ORG"), ("StarSeek", "ORG")]),
        ("星度求索推出（StarSeek）。", [("星度求索", "ORG"), ("StarSeek", "PRODUCT")],
         [("星度求索", "ORG"), ("StarSeek", "PRODUCT")]),
        ("张星（David）说。", [("张星", "PERSON"), ("David", "PERSON")],
         [("张星", "PERSON"), ("David", "PERSON")]),
    ],
)  # fmt: skip
def test_a_latin_name_in_brackets_shares_the_label(
    nlp: Language, text: str, model: Ents, expected: Ents
) -> None:
    assert run(nlp, text, model) == expected


@pytest.mark.parametrize(
    ("text", "kept"), [("量子反常霍尔效应的研究", False), ("摩尔定律失效", False), ("霍尔说", True)]
)
def test_names_in_scientific_terms_are_no_people(nlp: Language, text: str, kept: bool) -> None:
    name = "霍尔" if "霍尔" in text else "摩尔"
    assert run(nlp, text, [(name, "PERSON")]) == ([(name, "PERSON")] if kept else [])


def test_a_model_org_takes_in_its_subsystem(nlp: Language) -> None:
    text = "星河五号VLBI测轨分系统总师王明说。"
    model = [("星河五号VLBI", "ORG"), ("王明", "PERSON")]
    assert run(nlp, text, model) == [("星河五号VLBI测轨分系统", "PROJECT"), ("王明", "PERSON")]
    # not across a function word
    assert run(nlp, "星河公司的测轨分系统", [("星河公司", "ORG")]) == [("星河公司", "ORG")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("星猴麻辣烫餐饮有限公司，创立于1999年。", [("星猴麻辣烫餐饮有限公司", "ORG")]),
        ("2010年，张帆成立了“南京星壁贸易有限公司”。", [("南京星壁贸易有限公司", "ORG")]),
        ("公司宣布收购星火科技有限公司的股份。", [("星火科技有限公司", "ORG")]),
        # too short or generic: no name
        ("这家科技有限公司很好。", []),
        ("一家有限公司成立了。", []),
    ],
)
def test_company_names_ending_in_a_legal_form(nlp: Language, text: str, expected: Ents) -> None:
    assert [e for e in run(nlp, text) if e[1] == "ORG"] == expected


@pytest.mark.parametrize(
    "name",
    [
        "公司",
        "我们公司",
        "联合实验室",
        "国家重点实验室",
        "该集团",
        "分公司",
        "合资公司",
        "一所州立大学",
        "总部集团",
        "公司总部",
        "这家科技有限公司",
        "科技有限公司",
        "研究院",
        "该实验室",
        "党委",
        "董事会",
    ],
)
def test_generic_org_nouns_are_not_names(nlp: Language, name: str) -> None:
    assert run(nlp, f"{name}成立于2003年。", [(name, "ORG")]) == []


@pytest.mark.parametrize(
    ("text", "model", "expected"),
    [
        ("龙源电力公告称将分红。", [("龙源", "PERSON")], [("龙源电力", "ORG")]),
        ("品牌有金士顿科技，成立于1987年。", [("金士顿", "PERSON")], [("金士顿科技", "ORG")]),
        ("王明电力工程师说。", [("王明", "PERSON")], [("王明", "PERSON")]),  # a title follows
        ("张勇科技部部长说。", [("张勇", "PERSON")], [("张勇", "PERSON"), ("科技部", "ORG")]),
        ("马云投资了一家公司。", [("马云", "PERSON")], [("马云", "PERSON")]),  # a verb
    ],
)
def test_a_person_span_before_an_industry_noun_is_a_company(
    nlp: Language, text: str, model: Ents, expected: Ents
) -> None:
    assert run(nlp, text, model) == expected


def test_one_character_people_are_dropped(nlp: Language) -> None:
    # MSRA tags the surname of 江主席 as a person: a node the graph could never link
    assert run(nlp, "江主席访问了哈佛大学。", [("江", "PERSON"), ("哈佛大学", "ORG")]) == [
        ("哈佛大学", "ORG")
    ]
    assert run(nlp, "江平主席访问了哈佛。", [("江平", "PERSON")]) == [("江平", "PERSON")]


@pytest.mark.parametrize(
    ("name", "kept"), [("郑重地", False), ("认真地", False), ("张大地", True), ("李天地", True)]
)
def test_adverbs_of_manner_are_no_people(nlp: Language, name: str, kept: bool) -> None:
    assert run(nlp, f"院长，{name}说道：“好。”", [(name, "PERSON")]) == (
        [(name, "PERSON")] if kept else []
    )


@pytest.mark.parametrize(
    ("text", "span", "expected"),
    [
        ("“二线口岸”(货运)集中查验场(简称", "货运)集中查验场", "集中查验场"),
        ("“二线口岸”(货运)集中查验场(简称", "“二线口岸", "二线口岸"),
        ("“二线口岸”(货运)集中查验场(简称", "(货运)集中查验场", "(货运)集中查验场"),
        ("“二线口岸”(货运)集中查验场(简称", "集中查验场(简称", "集中查验场"),
        ("发表于《自然》杂志", "《自然》", "《自然》"),
        ("见《自然", "《自然", "自然"),
        ("甲)乙", "甲)乙", None),
        ("部落、“优游吧斯”董事长", "优游吧斯”", "优游吧斯"),
        ("甲乙)", "甲乙)", "甲乙"),
    ],
)
def test_names_hold_only_whole_bracket_pairs(text: str, span: str, expected: str | None) -> None:
    start = text.index(span)
    cand = Candidate(start, start + len(span), "PLACE", 1, "model", "")
    out = balance_brackets(text, cand)
    assert (out and text[out.start : out.end]) == expected


@pytest.mark.parametrize(
    ("text", "model", "expected"),
    [
        ("他毕业于复旦大学物理系。", [("复旦大学", "ORG")], [("复旦大学物理系", "ORG")]),
        ("中科院生态系统研究网络", [("中科院", "ORG")], [("中科院", "ORG")]),
        ("北京大学体系建设", [("北京大学", "ORG")], [("北京大学", "ORG")]),
        ("北京大学产品系列", [("北京大学", "ORG")], [("北京大学", "ORG")]),
    ],
)
def test_a_department_is_part_of_the_org_name(
    nlp: Language, text: str, model: Ents, expected: Ents
) -> None:
    assert run(nlp, text, model) == expected


@pytest.mark.parametrize(
    ("text", "model", "expected"),
    [
        (
            "天威橡胶有限公司系天威电气股份有限公司出资成立。",
            [("天威橡胶有限公司系天威电气股份有限公司", "ORG")],
            [("天威橡胶有限公司", "ORG"), ("天威电气股份有限公司", "ORG")],
        ),
        ("星火科技公司与海河电子签约。", [("星火科技公司与海河电子", "ORG")],
         [("星火科技公司", "ORG"), ("海河电子", "ORG")]),
        ("星华大学与星讯公司共同成立了实验室。", [("星华大学与星讯公司", "ORG")],
         [("星华大学", "ORG"), ("星讯公司", "ORG")]),
        # the rest is no name: only the company stays
        ("星火科技公司与该公司签约。", [("星火科技公司与该公司", "ORG")],
         [("星火科技公司", "ORG")]),
        # 系统 after 公司 is part of a name, not 系 = 是
        ("星火公司系统集成部成立。", [("星火公司系统集成部", "ORG")],
         [("星火公司系统集成部", "ORG")]),
        ("张红梅May毕业于安徽大学。", [("张红梅May", "PERSON")], [("张红梅", "PERSON")]),
        ("DavidMay说。", [("DavidMay", "PERSON")], [("DavidMay", "PERSON")]),
        ("副主席王兆星周四称。", [("王兆星周四", "PERSON")], [("王兆星", "PERSON")]),
        ("星江大学研究团队发表论文。", [("星江大学研究团队", "ORG")], [("星江大学", "ORG")]),
        ("研究团队发表论文。", [("研究团队", "ORG")], []),
        ("利比亚官员周三表示。", [("周三", "PERSON")], []),
        # a speech verb run into a name; a byline or a meeting run into an ORG; a meeting that is
        # no person
        ("副主席王刚强调，要加强合作。", [("王刚强调", "PERSON")], [("王刚", "PERSON")]),
        ("会见学员时强调，要加强合作。", [("时强调", "PERSON")], []),
        ("本报综合报道星海建设部政策研究中心主任赵明表示。",
         [("综合报道星海建设部政策研究中心", "ORG"), ("赵明", "PERSON")],
         [("星海建设部政策研究中心", "ORG"), ("赵明", "PERSON")]),
        ("第四届星海金融年会上星海建设部政策研究中心副主任秦明表示。",
         [("星海金融年会上星海建设部政策研究中心", "ORG"), ("秦明", "PERSON")],
         [("第四届星海金融年会", "EVENT"), ("星海建设部政策研究中心", "ORG"), ("秦明", "PERSON")]),
        ("在星太经合组织公司总裁高峰会上的演讲。",
         [("星太经合组织公司", "ORG"), ("高峰会", "PERSON")], [("星太经合组织公司", "ORG")]),
        ("华帝小V上台。", [("华帝小V", "PERSON")], [("华帝小V", "PERSON")]),
        ("LULU及阿达上台。", [("LULU", "PERSON")], [("LULU", "PERSON")]),
        ("他在University of Wyoming任教。", [("University of Wyoming", "PERSON")],
         [("University of Wyoming", "ORG")]),
        ("他是罗马大学法学学士。", [("罗马大学法学", "ORG")], [("罗马大学", "ORG")]),
        ("毕业于兰州大学生物系动物学专业。", [("兰州大学生物系动物学", "ORG")],
         [("兰州大学生物系", "ORG")]),
        ("毕业于星河工学院管理工程专业。", [("星河工学院管理工程专业", "ORG")],
         [("星河工学院", "ORG")]),
        ("他就读于星河大学附属中学。", [("星河大学附属中学", "ORG")],
         [("星河大学附属中学", "ORG")]),
        ("韩泰轮胎来自韩国。", [("韩泰", "PERSON"), ("韩国", "PLACE")],
         [("韩泰轮胎", "ORG"), ("韩国", "PLACE")]),
        ("昆明卷烟厂昆明卷烟厂，创建于1922年。", [("昆明卷烟厂昆明卷烟厂", "ORG")],
         [("昆明卷烟厂", "ORG"), ("昆明卷烟厂", "ORG")]),
        ("国有企业广西中恒集团成立。", [("国有企业广西中恒集团", "ORG")],
         [("广西中恒集团", "ORG")]),
        ("重组为新控股公司Alphabet。", [("新控股公司Alphabet", "ORG")], [("Alphabet", "ORG")]),
        # a branch of the company is no category noun
        ("上市公司分公司成立。", [("上市公司分公司", "ORG")], [("上市公司分公司", "ORG")]),
        # a space between Han characters: two names (a heading, two people)
        ("9、星一重工   星一集团有限公司始创于1989年。", [("星一重工   星一集团有限公司", "ORG")],
         [("星一重工", "ORG"), ("星一集团有限公司", "ORG")]),
        ("董事长邓中明 王小芳：祝贺", [("邓中明 王小芳", "PERSON")],
         [("邓中明", "PERSON"), ("王小芳", "PERSON")]),
        ("Boston Celtics成立于1946年。", [("Boston Celtics", "ORG")], [("Boston Celtics", "ORG")]),
        # a company written twice is not extended into its second copy
        ("北京星米科技有限责任公司北京星米科技有限责任公司成立于2010年。",
         [("北京星米科技有限责任公司北京星米科技有限责任公司", "ORG")],
         [("北京星米科技有限责任公司", "ORG"), ("北京星米科技有限责任公司", "ORG")]),
    ],
)  # fmt: skip
def test_names_run_together_are_cut_apart(
    nlp: Language, text: str, model: Ents, expected: Ents
) -> None:
    assert run(nlp, text, model) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("据介绍，菜鸟物流成立于2013年，是物流网络。", [("菜鸟物流", "ORG")]),
        ("缤特力（Plantronics）成立于1962年。", [("缤特力", "ORG")]),
        ("成立于1956年的（株）好丽友是制果企业。", [("好丽友", "ORG")]),
        ("创业于1968年的美的集团，以家电为主。", [("美的集团", "ORG")]),
        ("天津劝业场始建于一九二八年。", [("天津劝业场", "ORG")]),
        ("浙江海申化工有限公司始创建于1990年。", [("浙江海申化工有限公司", "ORG")]),
        ("排名第九：联创电暖器联创电暖器创业于1993年。", [("联创电暖器", "ORG")]),
        # no name: a generic noun, a pronoun, a clause, a number, no year
        ("该公司成立于2001年。", []),
        ("他们成立于1999年的乐队解散了。", []),
        ("据悉,360创建于2005年11月。", []),
        ("菜鸟物流成立于杭州。", []),
    ],
)
def test_a_founding_date_names_an_organisation(nlp: Language, text: str, expected: Ents) -> None:
    assert run(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "model", "expected"),
    [
        ("掌趣科技董事长刘惠城表示。", [("刘惠城", "PERSON")],
         [("掌趣科技", "ORG"), ("刘惠城", "PERSON")]),
        ("▲ 追一科技创始人兼CEO 吴悦说。", [("吴悦", "PERSON")],
         [("追一科技", "ORG"), ("吴悦", "PERSON")]),
        ("刘江峰（Dmall多点创始人&CEO）出席。", [("刘江峰", "PERSON"), ("&CEO", "PERSON")],
         [("刘江峰", "PERSON"), ("Dmall多点", "ORG")]),
        # no name before the title: generic nouns, common words; no holder: no organisation
        ("公司董事长叶小平表示。", [("叶小平", "PERSON")], [("叶小平", "PERSON")]),
        ("他说，品牌创始人张三到场。", [("张三", "PERSON")], [("张三", "PERSON")]),
        ("现任董事长李四表示。", [("李四", "PERSON")], [("李四", "PERSON")]),
        ("这里无不浸透董事长胡秀荣的心血。", [("胡秀荣", "PERSON")], [("胡秀荣", "PERSON")]),
        ("本报讯记者谢国明报道。", [("谢国明", "PERSON")], [("谢国明", "PERSON")]),
        ("有关部门负责人贾春旺说。", [("贾春旺", "PERSON")], [("贾春旺", "PERSON")]),
        ("对内，新任董事长陶昀推进改革。", [("陶昀", "PERSON")], [("陶昀", "PERSON")]),
        ("对星火公司时任董事长李林芝通报。", [("李林芝", "PERSON")],
         [("星火公司", "ORG"), ("李林芝", "PERSON")]),
        ("对公司时任董事长李林芝通报。", [("李林芝", "PERSON")], [("李林芝", "PERSON")]),
        ("掌趣科技董事长表示。", [], []),
        # a pronoun may open a long company name, never a short one
        ("9月，我爱星家控股集团董事长谢勇发信。", [("谢勇", "PERSON")],
         [("我爱星家控股集团", "ORG"), ("谢勇", "PERSON")]),
        ("这家公司董事长谢勇发信。", [("谢勇", "PERSON")], [("谢勇", "PERSON")]),
        ("他们集团董事长谢勇发信。", [("谢勇", "PERSON")], [("谢勇", "PERSON")]),
    ],
)  # fmt: skip
def test_the_name_before_a_held_title_is_an_organisation(
    nlp: Language, text: str, model: Ents, expected: Ents
) -> None:
    assert run(nlp, text, model) == expected


@pytest.mark.parametrize("name", ["具身智能市场", "欧洲市场", "广州市民"])
def test_markets_and_residents_are_not_places(nlp: Language, name: str) -> None:
    text = f"2025年中国{name}规模很大。"
    assert run(nlp, text, [("中国", "PLACE"), (name, "PLACE")]) == [("中国", "PLACE")]


# --- pure matching, gazetteer, resources, serialisation -----------------------------------------


def test_match_entities_is_pure_and_reports_rules() -> None:
    gazetteer = Gazetteer(parse_rows(["name\tlabel\taliases\tnote", "天龙{N}号\tPRODUCT\t\t"]))
    text = "商业火箭“天龙三号”蓄势待发，天龙二号已经首飞。"
    found = match_entities(text, [Candidate(0, 2, "ORG", 70, "model")], gazetteer)
    assert [(text[c.start : c.end], c.label, c.rule) for c in found] == [
        ("商业", "ORG", "model"),
        ("天龙三号", "PRODUCT", "gazetteer_family"),
        ("天龙二号", "PRODUCT", "gazetteer_family"),
    ]


def test_canonical_name_in_kb_id(nlp: Language) -> None:
    doc = nlp(nlp.make_doc("国家医保局和中科院").text)
    assert [(e.text, e.kb_id_) for e in doc.ents] == [
        ("国家医保局", "国家医疗保障局"),
        ("中科院", "中国科学院"),
    ]


def test_shipped_gazetteer_loads_and_is_consistent() -> None:
    gazetteer = Gazetteer.from_path(data_path("ontology") / "gazetteer.tsv")
    counts = gazetteer.label_counts()
    assert len(gazetteer) >= 300
    assert set(counts) <= set(ENTITY_LABELS)
    assert {"PROJECT", "PRODUCT", "EVENT", "ORG"} <= set(counts)
    surface: dict[str, str] = {}
    for entry in gazetteer.entries:
        for form, _ in entry.forms():
            assert surface.setdefault(form, entry.label) == entry.label, form
    assert gazetteer.lookup("中科院") == ("ORG", "中国科学院")


def test_bad_gazetteer_rows_are_reported() -> None:
    with pytest.raises(ModelError, match="header"):
        parse_rows(["name\tlabel\n"])
    with pytest.raises(ModelError, match="bad gazetteer row"):
        parse_rows(["name\tlabel\taliases\tnote", "某某\tTHING\t\t"])


def test_initialize_with_custom_gazetteer(tmp_path: Path) -> None:
    path = tmp_path / "gazetteer.tsv"
    path.write_text("name\tlabel\taliases\tnote\n星汉号\tPROJECT\t星汉\t\n", encoding="utf-8")
    pipeline = _blank()
    pipeline.add_pipe("kg_entity_rules")
    pipeline.config["initialize"]["components"]["kg_entity_rules"] = {"gazetteer_path": str(path)}
    pipeline.initialize()
    assert [(e.text, e.label_) for e in pipeline("星汉号与中科院").ents] == [("星汉号", "PROJECT")]


def test_to_disk_and_spacy_load_round_trip(nlp: Language, tmp_path: Path) -> None:
    text = "长征五号运载火箭将嫦娥七号送入轨道。"
    nlp.to_disk(tmp_path / "pipeline")
    assert (tmp_path / "pipeline" / "kg_entity_rules" / "gazetteer.tsv").exists()
    loaded = spacy.load(tmp_path / "pipeline")
    component, original = loaded.get_pipe("kg_entity_rules"), nlp.get_pipe("kg_entity_rules")
    assert isinstance(component, EntityRules) and component.gazetteer is not None
    assert isinstance(original, EntityRules) and original.gazetteer is not None
    assert component.gazetteer.entries == original.gazetteer.entries
    assert [(e.text, e.label_) for e in loaded(text).ents] == [
        (e.text, e.label_) for e in nlp(text).ents
    ]


def test_bytes_round_trip(nlp: Language) -> None:
    component = nlp.get_pipe("kg_entity_rules")
    assert isinstance(component, EntityRules)
    data = component.to_bytes()
    fresh = EntityRules(nlp, propagate=False, repair_org=False).from_bytes(data)
    assert fresh.propagate and fresh.repair_org
    assert fresh.gazetteer is not None and fresh.gazetteer.lookup("工信部") == (
        "ORG",
        "工业和信息化部",
    )


def test_data_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert (data_path("ontology") / "gazetteer.tsv").is_file()
    with pytest.raises(ValueError, match="Unknown data folder"):
        data_path("models")
    import kg.resources

    monkeypatch.setattr(kg.resources, "_PACKAGE_DIR", tmp_path / "kg")
    with pytest.raises(DataNotFoundError, match="ontology") as error:
        data_path("ontology")
    assert isinstance(error.value, KgError)
    (tmp_path / "kg" / "_data" / "queries").mkdir(parents=True)
    assert data_path("queries") == tmp_path / "kg" / "_data" / "queries"
