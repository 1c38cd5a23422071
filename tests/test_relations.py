"""The ``kg_relations`` rules on hand-written sentences (entities set by hand, no model)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg.nlp.records import Relation
from kg.nlp.relations import Context, RelationExtractor, extract_quotes, extract_relations
from kg.nlp.relations.dates import find_dates, parse_date
from kg.nlp.relations.lexicon import split_parent, split_titles, title_at_end, title_of_gap
from kg.nlp.sentences import Sentencizer
from kg.nlp.tokenizer import CharTokenizer

_VOCAB = Vocab()


def make_doc(text: str, ents: Sequence[tuple[str, str]], titles: Sequence[str] = ()) -> Doc:
    """Tokenise, split sentences, set ``doc.ents`` (surfaces located left to right), run."""
    doc = Sentencizer()(CharTokenizer(_VOCAB)(text))
    spans, cursor = [], 0
    for surface, label in ents:
        start = text.index(surface, cursor)
        span = doc.char_span(start, start + len(surface), label=label)
        assert span is not None, surface
        spans.append(span)
        cursor = start + len(surface)
    doc.ents = spans
    title_spans = []
    for title in titles:
        start = text.index(title)
        title_spans.append(doc.char_span(start, start + len(title), label="TITLE"))
    doc.spans["titles"] = title_spans
    return RelationExtractor()(doc)


def triples(doc: Doc) -> set[tuple[str, str, str]]:
    out = set()
    for r in doc._.relations:
        obj = r.object.text if r.object else r.value
        out.add((r.subject.text, r.predicate, f"{obj}|{r.title}" if r.title else str(obj)))
    return out


def by_predicate(doc: Doc, predicate: str) -> list[Relation]:
    return [r for r in doc._.relations if r.predicate == predicate]


# --- positions ----------------------------------------------------------------------------------


def test_no_position_for_a_relative_of_the_title_holder() -> None:
    doc = make_doc(
        "宏宝堂公司董事长的儿子程茂全说。", [("宏宝堂公司", "ORG"), ("程茂全", "PERSON")]
    )
    assert by_predicate(doc, "worksFor") == []


def test_org_title_person() -> None:
    doc = make_doc(
        "星河动力董事长刘百奇在发布会上介绍了新火箭。", [("星河动力", "ORG"), ("刘百奇", "PERSON")]
    )
    (rel,) = by_predicate(doc, "worksFor")
    assert (rel.subject.text, rel.object and rel.object.text, rel.title) == (
        "刘百奇",
        "星河动力",
        "董事长",
    )
    assert rel.extractor == "rule:position/org-title-person"
    assert rel.confidence >= 0.85
    assert rel.sentence == (0, len(doc.text))


@pytest.mark.parametrize(
    ("text", "ents", "title"),
    [
        (
            "浙江大学化学系教授李华发表了论文。",
            [("浙江大学化学系", "ORG"), ("李华", "PERSON")],
            "教授",
        ),
        (
            "上海交通大学首席研究员周敏带队。",
            [("上海交通大学", "ORG"), ("周敏", "PERSON")],
            "首席研究员",
        ),
        (
            "长江证券首席经济学家伍戈认为。",
            [("长江证券", "ORG"), ("伍戈", "PERSON")],
            "首席经济学家",
        ),
        (
            "国家统计局二级巡视员刘爱华出席。",
            [("国家统计局", "ORG"), ("刘爱华", "PERSON")],
            "二级巡视员",
        ),
        (
            "联想集团的首席执行官杨元庆出席。",
            [("联想集团", "ORG"), ("杨元庆", "PERSON")],
            "首席执行官",
        ),
        (
            "国际能源署署长法提赫·比罗尔发言。",
            [("国际能源署", "ORG"), ("法提赫·比罗尔", "PERSON")],
            "署长",
        ),
        ("小鹏汽车 CEO 何小鹏到场。", [("小鹏汽车", "ORG"), ("何小鹏", "PERSON")], "CEO"),
        (
            "宏宝堂文化有限公司董事长兼总经理的程茂全说。",
            [("宏宝堂文化有限公司", "ORG"), ("程茂全", "PERSON")],
            "董事长兼总经理",
        ),
    ],
)
def test_title_variants(text: str, ents: list[tuple[str, str]], title: str) -> None:
    (rel,) = by_predicate(make_doc(text, ents), "worksFor")
    assert rel.title == title
    assert rel.subject.text == ents[1][0]


def test_chain_gives_innermost_org_and_keeps_subunit_in_title() -> None:
    doc = make_doc(
        "厦门海关所属东渡海关查验科副科长林峰介绍，通关时间缩短了。",
        [("厦门海关", "ORG"), ("东渡海关", "ORG"), ("林峰", "PERSON")],
    )
    assert ("林峰", "worksFor", "东渡海关|查验科副科长") in triples(doc)
    assert ("东渡海关", "parentOrganization", "厦门海关") in triples(doc)


def test_division_in_one_mention_goes_into_the_title() -> None:
    doc = make_doc(
        "东渡海关查验科副科长林峰介绍，通关时间缩短了。",
        [("东渡海关查验科", "ORG"), ("林峰", "PERSON")],
    )
    assert ("林峰", "worksFor", "东渡海关|查验科副科长") in triples(doc)
    doc = make_doc("北京大学法学院教授王五说。", [("北京大学法学院", "ORG"), ("王五", "PERSON")])
    assert ("王五", "worksFor", "北京大学法学院|教授") in triples(doc)  # a named sub-unit stays


def test_title_after_name_and_appointment() -> None:
    doc = make_doc("张三，清华大学教授，长期研究芯片。", [("张三", "PERSON"), ("清华大学", "ORG")])
    assert ("张三", "worksFor", "清华大学|教授") in triples(doc)
    doc = make_doc(
        "李四于2019年出任蓝箭航天首席执行官一职。", [("李四", "PERSON"), ("蓝箭航天", "ORG")]
    )
    (rel,) = by_predicate(doc, "worksFor")
    assert rel.title == "首席执行官"
    assert rel.extractor == "rule:position/person-appointed-org-title"
    doc = make_doc("会议任命赵六为南方电网董事长。", [("赵六", "PERSON"), ("南方电网", "ORG")])
    assert ("赵六", "worksFor", "南方电网|董事长") in triples(doc)


def test_a_second_position_after_the_name() -> None:
    doc = make_doc(
        "曾任星为终端董事长的余星东现任星为常务董事。",
        [("星为", "ORG"), ("余星东", "PERSON"), ("星为", "ORG")],
    )
    assert ("余星东", "worksFor", "星为|常务董事") in triples(doc)


def test_titles_listed_before_the_next_person_are_not_the_previous_ones() -> None:
    doc = make_doc(
        "星火部部长王星国，星海政协副主席、星革中央主席何星丽出席。",
        [
            ("星火部", "ORG"),
            ("王星国", "PERSON"),
            ("星海政协", "ORG"),
            ("星革中央", "ORG"),
            ("何星丽", "PERSON"),
        ],
    )
    assert ("王星国", "worksFor", "星海政协|副主席") not in triples(doc)
    assert ("何星丽", "worksFor", "星海政协|副主席") in triples(doc)


def test_quoted_organisation_before_a_title() -> None:
    doc = make_doc(
        "阿里山部落、“优游吧斯”董事长郑虞坪说。", [("优游吧斯", "ORG"), ("郑虞坪", "PERSON")]
    )
    assert ("郑虞坪", "worksFor", "优游吧斯|董事长") in triples(doc)


def test_later_clauses_about_the_subject() -> None:
    doc = make_doc(
        "梁伟，1965年生于广东，现任星火科技党委书记、董事长兼总裁。",
        [("梁伟", "PERSON"), ("星火科技", "ORG")],
    )
    (rel,) = by_predicate(doc, "worksFor")
    assert rel.title == "党委书记、董事长兼总裁"
    assert rel.extractor == "rule:position/person-clause-appointed"
    doc = make_doc(
        "蔡明，1964年出生，云帆公司董事长、总经理。", [("蔡明", "PERSON"), ("云帆公司", "ORG")]
    )
    assert ("蔡明", "worksFor", "云帆公司|董事长、总经理") in triples(doc)
    doc = make_doc(
        "张三，星火科技董事长李四的朋友。",
        [("张三", "PERSON"), ("星火科技", "ORG"), ("李四", "PERSON")],
    )
    assert triples(doc) == {("李四", "worksFor", "星火科技|董事长")}
    # a second clause after a first apposition: the same person
    doc = make_doc(
        "蔡西明，星火建筑协会常务副会长，云帆木业有限公司董事长。",
        [("蔡西明", "PERSON"), ("星火建筑协会", "ORG"), ("云帆木业有限公司", "ORG")],
    )
    assert {
        ("蔡西明", "worksFor", "星火建筑协会|常务副会长"),
        ("蔡西明", "worksFor", "云帆木业有限公司|董事长"),
    } <= triples(doc)
    # … but not when the title there is someone else's
    doc = make_doc(
        "张三，星火大学教授，云帆大学校长李四说。",
        [("张三", "PERSON"), ("星火大学", "ORG"), ("云帆大学", "ORG"), ("李四", "PERSON")],
    )
    assert ("张三", "worksFor", "云帆大学|校长") not in triples(doc)
    assert ("李四", "worksFor", "云帆大学|校长") in triples(doc)


def test_anaphoric_organisation() -> None:
    text = "星火科技有限公司发布了新品。该公司董事长张三表示很满意。"
    doc = make_doc(text, [("星火科技有限公司", "ORG"), ("张三", "PERSON")])
    assert ("张三", "worksFor", "星火科技有限公司|董事长") in triples(doc)
    text = "星火科技有限公司发布了新品。该校校长张三表示很满意。"
    doc = make_doc(text, [("星火科技有限公司", "ORG"), ("张三", "PERSON")])
    assert by_predicate(doc, "worksFor") == []


def test_a_unit_after_an_anaphor_belongs_to_the_school_named_before() -> None:
    doc = make_doc(
        "星江大学团队发表论文，该校化学系教授陈星征是通讯作者。",
        [("星江大学", "ORG"), ("化学系", "ORG"), ("陈星征", "PERSON")],
    )
    assert triples(doc) >= {("陈星征", "worksFor", "星江大学|化学系教授")}
    doc = make_doc("化学系教授陈星征说。", [("化学系", "ORG"), ("陈星征", "PERSON")])
    assert ("陈星征", "worksFor", "化学系|教授") in triples(doc)


def test_titles_listed_before_the_person() -> None:
    doc = make_doc(
        "中信资本董事长、金拱门公司董事会主席张懿宸表示。",
        [("中信资本", "ORG"), ("金拱门公司", "ORG"), ("张懿宸", "PERSON")],
    )
    assert {
        ("张懿宸", "worksFor", "中信资本|董事长"),
        ("张懿宸", "worksFor", "金拱门公司|董事会主席"),
    } <= triples(doc)


def test_list_continuation_and_title_spans() -> None:
    doc = make_doc(
        "华为董事长梁华、轮值董事长徐直军出席。",
        [("华为", "ORG"), ("梁华", "PERSON"), ("徐直军", "PERSON")],
    )
    assert {
        ("梁华", "worksFor", "华为|董事长"),
        ("徐直军", "worksFor", "华为|轮值董事长"),
    } <= triples(doc)
    # a title only the NER knows (doc.spans["titles"]) still counts
    doc = make_doc(
        "星火科技掌舵者王五说。", [("星火科技", "ORG"), ("王五", "PERSON")], titles=["掌舵者"]
    )
    assert ("王五", "worksFor", "星火科技|掌舵者") in triples(doc)


@pytest.mark.parametrize(
    ("text", "ents"),
    [
        ("据记者了解，该项目已经完工。", []),
        ("研究员和工程师们日夜攻关。", []),
        ("国际在线消息（记者李敏报道）。", [("国际在线", "ORG"), ("李敏", "PERSON")]),
        ("清华大学教授们认为这很重要。", [("清华大学", "ORG")]),
        ("张三和清华大学签署了协议。", [("张三", "PERSON"), ("清华大学", "ORG")]),
        ("清华大学的张三表示支持。", [("清华大学", "ORG"), ("张三", "PERSON")]),
    ],
)
def test_no_position_without_title_and_person(text: str, ents: list[tuple[str, str]]) -> None:
    assert by_predicate(make_doc(text, ents), "worksFor") == []


def test_later_mention_needs_no_new_position() -> None:
    doc = make_doc(
        "南开大学教授陈军介绍了成果。陈军说，还要继续努力。",
        [("南开大学", "ORG"), ("陈军", "PERSON"), ("陈军", "PERSON")],
    )
    assert len(by_predicate(doc, "worksFor")) == 1


# --- founders, alumni, organisations ------------------------------------------------------------


def test_founders() -> None:
    doc = make_doc("小米创始人雷军出席。", [("小米", "ORG"), ("雷军", "PERSON")])
    assert ("小米", "founder", "雷军") in triples(doc)
    doc = make_doc("李明于2010年创办了星火科技。", [("李明", "PERSON"), ("星火科技", "ORG")])
    assert ("星火科技", "founder", "李明") in triples(doc)
    doc = make_doc(
        "云帆公司由张华和李强共同创立。",
        [("云帆公司", "ORG"), ("张华", "PERSON"), ("李强", "PERSON")],
    )
    assert {("云帆公司", "founder", "张华"), ("云帆公司", "founder", "李强")} <= triples(doc)
    doc = make_doc(
        "1916年由张謇创办的大生纱厂至今仍在。", [("张謇", "PERSON"), ("大生纱厂", "ORG")]
    )
    assert ("大生纱厂", "founder", "张謇") in triples(doc)
    doc = make_doc("张三的父亲创办了星火科技。", [("张三", "PERSON"), ("星火科技", "ORG")])
    assert by_predicate(doc, "founder") == []


@pytest.mark.parametrize(
    ("text", "ents", "expected"),
    [
        (
            "云帆文化中心由柯文女士与多米尼克先生于1992年在巴黎创办。",
            [("云帆文化中心", "ORG"), ("柯文", "PERSON"), ("多米尼克", "PERSON")],
            {"柯文", "多米尼克"},
        ),
        (
            "绿帆（LVFAN），是由梅州商人李贵创立的化妆品品牌。",
            [("绿帆", "ORG"), ("李贵", "PERSON")],
            {"李贵"},
        ),
        (
            "星火商贸有限公司成立于2005年10月1日，由许华创立于北京。",
            [("星火商贸有限公司", "ORG"), ("许华", "PERSON")],
            {"许华"},
        ),
        (
            "正星集团是华裔谢初、谢飞创办的。",
            [("正星集团", "ORG"), ("华", "PLACE"), ("谢初", "PERSON"), ("谢飞", "PERSON")],
            {"谢初", "谢飞"},
        ),
        (
            "星胜广告有限公司是一家营销策划公司，创始人李奥先生，创立于2010年。",
            [("星胜广告有限公司", "ORG"), ("李奥", "PERSON")],
            {"李奥"},
        ),
        # the founder's own position between 由 and the founder
        (
            "星环传媒有限公司由云帆药业集团董事长朱坤先生于2016年创立。",
            [("星环传媒有限公司", "ORG"), ("云帆药业集团", "ORG"), ("朱坤", "PERSON")],
            {"朱坤"},
        ),
        # the founding date before 由
        (
            "星为技术有限公司于1987年由任正为创建于深圳。",
            [("星为技术有限公司", "ORG"), ("任正为", "PERSON"), ("深圳", "PLACE")],
            {"任正为"},
        ),
    ],
)
def test_founder_shapes(text: str, ents: list[tuple[str, str]], expected: set[str]) -> None:
    doc = make_doc(text, ents)
    assert {r.object.text for r in by_predicate(doc, "founder") if r.object} == expected


@pytest.mark.parametrize(
    ("text", "ents"),
    [
        # the 由 clause follows another organisation: it is about that one (云帆公司)
        (
            "星火科技投资了云帆公司，由张华创立。",
            [("星火科技", "ORG"), ("云帆公司", "ORG"), ("张华", "PERSON")],
        ),
        # the organisation does not open the sentence
        (
            "李明加入星火科技后，由张华创立的团队解散了。",
            [("李明", "PERSON"), ("星火科技", "ORG"), ("张华", "PERSON")],
        ),
        # a relative founded it
        ("张三的父亲创办了星火科技。", [("张三", "PERSON"), ("星火科技", "ORG")]),
        # not a founding verb
        ("星火科技由张华担任董事长。", [("星火科技", "ORG"), ("张华", "PERSON")]),
        # another organisation is named before the 创始人 clause
        (
            "星火科技是云帆公司的客户，创始人张华表示满意。",
            [("星火科技", "ORG"), ("云帆公司", "ORG"), ("张华", "PERSON")],
        ),
    ],
)
def test_no_founder(text: str, ents: list[tuple[str, str]]) -> None:
    founded = [r.subject.text for r in by_predicate(make_doc(text, ents), "founder")]
    assert ents[0][0] not in founded and "星火科技" not in founded


def test_alumni() -> None:
    doc = make_doc("王芳毕业于复旦大学，现在上海工作。", [("王芳", "PERSON"), ("复旦大学", "ORG")])
    (rel,) = by_predicate(doc, "alumniOf")
    assert (rel.subject.text, rel.object and rel.object.text) == ("王芳", "复旦大学")
    doc = make_doc(
        "刘洋先后毕业于南京大学和北京大学。",
        [("刘洋", "PERSON"), ("南京大学", "ORG"), ("北京大学", "ORG")],
    )
    assert {("刘洋", "alumniOf", "南京大学"), ("刘洋", "alumniOf", "北京大学")} <= triples(doc)


def test_alumni_of_the_school_not_its_department() -> None:
    doc = make_doc(
        "陈明1956年毕业于武汉大学数学系，后任教授。",
        [("陈明", "PERSON"), ("武汉大学数学系", "ORG")],
    )
    assert [r.object.text for r in by_predicate(doc, "alumniOf") if r.object] == ["武汉大学"]
    doc = make_doc(
        "李红毕业于复旦大学附属华山医院。", [("李红", "PERSON"), ("复旦大学附属华山医院", "ORG")]
    )
    assert [r.object.text for r in by_predicate(doc, "alumniOf") if r.object] == [
        "复旦大学附属华山医院"
    ]


@pytest.mark.parametrize(
    ("text", "ents", "expected"),
    [
        (
            "星京理工大学校友、小星汽车董事长何小星向母校捐赠1亿元。",
            [("星京理工大学", "ORG"), ("小星汽车", "ORG"), ("何小星", "PERSON")],
            [("何小星", "星京理工大学")],
        ),
        (
            "星华大学杰出校友张三回到母校。",
            [("星华大学", "ORG"), ("张三", "PERSON")],
            [("张三", "星华大学")],
        ),
        (
            "星华大学校友张三的妻子李四出席。",
            [("星华大学", "ORG"), ("张三", "PERSON"), ("李四", "PERSON")],
            [("张三", "星华大学")],
        ),
        # not across a comma, not the relative named after the alumnus, not a club
        (
            "星华大学校友，张三的妻子李四出席。",
            [("星华大学", "ORG"), ("张三", "PERSON"), ("李四", "PERSON")],
            [],
        ),
        ("星江大学校友会会长李四致辞。", [("星江大学校友会", "ORG"), ("李四", "PERSON")], []),
    ],
)
def test_alumni_named_after_the_school(
    text: str, ents: list[tuple[str, str]], expected: list[tuple[str, str]]
) -> None:
    doc = make_doc(text, ents)
    found = [(r.subject.text, r.object.text) for r in by_predicate(doc, "alumniOf") if r.object]
    assert found == expected


def test_parent_organizations() -> None:
    doc = make_doc(
        "浙江大学医学院附属第一医院开展新技术。", [("浙江大学医学院附属第一医院", "ORG")]
    )
    found = triples(doc)
    assert ("浙江大学医学院附属第一医院", "parentOrganization", "浙江大学医学院") in found
    assert ("浙江大学医学院", "parentOrganization", "浙江大学") in found
    parent = by_predicate(doc, "parentOrganization")[0].object
    assert parent is not None and doc.text[parent.start : parent.end] == parent.text
    doc = make_doc(
        "清华大学计算机系、电子系的学生参加了比赛。",
        [("清华大学计算机系", "ORG"), ("电子系", "ORG")],
    )
    assert ("电子系", "parentOrganization", "清华大学") in triples(doc)
    # a list of other bodies' branches does not share the first one's parent
    doc = make_doc(
        "星洲协会南加中心、美中友协美西分会等团体设宴。",
        [("星洲协会南加中心", "ORG"), ("美中友协美西分会", "ORG")],
    )
    assert ("美中友协美西分会", "parentOrganization", "星洲协会") not in triples(doc)
    doc = make_doc(
        "国家航天局下属的探月中心负责任务。", [("国家航天局", "ORG"), ("探月中心", "ORG")]
    )
    assert ("探月中心", "parentOrganization", "国家航天局") in triples(doc)
    assert split_parent("中国石油化工集团公司") is None


@pytest.mark.parametrize(
    ("text", "ents", "makers"),
    [
        # a list of makers after 由, a class noun before it, 合作/抓总 before the verb
        (
            "“九章九号”由星海科技大学与星海微系统研究所、国家星行计算中心合作研制。",
            [
                ("九章九号", "PRODUCT"),
                ("星海科技大学", "ORG"),
                ("星海微系统研究所", "ORG"),
                ("国家星行计算中心", "ORG"),
            ],
            {"星海科技大学", "星海微系统研究所", "国家星行计算中心"},
        ),
        (
            "C929大型客机由星飞公司与多家企业合作研制。",
            [("C929", "PRODUCT"), ("星飞公司", "ORG")],
            {"星飞公司"},
        ),
        (
            "长征九号运载火箭由星海火箭研究院抓总研制。",
            [("长征九号", "PRODUCT"), ("星海火箭研究院", "ORG")],
            {"星海火箭研究院"},
        ),
        # who does something else with it made nothing
        ("星手机由星康公司销售。", [("星手机", "PRODUCT"), ("星康公司", "ORG")], set()),
        ("星手机的设计由星为公司负责。", [("星手机", "PRODUCT"), ("星为公司", "ORG")], set()),
    ],
)
def test_makers_named_after_the_product(
    text: str, ents: list[tuple[str, str]], makers: set[str]
) -> None:
    doc = make_doc(text, ents)
    assert {r.object.text for r in by_predicate(doc, "manufacturer") if r.object} == makers


def test_maker_before_a_place_and_a_model_number_before_its_class() -> None:
    doc = make_doc(
        "星谱（以下简称“星谱”）在京发布新一代大模型GLM-9。",
        [("星谱", "ORG"), ("星谱", "ORG"), ("京", "PLACE"), ("GLM-9", "PRODUCT")],
    )
    assert ("GLM-9", "manufacturer", "星谱") in triples(doc)
    doc = make_doc("星为在上海的客户发布了新品。", [("星为", "ORG"), ("上海", "PLACE")])
    assert by_predicate(doc, "manufacturer") == []


@pytest.mark.parametrize(
    ("text", "ents", "expected"),
    [
        ("星肥是星徽省省会，也是科学中心。", [("星肥", "PLACE"), ("星徽省", "PLACE")], True),
        ("阿星贾是尼星利亚的首都城市。", [("阿星贾", "PLACE"), ("尼星利亚", "PLACE")], True),
        ("星海是星国的首都圈经济中心。", [("星海", "PLACE"), ("星国", "PLACE")], False),
    ],
)
def test_a_capital_named_first(text: str, ents: list[tuple[str, str]], expected: bool) -> None:
    found = (ents[0][0], "containedInPlace", ents[1][0]) in triples(make_doc(text, ents))
    assert found is expected


def test_manufacturer_location_places_projects() -> None:
    doc = make_doc(
        "蓝箭航天研制的朱雀三号完成试车。", [("蓝箭航天", "ORG"), ("朱雀三号", "PRODUCT")]
    )
    assert ("朱雀三号", "manufacturer", "蓝箭航天") in triples(doc)
    doc = make_doc(
        "智神星一号由星河动力自主研制。", [("智神星一号", "PRODUCT"), ("星河动力", "ORG")]
    )
    assert ("智神星一号", "manufacturer", "星河动力") in triples(doc)
    # a team named after its leader: the institution it belongs to made it
    doc = make_doc(
        "星海科技大学潘建团队研制的“九章九号”原型机刷新纪录。",
        [("星海科技大学", "ORG"), ("潘建", "PERSON"), ("九章九号", "PRODUCT")],
    )
    assert ("九章九号", "manufacturer", "星海科技大学") in triples(doc)
    doc = make_doc(
        "星度求索（杭州）发布的星搜-R1模型引发关注。",
        [("星度求索", "ORG"), ("杭州", "PLACE"), ("星搜-R1", "PRODUCT")],
    )
    assert ("星搜-R1", "manufacturer", "星度求索") in triples(doc)
    doc = make_doc(
        "星海科技大学潘建说，他们研制的“九章九号”很好。",
        [("星海科技大学", "ORG"), ("潘建", "PERSON"), ("九章九号", "PRODUCT")],
    )
    assert by_predicate(doc, "manufacturer") == []
    doc = make_doc("位于贵州的中国天眼再获发现。", [("贵州", "PLACE"), ("中国天眼", "PROJECT")])
    assert ("中国天眼", "location", "贵州") in triples(doc)
    doc = make_doc("光启集团成立于2010年，总部位于深圳。", [("光启集团", "ORG"), ("深圳", "PLACE")])
    assert ("光启集团", "location", "深圳") in triples(doc)
    # across a comma: the sentence's topic, not an ORG named in between
    doc = make_doc(
        "星微软件有限公司是由日本星野株式会社投资的独资公司，成立于1999年，位于沈阳。",
        [("星微软件有限公司", "ORG"), ("日本星野株式会社", "ORG"), ("沈阳", "PLACE")],
    )
    assert {(r.subject.text, r.object.text) for r in by_predicate(doc, "location")} == {
        ("星微软件有限公司", "沈阳")
    }
    doc = make_doc("埃及首都开罗举办了展会。", [("埃及", "PLACE"), ("开罗", "PLACE")])
    (rel,) = by_predicate(doc, "containedInPlace")
    assert (rel.subject.text, rel.extractor) == ("开罗", "rule:place/capital")
    doc = make_doc("新闸路石门路一带银行扎堆。", [("新闸路", "PLACE"), ("石门路", "PLACE")])
    assert by_predicate(doc, "containedInPlace") == []
    doc = make_doc("记者北京上海报道。", [("北京", "PLACE"), ("上海", "PLACE")])
    assert by_predicate(doc, "containedInPlace") == []
    # no city holds a country, an ocean, a strait or a long river
    for text, ents in [
        ("北京中华人民共和国主席致电。", [("北京", "PLACE"), ("中华人民共和国", "PLACE")]),
        ("墨西哥太平洋沿岸风景好。", [("墨西哥", "PLACE"), ("太平洋", "PLACE")]),
        ("促进台湾海峡两岸交流。", [("台湾", "PLACE"), ("海峡两岸", "PLACE")]),
        ("万州长江二桥上车辆多。", [("万州", "PLACE"), ("长江", "PLACE")]),
    ]:
        assert by_predicate(make_doc(text, ents), "containedInPlace") == [], text
    doc = make_doc("阿联酋迪拜举办展会。", [("阿联酋", "PLACE"), ("迪拜", "PLACE")])
    assert ("迪拜", "containedInPlace", "阿联酋") in triples(doc)
    doc = make_doc("浙江省杭州市发布新规。", [("浙江省杭州市", "PLACE")])
    assert ("杭州市", "containedInPlace", "浙江省") in triples(doc)
    doc = make_doc(
        "中国空间站梦天实验舱完成转位。", [("中国空间站", "PROJECT"), ("梦天实验舱", "PROJECT")]
    )
    assert ("梦天实验舱", "isPartOf", "中国空间站") in triples(doc)


def test_maker_in_discourse() -> None:
    text = (
        "新一代商业火箭“朱雀三号”即将首飞。“这是我们最重要的型号。”蓝箭航天董事长张昌武介绍，"
        "企业已实现火箭自研自产。"
    )
    ents = [("朱雀三号", "PRODUCT"), ("蓝箭航天", "ORG"), ("张昌武", "PERSON")]
    rel = by_predicate(make_doc(text, ents), "manufacturer")
    assert [(r.object and r.object.text, r.extractor) for r in rel] == [
        ("蓝箭航天", "rule:manufacturer/maker-in-discourse")
    ]
    text = "卫星搭乘长征五号火箭升空。卫星公司董事长李明介绍，企业已实现卫星自研。"
    ents = [("长征五号", "PRODUCT"), ("卫星公司", "ORG"), ("李明", "PERSON")]
    assert by_predicate(make_doc(text, ents), "manufacturer") == []


def test_founding_dates() -> None:
    doc = make_doc("中科星图成立于二〇〇六年，专注遥感。", [("中科星图", "ORG")])
    assert ("中科星图", "foundingDate", "2006") in triples(doc)
    doc = make_doc("2018年3月5日，星火科技正式成立。", [("星火科技", "ORG")])
    assert ("星火科技", "foundingDate", "2018-03-05") in triples(doc)
    doc = make_doc("云帆公司于2015年8月在杭州注册成立。", [("云帆公司", "ORG")])
    assert ("云帆公司", "foundingDate", "2015-08") in triples(doc)
    doc = make_doc("星火科技2019年组建了研发团队。", [("星火科技", "ORG")])
    assert by_predicate(doc, "foundingDate") == []
    doc = make_doc("1993年，张三的星恒集团成立新部门。", [("张三", "PERSON"), ("星恒集团", "ORG")])
    assert by_predicate(doc, "foundingDate") == []
    doc = make_doc("云帆公司成立于1998年的前身是一家工厂。", [("云帆公司", "ORG")])
    assert ("云帆公司", "foundingDate", "1998") in triples(doc)
    doc = make_doc("云帆集团，其前身是成立于1979年的云帆工厂。", [("云帆集团", "ORG")])
    assert by_predicate(doc, "foundingDate") == []
    # a person's birth after an organisation's founding is no second founding date
    doc = make_doc(
        "星评媒成立于2014年，张三诞生于1950年。", [("星评媒", "ORG"), ("张三", "PERSON")]
    )
    assert [r.value for r in by_predicate(doc, "foundingDate")] == ["2014"]
    # the organisations listed before one founding verb
    doc = make_doc(
        "1990年，星海证券交易所、云帆证券交易所相继成立。",
        [("星海证券交易所", "ORG"), ("云帆证券交易所", "ORG")],
    )
    assert {(r.subject.text, r.value) for r in by_predicate(doc, "foundingDate")} == {
        ("星海证券交易所", "1990"),
        ("云帆证券交易所", "1990"),
    }


@pytest.mark.parametrize(
    ("text", "ents", "expected"),
    [
        ("星利实业集团股份有限公司创始于1993年。", [("星利实业集团股份有限公司", "ORG")], "1993"),
        ("星家装饰工程有限公司创牌于1995年。", [("星家装饰工程有限公司", "ORG")], "1995"),
        (
            "星通创富担保有限公司于2007年经国家工商行政总局批准成立，注册资本一亿元。",
            [("星通创富担保有限公司", "ORG")],
            "2007",
        ),
        (
            "星道投资有限公司在2014年6月3日正式在南宁成立。",
            [("星道投资有限公司", "ORG")],
            "2014-06-03",
        ),
        ("1993年，国有企业星恒集团成立。", [("星恒集团", "ORG")], "1993"),
        ("星汉科技有限公司于一九九七年七月成立于北京。", [("星汉科技有限公司", "ORG")], "1997-07"),
        # an alias bracket with quotes is no break
        (
            "星华玻璃股份有限公司（中文简称“星华玻璃”）成立于1983年。",
            [("星华玻璃股份有限公司", "ORG"), ("星华玻璃", "ORG")],
            "1983",
        ),
        # across a comma: the sentence's topic, not an ORG named in between
        (
            "星微软件有限公司是由星野株式会社投资的独资公司，成立于1999年。",
            [("星微软件有限公司", "ORG"), ("星野株式会社", "ORG")],
            "1999",
        ),
        # who founded it between the organisation and the date: about the organisation
        (
            "星环传媒有限公司由云帆药业集团董事长朱坤先生于2016年创立。",
            [("星环传媒有限公司", "ORG"), ("云帆药业集团", "ORG"), ("朱坤", "PERSON")],
            "2016",
        ),
        (
            "星汉创喜工作室是由吕青创立于2012年。",
            [("星汉创喜工作室", "ORG"), ("吕青", "PERSON")],
            "2012",
        ),
        # a person named in an earlier clause does not make the founding theirs
        (
            "星胜广告有限公司是一家营销策划公司，创始人李奥先生，创立于2010年。",
            [("星胜广告有限公司", "ORG"), ("李奥", "PERSON")],
            "2010",
        ),
        (
            "星水滴企业发展有限公司是冯光于2015年3月10日注册成立。",
            [("星水滴企业发展有限公司", "ORG"), ("冯光", "PERSON")],
            "2015-03-10",
        ),
        (
            "星为技术有限公司于1987年由任正为创建于深圳。",
            [("星为技术有限公司", "ORG"), ("任正为", "PERSON"), ("深圳", "PLACE")],
            "1987",
        ),
        (
            "星豪眼镜有限公司于1996-11-11在星州市姑苏区市场监督管理局星州国家历史文化名城保护区"
            "市场监督管理局登记成立。",
            [("星豪眼镜有限公司", "ORG")],
            "1996-11-11",
        ),
    ],
)
def test_founding_date_cues_and_subjects(
    text: str, ents: list[tuple[str, str]], expected: str
) -> None:
    assert [
        (r.subject.text, r.value) for r in by_predicate(make_doc(text, ents), "foundingDate")
    ] == [(ents[0][0], expected)]


@pytest.mark.parametrize(
    ("text", "ents", "expected"),
    [
        # DATE，… ORG（alias）成立: the ORG right before the verb, the clause ending there
        (
            "2015年，星宝旗下的星冶云商股份有限公司（“星冶云商”）成立以后，业务扩大。",
            [("星宝", "ORG"), ("星冶云商股份有限公司", "ORG"), ("星冶云商", "ORG")],
            [("星冶云商股份有限公司", "2015")],
        ),
        (
            "2012年6月，星汽集团旗下多家子公司发起设立的星安汽车保险股份有限公司也正式宣告成立。",
            [("星汽集团", "ORG"), ("星安汽车保险股份有限公司", "ORG")],
            [("星安汽车保险股份有限公司", "2012-06")],
        ),
        (
            "1992年，为防范债务风险，“星海市城市建设投资开发总公司”注册成立。",
            [("星海市城市建设投资开发总公司", "ORG")],
            [("星海市城市建设投资开发总公司", "1992")],
        ),
        (
            "星友教育设立于2015年1月，是星考教育集团的分校。",
            [("星友教育", "ORG")],
            [("星友教育", "2015-01")],
        ),
        (
            "星麦电子商务有限公司是一家于2017年2月4日新成立的初创型企业。",
            [("星麦电子商务有限公司", "ORG")],
            [("星麦电子商务有限公司", "2017-02-04")],
        ),
        # the date is not the founding: the verb has an object, or the date is the subject
        ("2018年，星巴公司成立的子公司星蚁上市。", [("星巴公司", "ORG"), ("星蚁", "ORG")], []),
        ("2015年是星为公司成立的第十年。", [("星为公司", "ORG")], []),
        ("2019年，星为公司成立二十周年。", [("星为公司", "ORG")], []),
    ],
)
def test_founding_date_later_in_the_clause(
    text: str, ents: list[tuple[str, str]], expected: list[tuple[str, str]]
) -> None:
    doc = make_doc(text, ents)
    assert [(r.subject.text, r.value) for r in by_predicate(doc, "foundingDate")] == expected


def test_founder_and_location_of_the_name_not_its_bracket_or_a_description() -> None:
    text = "星度求索（StarSeek）是一家位于杭州的人工智能公司，由梁文星于2023年创立。"
    doc = make_doc(
        text,
        [("星度求索", "ORG"), ("StarSeek", "ORG"), ("杭州", "PLACE"), ("梁文星", "PERSON")],
    )
    assert {
        ("星度求索", "founder", "梁文星"),
        ("星度求索", "location", "杭州"),
        ("星度求索", "foundingDate", "2023"),
    } <= triples(doc)
    assert not any(
        s == "StarSeek" for s, _, _ in triples(doc) - {("星度求索", "alternateName", "StarSeek")}
    )


def test_founding_date_skips_brackets() -> None:
    text = "星火科技有限公司（其前身为星火电子厂），成立于2001年4月28日。"
    doc = make_doc(text, [("星火科技有限公司", "ORG"), ("星火电子厂", "ORG")])
    assert [(r.subject.text, r.value) for r in by_predicate(doc, "foundingDate")] == [
        ("星火科技有限公司", "2001-04-28")
    ]
    doc = make_doc(
        "1889年由药剂师希尔先生创立的曼秀雷敦进入中国。", [("希尔", "PERSON"), ("曼秀雷敦", "ORG")]
    )
    assert ("曼秀雷敦", "foundingDate", "1889") in triples(doc)


def test_location_from_company_name() -> None:
    doc = make_doc("青岛海纳电子有限公司发布新品。", [("青岛海纳电子有限公司", "ORG")])
    (rel,) = by_predicate(doc, "location")
    assert rel.object is not None and rel.object.text == "青岛"
    assert rel.extractor == "rule:location/name-prefix"
    assert by_predicate(make_doc("北京大学发布报告。", [("北京大学", "ORG")]), "location") == []


def test_dates() -> None:
    assert parse_date("二〇一五年") == "2015"
    assert parse_date("二〇二六年十二月三日") == "2026-12-03"
    assert parse_date("2015 年 8 月 6 日") == "2015-08-06"
    assert parse_date("2015-8") == "2015-08"
    assert find_dates("增长3.6万亿元") == []


# --- aliases ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "subject", "alias"),
    [
        ("国家药品监督管理局（简称“国家药监局”）发布公告。", "国家药品监督管理局", "国家药监局"),
        ("国家药品监督管理局(简称国家药监局)发布公告。", "国家药品监督管理局", "国家药监局"),
        ("星火科技有限公司（以下简称“星火科技”）公告称。", "星火科技有限公司", "星火科技"),
        ("上海光源科学中心（下称“光源中心”）开放。", "上海光源科学中心", "光源中心"),
        ("中国科学技术大学，简称中科大，位于合肥。", "中国科学技术大学", "中科大"),
        ("北京天文馆又称“天象厅”，游客众多。", "北京天文馆", "天象厅"),
        ("国际原子能机构（IAEA）发布报告。", "国际原子能机构", "IAEA"),
        ("联合国教科文组织（英文名：UNESCO）发布报告。", "联合国教科文组织", "UNESCO"),
        (
            "星为技术有限公司英文名称为Starwei Technologies Co., Ltd.，总部设在深圳。",
            "星为技术有限公司",
            "Starwei Technologies Co., Ltd.",
        ),
        ("怀俄明大学（University of Wyoming，简称UW）招生。", "怀俄明大学", "UW"),
        (
            "怀俄明大学（University of Wyoming，简称UW）招生。",
            "怀俄明大学",
            "University of Wyoming",
        ),
        ("怀俄明大学（University of Wyoming），简称，UW，招生。", "怀俄明大学", "UW"),
        ("联合国星火规划署（简称，星火署）成立。", "联合国星火规划署", "星火署"),
        ("合肥市公管局2（以下简称“公管局”）发文。", "合肥市公管局", "公管局"),
        ("红十字国际委员会（英文简称ICRC，总部在日内瓦）发表声明。", "红十字国际委员会", "ICRC"),
        ("星火调查科（俗称星记；英文：Star Bureau，缩写：SB）成立。", "星火调查科", "SB"),
        ("星火调查科（俗称星记；英文：Star Bureau，缩写：SB）成立。", "星火调查科", "星记"),
        ("本会名称为中国星火学会，英译名为Star Society，简称CSS。", "中国星火学会", "CSS"),
        ("国家医疗保障局（医保局）发布通知。", "国家医疗保障局", "医保局"),
        ("张三创立了STARX（星宜家）。", "STARX", "星宜家"),
        (
            "星大网管会，全称星火大学学生网络管理委员会，成立于2001年。",
            "星火大学学生网络管理委员会",
            "星大网管会",
        ),
    ],
)
def test_alias_patterns(text: str, subject: str, alias: str) -> None:
    doc = make_doc(text, [(subject, "ORG")])
    assert (subject, "alternateName", alias) in triples(doc)


@pytest.mark.parametrize(
    "text",
    [
        "星火科技（2025年）发布报告。",
        "星火科技（转自新华网）发布报告。",
        "星火科技（杭州）发布报告。",
        "星火科技（以下简称“公司”）发布报告。",
        "星火科技（科技）发布报告。",  # a short form is shorter than the name … and not generic
        "星火科技（火星）发布报告。",  # … with the name's characters in order
        "星火科技（筹）发布报告。",
        "电影《星火》简称，由星火科技出品。",  # 简称 as a noun: no alias after the comma
    ],
)
def test_no_alias_from_plain_brackets(text: str) -> None:
    assert by_predicate(make_doc(text, [("星火科技", "ORG")]), "alternateName") == []


@pytest.mark.parametrize(
    ("text", "ents"),
    [
        ("北京星火科技（北京）发布报告。", [("北京星火科技", "ORG")]),  # a place, not a short form
        ("STARX（北京）发布报告。", [("STARX", "ORG")]),  # a place, not the Chinese name
        ("王小明（小明）表示。", [("王小明", "PERSON")]),
        ("项目启动，全称星火大学计划。", [("星火大学计划", "PROJECT")]),  # not a short form
    ],
)
def test_no_short_form_from_places_people_or_missing_names(
    text: str, ents: list[tuple[str, str]]
) -> None:
    assert by_predicate(make_doc(text, ents), "alternateName") == []


def test_full_name_cue_makes_the_name_before_it_the_short_form() -> None:
    doc = make_doc(
        "布拉格大学，全称布拉格查理大学，位于捷克。",
        [("布拉格大学", "ORG"), ("布拉格查理大学", "ORG")],
    )
    aliases = [(r.subject.text, r.value, r.extractor) for r in by_predicate(doc, "alternateName")]
    assert aliases == [("布拉格查理大学", "布拉格大学", "rule:alias/abbreviation-full-name")]


def test_latin_bracket_after_a_person_needs_a_name() -> None:
    doc = make_doc("默多克（Rupert Murdoch）表示。", [("默多克", "PERSON")])
    assert ("默多克", "alternateName", "Rupert Murdoch") in triples(doc)
    assert by_predicate(make_doc("陈冲（blog）表示。", [("陈冲", "PERSON")]), "alternateName") == []


def test_latin_name_check_is_linear() -> None:
    """Hyphen runs are no name, and do not make the name check backtrack exponentially."""
    text = "默多克（Ab" + "-C" * 28 + "1）表示。"  # within the 62 characters read
    assert by_predicate(make_doc(text, [("默多克", "PERSON")]), "alternateName") == []


def test_several_aliases() -> None:
    doc = make_doc(
        "台湾积体电路制造股份有限公司，简称台积电、TSMC，是一家公司。",
        [("台湾积体电路制造股份有限公司", "ORG")],
    )
    values = {r.value for r in by_predicate(doc, "alternateName")}
    assert values == {"台积电", "TSMC"}


# --- quotations ---------------------------------------------------------------------------------


def test_quote_speaker_after_and_before() -> None:
    text = (
        "“我们的卫星已经完成了全部在轨测试。”航天五院研究员孙泽洲说。"
        "孙泽洲举例，“这次的数据量是上次的十倍以上。”"
    )
    doc = make_doc(text, [("航天五院", "ORG"), ("孙泽洲", "PERSON"), ("孙泽洲", "PERSON")])
    quotes = doc._.quotes
    assert [q.speaker.text for q in quotes] == ["孙泽洲", "孙泽洲"]
    assert quotes[0].extractor == "rule:quote/speaker-after"
    assert quotes[1].extractor == "rule:quote/speaker-before"
    assert doc.text[quotes[0].start : quotes[0].end] == quotes[0].text


def test_quote_in_view_of_and_pronoun() -> None:
    text = "“基础研究需要长期稳定的投入和耐心。”在中山大学教授黄海看来，政策很关键。"
    doc = make_doc(text, [("中山大学", "ORG"), ("黄海", "PERSON")])
    (quote,) = doc._.quotes
    assert quote.speaker.text == "黄海" and quote.extractor == "rule:quote/in-view-of"
    text = "工程师刘星参与了研制。“整个团队连续奋战了三个多月才完成。”他说。"
    (quote,) = make_doc(text, [("刘星", "PERSON")])._.quotes
    assert quote.speaker.text == "刘星" and quote.extractor == "rule:quote/pronoun"
    text = "刘星和张明参与了研制。“整个团队连续奋战了三个多月才完成。”他说。"
    assert make_doc(text, [("刘星", "PERSON"), ("张明", "PERSON")])._.quotes == []


def test_quote_title_and_place_between_speaker_and_cue() -> None:
    text = "“现在和几个月前的情况已经完全不同了。”工行董事长姜建清在晚宴上说。"
    (quote,) = make_doc(text, [("工行", "ORG"), ("姜建清", "PERSON")])._.quotes
    assert quote.speaker.text == "姜建清"
    text = "“有哪家企业能站出来说没有借过高利贷？”吴江林代表说。"
    (quote,) = make_doc(text, [("吴江林", "PERSON")])._.quotes
    assert quote.speaker.text == "吴江林"


def test_quoted_names_are_not_speech() -> None:
    text = "在“中国创业投资发展新动力高层论坛”上，国家发改委财金司司长徐林表示，要加快发展。"
    doc = make_doc(text, [("国家发改委财金司", "ORG"), ("徐林", "PERSON")])
    assert doc._.quotes == []


def test_no_quote_without_person_or_speech() -> None:
    text = "“企业的通关效率提高了很多，成本也降下来了。”星火科技相关负责人说。"
    assert make_doc(text, [("星火科技", "ORG")])._.quotes == []
    text = "新一代火箭“天枢一号”由工程师刘星介绍给大家。"
    assert make_doc(text, [("刘星", "PERSON")])._.quotes == []


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("吴星华介绍，嫦娥九号将于2030年发射。", "嫦娥九号将于2030年发射"),
        ("星海航天局副局长吴星华在会上表示：任务进展顺利，状态良好。", "任务进展顺利，状态良好"),
        ("在吴星华看来，科研站将带动一批新技术。", "科研站将带动一批新技术"),
        ("据吴星华介绍，嫦娥九号将于2030年发射。", "嫦娥九号将于2030年发射"),
    ],
)
def test_reported_speech(text: str, said: str) -> None:
    ents = [("星海航天局", "ORG")] if "星海航天局" in text else []
    (quote,) = make_doc(text, [*ents, ("吴星华", "PERSON")])._.quotes
    assert (quote.speaker.text, quote.text, quote.extractor) == (
        "吴星华",
        said,
        "rule:quote/reported",
    )
    assert text[quote.start : quote.end] == quote.text


def test_reported_speech_after_adverbs() -> None:
    doc = make_doc(
        "星度创始人李星宏此前曾表示，文心用户数已突破3亿。",
        [("星度", "ORG"), ("李星宏", "PERSON")],
    )
    assert [(q.speaker.text, q.text) for q in doc._.quotes] == [("李星宏", "文心用户数已突破3亿")]


def test_reported_speech_pronoun_and_limits() -> None:
    doc = make_doc(
        "吴星华在会上说，嫦娥九号将于2030年发射。她表示，任务进展顺利，各系统状态良好。",
        [("吴星华", "PERSON")],
    )
    assert [(q.speaker.text, q.text) for q in doc._.quotes] == [
        ("吴星华", "嫦娥九号将于2030年发射"),
        ("吴星华", "任务进展顺利，各系统状态良好"),
    ]
    for text in (
        "张星说的没错，这个问题很复杂。",  # no comma right after the cue
        "张星说，好的。",  # too short to be a statement
        "张星和李星分别说，好的呀。",
        "张星说，“这个问题很复杂，需要时间。”",  # the quotation is what was said
        "我对张星说，在拍戏的同时一定要多读书。",  # spoken to, not the speaker
    ):
        quotes = make_doc(text, [("张星", "PERSON")])._.quotes
        assert all(q.extractor != "rule:quote/reported" for q in quotes), text


# --- plumbing -----------------------------------------------------------------------------------


def test_pure_functions_on_context() -> None:
    ctx = Context.from_text("星河动力董事长刘百奇说。", [("星河动力", "ORG"), ("刘百奇", "PERSON")])
    assert [r.predicate for r in extract_relations(ctx)] == ["worksFor"]
    assert extract_quotes(ctx) == []
    assert extract_relations(ctx, min_confidence=0.95) == []


def test_lexicon() -> None:
    assert title_at_end("企业管理科副科长") == "副科长"
    assert title_at_end("销售与服务总裁") == "总裁"
    match = title_of_gap("销售与服务总裁")
    assert match is not None and match.text == "销售与服务总裁" and match.has_unit
    assert title_of_gap("在会上说") is None
    assert title_of_gap("和团队研究员") is None
    # 委员 is a post only where the context says so
    assert title_of_gap("委员") is None
    assert title_of_gap("委员", weak=True) is not None
    assert title_at_end("副厂长") == "副厂长"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("北京大学法学院", ("北京大学", 4)),
        ("复旦大学附属华山医院", ("复旦大学", 4)),
        ("上海微电子装备（集团）股份有限公司", None),  # never split inside a bracket
        ("星海建设（集团）有限公司研究院", ("星海建设（集团）有限公司", 12)),
    ],
)
def test_split_parent(name: str, expected: tuple[str, int] | None) -> None:
    assert split_parent(name) == expected


@pytest.mark.parametrize(
    ("title", "parts"),
    [
        ("董事长兼总裁", ["董事长", "总裁"]),
        ("创始人总经理", ["创始人", "总经理"]),  # written side by side
        ("联合创始人、CEO", ["联合创始人", "CEO"]),
        ("常务副总裁", ["常务副总裁"]),
        ("企业管理和核查科副科长", ["副科长"]),
    ],
)
def test_split_titles(title: str, parts: list[str]) -> None:
    assert split_titles(title) == parts


def test_title_after_an_alias_bracket() -> None:
    doc = make_doc(
        "孙庆龙，星盛电子商务有限公司（简称“星盛电商”）创始人总经理，互联网老兵。",
        [("孙庆龙", "PERSON"), ("星盛电子商务有限公司", "ORG"), ("星盛电商", "ORG")],
    )
    assert {
        ("孙庆龙", "worksFor", "星盛电子商务有限公司|创始人总经理"),
        ("星盛电子商务有限公司", "founder", "孙庆龙"),
    } <= triples(doc)


def test_factory_in_blank_pipeline() -> None:
    spacy = pytest.importorskip("spacy")
    try:
        nlp = spacy.blank("zh")
    except Exception as error:  # another component's entry point may be broken mid-development
        pytest.skip(f"spacy.blank('zh') fails: {error}")
    import kg.nlp.relations
    import kg.nlp.sentences  # noqa: F401

    nlp.tokenizer = CharTokenizer(nlp.vocab)
    nlp.add_pipe("kg_sentences")
    nlp.add_pipe("kg_relations", config={"min_confidence": 0.5})
    doc = nlp.make_doc("星河动力董事长刘百奇说。")
    doc = nlp.get_pipe("kg_sentences")(doc)
    doc.ents = [doc.char_span(0, 4, label="ORG"), doc.char_span(7, 10, label="PERSON")]
    doc = nlp.get_pipe("kg_relations")(doc)
    assert [r.predicate for r in doc._.relations] == ["worksFor"]


def test_duie_evaluation_on_a_small_sample(tmp_path: Path) -> None:
    from kg.nlp.relations.evaluate import evaluate, gold_mentions, load_duie

    rows = [
        {
            "text": "星河动力董事长刘百奇出席。星河动力成立于2018年。",
            "spo_list": [
                {
                    "predicate": "董事长",
                    "subject": "星河动力",
                    "subject_type": "企业",
                    "object": {"@value": "刘百奇"},
                    "object_type": {"@value": "人物"},
                },
                {
                    "predicate": "成立日期",
                    "subject": "星河动力",
                    "subject_type": "机构",
                    "object": {"@value": "2018年"},
                    "object_type": {"@value": "Date"},
                },
            ],
        },
        {
            "text": "《流浪地球》由郭帆执导。",
            "spo_list": [
                {
                    "predicate": "导演",
                    "subject": "流浪地球",
                    "subject_type": "影视作品",
                    "object": {"@value": "郭帆"},
                    "object_type": {"@value": "人物"},
                },
            ],
        },
    ]
    path = tmp_path / "duie.json"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    examples = load_duie(path)
    assert [m.text for m in gold_mentions(examples[0])] == ["星河动力", "刘百奇", "星河动力"]
    report = evaluate(examples)
    assert (report.sentences, report.scored_sentences) == (2, 1)
    assert report.scores["董事长"].tp == 1 and report.scores["成立日期"].tp == 1
    assert report.micro.precision == 1.0 and report.micro.recall == 1.0
    assert "micro" in report.format()


def test_nested_gold_names_count_for_the_longer_mention() -> None:
    from kg.nlp.relations.evaluate import DuieExample, gold_entity_predictions, gold_triples

    example = DuieExample(
        "金星集团公司由张中先生于2001年创立。",
        (
            ("创始人", "金星集团", "企业", "张中", "人物"),
            ("成立日期", "金星集团公司", "机构", "2001年", "Date"),
        ),
    )
    predicted = gold_entity_predictions(example)
    gold = gold_triples(example)
    assert all(any(p.matches(g) for p in predicted) for g in gold)


def test_store_predictions_match_label_alias_or_surface() -> None:
    from kg.nlp.relations.evaluate import store_predictions

    schema, g = "http://schema.org/", "urn:graph:1"
    org, person = "urn:org", "urn:person"
    sentence = "星河动力航天科技董事长刘百奇说。"
    answers: dict[str, list[dict[str, object]]] = {
        "kg:Evidence": [
            {
                "g": g,
                "doc": "duie-0",
                "s": person,
                "p": schema + "worksFor",
                "o": org,
                "sentence": sentence,
                "extractor": "rule:position/org-title-person",
            },
            {
                "g": g,
                "doc": "duie-0",
                "s": org,
                "p": schema + "alternateName",
                "o": "星河动力",
                "sentence": sentence,
                "extractor": "rule:alias/abbreviation",
            },
        ],
        "schema:alternateName ?name": [
            {"e": org, "name": "星河动力航天科技有限公司"},
            {"e": org, "name": "星河动力"},
            {"e": person, "name": "刘百奇"},
        ],
        "?e a ?type": [
            {"e": org, "type": schema + "Organization"},
            {"e": person, "type": schema + "Person"},
        ],
        "kg:Mention": [{"g": g, "e": org, "surface": "星河动力航天科技"}],
        "kg:Position": [{"g": g, "holder": person, "org": org, "title": "董事长"}],
    }

    def query(sparql: str) -> list[dict[str, object]]:
        return next(rows for key, rows in answers.items() if key in sparql)

    found = {p.predicate: p for p in store_predictions(query)["duie-0"]}
    chair, short = found["董事长"], found["简称"]
    assert chair.matches(("董事长", "星河动力航天科技", "刘百奇"))  # the surface in the sentence
    assert chair.matches(("董事长", "星河动力航天科技有限公司", "刘百奇"))  # the label
    assert short.matches(("简称", "星河动力航天科技有限公司", "星河动力"))


def test_no_position_for_the_person_replaced() -> None:
    doc = make_doc(
        "梁明接替余林，出任星火酒业股份有限公司董事长。",
        [("梁明", "PERSON"), ("余林", "PERSON"), ("星火酒业股份有限公司", "ORG")],
    )
    assert "余林" not in {r.subject.text for r in by_predicate(doc, "worksFor")}
    # … the post is the replacing person's, with every title listed
    doc = make_doc(
        "梁明接替余林，出任星火集团有限责任公司党委书记、星火酒业股份有限公司董事长。",
        [
            ("梁明", "PERSON"),
            ("余林", "PERSON"),
            ("星火集团有限责任公司", "ORG"),
            ("星火酒业股份有限公司", "ORG"),
        ],
    )
    assert {(r.subject.text, r.object.text, r.title) for r in by_predicate(doc, "worksFor")} == {
        ("梁明", "星火集团有限责任公司", "党委书记"),
        ("梁明", "星火酒业股份有限公司", "董事长"),
    }


@pytest.mark.parametrize(
    ("text", "ents", "expected"),
    [
        # 利用担任 + a list of posts, the last one before 等职务
        (
            "被告人袁星利用担任星海酒厂副厂长、星海集团有限公司副总经理、董事长、"
            "星海股份有限公司董事长等职务上的便利，收受财物。",
            [
                ("袁星", "PERSON"),
                ("星海酒厂", "ORG"),
                ("星海集团有限公司", "ORG"),
                ("星海股份有限公司", "ORG"),
            ],
            {
                ("袁星", "星海酒厂", "副厂长"),
                ("袁星", "星海集团有限公司", "副总经理、董事长"),
                ("袁星", "星海股份有限公司", "董事长"),
            },
        ),
        # 身兼 in a later clause about the sentence's subject
        (
            "叶明出任星宸股份董事，身兼星宸股份董事长、星杰建材有限公司总经理等数个职务。",
            [
                ("叶明", "PERSON"),
                ("星宸股份", "ORG"),
                ("星宸股份", "ORG"),
                ("星杰建材有限公司", "ORG"),
            ],
            {
                ("叶明", "星宸股份", "董事"),
                ("叶明", "星宸股份", "董事长"),
                ("叶明", "星杰建材有限公司", "总经理"),
            },
        ),
        # 是 + a generic description before the name; 委员 is a post right after an ORG
        (
            "郑明是上市公司星南电缆股份有限公司董事长。",
            [("郑明", "PERSON"), ("星南电缆股份有限公司", "ORG")],
            {("郑明", "星南电缆股份有限公司", "董事长")},
        ),
        (
            "徐明，是省政协委员、星店影视股份有限公司董事长。",
            [("徐明", "PERSON"), ("省政协", "ORG"), ("星店影视股份有限公司", "ORG")],
            {("徐明", "省政协", "委员"), ("徐明", "星店影视股份有限公司", "董事长")},
        ),
        (
            "李明获任星景航空锻铸有限公司董事长。",
            [("李明", "PERSON"), ("星景航空锻铸有限公司", "ORG")],
            {("李明", "星景航空锻铸有限公司", "董事长")},
        ),
        # the sentence's topic (after a date), a later clause: PERSON 任 title
        (
            "2000年12月18日星林纸业有限责任公司正式挂牌成立，李明同志任董事长兼总经理，"
            "王亮任副总经理。",
            [("星林纸业有限责任公司", "ORG"), ("李明", "PERSON"), ("王亮", "PERSON")],
            {
                ("李明", "星林纸业有限责任公司", "董事长兼总经理"),
                ("王亮", "星林纸业有限责任公司", "副总经理"),
            },
        ),
        # … and a colon after the title
        (
            "星桥传媒广告有限公司成立于2008年，注册资金2800万元，董事长：李宗明。",
            [("星桥传媒广告有限公司", "ORG"), ("李宗明", "PERSON")],
            {("李宗明", "星桥传媒广告有限公司", "董事长")},
        ),
        # not a post: 任职 is no 任 + title, and another organisation between
        (
            "星火公司发布了新手机，余明任职期间表现突出。",
            [("星火公司", "ORG"), ("余明", "PERSON")],
            set(),
        ),
        (
            "星火公司发布了新手机，云帆公司的余明任总经理。",
            [("星火公司", "ORG"), ("云帆公司", "ORG"), ("余明", "PERSON")],
            set(),
        ),
    ],
)
def test_appointments_and_lists_of_posts(
    text: str, ents: list[tuple[str, str]], expected: set[tuple[str, str, str]]
) -> None:
    doc = make_doc(text, ents)
    found = {(r.subject.text, r.object.text, r.title) for r in by_predicate(doc, "worksFor")}
    assert found == expected


def test_duie_headquarters_are_companies_only() -> None:
    from kg.nlp.relations.evaluate import duie_predicate, is_enterprise_name

    assert is_enterprise_name("星火科技有限公司") and is_enterprise_name("星野集团")
    assert not is_enterprise_name("雷丁大学") and not is_enterprise_name("泉水村委会")
    kwargs = {"subject_label": "ORG", "extractor": "rule:location/located-in"}
    assert duie_predicate("location", subject="星火科技有限公司", **kwargs) == "总部地点"
    assert duie_predicate("location", subject="星火小学", **kwargs) is None


_POSITION_CASES = [
    # the title after the alias bracket of the organisation
    (
        "星福油脂股份有限公司（以下简称“星福公司”）董事长崔星福出席。",
        [("星福油脂股份有限公司", "ORG"), ("星福公司", "ORG"), ("崔星福", "PERSON")],
        {("崔星福", "worksFor", "星福公司|董事长")},
    ),
    # ORG + person + title, a verb after the title
    (
        "星安科技股份有限公司俞星德董事长推出新品。",
        [("星安科技股份有限公司", "ORG"), ("俞星德", "PERSON")],
        {("俞星德", "worksFor", "星安科技股份有限公司|董事长")},
    ),
    # a later clause of the sentence its topic ORG opens: only a title before the person
    (
        "星猴餐饮有限公司，创立于1999年，总部位于延边，董事长刘星松先生很忙。",
        [("星猴餐饮有限公司", "ORG"), ("延边", "PLACE"), ("刘星松", "PERSON")],
        {("刘星松", "worksFor", "星猴餐饮有限公司|董事长")},
    ),
    (
        "星火科技有限公司与华为合作，董事长张星表示满意。",
        [("星火科技有限公司", "ORG"), ("华为", "ORG"), ("张星", "PERSON")],
        set(),
    ),
    # negative: the title goes on (董事长助理), no position for 王兰凤
    ("星火银行王兰凤董事长助理表示。", [("星火银行", "ORG"), ("王兰凤", "PERSON")], set()),
]
_FOUNDER_CASES = [
    (
        "余星星，资深导演，毕业于星光学校，于2002年创立星界制作有限公司。",
        [("余星星", "PERSON"), ("星光学校", "ORG"), ("星界制作有限公司", "ORG")],
        {("星界制作有限公司", "founder", "余星星")},
    ),
    # another person before the ORG, or a mention in the founding clause: not the topic's
    (
        "余星星，与李星合作，于2002年创立星界制作有限公司。",
        [("余星星", "PERSON"), ("李星", "PERSON"), ("星界制作有限公司", "ORG")],
        {("星界制作有限公司", "founder", "李星")},
    ),
    (
        "余星星，资深导演，星光学校于2002年创立星界制作有限公司。",
        [("余星星", "PERSON"), ("星光学校", "ORG"), ("星界制作有限公司", "ORG")],
        set(),
    ),
]


@pytest.mark.parametrize(
    ("predicate", "text", "ents", "expected"),
    [("worksFor", *case) for case in _POSITION_CASES]
    + [("founder", *case) for case in _FOUNDER_CASES],
)
def test_positions_and_founders_in_context(
    predicate: str, text: str, ents: list[tuple[str, str]], expected: set[tuple[str, str, str]]
) -> None:
    """A title after an alias bracket or after the name; the founder as the sentence's topic."""
    assert {t for t in triples(make_doc(text, ents)) if t[1] == predicate} == expected


@pytest.mark.parametrize(
    ("text", "ents", "expected"),
    [
        (
            "于星然为星江传媒学院播音学院2008级播音本科1班的学生。",
            [("于星然", "PERSON"), ("星江传媒学院播音学院", "ORG")],
            {("于星然", "alumniOf", "星江传媒学院")},
        ),
        (
            "早年毕业于星光交通大学的杜星滨先生加入了公司。",
            [("星光交通大学", "ORG"), ("杜星滨", "PERSON")],
            {("杜星滨", "alumniOf", "星光交通大学")},
        ),
        (
            "1951年钱星堃回到母校星开大学任教。",
            [("钱星堃", "PERSON"), ("星开大学", "ORG")],
            {("钱星堃", "alumniOf", "星开大学")},
        ),
        # a year after a company is no student's year
        ("张星是星火科技2008级新员工。", [("张星", "PERSON"), ("星火科技", "ORG")], set()),
    ],
)
def test_alumni_grades_alma_mater_and_person_after(
    text: str, ents: list[tuple[str, str]], expected: set[tuple[str, str, str]]
) -> None:
    assert {t for t in triples(make_doc(text, ents)) if t[1] == "alumniOf"} == expected


def test_reported_speech_of_several_people_and_short_statements() -> None:
    doc = make_doc(
        "张星和星海大学教授李星分别表示，这一成果意义重大。他表示，进展十分顺利。",
        [("张星", "PERSON"), ("星海大学", "ORG"), ("李星", "PERSON")],
    )
    # the pronoun stands for one of two people named before: no speaker for it
    assert [(q.speaker.text, q.text) for q in doc._.quotes] == [("李星", "这一成果意义重大")]
    doc = make_doc("李星表示，进展十分顺利。", [("李星", "PERSON")])
    assert [(q.speaker.text, q.text) for q in doc._.quotes] == [("李星", "进展十分顺利")]
