"""Bad input end to end: every good document is built, every bad one is named with its reason.

One corpus folder mixes good files (UTF-8, GBK, GB18030, UTF-16 with and without BOM, UTF-8 with
BOM, HTML with scripts and styles, good JSONL lines) with bad ones (a binary file, an empty file,
a file that is only punctuation, JSONL lines that are malformed, lack ``text``, have a non-string
``text`` or repeat an id). ``kg build`` must build the good ones, name each bad one with the
reason on stderr and exit with 3; ``--strict`` must stop at the first problem with exit 4.

The build runs in-process through click's runner with the fast stand-in pipeline (tokenizer and
sentences, no model); one test runs the real ``kg build`` in a subprocess with the real pipeline.
Files without line breaks: the ingest layer reads 50 MB of them; the build gets smaller ones.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from spacy.language import Language

from kg.cli import cli
from kg.ingest import Document, Problem, iter_documents
from kg.store import Store

A = (
    "天兵科技董事长康永来介绍了新火箭。"
    "中国科学院高能物理研究所研究员何苗说，江门中微子实验发布了首个物理成果。"
)
B = "北京大学教授张三在会上发言。他表示，新型材料的研究取得了重要进展。"
RARE = "𠀀字只在GB18030里有。"  # U+20000: outside GBK, inside GB18030

GOOD = {
    # document id: (file, text that must be read exactly, title)
    "good_utf8#1": ("good_utf8.txt", A, "标题一"),
    "gbk#1": ("gbk.txt", B, "GBK编码的文章"),
    "gb18030#1": ("gb18030.txt", A + RARE, "一篇GB18030文章"),
    "utf16#1": ("utf16.txt", B, "UTF16文章"),
    "utf16le_nobom#1": ("utf16le_nobom.txt", A, "无BOM的UTF16文章"),
    "bom#1": ("bom.txt", B, "带BOM的文章"),
    "page#1": ("page.html", B, "网页文章"),
    "j1": ("records.jsonl", A, None),
    "j7": ("records.jsonl", B, "好的第二条"),
}
BAD = {
    # what stderr names: a fragment of the reason
    "binary.txt": "binary",
    "empty.txt": "empty",
    "punct.txt": "no text",
    "records.jsonl:2": "not valid JSON (Unterminated string starting at column 22)",
    "records.jsonl:3": "'text' is missing",
    "records.jsonl:4": "not a string",
    "records.jsonl:5": "not a string",
    "records.jsonl:6": "duplicate document id 'j1'",
    "records.jsonl:7": "no text",
    "records.jsonl:8": "JSON object",
}
#: Seconds a stand-in build of one 33,000-character line may take (the start-up is ~5 s of it).
BUILD_LIMIT_S = 30
SCRIPT_WORDS = ("脚本", "样式", "alert", "document.write", "color:red")


def make_corpus(root: Path) -> Path:
    """The mixed corpus of the module docstring, in ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "good_utf8.txt").write_text(f"标题一\n\n{A}\n", encoding="utf-8")
    (root / "gbk.txt").write_bytes(f"GBK编码的文章\n\n{B}\n".encode("gbk"))
    (root / "gb18030.txt").write_bytes(f"一篇GB18030文章\n\n{A}{RARE}\n".encode("gb18030"))
    (root / "utf16.txt").write_bytes(f"UTF16文章\n\n{B}\n".encode("utf-16"))  # with BOM
    (root / "utf16le_nobom.txt").write_bytes(f"无BOM的UTF16文章\n\n{A}\n".encode("utf-16-le"))
    (root / "bom.txt").write_bytes(f"带BOM的文章\n\n{B}\n".encode("utf-8-sig"))
    (root / "binary.txt").write_bytes(bytes(range(256)) * 40 + b"\x89PNG\r\n\x1a\n\x00\x00")
    (root / "empty.txt").write_bytes(b"")
    (root / "punct.txt").write_text("。，！？……——“”《》、；：\n\n！！！\n", encoding="utf-8")
    (root / "page.html").write_text(
        "<html><head><title>网页标题</title>"
        "<style>body{color:red} .x:after{content:'样式里的字'}</style>"
        "<script>var s='脚本里的中文'; document.write('<p>脚本写入</p>')</script></head>"
        f"<body><h1>网页文章</h1><p>{B}</p><script>alert('脚本二')</script></body></html>",
        encoding="utf-8",
    )
    lines = [
        json.dumps({"id": "j1", "text": A}, ensure_ascii=False),
        '{"id": "j2", "text": "未闭合',
        json.dumps({"id": "j3", "title": "没有正文"}, ensure_ascii=False),
        json.dumps({"id": "j4", "text": 12345}),
        json.dumps({"id": "j5", "text": ["列表"]}, ensure_ascii=False),
        json.dumps({"id": "j1", "text": B}, ensure_ascii=False),
        json.dumps({"id": "j6", "text": "。。。！！"}, ensure_ascii=False),
        "[1, 2, 3]",
        "",
        json.dumps({"id": "j7", "text": B, "title": "好的第二条"}, ensure_ascii=False),
    ]
    (root / "records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def no_line_breaks(path: Path, size_bytes: int) -> Path:
    """A file of Chinese sentences and no line break at all, about ``size_bytes`` long."""
    unit = A.encode("utf-8")
    with path.open("wb") as out:
        for _ in range(size_bytes // len(unit)):
            out.write(unit)
    return path


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return make_corpus(tmp_path / "corpus")


@pytest.fixture
def stand_in(monkeypatch: pytest.MonkeyPatch, blank_nlp: Language) -> Language:
    """Make every ``KnowledgeGraph`` (and so ``kg build``) use the fast stand-in pipeline."""
    from kg.api import KnowledgeGraph

    monkeypatch.setattr(KnowledgeGraph, "nlp", property(lambda self: blank_nlp))
    return blank_nlp


@dataclass(frozen=True)
class Outcome:
    """What ``kg build`` printed and returned (the click ``Result`` is dropped: its traceback
    would keep the build's store, and so its write lock, alive)."""

    exit_code: int
    stdout: str
    stderr: str
    exception: str | None

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def kg_build(*args: str) -> Outcome:
    """``kg build --quiet ARGS`` in this process (with whatever pipeline the test patched in)."""
    result = CliRunner().invoke(cli, ["build", "--quiet", *args], catch_exceptions=True)
    exception = None
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        exception = f"{type(result.exception).__name__}: {result.exception}"
    outcome = Outcome(result.exit_code, result.stdout, result.stderr, exception)
    del result
    gc.collect()
    return outcome


def stored_hashes(store_path: Path) -> dict[str, str]:
    """document id → content hash of every article graph in the store."""
    store = Store(store_path, read_only=True)
    rows = store.query(
        "SELECT ?id ?hash WHERE { GRAPH ?g { ?a kg:documentId ?id ; kg:contentHash ?hash } }"
    )
    return {row["id"].value: row["hash"].value for row in rows}  # type: ignore[union-attr]


# --- the ingest layer ---------------------------------------------------------------------------


def test_ingest_reads_every_good_file_and_names_every_bad_one(corpus: Path) -> None:
    items = list(iter_documents([corpus]))
    documents = {i.id: i for i in items if isinstance(i, Document)}
    problems = {
        f"{Path(p.path).name}:{p.line}" if p.line else Path(p.path).name: p.reason
        for p in items
        if isinstance(p, Problem)
    }
    assert sorted(documents) == sorted(GOOD)
    assert sorted(problems) == sorted(BAD)
    for where, fragment in BAD.items():
        assert fragment in problems[where], (where, problems[where])
    for doc_id, (_, text, title) in GOOD.items():
        document = documents[doc_id]
        assert nfkc(document.text) == nfkc(text), doc_id
        assert document.title == title, doc_id
        assert not any(word in document.text for word in SCRIPT_WORDS)


def test_strict_ingest_raises_at_the_first_problem(corpus: Path) -> None:
    from kg.errors import InputError

    with pytest.raises(InputError, match="binary"):
        list(iter_documents([corpus], strict=True))


@pytest.mark.slow
def test_ingest_reads_50_mb_without_line_breaks(tmp_path: Path) -> None:
    """50 MB in one line: read in bounded time and memory, as one document or one problem."""
    import psutil

    path = no_line_breaks(tmp_path / "huge.txt", 50 * 1024 * 1024)
    process = psutil.Process()
    rss_before = process.memory_info().rss
    started = time.monotonic()
    items = list(iter_documents([path]))
    elapsed = time.monotonic() - started
    growth_mb = (process.memory_info().rss - rss_before) / 2**20
    print(f"\n50 MB, no line breaks: {elapsed:.1f} s, RSS +{growth_mb:.0f} MB")
    assert elapsed < 60
    assert growth_mb < 1500
    assert len(items) == 1
    item = items[0]
    if isinstance(item, Document):
        chars = path.stat().st_size // len(A.encode("utf-8")) * len(A)
        assert len(item.text) == chars
        assert item.offsets.to_original(len(item.text)) == chars
    else:
        assert "long" in item.reason


# --- kg build -----------------------------------------------------------------------------------


def test_build_builds_the_good_names_the_bad_and_exits_3(
    corpus: Path, tmp_path: Path, stand_in: Language
) -> None:
    store = tmp_path / "store"
    result = kg_build(str(corpus), "--store", str(store))
    assert result.exit_code == 3, (result.output, result.exception)
    assert "Traceback" not in result.output
    for where, fragment in BAD.items():
        lines = [line for line in result.stderr.splitlines() if where in line]
        assert lines, f"{where} is not named on stderr:\n{result.stderr}"
        assert any(fragment in line for line in lines), (where, lines)
    expected = {
        item.id: item.content_hash
        for item in iter_documents([corpus])
        if isinstance(item, Document)
    }
    assert stored_hashes(store) == expected
    dump = Store(store, read_only=True)
    bodies = [q.object.value for q in dump.quads() if q.predicate.value.endswith("articleBody")]
    assert not any(word in body for body in bodies for word in SCRIPT_WORDS)
    dump.close()
    # building again: everything unchanged, the same problems, the same exit status
    again = kg_build(str(corpus), "--store", str(store))
    assert again.exit_code == 3
    assert stored_hashes(store) == expected


def test_build_of_good_files_only_exits_0(corpus: Path, tmp_path: Path, stand_in: Language) -> None:
    good = tmp_path / "good"
    good.mkdir()
    for name in ("good_utf8.txt", "gbk.txt", "utf16.txt", "page.html"):
        (good / name).write_bytes((corpus / name).read_bytes())
    result = kg_build(str(good), "--store", str(tmp_path / "store"))
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == ""
    assert len(stored_hashes(tmp_path / "store")) == 4


def test_strict_build_stops_at_the_first_problem_with_exit_4(
    corpus: Path, tmp_path: Path, stand_in: Language
) -> None:
    result = kg_build(str(corpus), "--store", str(tmp_path / "store"), "--strict")
    assert result.exit_code == 4, result.output
    assert "Traceback" not in result.output
    message = result.stderr.strip()
    assert message.startswith("Error:")
    assert "binary.txt" in message and "binary" in message.split("binary.txt", 1)[1]


def test_strict_build_of_a_bad_jsonl_line_names_file_and_line(
    corpus: Path, tmp_path: Path, stand_in: Language
) -> None:
    result = kg_build(str(corpus / "records.jsonl"), "--store", str(tmp_path / "s"), "--strict")
    assert result.exit_code == 4, result.output
    assert "records.jsonl:2" in result.stderr and "JSON" in result.stderr


def test_build_without_line_breaks(tmp_path: Path, stand_in_kg: list[str]) -> None:
    """A 100 KB line (about 33,000 characters) is one article, built whole and in linear time.

    Run in a subprocess with a time limit: a quadratic step would otherwise hang the suite.
    """
    folder = tmp_path / "in"
    folder.mkdir()
    path = no_line_breaks(folder / "line.txt", 100_000)
    store = tmp_path / "store"
    command = [*stand_in_kg, "build", str(folder), "--store", str(store), "--quiet"]
    started = time.monotonic()
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=BUILD_LIMIT_S)
    except subprocess.TimeoutExpired:
        pytest.fail(
            f"building one 33,000-character line took more than {BUILD_LIMIT_S} s "
            "(something is quadratic in the article length)"
        )
    print(f"\n33,000 characters on one line built in {time.monotonic() - started:.1f} s")
    assert result.returncode == 0, result.stderr
    (document,) = [i for i in iter_documents([path]) if isinstance(i, Document)]
    assert stored_hashes(store) == {document.id: document.content_hash}


def test_an_article_too_long_for_the_pipeline_is_skipped_and_named(
    corpus: Path, tmp_path: Path, stand_in: Language
) -> None:
    """1.2 million characters on one line: more than spaCy's ``max_length`` (1,000,000).

    Expected: that file is named on stderr with the reason, the rest of the corpus is built,
    exit status 3, no traceback.
    """
    no_line_breaks(corpus / "zz_huge.txt", 3_600_000)
    store = tmp_path / "store"
    result = kg_build(str(corpus), "--store", str(store))
    assert "Traceback" not in result.output
    assert result.exception is None, result.exception
    assert result.exit_code == 3, result.output
    assert any("zz_huge.txt" in line for line in result.stderr.splitlines())
    assert set(stored_hashes(store)) == set(GOOD)


# --- the real thing -----------------------------------------------------------------------------


@pytest.mark.slow
def test_real_kg_build_in_a_subprocess(corpus: Path, tmp_path: Path) -> None:
    """The real CLI and pipeline on the mixed corpus (``--strict`` is checked in-process)."""
    store = tmp_path / "store"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "kg", "build", str(corpus), "--store", str(store), "-q"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    for where, fragment in BAD.items():
        assert any(where in line and fragment in line for line in result.stderr.splitlines()), where
    assert set(stored_hashes(store)) == set(GOOD)
