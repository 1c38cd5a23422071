"""Canonical names, entity IRIs, the linker's merges and non-merges, alias tables, explain."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg.graph.build import article_quads
from kg.ingest import document_from_text
from kg.link import (
    AliasTable,
    Linker,
    alias_table_query,
    canonical_name,
    entity_iri,
    explain,
    is_ambiguous_person,
    load_alias_table,
)
from kg.link.explain import QueryFn
from kg.nlp.records import Mention
from kg.nlp.relations import Context, RelationExtractor, extract_quotes, extract_relations
from kg.nlp.sentences import Sentencizer
from kg.nlp.tokenizer import CharTokenizer

_VOCAB = Vocab()


def link(linker: Linker, text: str, ents: list[tuple[str, str]], article: str = "a1") -> dict:
    ctx = Context.from_text(text, ents)
    links = linker.link_mentions(
        text, ctx.mentions, extract_relations(ctx), extract_quotes(ctx), article
    )
    return {text[s:e] + f"@{s}": entity for (s, e), entity in links.items()}


# --- canonical names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label", "name"),
    [
        ("“悟空”号", "PROJECT", "悟空"),
        ("天问二号", "PROJECT", "天问二号"),
        ("长征五号运载火箭", "PRODUCT", "长征五号"),
        ("“天龙三号”", "PRODUCT", "天龙三号"),
        ("“千问”大模型", "PRODUCT", "千问"),
        ("商业火箭", "PRODUCT", "商业火箭"),
        ("《2025 年全球创新指数报告》", "WORK", "《2025年全球创新指数报告》"),
        ("黑神话·悟空", "WORK", "《黑神话·悟空》"),
        ("卡斯滕・芬克", "PERSON", "卡斯滕·芬克"),
        ("卡斯滕 · 芬克", "PERSON", "卡斯滕·芬克"),
        ("ＷＩＰＯ", "ORG", "WIPO"),
        ("“中国药登”", "ORG", "中国药登"),
        ("中国（新疆）", "PLACE", "中国(新疆)"),
        ("金世纪集团公司", "ORG", "金世纪集团"),
        ("集团公司", "ORG", "集团公司"),
        ("嘉媚乐公司", "ORG", "嘉媚乐"),
        ("星火科技有限公司", "ORG", "星火科技有限公司"),
        ("星火股份公司", "ORG", "星火股份公司"),
        ("中国黄金总公司", "ORG", "中国黄金总公司"),
        ("星火分公司", "ORG", "星火分公司"),
        ("北京公司", "ORG", "北京公司"),
        ("北京市公司", "ORG", "北京市公司"),
        ("美国公司", "ORG", "美国公司"),
        ("甲公司", "ORG", "甲公司"),
    ],
)
def test_canonical_name(text: str, label: str, name: str) -> None:
    assert canonical_name(text, label) == name


# --- IRIs ---------------------------------------------------------------------------------------


def test_iri_is_deterministic_and_readable() -> None:
    assert entity_iri("ORG", "中国科学院") == "https://w3id.org/kg-news/id/org/中国科学院"
    assert entity_iri("ORG", "中国科学院") == entity_iri("ORG", "中国科学院")
    assert entity_iri("PERSON", "王伟", "清华大学") == (
        "https://w3id.org/kg-news/id/person/王伟~清华大学"
    )
    assert entity_iri("WORK", "《黑神话·悟空》").endswith("/work/《黑神话·悟空》")


def test_iri_encoding() -> None:
    iri = entity_iri("PRODUCT", 'a b/c?d#e~f%g"<>')
    tail = iri.rsplit("/", 1)[1]
    assert tail == "a%20b%2Fc%3Fd%23e%7Ef%25g%22%3C%3E"
    assert entity_iri("ORG", "..").endswith("/org/%2E%2E")
    ox.NamedNode(iri)  # a valid IRI for the store
    ox.NamedNode(entity_iri("PERSON", "王伟", "中国（新疆）有限 公司"))
    with pytest.raises(ValueError):
        entity_iri("TITLE", "董事长")
    with pytest.raises(ValueError):
        entity_iri("ORG", "")


# --- linker -------------------------------------------------------------------------------------


def test_in_article_alias_and_short_person_name() -> None:
    linker = Linker()
    text = (
        "国家药品监督管理局（简称“国家药监局”）发布公告。国家药监局表示支持。"
        "世界气象组织秘书长塞莱斯特·绍洛说，“今年的气温再创新高了。”绍洛补充。"
    )
    links = link(
        linker,
        text,
        [
            ("国家药品监督管理局", "ORG"),
            ("国家药监局", "ORG"),
            ("国家药监局", "ORG"),
            ("世界气象组织", "ORG"),
            ("塞莱斯特·绍洛", "PERSON"),
            ("绍洛", "PERSON"),
        ],
    )
    agency = links["国家药品监督管理局@0"]
    assert links["国家药监局@13"].iri == links["国家药监局@25"].iri == agency.iri
    assert "国家药监局" in agency.aliases
    assert (
        links["绍洛@" + str(text.rindex("绍洛"))].iri
        == links["塞莱斯特·绍洛@" + str(text.index("塞莱斯特"))].iri
    )
    rules = {(d.mention.text, d.rule) for d in linker.decisions}
    assert ("国家药监局", "in-article-alias") in rules
    assert ("绍洛", "short-form") in rules


def test_aliases_keep_quoted_forms_not_spacing() -> None:
    links = link(
        Linker(),
        "“悟空”号卫星升空。《2025 年全球创新指数报告》和《2025年全球创新指数报告》。",
        [
            ("“悟空”号", "PROJECT"),
            ("《2025 年全球创新指数报告》", "WORK"),
            ("《2025年全球创新指数报告》", "WORK"),
        ],
    )
    wukong = links["“悟空”号@0"]
    assert wukong.label == "悟空" and wukong.aliases == frozenset({"“悟空”号"})
    report = links["《2025 年全球创新指数报告》@10"]
    assert report.label == "《2025年全球创新指数报告》" and report.aliases == frozenset()
    assert links["《2025年全球创新指数报告》@27"].iri == report.iri


def test_surname_alone_never_merges() -> None:
    links = link(
        Linker(),
        "工程师张建中介绍了进展。张说这是第一步。",
        [("张建中", "PERSON"), ("张", "PERSON")],
    )
    assert links["张@12"].iri != links["张建中@3"].iri


def test_org_short_form_and_alias_table() -> None:
    table = AliasTable()
    table.add("中科院", "中国科学院", "ORG", source="gazetteer")
    linker = Linker(table)
    links = link(
        linker,
        "星火科技有限公司发布新品。星火科技表示。中科院和中国科学院。",
        [
            ("星火科技有限公司", "ORG"),
            ("星火科技", "ORG"),
            ("中科院", "ORG"),
            ("中国科学院", "ORG"),
        ],
    )
    assert links["星火科技@13"].iri == links["星火科技有限公司@0"].iri
    assert links["中科院@20"].iri == links["中国科学院@24"].iri == entity_iri("ORG", "中国科学院")
    assert {d.rule for d in linker.decisions} >= {"short-form", "gazetteer", "same-name", "new"}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("北京市", "北京"),
        ("北京", "北京"),
        ("广东省", "广东"),
        ("深圳市", "深圳"),
        ("广西壮族自治区", "广西"),
        ("新疆维吾尔自治区", "新疆"),
        ("香港特别行政区", "香港"),
        ("中华人民共和国", "中国"),
        ("美利坚合众国", "美国"),
        # negatives: ambiguous stems, districts and counties, a suffix the stem does not take
        ("吉林省", "吉林省"),
        ("吉林市", "吉林市"),
        ("朝阳区", "朝阳区"),
        ("番禺区", "番禺区"),
        ("如东县", "如东县"),
        ("海南州", "海南州"),
        ("北京省", "北京省"),
        ("广东市", "广东市"),
        ("北京市海淀区", "北京市海淀区"),
    ],
)
def test_place_names_drop_the_official_suffix_only_when_unambiguous(text: str, name: str) -> None:
    assert canonical_name(text, "PLACE") == name
    assert canonical_name(text, "ORG") == text  # place folding is for places only


def test_place_with_and_without_suffix_is_one_entity() -> None:
    linker = Linker()
    text = "公司总部位于北京市。北京的分部。吉林省和吉林市。"
    links = link(
        linker,
        text,
        [("北京市", "PLACE"), ("北京", "PLACE"), ("吉林省", "PLACE"), ("吉林市", "PLACE")],
    )
    beijing = links["北京市@6"]
    assert links["北京@10"].iri == beijing.iri == entity_iri("PLACE", "北京")
    assert beijing.label == "北京"
    assert "北京市" in beijing.aliases
    assert links["吉林省@16"].iri != links["吉林市@20"].iri


def test_common_names_stay_apart_across_articles() -> None:
    linker = Linker()
    a = link(linker, "清华大学教授王伟介绍了成果。", [("清华大学", "ORG"), ("王伟", "PERSON")], "a")
    b = link(linker, "浙江大学教授王伟表示赞同。", [("浙江大学", "ORG"), ("王伟", "PERSON")], "b")
    c = link(linker, "清华大学研究员王伟又说。", [("清华大学", "ORG"), ("王伟", "PERSON")], "c")
    d = link(linker, "王伟参加了会议。", [("王伟", "PERSON")], "d")
    e = link(linker, "王伟参加了会议。", [("王伟", "PERSON")], "e")
    assert a["王伟@6"].iri != b["王伟@6"].iri
    assert a["王伟@6"].iri == c["王伟@7"].iri == entity_iri("PERSON", "王伟", "清华大学")
    assert d["王伟@0"].iri != e["王伟@0"].iri
    # an unambiguous name merges across articles without any organisation
    f = link(linker, "康永来介绍。", [("康永来", "PERSON")], "f")
    g = link(linker, "康永来表示。", [("康永来", "PERSON")], "g")
    assert f["康永来@0"].iri == g["康永来@0"].iri == entity_iri("PERSON", "康永来")
    assert is_ambiguous_person("王伟") and is_ambiguous_person("李娜")
    assert not is_ambiguous_person("康永来") and not is_ambiguous_person("卡斯滕·芬克")


def test_common_name_discriminated_by_the_employer_as_linked() -> None:
    """An employer named by the article's own alias (自动化所) is the same employer as its full
    name in another article: one person, not two."""
    linker = Linker()
    a = link(
        linker,
        "星海科学院自动化研究所（以下简称“自动化所”）发布成果。自动化所所长徐波介绍了进展。",
        [
            ("星海科学院自动化研究所", "ORG"),
            ("自动化所", "ORG"),
            ("自动化所", "ORG"),
            ("徐波", "PERSON"),
        ],
        "a",
    )
    b = link(
        linker,
        "星海科学院自动化研究所所长徐波出席论坛。",
        [("星海科学院自动化研究所", "ORG"), ("徐波", "PERSON")],
        "b",
    )
    person_a = next(e for k, e in a.items() if k.startswith("徐波@"))
    assert (
        person_a.iri == b["徐波@13"].iri == entity_iri("PERSON", "徐波", "星海科学院自动化研究所")
    )


def test_link_doc_covers_ents_and_relation_parts() -> None:
    text = "北京大学法学院教授易明说。"
    doc = Sentencizer()(CharTokenizer(_VOCAB)(text))
    doc.ents = [doc.char_span(0, 7, label="ORG"), doc.char_span(9, 11, label="PERSON")]
    doc = RelationExtractor()(doc)
    assert isinstance(doc, Doc)
    links = Linker().link(doc)
    assert {(0, 7), (9, 11), (0, 4)} <= set(links)
    assert links[(0, 4)].label == "北京大学" and links[(0, 4)].type == "ORG"


def test_entity_for_names_outside_ents() -> None:
    table = AliasTable()
    table.add("人民网", "人民网", "ORG")
    entity = Linker(table).entity_for("谷业凯", "PERSON")
    assert entity.iri == entity_iri("PERSON", "谷业凯") and entity.label == "谷业凯"


# --- alias tables -------------------------------------------------------------------------------


def _store() -> ox.Store:
    store = ox.Store()
    graph = ox.NamedNode("https://w3id.org/kg-news/graph/x")
    node = ox.NamedNode(entity_iri("PROJECT", "中国药品价格登记系统"))
    for p, o in (
        (
            "http://www.w3.org/2000/01/rdf-schema#label",
            ox.Literal("中国药品价格登记系统", language="zh"),
        ),
        ("http://schema.org/alternateName", ox.Literal("中国药登", language="zh")),
        (
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
            ox.NamedNode("http://schema.org/Project"),
        ),
    ):
        store.add(ox.Quad(node, ox.NamedNode(p), o, graph))
    evidence = ox.NamedNode("https://w3id.org/kg-news/article/1/evidence/1")
    kg = "https://w3id.org/kg-news/ontology#"
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    for p, o in (
        (rdf + "type", ox.NamedNode(kg + "Evidence")),
        (rdf + "subject", node),
        (rdf + "predicate", ox.NamedNode("http://schema.org/alternateName")),
        (rdf + "object", ox.Literal("中国药登", language="zh")),
        (kg + "sentence", ox.Literal("中国药品价格登记系统(简称“中国药登”)上线。")),
        (kg + "extractor", ox.Literal("rule:alias/abbreviation")),
    ):
        store.add(ox.Quad(evidence, ox.NamedNode(p), o, graph))
    return store


def test_alias_table_from_store_and_gazetteer(tmp_path: Path) -> None:
    store = _store()

    def query(sparql: str) -> ox.QuerySolutions:
        return store.query(sparql, use_default_graph_as_union=True)

    gazetteer = tmp_path / "gazetteer.tsv"
    gazetteer.write_text(
        "name\tlabel\taliases\tnote\n中国科学院\tORG\t中科院|中国科学院\t\n"
        "天问{N}号\tPROJECT\t\t\n",
        encoding="utf-8",
    )
    table = load_alias_table(query, gazetteer)
    entry = table.lookup("中国药登", "PROJECT")
    assert entry is not None and entry.label == "中国药品价格登记系统"
    assert entry.iri == entity_iri("PROJECT", "中国药品价格登记系统")
    assert table.lookup("中科院", "ORG") is not None
    assert table.lookup("中科院", "PLACE") is None
    assert "?alt" in alias_table_query()
    links = link(Linker(table), "中国药登上线了。", [("中国药登", "PROJECT")])
    assert links["中国药登@0"].label == "中国药品价格登记系统"


def test_ambiguous_alias_is_dropped() -> None:
    table = AliasTable()
    table.add("华科", "华中科技大学", "ORG")
    table.add("华科", "华南理工大学", "ORG")
    assert table.lookup("华科", "ORG") is None and ("ORG", "华科") in table.ambiguous


def test_shipped_gazetteer_merges_cas() -> None:
    table = load_alias_table()
    if not len(table):
        pytest.skip("no gazetteer shipped yet")
    entry = table.lookup("中科院", "ORG")
    assert entry is not None and entry.label == "中国科学院"


def _alias_article(nlp: Language, doc_id: str) -> list[ox.Quad]:
    """The quads of an article that says 中国药登 is short for 中国药品价格登记系统."""
    text = "中国药品价格登记系统（简称“中国药登”）上线。中国药登运行平稳。"
    doc = nlp(text)
    doc.ents = [doc.char_span(0, 10, "PROJECT"), doc.char_span(23, 27, "PROJECT")]
    doc = RelationExtractor()(doc)
    linker = Linker()
    links = linker.link(doc)
    document = document_from_text(text, id=doc_id)
    return article_quads(document, doc, links, linker.entity_for, linker.decisions)


def test_explain_reads_the_recorded_decisions(blank_nlp: Language) -> None:
    from kg.api import KnowledgeGraph
    from kg.link.explain import store_query

    graph = KnowledgeGraph(None, nlp=blank_nlp)
    graph.store.add(_alias_article(blank_nlp, "d1"))
    answer = explain("中国药登", store_query(graph.store))
    (entity,) = answer.entities
    assert entity.labels == ("中国药品价格登记系统",) and entity.types == ("PROJECT",)
    assert {(d.mention.text, d.rule) for d in entity.decisions} >= {
        ("中国药登", "in-article-alias")
    }
    assert "中国药登" in answer.format() and "中国药登" in answer.to_json()
    assert str(answer) == answer.format()
    assert explain("无此实体", store_query(graph.store)).entities == ()
    person = entity_iri("PERSON", "王伟", "清华大学")
    no_rows: QueryFn = lambda sparql, bindings: []  # noqa: E731
    assert "清华大学" in " ".join(explain(person, no_rows).entities[0].reasons)


def test_mentions_sorted_and_unique() -> None:
    linker = Linker()
    out = linker.link_mentions("天问二号升空。", [Mention("天问二号", "PROJECT", 0, 4)] * 2)
    assert list(out) == [(0, 4)] and len(linker.decisions) == 1


def test_linker_pickles_for_worker_processes() -> None:
    import pickle

    table = AliasTable()
    table.add("中科院", "中国科学院", "ORG")
    linker = pickle.loads(pickle.dumps(Linker(table)))
    links = link(linker, "中科院发布报告。", [("中科院", "ORG")])
    assert links["中科院@0"].iri == entity_iri("ORG", "中国科学院")


def test_cached_alias_table_learns_each_written_article(blank_nlp: Language) -> None:
    """add_text does not re-read the store's aliases: it adds those of the article it wrote."""
    from kg.api import KnowledgeGraph
    from kg.graph import vocab

    graph = KnowledgeGraph(None, nlp=blank_nlp)
    linker = graph._linker()
    assert graph._linker() is linker  # read once, then cached
    graph.store.replace_graph(vocab.article_graph("d1"), _alias_article(blank_nlp, "d1"))
    assert linker.alias_table.lookup("中国药登", "PROJECT") is None
    graph._learn_aliases(vocab.article_graph("d1"))
    learned = linker.alias_table.lookup("中国药登", "PROJECT")
    assert learned is not None and learned == load_alias_table(graph.store.select).lookup(
        "中国药登", "PROJECT"
    )
    assert graph.remove("d1") is True
    assert graph._linker() is not linker  # a removal may take aliases away: read them again
    assert graph._linker().alias_table.lookup("中国药登", "PROJECT") is None
