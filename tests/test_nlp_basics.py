"""The character tokenizer and the sentence splitter."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from kg.nlp.doctext import TEXT_KEY, doc_text
from kg.nlp.sentences import Sentencizer, sentence_spans
from kg.nlp.tokenizer import CharTokenizer, split_chars


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("天兵科技", ["天", "兵", "科", "技"]),
        ("鲲影R6000发布", ["鲲", "影", "R6000", "发", "布"]),
        ("增长2.68%", ["增", "长", "2.68", "%"]),
        ("GV-971药物", ["GV-971", "药", "物"]),
        ("第一段\n\n第二段", ["第", "一", "段", "\n\n", "第", "二", "段"]),
    ],
)
def test_split_chars(text: str, words: list[str]) -> None:
    assert split_chars(text)[0] == words


@pytest.mark.parametrize("text", ["a b  c", " 开头", "结尾 ", "中 文\t制表", "", "\n", "x  \n y"])
def test_tokenizer_keeps_the_text(text: str) -> None:
    nlp = spacy.blank("zh")
    doc = CharTokenizer(nlp.vocab)(text)
    assert doc.text == text
    assert doc_text(doc) == text and doc.user_data[TEXT_KEY] == text


@pytest.mark.parametrize("text", ["a b  c", "中 文\t制表", "", "R6000发布 了"])
def test_doc_text_without_our_tokenizer(text: str) -> None:
    nlp = spacy.blank("zh")
    words, spaces = split_chars(text)
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    assert TEXT_KEY not in doc.user_data
    assert doc_text(doc) == doc.text == text


def test_doc_text_ignores_a_stale_copy() -> None:
    nlp = spacy.blank("zh")
    doc = CharTokenizer(nlp.vocab)("第一句。第二句。")
    part = doc[:4].as_doc(copy_user_data=True)  # user_data still holds the whole text
    assert doc_text(part) == "第一句。"


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("第一句。第二句！第三句？", ["第一句。", "第二句！", "第三句？"]),
        ("“成果很好。”何苗说。下一句。", ["“成果很好。”何苗说。", "下一句。"]),
        ("“是。”“不是。”", ["“是。”", "“不是。”"]),
        ("标题\n正文第一句。", ["标题", "正文第一句。"]),
        ("没有句号", ["没有句号"]),
        ("  ", []),
    ],
)
def test_sentence_spans(text: str, sentences: list[str]) -> None:
    assert [text[s:e] for s, e in sentence_spans(text)] == sentences


def test_sentencizer_marks_the_doc() -> None:
    nlp = spacy.blank("zh")
    nlp.tokenizer = CharTokenizer(nlp.vocab)
    doc = Sentencizer()(nlp("第一句。第二句。"))
    assert [s.text for s in doc.sents] == ["第一句。", "第二句。"]
