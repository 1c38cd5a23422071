"""Tests of kg.ingest: encodings, formats, problems, normalisation and offsets."""

from __future__ import annotations

import io
import json
import sys
import time
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.ingest import Document, OffsetMap, Problem, iter_documents
from kg.ingest.encoding import DecodeError, decode_bytes
from kg.ingest.normalize import normalize_chars, repair_text
from kg.ingest.records import OffsetBuilder

SAMPLE = "新华社北京1月5日电（记者张三）今天，北京天气晴朗。中国科学院发布了新的研究成果。"


def read(*paths: str | Path, strict: bool = False) -> list[Document | Problem]:
    return list(iter_documents(paths, strict=strict))


def docs_of(items: list[Document | Problem]) -> list[Document]:
    return [x for x in items if isinstance(x, Document)]


def problems_of(items: list[Document | Problem]) -> list[Problem]:
    return [x for x in items if isinstance(x, Problem)]


# -- encodings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),  # with BOM
        ("utf-16-le", "utf-16-le"),  # BOM-less
        ("utf-16-be", "utf-16-be"),  # BOM-less
        ("utf-32", "utf-32"),
        ("gb18030", "gb18030"),
        ("gbk", "gb18030"),
        ("gb2312", "gb18030"),
    ],
)
def test_decode_encodings(encoding: str, expected: str) -> None:
    decoded = decode_bytes(SAMPLE.encode(encoding))
    assert decoded.text == SAMPLE
    assert decoded.encoding == expected


@pytest.mark.parametrize("text", ["中文", "北京", "你好！", "科技日报 2025"])
def test_short_gbk_texts_are_not_misjudged(text: str) -> None:
    assert decode_bytes(text.encode("gbk")).text == text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "gb18030"])
def test_encoded_files_are_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "page.txt"
    path.write_bytes(SAMPLE.encode(encoding))
    (doc,) = read(path)
    assert isinstance(doc, Document)
    assert doc.authors == ("张三",)
    assert doc.source == "新华社"
    assert doc.text == "今天，北京天气晴朗。中国科学院发布了新的研究成果。"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        (b"abc\x00def\x00ghi", "binary"),
        (bytes(range(1, 9)) * 20 + "中文".encode(), "binary"),
        ("。，！？……\n\n——  ".encode(), "no text"),
        (b"   \n\n\t \r\n", "no text"),
    ],
)
def test_unreadable_files_become_problems(tmp_path: Path, data: bytes, reason: str) -> None:
    bad = tmp_path / "a_bad.txt"
    bad.write_bytes(data)
    good = tmp_path / "b_good.txt"
    good.write_text(SAMPLE, encoding="utf-8")
    items = read(tmp_path)
    (problem,) = problems_of(items)
    assert problem.path == str(bad)
    assert reason in problem.reason
    assert len(docs_of(items)) == 1  # the other file still goes in


def test_decode_error_for_undecodable_bom() -> None:
    with pytest.raises(DecodeError, match="byte-order mark"):
        decode_bytes(b"\xff\xfe\x00\xd8")  # UTF-16 BOM, then a lone surrogate


def test_strict_raises_input_error(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        read(tmp_path, strict=True)


# -- paths -------------------------------------------------------------------------------


def test_directory_recursive_sorted_hidden_and_unknown_skipped(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("第二个文件的内容。", encoding="utf-8")
    (tmp_path / "a.txt").write_text("第一个文件的内容。", encoding="utf-8")
    (tmp_path / "z.txt").write_text("最后一个文件。", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("隐藏。", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("隐藏。", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\x00")
    items = read(tmp_path)
    assert [x.id for x in docs_of(items)] == ["a#1", "2#1", "z#1"]
    assert not problems_of(items)


def test_explicit_unknown_extension_and_missing_path(tmp_path: Path) -> None:
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    items = read(pdf, tmp_path / "missing.txt")
    assert [p.reason.split(";")[0] for p in problems_of(items)] == [
        "unsupported file type '.pdf'",
        "no such file or directory",
    ]


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    data = "标题在这里\n\n本报记者 王五\n\n正文第一段。".encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    (doc,) = read("-")
    assert isinstance(doc, Document)
    assert (doc.id, doc.path, doc.title, doc.authors) == ("stdin#1", "-", "标题在这里", ("王五",))


def test_a_single_path_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("内容。", encoding="utf-8")
    assert [d.id for d in docs_of(list(iter_documents(str(tmp_path))))] == ["a#1"]
    assert [d.id for d in docs_of(list(iter_documents(tmp_path)))] == ["a#1"]


def test_streaming_is_lazy(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("内容。", encoding="utf-8")
    items = iter_documents([tmp_path, tmp_path / "missing.txt"])
    first = next(items)
    assert isinstance(first, Document)  # the missing path has not been looked at yet


# -- JSONL -------------------------------------------------------------------------------


def test_jsonl_problems_have_line_numbers(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "text": "第一条新闻。", "title": "标题Ａ", "authors": ["张三"]}),
        "{not json",
        json.dumps({"id": "a", "text": "重复的编号。"}),
        json.dumps({"id": "b"}),
        json.dumps({"id": "c", "text": 5}),
        "",
        json.dumps({"id": "d", "text": "……。"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "e", "text": "好的。", "title": 3}),
        json.dumps({"id": 7, "text": "数字编号也可以。", "date": "2026-01-05", "url": "http://x"}),
        json.dumps({"text": "没有编号。"}),
    ]
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = read(path)
    assert [(p.line, p.reason.split(" ")[0]) for p in problems_of(items)] == [
        (2, "not"),
        (3, "duplicate"),
        (4, "'text'"),
        (5, "'text'"),
        (7, "no"),
        (8, "not"),
        (9, "'title'"),
        (11, "'id'"),
    ]
    first, seventh = docs_of(items)
    assert (first.id, first.title, first.authors, first.text) == (
        "a",
        "标题A",
        ("张三",),
        "第一条新闻。",
    )
    assert (seventh.id, seventh.date, seventh.url) == ("7", "2026-01-05", "http://x")


def test_jsonl_text_is_normalised_not_split(tmp_path: Path) -> None:
    text = "项目成功，让世界看\n\n到了中国的决心。\n\n第二段 2025 年。\n\n本报记者 张三"
    path = tmp_path / "n.jsonl"
    path.write_text(json.dumps({"id": "x", "text": text}) + "\n", encoding="utf-8")
    (doc,) = read(path)
    assert isinstance(doc, Document)
    assert doc.text == "项目成功，让世界看到了中国的决心。\n第二段2025年。\n本报记者张三"
    assert doc.authors == ()
    s, e = doc.offsets.span_to_original(doc.text.index("到了中国"), doc.text.index("的决心"))
    assert text[s:e] == "到了中国"


# -- HTML and Markdown -------------------------------------------------------------------

HTML = """<!DOCTYPE html><html><head><title>网页标题_某网站</title>
<style>p { color: red }</style><script>var secret = "脚本内容";</script></head>
<body><nav>首页 | 新闻 | 导航内容</nav>
<h1>北京发布新规</h1>
<p>本报北京1月5日电（记者 李四）北京市今天发布了新规定，
涉及<b>人工智能</b>产业&amp;数据安全。</p>
<p>第二段：专家表示欢迎。</p><!-- 注释 --></body></html>"""


def test_html(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(HTML, encoding="utf-8")
    (doc,) = read(path)
    assert isinstance(doc, Document)
    assert doc.title == "北京发布新规"
    assert doc.authors == ("李四",)
    assert "脚本" not in doc.text and "导航" not in doc.text and "color" not in doc.text
    assert doc.text == "北京市今天发布了新规定，涉及人工智能产业&数据安全。\n第二段：专家表示欢迎。"
    s, e = doc.offsets.span_to_original(0, 5)
    assert HTML[s:e] == "北京市今天"


def test_html_entities_map_back(tmp_path: Path) -> None:
    html = (
        '<html><head><script>var s = "北京&amp;上海";</script></head><body>\r\n'
        "<p>北京&amp;上海&nbsp;合作，&ldquo;长三角&rdquo;发展。<!-- x --></p></body></html>"
    )
    path = tmp_path / "e.html"
    path.write_text(html, encoding="utf-8")
    (doc,) = read(path)
    assert isinstance(doc, Document)
    assert doc.text == "北京&上海合作，“长三角”发展。"
    for word in ("北京", "上海", "合作", "长三角", "发展。"):
        start = doc.text.index(word)
        s, e = doc.offsets.span_to_original(start, start + len(word))
        assert html[s:e] == word
    s, _ = doc.offsets.span_to_original(0, 1)
    assert s > html.index("<body>")  # not the copy inside <script>


def test_html_title_falls_back_to_title_tag(tmp_path: Path) -> None:
    path = tmp_path / "p.htm"
    html = (
        "<html><head><title>只有标题</title></head><body><p>正文内容很长很长，说了很多。</p></body>"
    )
    path.write_bytes(html.encode("gbk"))
    (doc,) = read(path)
    assert isinstance(doc, Document)
    assert (doc.title, doc.text) == ("只有标题", "正文内容很长很长，说了很多。")


MARKDOWN = """---
title: 前言标题
date: 2026-01-05
---
# 第一篇 **文章**

本报记者 张三

这是[第一篇](http://example.com)文章的*正文*，包含 `代码`。

## 小节标题

- 列表项目一。
- 列表项目二。

# 第二篇文章

> 引用的一段话。
"""


def test_markdown(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    first, second = read(path)
    assert isinstance(first, Document) and isinstance(second, Document)
    assert (first.id, first.title, first.authors) == ("notes#1", "第一篇 文章", ("张三",))
    assert first.text == "这是第一篇文章的正文，包含代码。\n小节标题\n列表项目一。\n列表项目二。"
    assert (second.title, second.text) == ("第二篇文章", "引用的一段话。")
    s, e = first.offsets.span_to_original(2, 5)
    assert MARKDOWN[s:e] == "第一篇"


# -- normalisation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢＣ１２３", "ABC123"),
        ("ＧＤＰ增长５．２％", "GDP增长5.2%"),
        ("中文，标点！（保留）：；？", "中文，标点！（保留）：；？"),
        ("a\u00a0b\u3000c", "a b c"),
        ("零\u200b宽\ufeff字符\u00ad", "零宽字符"),
        ("一\r\n二\r三", "一\n二\n三"),
    ],
)
def test_normalize_chars(raw: str, expected: str) -> None:
    text, mapping = normalize_chars(raw)
    assert text == expected
    assert mapping.to_original(len(text)) <= len(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "项目的成功，让世界看\n\n到了中国支持基础研究的决心与能力。",
            "项目的成功，让世界看到了中国支持基础研究的决心与能力。",
        ),
        (
            "近日，北京大学人工智能研究院、集成\n\n电路学院的科研团队。",
            "近日，北京大学人工智能研究院、集成电路学院的科研团队。",
        ),
        ("完善国家创新体系。一系\n\n列务实之举。", "完善国家创新体系。一系列务实之举。"),
        ("第一段结束。\n\n第二段开始。", "第一段结束。\n第二段开始。"),
        ("他说：\n“很好。”", "他说：\n“很好。”"),
        (
            "创新创造催生新质生产力\n\n“我们依靠创新赋能。”",
            "创新创造催生新质生产力\n“我们依靠创新赋能。”",
        ),
        ("科睿唯安发布的 2025 年度，有 700 多名。", "科睿唯安发布的2025年度，有700多名。"),
        ("学生和 IT 教师，“AI 手机”。", "学生和IT教师，“AI手机”。"),
        ("Hello   big  world.", "Hello big world."),
        ("研发投入超3.\n6万亿元。", "研发投入超3.6万亿元。"),
        ("成功培育出绿色超级稻品种。\n”徐建龙介绍。", "成功培育出绿色超级稻品种。”徐建龙介绍。"),
        (
            "酒泉卫星发射中心，商业火箭“天龙三号”\n蓄势待发。",
            "酒泉卫星发射中心，商业火箭“天龙三号”蓄势待发。",
        ),
        ("他说：“很好。”\n第二段。", "他说：“很好。”\n第二段。"),
        ("（完）\n下一段。", "（完）\n下一段。"),
        ("A broken line, in English and\nwrapped.", "A broken line, in English and wrapped."),
        ("中　国　人\u00a0民，好。", "中国人民，好。"),
    ],
)
def test_line_repair_and_spaces(raw: str, expected: str) -> None:
    text, mapping = repair_text(raw)
    assert text == expected
    assert mapping.length == len(text)


def test_offsets_of_cjk_spans_map_back() -> None:
    raw = "　　前段时间，江门中微子实验正式发布\r\n\r\n首个物理成果，刷新 2 项纪录。"
    text, mapping = repair_text(raw)
    assert text == "前段时间，江门中微子实验正式发布首个物理成果，刷新2项纪录。"
    for word in ("江门中微子实验", "首个物理成果", "纪录。"):
        start = text.index(word)
        s, e = mapping.span_to_original(start, start + len(word))
        assert raw[s:e] == word


def test_offset_map_basics() -> None:
    builder = OffsetBuilder()
    builder.add("ab", 0)
    builder.add("cd", 5)
    text, mapping = builder.build()
    assert text == "abcd"
    assert [mapping.to_original(i) for i in range(5)] == [0, 1, 5, 6, 7]
    assert mapping.span_to_original(0, 2) == (0, 2)
    assert mapping.span_to_original(1, 3) == (1, 6)
    assert OffsetMap.identity(3).span_to_original(1, 3) == (1, 3)
    with pytest.raises(IndexError):
        mapping.to_original(5)


def test_content_hash_depends_on_metadata(tmp_path: Path) -> None:
    rows = [
        {"id": "1", "text": "同样的正文。"},
        {"id": "2", "text": "同样的正文。"},
        {"id": "3", "text": "同样的正文。", "source": "人民网"},
    ]
    path = tmp_path / "h.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    a, b, c = docs_of(read(path))
    assert a.content_hash == b.content_hash != c.content_hash
    assert len(a.content_hash) == 64


@pytest.mark.slow
def test_large_file_without_line_breaks_is_linear(tmp_path: Path) -> None:
    unit = "中国科学院发布了新的研究成果，在２０２５ 年取得了重要进展。"
    path = tmp_path / "big.txt"
    path.write_text(unit * 100_000, encoding="utf-8")  # ~9 MB, one line
    started = time.perf_counter()
    (doc,) = read(path)
    assert isinstance(doc, Document)
    assert len(doc.text) == (len(unit) - 1) * 100_000
    assert time.perf_counter() - started < 20


def test_document_from_text() -> None:
    from kg.ingest import document_from_text

    doc = document_from_text(
        "项目成功，让世界看\n\n到了中国。", id="x1", title="Ｔｉｔｌｅ  一", source="人民网"
    )
    assert (doc.id, doc.title, doc.source, doc.path) == ("x1", "Title 一", "人民网", "<text>")
    assert doc.text == "项目成功，让世界看到了中国。"
    with pytest.raises(InputError, match="no text"):
        document_from_text("。。", id="x2")


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("新華社北京1月5日電，記者張三報導。中國科學院發佈了新的研究成果。", "big5"),
        ("東京で新しい研究成果が発表されました。", "shift_jis"),
    ],
)
def test_other_encodings_via_charset_normalizer(text: str, encoding: str) -> None:
    assert decode_bytes(text.encode(encoding)).text == text
