"""Tests of kg.ingest page splitting: bylines, sources, headlines and the real seed pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.ingest import Document, iter_documents
from kg.ingest.bylines import parse_bare_names, parse_byline, parse_lead_in, parse_source
from kg.ingest.normalize import normalize_chars
from kg.ingest.page import PageArticle, split_page, unwrap


def split(text: str) -> list[PageArticle]:
    norm, mapping = normalize_chars(text)
    return split_page(norm, mapping)


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("■ 谷业凯 喻思南 李君强", ("谷业凯", "喻思南", "李君强")),
        ("■ 中新社记者 李纯", ("李纯",)),
        ("■ 三里河", ("三里河",)),
        ("中新社记者 李纯", ("李纯",)),
        ("本报记者 刘军国", ("刘军国",)),
        ("本报记者 张三 通讯员 李四", ("张三", "李四")),
        ("(本报记者刘军国采访整理)", ("刘军国",)),
        ("（本报记者 黄晓慧 采访整理）", ("黄晓慧",)),
        ("（记者 张三 李四）", ("张三", "李四")),
        ("文/张三", ("张三",)),
        ("文/张三 图/李四", ("张三", "李四")),
        ("作者：王五", ("王五",)),
        ("■ 本报特约评论员 玛格达莱娜·斯基珀", ("玛格达莱娜·斯基珀",)),
        ("(集采)", None),
        ("（转自人民网）", None),
        ("记者", None),
        ("高水平科技产出持续增长 全球科研影响力越来越强", None),
        ("记者们在现场看到，工人们正在忙碌。", None),
    ],
)
def test_parse_byline(line: str, authors: tuple[str, ...] | None) -> None:
    assert parse_byline(line) == authors


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("吴月辉", ("吴月辉",)),
        ("康明乐 李芳", ("康明乐", "李芳")),
        ("欧阳修文", ("欧阳修文",)),
        ("身怀绝技 彰显其能", None),
        ("截至2025年底", None),
        ("创新为高质量发展赋能", None),
        ("问天追星 行稳致远", None),
    ],
)
def test_parse_bare_names(line: str, names: tuple[str, ...] | None) -> None:
    assert parse_bare_names(line) == names


@pytest.mark.parametrize(
    ("line", "source"),
    [
        ("（转自人民网）", "人民网"),
        ("(转自中新网)", "中新网"),
        ("（来源：新华社）", "新华社"),
        ("来源：光明日报", "光明日报"),
        ("（来源：《光明日报》）", "光明日报"),
        ("（转自“三里河”工作室）", "“三里河”工作室"),
        ("来源于群众的智慧。", None),
        ("转自动化生产，效率提升。", None),
    ],
)
def test_parse_source(line: str, source: str | None) -> None:
    assert parse_source(line) == source


@pytest.mark.parametrize(
    ("text", "rest", "authors", "source"),
    [
        ("本报讯（鲁小飞）岁末寒冬，热潮不减。", "岁末寒冬，热潮不减。", ("鲁小飞",), None),
        ("新华社北京1月5日电（记者张三）今天发布。", "今天发布。", ("张三",), "新华社"),
        ("本报北京1月5日电 （记者 张三 李四） 今天。", "今天。", ("张三", "李四"), None),
        ("中新社北京1月5日电 今天。", "今天。", (), "中新社"),
    ],
)
def test_parse_lead_in(text: str, rest: str, authors: tuple[str, ...], source: str | None) -> None:
    lead = parse_lead_in(text)
    assert lead is not None
    assert text[lead.length :].lstrip() == rest
    assert (lead.authors, lead.source) == (authors, source)


@pytest.mark.parametrize("text", ["今天是1月5日。", "本报记者在现场。", "1月5日电"])
def test_no_lead_in(text: str) -> None:
    assert parse_lead_in(text) is None


# -- splitting ---------------------------------------------------------------------------

PAGE = """标题一号文章来了

■ 张三 李四

第一篇的第一段。

小节标题在这里

第一篇的第二段，写
到一半断开了。

（来源：新华社）

第二篇标题

第二篇的正文，没有署名。

第三篇 标题

本报讯（王五）第三篇的正文。

(本报记者赵六采访整理)
"""


def test_split_page_generic() -> None:
    arts = split(PAGE)
    assert [(a.title, a.authors, a.source) for a in arts] == [
        ("标题一号文章来了", ("张三", "李四"), "新华社"),
        ("第二篇标题", (), None),
        ("第三篇 标题", ("王五", "赵六"), None),
    ]
    assert arts[0].text == "第一篇的第一段。\n小节标题在这里\n第一篇的第二段，写到一半断开了。"
    assert arts[2].text == "第三篇的正文。"
    for art in arts:  # bylines and sources are removed, the text maps back
        start = art.text.index("正文") if "正文" in art.text else 0
        s, e = art.offsets.span_to_original(start, start + 2)
        assert PAGE[s:e] == art.text[start : start + 2]


def test_headline_is_not_glued_to_its_paragraph() -> None:
    (art,) = split("创新创造催生新质生产力\n\n“我们依靠创新为高质量发展赋能。”")
    assert art.title == "创新创造催生新质生产力"
    assert art.text == "“我们依靠创新为高质量发展赋能。”"


def test_kicker_and_two_part_title() -> None:
    page = (
        "第一篇。\n\n（转自人民网）\n\n宇树科技首席市场官王其鑫\n\n身怀绝技 彰显其能\n\n正文一段。"
    )
    first, second = split(page)
    assert (second.title, second.text) == (
        "身怀绝技 彰显其能",
        "宇树科技首席市场官王其鑫\n正文一段。",
    )
    assert first.source == "人民网"


def test_unsplittable_page_is_one_article() -> None:
    (art,) = split("一行短标题\n\n第一段，很长的正文。\n\n第二段。")
    assert art.title == "一行短标题"
    (art,) = split("只有正文的一段话，没有标题。")
    assert art.title is None


def test_subtitle_stays_in_text() -> None:
    (art,) = split("主标题在此\n\n——副标题在此\n\n■ 张三\n\n正文。")
    assert (art.title, art.subtitle, art.authors) == ("主标题在此", "——副标题在此", ("张三",))
    assert art.text == "——副标题在此\n正文。"


# -- the real seed pages -----------------------------------------------------------------

SEED_000 = [
    ("创新创造催生新质生产力", ("谷业凯", "喻思南", "李君强"), "人民网"),
    ("中国二十二冶西南分公司连云港新能源电池项目全速推进启新程", ("鲁小飞",), None),
    ("中国搭建交易与价格平台 为药械“走出去”架桥铺路", ("李纯",), "中新网"),
    ("两个连续全球第一！ 中国汽车业迎来关键一跃", ("三里河",), "“三里河”工作室"),
    ("海南封关满月看变化：各项政策扎实推进", ("康明乐", "李芳"), "中新网"),
]
SEED_001 = [
    ("创新创造催生新质生产力", (), None),
    ("我国成为创新力上升最快的经济体之一", ("吴月辉",), None),
    ("身怀绝技 彰显其能", ("刘军国",), None),
    ("创新为高质量发展赋能", (), None),
    ("问天追星 行稳致远", ("黄晓慧",), None),  # its credit line sits inside the next article
    ("多元场景 更多可能", ("喻思南",), None),
    ("AI发展 你追我赶", ("谷业凯",), None),
    ("芯片研发 奋力突破", ("谷业凯",), None),
]


def seed_docs(seeds_dir: Path, stem: str) -> list[Document]:
    items = list(iter_documents([seeds_dir / f"{stem}.txt"]))
    assert all(isinstance(x, Document) for x in items), items
    return [x for x in items if isinstance(x, Document)]


@pytest.mark.parametrize(
    ("stem", "expected"),
    [("000_80a7bdd84154d8e7", SEED_000), ("001_d831d99997b5adf2", SEED_001)],
)
def test_seed_pages_split(
    seeds_dir: Path, stem: str, expected: list[tuple[str, tuple[str, ...], str | None]]
) -> None:
    docs = seed_docs(seeds_dir, stem)
    assert [(d.title, d.authors, d.source) for d in docs] == expected
    assert [d.id for d in docs] == [f"{stem}#{n}" for n in range(1, len(expected) + 1)]
    original = (seeds_dir / f"{stem}.txt").read_text(encoding="utf-8")
    for doc in docs:
        assert "\n\n" not in doc.text and "■" not in doc.text and "转自" not in doc.text
        assert "采访整理" not in doc.text
        last = 0
        for i, ch in enumerate(doc.text):
            o = doc.offsets.to_original(i)
            assert o >= last
            last = o
            assert original[o] == ch or (ch in " \n" and original[o].isspace())


@pytest.mark.parametrize(
    ("stem", "n", "snippet"),
    [
        ("000_80a7bdd84154d8e7", 1, "让世界看到了中国支持基础研究"),
        ("000_80a7bdd84154d8e7", 1, "北京大学人工智能研究院、集成电路学院"),
        ("000_80a7bdd84154d8e7", 1, "一系列务实之举"),
        ("000_80a7bdd84154d8e7", 1, "2025年度“高被引研究者”"),
        ("000_80a7bdd84154d8e7", 1, "\n高水平科技产出持续增长 全球科研影响力越来越强\n"),
        ("000_80a7bdd84154d8e7", 4, "中国汽车产业一股新动能"),
        ("000_80a7bdd84154d8e7", 5, "海口港海关值班关员们"),
        ("001_d831d99997b5adf2", 1, "创新成为推动高质量发展的主引擎"),
        ("001_d831d99997b5adf2", 6, "向多元场景规模化落地"),
        ("001_d831d99997b5adf2", 8, "万卡集群从生产"),
    ],
)
def test_seed_breaks_rejoined(seeds_dir: Path, stem: str, n: int, snippet: str) -> None:
    doc = seed_docs(seeds_dir, stem)[n - 1]
    assert snippet in doc.text


@pytest.mark.parametrize(
    ("stem", "word"),
    [
        ("000_80a7bdd84154d8e7", "江门中微子实验"),
        ("000_80a7bdd84154d8e7", "玛格达莱娜·斯基珀"),
        ("000_80a7bdd84154d8e7", "海口海关"),
        ("001_d831d99997b5adf2", "摩尔线程"),
    ],
)
def test_seed_spans_map_to_the_original(seeds_dir: Path, stem: str, word: str) -> None:
    original = (seeds_dir / f"{stem}.txt").read_text(encoding="utf-8")
    hits = 0
    for doc in seed_docs(seeds_dir, stem):
        start = doc.text.find(word)
        while start >= 0:
            s, e = doc.offsets.span_to_original(start, start + len(word))
            assert original[s:e] == word
            hits += 1
            start = doc.text.find(word, start + 1)
    assert hits


def hard_wrap(text: str, width: int) -> str:
    """Re-typeset a page the way fixed-width exports do: every line cut at ``width`` chars."""
    lines = (line.strip() for line in text.split("\n"))
    return "\n".join(
        "\n".join(line[i : i + width] for i in range(0, len(line), width)) for line in lines if line
    )


@pytest.mark.parametrize("width", [20, 26, 30, 37])
@pytest.mark.parametrize(
    ("stem", "expected"),
    [("000_80a7bdd84154d8e7", SEED_000), ("001_d831d99997b5adf2", SEED_001)],
)
def test_hard_wrapped_seed_pages_split_the_same(
    seeds_dir: Path, stem: str, expected: list[tuple[str, tuple[str, ...], str | None]], width: int
) -> None:
    page = hard_wrap((seeds_dir / f"{stem}.txt").read_text(encoding="utf-8"), width)
    arts = split(page)
    assert [(a.title, a.authors, a.source) for a in arts] == expected
    for art in arts:
        for i, ch in enumerate(art.text):
            o = art.offsets.to_original(i)
            assert page[o] == ch or (ch in " \n" and page[o].isspace())


def test_seed_pages_are_not_mistaken_for_wrapped(seeds_dir: Path) -> None:
    for path in sorted(seeds_dir.glob("*.txt")):
        text, mapping = normalize_chars(path.read_text(encoding="utf-8"))
        assert unwrap(text, mapping)[0] == text


def test_lead_in_after_subtitle_and_orphan_headline_at_the_end() -> None:
    page = "主标题在此\n——副标题在此\n本报讯（张三）正文开始了。\n（转自人民网）\n下期标题预告"
    first, second = split(page)
    assert (first.title, first.authors, first.source) == ("主标题在此", ("张三",), "人民网")
    assert first.text == "——副标题在此\n正文开始了。"
    assert (second.title, second.text) == ("下期标题预告", "下期标题预告")


def test_briefs_without_headlines() -> None:
    page = "本报讯（张三）第一条简讯。\n本报讯（李四）第二条简讯。"
    first, second = split(page)
    assert (first.authors, first.text) == (("张三",), "第一条简讯。")
    assert (second.authors, second.text) == (("李四",), "第二条简讯。")
