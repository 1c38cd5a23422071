"""The entity gazetteer: reading ``ontology/gazetteer.tsv`` and finding its names in text.

The file is UTF-8 TSV with the header ``name	label	aliases	note``; ``aliases`` are
``|``-separated and lines starting with ``#`` are comments. Three conventions widen or narrow
what an entry matches:

* A *family* name holds ``{N}`` (a numeral — 一…九十, 〇, 两 or digits — plus an optional variant
  such as ``B``, ``F``, ``甲`` or ``改``) or ``{D}`` (a model number starting with a digit):
  ``长征{N}号`` matches 长征五号, 长征五号B, 长征十二号; ``麒麟{D}`` matches 麒麟9000S.
* An alias written ``~alias``, and the name itself when the note holds ``[cue]``, is ambiguous in
  general text (悟空, 慧眼, 联想): it only matches when quoted (“悟空”) or directly followed by
  ``号`` or a class noun (慧眼卫星, 混元大模型).
* Everything else matches as a literal, leftmost-longest, on character-token boundaries.

Matching is pure (text → :class:`GazetteerHit`); the component decides what to do with hits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import ModelError
from kg.nlp.records import ENTITY_LABELS

HEADER = ("name", "label", "aliases", "note")
CUE_TAG = "[cue]"

_NUMERAL = r"(?:[一二三四五六七八九十百〇零两]+|[0-9]+)号(?:[A-Z](?![A-Za-z0-9])|甲|乙|丙|丁|改)?"
_MODEL_NUMBER = r"[0-9][0-9A-Za-z]*"

#: Characters that close a quoted name, paired with the opening ones.
QUOTE_PAIRS = {"“": "”", "「": "」", "『": "』", "‘": "’"}


@dataclass(frozen=True)
class GazetteerEntry:
    """One row of the gazetteer: a canonical name, its label, aliases and a free-text note."""

    name: str
    label: str
    aliases: tuple[str, ...] = ()
    note: str = ""

    @property
    def needs_cue(self) -> bool:
        return CUE_TAG in self.note

    @property
    def is_family(self) -> bool:
        return "{N}" in self.name or "{D}" in self.name

    def forms(self) -> Iterator[tuple[str, bool]]:
        """Yield ``(surface form, needs a cue)`` for the name and every alias."""
        yield self.name, self.needs_cue
        for alias in self.aliases:
            if alias.startswith("~"):
                yield alias[1:], True
            else:
                yield alias, False

    def to_row(self) -> str:
        return "\t".join((self.name, self.label, "|".join(self.aliases), self.note))


@dataclass(frozen=True)
class GazetteerHit:
    """A gazetteer name found in text: ``text[start:end]`` names ``canonical`` (``label``)."""

    start: int
    end: int
    label: str
    canonical: str
    needs_cue: bool
    family: bool = False


def parse_rows(lines: Iterable[str], source: str = "<gazetteer>") -> list[GazetteerEntry]:
    """Parse TSV lines (header first) into entries; raises :class:`ModelError` on bad rows."""
    entries: list[GazetteerEntry] = []
    header_seen = False
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            if tuple(cell.strip() for cell in cells[:4]) != HEADER:
                raise ModelError(
                    f"{source}:{number}: the gazetteer must start with the header "
                    f"{'<TAB>'.join(HEADER)!r}. Fix the file's first line."
                )
            header_seen = True
            continue
        cells += [""] * (4 - len(cells))
        name, label, aliases, note = (cell.strip() for cell in cells[:4])
        if not name or label not in ENTITY_LABELS:
            raise ModelError(
                f"{source}:{number}: bad gazetteer row {line!r} (need a name and one of the labels "
                f"{', '.join(ENTITY_LABELS)}). Fix or remove the row."
            )
        alias_list = tuple(a.strip() for a in aliases.split("|") if a.strip())
        entries.append(GazetteerEntry(name, label, alias_list, note))
    return entries


def read_gazetteer(path: str | Path) -> list[GazetteerEntry]:
    """Read a gazetteer TSV file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ModelError(
            f"Cannot read the gazetteer {path} ({error}). Check the path, or reinstall the package "
            "so that ontology/gazetteer.tsv is present."
        ) from error
    return parse_rows(text.splitlines(), str(path))


def format_gazetteer(entries: Iterable[GazetteerEntry]) -> str:
    """The TSV text of ``entries`` (with header), as :func:`read_gazetteer` reads it."""
    return "\n".join(["\t".join(HEADER), *(entry.to_row() for entry in entries)]) + "\n"


@dataclass
class Gazetteer:
    """Entries plus the compiled matchers: literal forms indexed by their first two characters
    (longest first), and one regex alternation for the families."""

    entries: list[GazetteerEntry] = field(default_factory=list)
    _by_prefix: dict[str, list[str]] = field(default_factory=dict, init=False, repr=False)
    _first: re.Pattern[str] = field(default=re.compile("(?!)"), init=False, repr=False)
    _family_by_prefix: dict[str, list[tuple[re.Pattern[str], str]]] = field(
        default_factory=dict, init=False, repr=False
    )
    _forms: dict[str, tuple[str, str, bool]] = field(default_factory=dict, init=False, repr=False)
    _families: list[tuple[str, str]] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        self.compile()

    @classmethod
    def from_path(cls, path: str | Path) -> Gazetteer:
        return cls(read_gazetteer(path))

    def compile(self) -> None:
        """(Re)build the matchers from :attr:`entries`; the first entry naming a form wins."""
        self._forms = {}
        self._families = []
        for entry in self.entries:
            if entry.is_family:
                self._families.append((entry.name, entry.label))
                continue
            for form, needs_cue in entry.forms():
                if len(form) >= 2 and form not in self._forms:
                    self._forms[form] = (entry.label, entry.name, needs_cue)
        self._by_prefix = {}
        for form in sorted(self._forms, key=len, reverse=True):
            self._by_prefix.setdefault(form[:2], []).append(form)
        firsts = {form[0] for form in self._forms} | {name[0] for name, _ in self._families}
        self._first = re.compile("[" + "".join(re.escape(ch) for ch in sorted(firsts)) + "]")
        self._family_by_prefix = {}
        for name, label in self._families:
            prefix, _, rest = name.partition("{")
            slot, _, suffix = rest.partition("}")
            tail = _NUMERAL if slot == "N" else _MODEL_NUMBER
            if slot == "N" and suffix.startswith("号"):
                suffix = suffix[1:]  # the numeral pattern already ends with 号 and its variant
            regex = re.compile(f"{re.escape(prefix)}{tail}{re.escape(suffix)}")
            self._family_by_prefix.setdefault(prefix[:2], []).append((regex, label))

    def __len__(self) -> int:
        return len(self.entries)

    def lookup(self, form: str) -> tuple[str, str] | None:
        """``(label, canonical name)`` of a literal form, or ``None``."""
        found = self._forms.get(form)
        return (found[0], found[1]) if found else None

    def label_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for entry in self.entries:
            counts[entry.label] = counts.get(entry.label, 0) + 1
        return counts

    def find(self, text: str) -> list[GazetteerHit]:
        """All literal (leftmost-longest) and family matches in ``text``; they may overlap."""
        hits: list[GazetteerHit] = []
        by_prefix, families = self._by_prefix, self._family_by_prefix
        covered = 0  # literal matches do not overlap: leftmost-longest
        for first in self._first.finditer(text):
            position = first.start()
            key = text[position : position + 2]
            family = families.get(key)
            if family is not None:
                for regex, label in family:
                    match = regex.match(text, position)
                    if match:
                        hits.append(
                            GazetteerHit(position, match.end(), label, match.group(), False, True)
                        )
                        break
            bucket = by_prefix.get(key)
            if bucket is None or position < covered:
                continue
            for form in bucket:
                if text.startswith(form, position):
                    label, canonical, needs_cue = self._forms[form]
                    covered = position + len(form)
                    hits.append(GazetteerHit(position, covered, label, canonical, needs_cue))
                    break
        return hits
