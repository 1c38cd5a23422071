"""Parallel builds (:mod:`kg.parallel`): same graph for any number of workers, and one bad
article or one dead worker loses only that article.

The workers load a small stand-in pipeline (character tokenizer, sentences and an entity ruler)
so that the tests run in seconds; the real pipeline goes through the same code path.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.builder import Builder, BuildReport
from kg.graph import vocab
from kg.ingest import iter_documents
from kg.link.linker import Linker
from kg.nlp.sentences import make_sentencizer  # noqa: F401  (registers kg_sentences)
from kg.nlp.tokenizer import CharTokenizer
from kg.parallel import DIED, build_parallel, pipeline_factory, resolve_workers
from kg.store import Store

PEOPLE = ["何苗", "康永来", "张建中", "李君强", "谷业凯"]
ORGS = ["中国科学院高能物理研究所", "天兵科技", "摩尔线程", "国家医保局"]
CRASH = "让工作进程崩溃"  # the stand-in pipeline's worker dies on this text
RAISE = "让流水线报错"  # ... and raises on this one


@Language.component("test_faults")
def faults(doc: Doc) -> Doc:
    if CRASH in doc.text:
        os.kill(os.getpid(), signal.SIGKILL)
    if RAISE in doc.text:
        raise ValueError("a component failed on this text")
    return doc


def standin_pipeline() -> Language:
    """Module-level, so that spawned worker processes can import it."""
    nlp = spacy.blank("zh")
    nlp.tokenizer = CharTokenizer(nlp.vocab)
    nlp.add_pipe("test_faults")
    nlp.add_pipe("kg_sentences")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(  # type: ignore[attr-defined]
        [{"label": "PERSON", "pattern": name} for name in PEOPLE]
        + [{"label": "ORG", "pattern": name} for name in ORGS]
    )
    return nlp


def write_corpus(
    folder: Path, articles: int, extra: dict[str, str] | None = None, prefix: str = "a"
) -> Path:
    path = folder / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for n in range(articles):
            person, org = PEOPLE[n % len(PEOPLE)], ORGS[n % len(ORGS)]
            text = f"第{n}篇。{org}研究员{person}说，新成果发布了。{PEOPLE[(n + 1) % 5]}表示祝贺。"
            text = (extra or {}).get(str(n), text)
            record = {
                "id": f"{prefix}{n:03d}",
                "text": text,
                "title": f"标题{n}",
                "authors": [person],
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def build(corpus: Path, workers: int, batch_size: int = 4) -> tuple[Store, BuildReport]:
    """``workers=1``: in-process; ``-1``: one worker process; more: that many processes."""
    store = Store(None)
    builder = Builder(
        store,
        None,
        Linker(),
        batch_size=batch_size,
        workers=workers,
        nlp_factory=standin_pipeline,
    )
    if workers == -1:
        builder.workers = 1
        return store, build_parallel(builder, iter_documents([corpus]))
    return store, builder.build_paths([corpus])


def canonical(store: Store) -> list[str]:
    return sorted(str(quad) for quad in store.quads())


def test_one_and_two_workers_and_sequential_give_the_same_graph(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path, 23)
    sequential, report = build(corpus, workers=1)
    # quads written: each article writes its entities' types and labels, which the shared
    # entity graph keeps once, so the store holds fewer than were written
    assert report.added == 23 and report.quads >= len(sequential) > 23 * 10
    one, _ = build(corpus, workers=-1, batch_size=3)
    for workers in (2, 3):
        parallel, preport = build(corpus, workers=workers, batch_size=3)
        assert preport.added == 23 and preport.quads == report.quads
        assert canonical(parallel) == canonical(sequential) == canonical(one)


def test_unchanged_articles_are_skipped_and_changed_ones_replaced(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path, 6)
    store, _ = build(corpus, workers=2)
    before = canonical(store)
    again = Builder(store, None, Linker(), workers=2, nlp_factory=standin_pipeline)
    report = again.build_paths([corpus])
    assert (report.added, report.replaced, report.unchanged) == (0, 0, 6)
    assert canonical(store) == before
    write_corpus(tmp_path, 6, extra={"2": "天兵科技换了新的说法。"})
    report = Builder(store, None, Linker(), workers=2, nlp_factory=standin_pipeline).build_paths(
        [corpus]
    )
    assert (report.added, report.replaced, report.unchanged) == (0, 1, 5)


def test_a_bad_article_and_a_dead_worker_lose_only_that_article(tmp_path: Path) -> None:
    expected, _ = build(write_corpus(tmp_path, 16), workers=1)
    corpus = write_corpus(tmp_path, 16, extra={"5": f"{RAISE}。", "9": f"何苗{CRASH}。"})
    store, report = build(corpus, workers=2)
    assert report.added == 14
    reasons = sorted(p.reason for p in report.problems)
    assert len(reasons) == 2
    assert "'a005'" in reasons[0] and "a component failed" in reasons[0]
    assert "'a009'" in reasons[1] and DIED in reasons[1]
    for n in (5, 9):  # as if the two were deleted (with the entities only they named)
        assert expected.remove_graph(vocab.article_graph(f"a{n:03d}"))
    assert canonical(store) == canonical(expected)


def test_workers_zero_means_one_per_core() -> None:
    assert resolve_workers(0) >= 1
    assert resolve_workers(3) == 3
    with pytest.raises(ValueError):
        resolve_workers(-1)


def test_a_given_pipeline_is_pickled_for_the_workers() -> None:
    factory = pipeline_factory(standin_pipeline())
    nlp = factory()
    assert [e.text for e in nlp("天兵科技的何苗").ents] == ["天兵科技", "何苗"]
