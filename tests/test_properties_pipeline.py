"""Property-based tests of the build: for arbitrary Chinese-ish text, building through the API
never crashes, and every offset the graph stores lies within the original text and points at
what the graph says is there.

The pipeline is model-free (tokenizer, sentences, entity rules, relation rules) so that the
generated texts do produce entities, relations, evidence and quotations quickly. The text mixes
CJK ideographs, names and titles the rules know, Chinese and ASCII punctuation, full-width
letters and digits (which ingest folds), quotes, spaces and line breaks (which it rejoins).
"""

from __future__ import annotations

import itertools
import unicodedata

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from spacy.language import Language

from kg.api import KnowledgeGraph
from kg.errors import InputError

ORGS = ["中国科学院高能物理研究所", "天兵科技", "北京大学", "清华大学", "中国科学院", "华为公司"]
PEOPLE = ["何苗", "康永来", "张三", "李四", "王小明"]
TITLES = ["研究员", "董事长", "教授", "首席执行官", "院长", "副总经理"]
GLUE = [
    "说",
    "表示",
    "介绍",
    "是",
    "的",
    "在",
    "担任",
    "创办了",
    "位于北京",
    "成立于2015年",
    "（",
    "）",
]
PUNCTUATION = list("。，、；：！？“”‘’《》（）——……") + list(".,;:!?\"'()")

fragments = st.one_of(
    st.sampled_from(ORGS),
    st.sampled_from(PEOPLE),
    st.sampled_from(TITLES),
    st.sampled_from(GLUE),
    st.sampled_from(PUNCTUATION),
    st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=6),
    st.text(alphabet="ＡＢＣａｂｃ０１２３ＧＶ－９７１", min_size=1, max_size=5),  # full width
    st.text(alphabet="ABCxyz0123.-_", min_size=1, max_size=6),
    st.sampled_from([" ", "  ", "\n", "\n\n", "\r\n", "\t", "\u3000", "\u00a0"]),
    st.text(max_size=3),  # anything at all, now and then
)
noise = st.lists(fragments, max_size=30).map("".join)
#: Sentences the rules turn into relations, evidence and quotations.
SEEDS = [
    "中国科学院高能物理研究所研究员何苗说，“进展顺利。”",
    "天兵科技董事长康永来介绍了新火箭。",
    "清华大学教授李四表示，研究取得突破。",
]
texts = st.one_of(
    st.lists(fragments, min_size=1, max_size=60).map("".join),
    st.tuples(noise, st.sampled_from(SEEDS), noise, st.sampled_from(SEEDS), noise).map("".join),
)

_ids = itertools.count()


@pytest.fixture(scope="module")
def rules_nlp(blank_nlp: Language) -> Language:
    """The stand-in pipeline plus the entity and relation rules (no trained model)."""
    import spacy

    from kg.nlp import register_components
    from kg.nlp.tokenizer import CharTokenizer

    register_components()
    nlp = spacy.blank("zh")
    nlp.tokenizer = CharTokenizer(nlp.vocab)
    for name in ("kg_sentences", "kg_entity_rules", "kg_relations"):
        nlp.add_pipe(name)
    nlp.initialize()
    return nlp


@pytest.fixture(scope="module")
def graph(rules_nlp: Language) -> KnowledgeGraph:
    return KnowledgeGraph(None, nlp=rules_nlp)


def squash(text: str) -> str:
    """Compare texts the way ingest may change them: NFKC, whitespace dropped."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def is_subsequence(needle: str, haystack: str) -> bool:
    rest = iter(haystack)
    return all(ch in rest for ch in needle)


OFFSETS = """
SELECT ?node ?start ?end ?text WHERE {
  GRAPH ?g {
    ?node kg:startChar ?start ; kg:endChar ?end .
    OPTIONAL { ?node kg:sentence ?text }
    OPTIONAL { ?node <http://schema.org/text> ?text }
  }
} """


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=texts)
def test_building_any_text_never_crashes_and_offsets_stay_inside(
    graph: KnowledgeGraph, text: str
) -> None:
    doc_id = f"p{next(_ids)}"
    try:
        graph.add_text(text, id=doc_id)
    except InputError as error:  # nothing to read: refused with a message, not a crash
        assert "no text" in str(error)
        assert not any(ch.isalnum() for ch in text)
        return
    from kg.graph import vocab

    article_graph = vocab.article_graph(doc_id)
    rows = graph.store.query(OFFSETS, named_graphs=[article_graph], union=False)
    found = 0
    for row in rows:
        start, end = int(row["start"].value), int(row["end"].value)  # type: ignore[index]
        assert 0 <= start <= end <= len(text), (start, end, len(text))
        said = row["text"]  # type: ignore[index]
        if said is not None:  # evidence and quotations: the span holds the stated text
            event("evidence or quotation offsets checked")
            stated, span = squash(said.value), squash(text[start:end])
            # ingest may drop characters (controls, zero-width) but never adds any
            assert is_subsequence(stated, span), (said.value, text[start:end])
            if stated:
                assert span[:1] == stated[:1] and span[-1:] == stated[-1:], (said.value, span)
        found += 1
    assert found >= 1  # at least the article's own span
    graph.remove(doc_id)


def test_the_generator_reaches_relations(graph: KnowledgeGraph) -> None:
    """Not a property: shows the texts above can produce evidence, so the offsets checked above
    include evidence and quotation offsets, not only the article's."""
    report = graph.add_text(
        "天兵科技董事长康永来介绍了新火箭。中国科学院高能物理研究所研究员何苗说，“进展顺利。”",
        id="reach",
    )
    assert report.quads > 0
    rows = list(graph.query("SELECT ?e WHERE { ?e a kg:Evidence }"))
    assert rows, "the rule pipeline produced no evidence: the property would check little"
    graph.remove("reach")
