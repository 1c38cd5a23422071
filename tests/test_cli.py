"""The command line: each command's happy path, its errors and its exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from spacy.language import Language

from kg.cli import cli
from kg.commands import register_all

register_all(cli)
QUERIES = Path(__file__).parent.parent / "queries"


@pytest.fixture()
def runner(monkeypatch: pytest.MonkeyPatch, nlp: Language) -> CliRunner:
    """A CLI runner whose builds reuse the session's pipeline instead of loading another."""
    monkeypatch.setattr("kg.nlp.load_pipeline", lambda **_: nlp)
    return CliRunner()


def leaf_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += leaf_commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


def test_help_of_every_command_has_an_example(runner: CliRunner) -> None:
    commands = leaf_commands(cli)
    assert {("build",), ("query",), ("stats",), ("serve",), ("export",), ("eval", "ner")} <= set(
        commands
    )
    for path in commands:
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Example" in result.output, f"kg {' '.join(path)} --help has no example"


def test_build_then_query_formats(runner: CliRunner, tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("科技新闻\n\n天兵科技董事长康永来介绍了新火箭。\n", encoding="utf-8")
    store = str(tmp_path / "store")
    result = runner.invoke(cli, ["build", str(page), "--store", store, "--quiet"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        cli, ["query", str(QUERIES / "positions.rq"), "--store", store, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["head"]["vars"] == ["person", "personLabel", "title", "org", "orgLabel"]
    result = runner.invoke(
        cli,
        [
            "query",
            "--sparql",
            "SELECT ?l WHERE { ?p a schema:Person ; rdfs:label ?l }",
            "--store",
            store,
            "--format",
            "csv",
        ],
    )
    assert result.output.splitlines()[0] == "l"
    result = runner.invoke(
        cli,
        [
            "query",
            "--sparql",
            "CONSTRUCT WHERE { ?s a schema:Person }",
            "--store",
            store,
            "--format",
            "nquads",
        ],
    )
    assert "<http://schema.org/Person>" in result.output
    # the query text may be the argument too
    query = "# people\nSELECT ?l WHERE { ?p a schema:Person ; rdfs:label ?l }"
    result = runner.invoke(cli, ["query", query, "--store", store, "--format", "csv"])
    assert result.output.splitlines() == ["l", "康永来"]
    result = runner.invoke(cli, ["stats", "--store", store, "--json"])
    assert json.loads(result.output)["articles"] == 1


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["query", "--sparql", "SELEKT nothing"], 7, "malformed"),
        (["query"], 7, "either a query FILE"),
        (["query", "no/such/query.rq"], 7, "No query file 'no/such/query.rq'"),
        (["query", "--sparql", "ASK {}", "--format", "turtle"], 7, "SELECT/ASK"),
        (["build", "no/such/dir"], 4, "No such file"),
        (["serve"], 6, "No store at"),
    ],
)
def test_errors_are_one_clean_message(
    runner: CliRunner, tmp_path: Path, args: list[str], status: int, message: str
) -> None:
    store = tmp_path / "store"
    if args[0] == "query":
        runner.invoke(cli, ["build", "-", "--store", str(store), "--quiet"], input="短讯：测试。")
    result = runner.invoke(cli, [*args, "--store", str(store)])
    assert result.exit_code == status, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert "SPARQL endpoint:" not in result.output  # kg serve announces only a served store


def test_a_missing_ner_model_is_one_clean_message(tmp_path: Path) -> None:
    # not the `runner` fixture: it hands every command the session's pipeline
    args = ["build", "-", "--ner-model", "no/such/model", "--store", str(tmp_path / "s")]
    result = CliRunner().invoke(cli, args, input="短讯：测试。")
    assert result.exit_code == 5, result.output
    assert "NER model in no/such/model is incomplete" in result.output
    assert "Traceback" not in result.output


def test_build_names_skipped_inputs_and_exits_3(runner: CliRunner, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("标题\n\n北京大学法学院教授易继明表示赞同。\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(cli, ["build", str(good), str(empty), "--store", str(tmp_path / "s")])
    assert result.exit_code == 3
    assert "empty.txt" in result.output
    assert "1 articles" in result.output


def test_eval_relations_scores_a_duie_file(runner: CliRunner, tmp_path: Path) -> None:
    def spo(predicate: str, subject: str, obj: str) -> dict[str, object]:
        return {
            "predicate": predicate,
            "subject": subject,
            "subject_type": "企业",
            "object": {"@value": obj},
            "object_type": {"@value": "人物"},
        }

    row = {
        "text": "星河动力董事长刘百奇出席。星河动力成立于2018年。",
        "spo_list": [spo("董事长", "星河动力", "刘百奇"), spo("成立日期", "星河动力", "2018年")],
    }
    path = tmp_path / "duie.json"
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    for mode in ("build", "gold-entities"):
        result = runner.invoke(cli, ["eval", "relations", str(path), "--mode", mode])
        assert result.exit_code == 0, result.output
        micro = next(line for line in result.output.splitlines() if line.startswith("micro"))
        assert micro.split()[1:6] == ["1.000", "1.000", "1.000", "2", "0"], (mode, micro)
    path.write_text('{"text": "只有文本"}\n', encoding="utf-8")
    result = runner.invoke(cli, ["eval", "relations", str(path)])
    assert result.exit_code == 1
    assert "line 1: not a DuIE 2.0 sentence" in result.output
