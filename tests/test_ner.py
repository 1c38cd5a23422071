"""Tests of the character-level NER model (kg/nlp/ner) and its training code (kg/train)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from spacy.language import Language

from kg.errors import ModelError
from kg.nlp import load_pipeline
from kg.nlp.ner.model import CRF, bio_tags
from kg.nlp.ner.predictor import SHIPPED_MODELS, NerModel, model_path, path_spans
from kg.nlp.ner.text import Lexicon, chunk_bounds, feature_chars, split_sentences
from kg.train.corpora import parse_cluener_line, parse_msra_line


@pytest.fixture(scope="module", params=sorted(SHIPPED_MODELS))
def model(request: pytest.FixtureRequest) -> NerModel:
    """Each shipped model: the tests below hold for the fast one too."""
    return NerModel.load(request.param)


def ents_of(model: NerModel, text: str) -> set[tuple[str, str]]:
    (spans,) = model.predict([text])
    return {(text[s:e], label) for s, e, label in spans}


# ------------------------------------------------------------------ shipped model
def test_shipped_model_labels(model: NerModel) -> None:
    assert set(model.labels) == {"PERSON", "ORG", "PLACE", "WORK", "TITLE"}


def test_shipped_models_have_cards_and_fit_in_50_mb() -> None:
    folders = [model_path(name) for name in SHIPPED_MODELS]
    assert folders[0].parent == Path(__file__).resolve().parents[1] / "kg" / "nlp" / "ner"
    assert all((folder / "MODEL_CARD.md").is_file() for folder in folders)
    size = sum(p.stat().st_size for folder in folders for p in folder.iterdir())
    assert size <= 50 * 1024 * 1024


def test_model_names_and_directories(tmp_path: Path) -> None:
    assert model_path(None) == model_path("accurate") != model_path("fast")
    assert model_path(str(tmp_path)) == tmp_path
    nlp = load_pipeline(ner_model="fast", exclude=["kg_relations"])
    assert nlp.get_pipe("kg_ner").model.net.cfg.encoder == "cnn"
    with pytest.raises(ModelError, match="incomplete"):
        load_pipeline(ner_model=str(tmp_path))


def test_missing_model_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"python -m kg\.train ner"):
        NerModel.load(tmp_path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "中国科学院高能物理研究所研究员王建国在会上作了报告。",
            {("中国科学院高能物理研究所", "ORG"), ("研究员", "TITLE"), ("王建国", "PERSON")},
        ),
        (
            "据法新社报道，德国总理安格拉·默克尔当天抵达巴黎。",
            {("安格拉·默克尔", "PERSON"), ("巴黎", "PLACE")},
        ),
        (
            "阿里巴巴集团董事长张勇表示，公司将继续投资云计算。",
            {("阿里巴巴集团", "ORG"), ("董事长", "TITLE"), ("张勇", "PERSON")},
        ),
        ("他最近读完了《百年孤独》。", {("《百年孤独》", "WORK")}),
        (
            "该公司首席执行官李明说，新工厂将建在江苏省苏州市。",
            {("首席执行官", "TITLE"), ("李明", "PERSON")},
        ),
    ],
)
def test_hand_written_sentences(model: NerModel, text: str, expected: set) -> None:
    assert expected <= ents_of(model, text)


def test_works_in_title_marks_win_in_the_pipeline(nlp: Language) -> None:
    # the model's msra head may tag 地球 inside 《流浪地球》 as a place; kg_entity_rules makes the
    # whole title a WORK
    doc = nlp("他最近读完了《百年孤独》，又去看了电影《流浪地球》。")
    assert {("《百年孤独》", "WORK"), ("《流浪地球》", "WORK")} <= {
        (e.text, e.label_) for e in doc.ents
    }


def test_places_are_found(model: NerModel) -> None:
    found = ents_of(model, "代表团从北京出发，经莫斯科前往阿布扎比参加会议。")
    assert {("北京", "PLACE"), ("莫斯科", "PLACE"), ("阿布扎比", "PLACE")} <= found


def test_half_and_full_width_digits_give_the_same_spans(model: NerModel) -> None:
    half = "2025年，清华大学教授张明发表了论文。"
    full = "２０２５年，清华大学教授张明发表了论文。"
    assert model.predict([half]) == model.predict([full])


def test_long_text_is_split_and_offsets_stay_right(model: NerModel) -> None:
    sentence = "国家航天局局长张克俭在北京宣布了这一消息。"
    text = sentence * 30
    (spans,) = model.predict([text])
    persons = [(s, e) for s, e, label in spans if label == "PERSON"]
    assert len(persons) == 30
    assert all(text[s:e] == "张克俭" for s, e in persons)


# ------------------------------------------------------------------ spaCy component
def test_component_writes_ents_and_titles_and_round_trips(tmp_path: Path) -> None:
    import spacy

    import kg.nlp.ner.component  # noqa: F401

    nlp = spacy.blank("zh")
    nlp.add_pipe("kg_ner")
    nlp.initialize()
    text = "北京大学校长龚旗煌出席了会议。"
    doc = nlp(text)
    assert ("北京大学", "ORG") in {(e.text, e.label_) for e in doc.ents}
    assert ("龚旗煌", "PERSON") in {(e.text, e.label_) for e in doc.ents}
    assert [(s.text, s.label_) for s in doc.spans["titles"]] == [("校长", "TITLE")]
    piped = list(nlp.pipe([text, "没有实体。"]))
    assert [(e.text, e.label_) for e in piped[0].ents] == [(e.text, e.label_) for e in doc.ents]
    assert list(piped[1].ents) == []
    nlp.to_disk(tmp_path / "pipeline")
    reloaded = spacy.load(tmp_path / "pipeline")
    assert [(e.text, e.label_) for e in reloaded(text).ents] == [
        (e.text, e.label_) for e in doc.ents
    ]


@pytest.mark.parametrize("threads", [1, 2])
def test_component_sets_torch_threads(threads: int) -> None:
    import spacy

    import kg.nlp.ner.component  # noqa: F401

    previous = torch.get_num_threads()
    try:
        torch.set_num_threads(3)
        nlp = spacy.blank("zh")
        nlp.add_pipe("kg_ner", config={"threads": threads})
        nlp("北京大学校长龚旗煌出席了会议。")
        assert torch.get_num_threads() == threads
    finally:
        torch.set_num_threads(previous)


# ------------------------------------------------------------------ pieces
def test_crf_matches_brute_force() -> None:
    torch.manual_seed(0)
    tags = bio_tags(["A"])
    crf = CRF(tags)
    with torch.no_grad():
        crf.transitions.normal_()
        crf.start.normal_()
        crf.end.normal_()
    emissions = torch.randn(1, 4, len(tags))

    def path_score(path: tuple[int, ...]) -> torch.Tensor:
        trans, start = crf._scores()
        score = start[path[0]] + emissions[0, 0, path[0]] + crf.end[path[-1]]
        for t in range(1, len(path)):
            score = score + trans[path[t - 1], path[t]] + emissions[0, t, path[t]]
        return score

    paths = list(itertools.product(range(len(tags)), repeat=4))
    scores = torch.stack([path_score(p) for p in paths])
    gold = (1, 2, 0, 1)
    nll = crf.nll(emissions, torch.tensor([gold]), torch.ones(1, 4, dtype=torch.bool))
    expected = torch.logsumexp(scores, 0) - path_score(gold)
    # forbidden paths carry a -1e4 penalty, which keeps them out of the sum in both computations
    assert torch.allclose(nll[0], expected, atol=1e-4)
    best = paths[int(scores.argmax())]
    assert crf.decode(emissions, [4])[0, :4].tolist() == list(best)
    # a shorter sequence in a padded batch decodes the same as alone
    padded = torch.cat([emissions, torch.randn(1, 4, len(tags))], dim=1)
    assert crf.decode(padded, [4])[0, :4].tolist() == list(best)


def _spans_by_loop(tags: list[str]) -> list[tuple[int, int, str]]:
    """The definition, one tag at a time: B- or a stray I- starts a span."""
    spans, start, label = [], -1, ""
    for i, tag in enumerate([*tags, "O"]):
        if tag == "O" or tag.startswith("B-") or tag[2:] != label:
            if label:
                spans.append((start, i, label))
            start, label = (i, tag[2:]) if tag != "O" else (-1, "")
    return spans


def test_path_spans() -> None:
    tags = bio_tags(["PERSON", "ORG", "PLACE"])
    path = [tags.index(t) for t in ["B-PERSON", "I-PERSON", "O", "B-ORG", "B-ORG", "I-PLACE"]]
    spans = [(s, e, ["PERSON", "ORG", "PLACE"][k]) for s, e, k in path_spans(np.array(path))]
    assert spans == [(0, 2, "PERSON"), (3, 4, "ORG"), (4, 5, "ORG"), (5, 6, "PLACE")]


@pytest.mark.parametrize("seed", range(5))
def test_path_spans_matches_the_loop(seed: int) -> None:
    labels = ["PERSON", "ORG", "PLACE", "WORK", "TITLE"]
    tags = bio_tags(labels)
    rng = np.random.default_rng(seed)
    for length in (1, 2, 7, 60):
        path = rng.integers(0, len(tags), size=length)
        found = [(s, e, labels[k]) for s, e, k in path_spans(path)]
        assert found == _spans_by_loop([tags[t] for t in path])


def test_folding_keeps_length() -> None:
    text = "ＡＢＣ１２３　·・x"
    assert feature_chars(text) == list("abc000 ··x")


def test_chunks_never_cut_forbidden_ranges() -> None:
    text = "甲乙丙丁戊己庚辛壬癸" * 5
    bounds = chunk_bounds(text, 7, [(5, 12), (20, 30)])
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))
    cuts = {end for _, end in bounds[:-1]}
    assert not cuts & (set(range(6, 12)) | set(range(21, 30)))


def test_split_sentences_at_sentence_ends() -> None:
    text = "第一句。第二句！“第三句。”第四句"
    pieces = [text[s:e] for s, e in split_sentences(text, 100)]
    assert pieces == ["第一句。", "第二句！", "“第三句。”", "第四句"]


def test_lexicon_features() -> None:
    lex = Lexicon(["北京", "北京大学", "大学"])
    feats = lex.features(list("在北京大学"))
    # 北: begins a 4-char word; 大: begins 大学, ends nothing, inside 北京大学
    assert feats[0] == 0
    assert feats[1] == (4 * 6 + 0) * 2 + 0
    assert feats[3] == (2 * 6 + 0) * 2 + 1
    assert feats[4] == (0 * 6 + 4) * 2 + 0


def reference_features(
    words: set[str], chars: list[str], cid: dict[str, int], bid: dict[str, int]
) -> tuple[list[int], list[int], list[int]]:
    """The feature definitions, written out character by character (the test's oracle)."""
    n = len(chars)
    begin, end, inside = [0] * n, [0] * n, [0] * n
    for i in range(n):
        for j in range(i + 2, min(n, i + 8) + 1):
            if "".join(chars[i:j]) in words:
                begin[i] = max(begin[i], min(j - i, 5))
                end[j - 1] = max(end[j - 1], min(j - i, 5))
                for k in range(i + 1, j - 1):
                    inside[k] = 1
    bigrams = [a + b for a, b in zip(chars, [*chars[1:], "</s>"], strict=True)]
    return (
        [cid.get(c, 1) for c in chars],
        [bid.get(b, 1) for b in bigrams],
        [(b * 6 + e) * 2 + m for b, e, m in zip(begin, end, inside, strict=True)],
    )


@pytest.mark.parametrize(
    "texts",
    [
        ["中国科学院高能物理研究所研究员何苗说，江门中微子实验位于广东。", "北京大学", "京"],
        ["ＡＢＣ１２３・北京 大学\u3000abc", "“天问二号”探测器", "𠮷野家的中华人民共和国"],
    ],
)
def test_batched_features_match_the_definition(model: NerModel, texts: list[str]) -> None:
    chars, bigrams, lex, lengths = model.featurizer.batch(texts)
    char_ids = {c: i for i, c in enumerate(model.vocab.chars)}
    bigram_ids = {b: i for i, b in enumerate(model.vocab.bigrams)}
    assert lengths.tolist() == [len(t) for t in texts]
    for row, text in enumerate(texts):
        folded = feature_chars(text)
        expected = reference_features(model.lexicon.words, folded, char_ids, bigram_ids)
        n = len(text)
        assert chars[row, :n].tolist() == expected[0]
        assert bigrams[row, :n].tolist() == expected[1]
        assert lex[row, :n].tolist() == expected[2]
        assert not chars[row, n:].any() and not lex[row, n:].any()  # padding


def test_corpus_parsers() -> None:
    msra = parse_msra_line("中共中央/nt 致/o 邓小平/nr 在/o 京/ns 的贺词/o ")
    assert msra.text == "中共中央致邓小平在京的贺词"
    assert [(msra.text[s:e], label) for s, e, label in msra.spans] == [
        ("中共中央", "ORG"),
        ("邓小平", "PERSON"),
        ("京", "PLACE"),
    ]
    row = {
        "text": "浙商银行叶老桂博士",
        "label": {"name": {"叶老桂": [[4, 6]]}, "company": {"浙商银行": [[0, 3]]}},
    }
    cluener = parse_cluener_line(json.dumps(row, ensure_ascii=False))
    assert [(cluener.text[s:e], label) for s, e, label in cluener.spans] == [
        ("浙商银行", "ORG"),
        ("叶老桂", "PERSON"),
    ]


# ------------------------------------------------------------------ training smoke test
def test_training_runs_on_a_tiny_corpus(tmp_path: Path) -> None:
    from kg.train.evaluate import evaluate_ner
    from kg.train.ner import load_config, train_ner, transfer

    corpora = tmp_path / "corpora"
    (corpora / "msra_ner").mkdir(parents=True)
    (corpora / "cluener2020").mkdir()
    msra_lines = [
        f"{name}/nr 访问/o {place}/ns 。/o"
        for name in ("张三", "李四", "王五")
        for place in ("北京", "上海", "广州", "深圳")
    ]
    (corpora / "msra_ner" / "train.txt").write_text("\n".join(msra_lines) + "\n", "utf-8")
    (corpora / "msra_ner" / "test_with_label.txt").write_text(msra_lines[0] + "\n", "utf-8")
    rows = [
        {
            "text": f"{org}董事长{name}",
            "label": {"company": {org: [[0, 1]]}, "position": {"董事长": [[2, 4]]}},
        }
        for org in ("腾讯", "华为")
        for name in ("赵六", "钱七")
    ]
    (corpora / "cluener2020" / "train.json").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8"
    )
    config = load_config(
        None,
        {
            "training.max_steps": 2,
            "training.eval_every": 1,
            "training.ema_decay": 0.9,
            "training.batch_size": 4,
            "model.hidden": 8,
            "model.char_dim": 8,
            "model.bigram_dim": 4,
            "model.lex_dim": 4,
            "embeddings.pretrain": False,
            "embeddings.char_min_count": 1,
            "embeddings.bigram_min_count": 1,
            "lexicon.min_freq": 100000,
        },
    )
    out = tmp_path / "model"
    trained = train_ner(config, out, corpora_dir=corpora, cache_dir=tmp_path / "cache")
    assert {p.name for p in out.iterdir()} >= {"config.json", "vocab.json", "weights.pt"}
    assert len(trained.meta["evaluations"]) == 2
    assert all("averaged_dev_f1" in e for e in trained.meta["evaluations"])
    assert isinstance(trained.meta["best_averaged"], bool)
    assert trained.net.cfg.hidden == 8
    report = evaluate_ner("msra:test", model_dir=out, corpora_dir=corpora)
    assert set(report.types) == {"PERSON", "ORG", "PLACE"}
    assert report.chars == len("张三访问北京。")
    # a fast model: another encoder, continued from this model's embeddings
    cnn = {"encoder": "cnn", "hidden": 6, "cnn_dilations": [1], "dropout": 0.1}
    moved = transfer(trained.net, cnn)
    assert (moved.cfg.encoder, moved.cfg.hidden, moved.cfg.dropout) == ("cnn", 6, 0.1)
    assert torch.equal(moved.char_emb.weight, trained.net.char_emb.weight)
    assert transfer(trained.net, {"encoder": "lstm", "hidden": 8}) is trained.net
    overrides = {**config, "model": {**config["model"], **cnn}}
    fast = train_ner(overrides, tmp_path / "fast", corpora_dir=corpora, init_from=out)
    assert fast.net.cfg.encoder == "cnn" and fast.meta["init_from"] == trained.meta


def test_embedding_pretraining_is_cached(tmp_path: Path) -> None:
    pytest.importorskip("gensim")
    from kg.train.embeddings import EmbeddingSettings, pretrain

    seqs = [list("北京大学的学生"), list("清华大学的老师")] * 20
    settings = EmbeddingSettings("char", dim=8, min_count=1, epochs=1)
    first = pretrain(seqs, settings, tmp_path)
    assert set(first) == set("北京大学的生清华老师")
    assert len(list(tmp_path.glob("w2v-char-*.npz"))) == 1
    again = pretrain(seqs, settings, tmp_path)
    assert all((first[k] == again[k]).all() for k in first)


def test_weight_average_follows_the_weights_and_swaps_back() -> None:
    from kg.train.ner import WeightAverage

    net = torch.nn.Linear(2, 1, bias=False)
    with torch.no_grad():
        net.weight.fill_(1.0)
    average = WeightAverage(net, 0.5)
    with torch.no_grad():
        net.weight.fill_(3.0)
    average.update(net)  # 0.5 * 1 + 0.5 * 3
    with average.swapped_in(net):
        assert torch.allclose(net.weight, torch.full((1, 2), 2.0))
    assert torch.allclose(net.weight, torch.full((1, 2), 3.0))
    assert not WeightAverage(net, 0.0).enabled
