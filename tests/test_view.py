"""The offline HTML view: self-contained, and working in a headless Chromium when one is there."""

from __future__ import annotations

import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest

from kg.export.view import write_view
from kg.store import Store

try:
    from tests.consumers_fixtures import EXPECTED, HEMIAO, S1, make_store
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from consumers_fixtures import EXPECTED, HEMIAO, S1, make_store  # type: ignore[no-redef]

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--enable-logging=stderr",
    "--v=0",
    "--virtual-time-budget=8000",
]


class _Links(HTMLParser):
    """Every URL the page would load: script/img/iframe src, link href."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {
            "script": "src",
            "img": "src",
            "iframe": "src",
            "link": "href",
            "source": "src",
            "embed": "src",
            "object": "data",
        }
        for name, value in attrs:
            if wanted.get(tag) == name and value:
                self.urls.append(value)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_view(make_store(None), tmp_path_factory.mktemp("view") / "graph.html")


def test_page_is_self_contained(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    links = _Links()
    links.feed(text)
    assert links.urls == []  # nothing fetched: no CDN, no local files either
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert "vis-network" in text and "new vis.Network" in text
    found = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', text, re.S)
    assert found is not None
    data = json.loads(found.group(1))
    assert len(data["nodes"]) == EXPECTED.nodes
    assert len(data["edges"]) == EXPECTED.relation_edges
    works = [e for e in data["edges"] if e["from"] == HEMIAO.value and e["kind"] == "worksFor"]
    assert works and S1 in {ev["sentence"] for ev in works[0]["evidence"]}


def test_page_with_query(tmp_path: Path) -> None:
    store: Store = make_store(None)
    path = write_view(
        store, tmp_path / "people.html", query="SELECT ?e WHERE { ?e a schema:Person }"
    )
    text = path.read_text(encoding="utf-8")
    assert text.count('"type":"Person"') == 3


def _chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


@pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is not installed "
    "(apt-get install -y chromium; .ci/consumers-setup.sh does it)",
)
def test_page_in_headless_chromium(page: Path, tmp_path: Path) -> None:
    url = page.as_uri() + "#q=" + quote("何苗")
    done = _chromium(["--dump-dom", url], tmp_path / "profile")
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], console
    dom = done.stdout
    errors = re.search(r'<div id="errors"([^>]*)>(.*?)</div>', dom, re.S)
    assert errors is not None and "hidden" in errors.group(1) and errors.group(2) == ""
    assert f'data-nodes="{EXPECTED.nodes}"' in dom
    assert f"{EXPECTED.nodes} 个实体" in dom
    # the search (run from the #q= hash, as typing does) found the person and shows the panel
    assert re.search(r'<li data-id="[^"]*person/何苗">何苗 \(Person\)</li>', dom)
    panel = re.search(r'<div id="panel" data-node="([^"]+)">(.*?)</aside>', dom, re.S)
    assert panel is not None and panel.group(1) == HEMIAO.value
    assert 'data-kind="worksFor"' in panel.group(2) and 'data-kind="alumniOf"' in panel.group(2)
    assert S1 in panel.group(2)  # evidence sentence of the clicked node's relation
    shot = tmp_path / "view.png"
    done = _chromium(
        ["--hide-scrollbars", "--window-size=1280,800", f"--screenshot={shot}", url],
        tmp_path / "profile2",
    )
    assert done.returncode == 0 and shot.read_bytes()[:4] == b"\x89PNG"
