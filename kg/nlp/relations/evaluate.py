"""Measure the relation rules on DuIE 2.0 (``../shared/corpora/duie2/``).

DuIE predicates map to the graph contract: 董事长 → ``worksFor`` whose title is 董事长, 创始人 →
``founder``, 总部地点 → ``location`` of an ORG, 简称 → ``alternateName``, 毕业院校 → ``alumniOf``,
成立日期 → ``foundingDate`` (dates compared as ISO values). 简称 is an abbreviation, so only the
abbreviation cues (简称/下称/缩写) and upper-case acronyms in brackets after an ORG count for it;
other ``alternateName`` values (English full names, 原名, 又称) are not DuIE 简称. Locations read
from a company's own name (``rule:location/name-prefix``: 青岛…有限公司 → 青岛) are left out of
总部地点 by default: DuIE labels them in only a minority of the sentences where they hold, so the
score would measure the annotation, not the rule (``include_name_prefix=True`` scores them).
Triples are compared as surface strings.

Two modes: ``pipeline`` runs the full ``kg.load_pipeline()`` on the raw sentence; ``gold-entities``
sets ``doc.ents`` from the subjects and objects of *all* the sentence's DuIE triples (so unrelated
entities are there to confuse the rules) and runs only the relation component — it measures the
rules, not the NER. Recall counts the sentences with at least one of the six predicates;
precision counts every prediction on every sentence.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg.nlp.records import Mention, Relation
from kg.nlp.relations import extract_relations
from kg.nlp.relations.base import Context
from kg.nlp.relations.dates import parse_date
from kg.nlp.relations.lexicon import split_titles
from kg.scores import Score

#: DuIE predicate → what the rules predict.
PREDICATES: dict[str, str] = {
    "董事长": "worksFor(title=董事长)",
    "创始人": "founder",
    "总部地点": "location",
    "简称": "alternateName",
    "毕业院校": "alumniOf",
    "成立日期": "foundingDate",
}

#: DuIE entity types → NER labels (types not listed are not entities: dates, numbers, text).
TYPE_LABELS: dict[str, str] = {
    "人物": "PERSON",
    "娱乐人物": "PERSON",
    "历史人物": "PERSON",
    "企业": "ORG",
    "机构": "ORG",
    "学校": "ORG",
    "出版社": "ORG",
    "企业/品牌": "ORG",
    "地点": "PLACE",
    "国家": "PLACE",
    "城市": "PLACE",
    "行政区": "PLACE",
    "影视作品": "WORK",
    "图书作品": "WORK",
    "歌曲": "WORK",
    "音乐专辑": "WORK",
    "文学作品": "WORK",
    "作品": "WORK",
    "电视综艺": "WORK",
}

Triple = tuple[str, str, str]


@dataclass(frozen=True)
class DuieExample:
    text: str
    spo: tuple[tuple[str, str, str, str, str], ...]  # predicate, subject, s-type, object, o-type


@dataclass
class Report:
    mode: str
    sentences: int
    scored_sentences: int
    scores: dict[str, Score] = field(default_factory=dict)
    errors: list[tuple[str, str, Triple]] = field(default_factory=list)  # kind, text, triple

    @property
    def micro(self) -> Score:
        total = Score()
        for s in self.scores.values():
            total.tp += s.tp
            total.fp += s.fp
            total.fn += s.fn
        return total

    def format(self) -> str:
        lines = [
            f"mode: {self.mode}; sentences: {self.sentences}; "
            f"with a scored predicate: {self.scored_sentences}",
            f"{'predicate':<10} {'maps to':<24} {'P':>6} {'R':>6} {'F1':>6} "
            f"{'tp':>5} {'fp':>5} {'fn':>5}",
        ]
        rows = [
            *((p, PREDICATES[p], self.scores[p]) for p in PREDICATES),
            ("micro", "", self.micro),
        ]
        for name, target, s in rows:
            lines.append(
                f"{name:<10} {target:<24} {s.precision:6.3f} {s.recall:6.3f} "
                f"{s.f1:6.3f} {s.tp:5d} {s.fp:5d} {s.fn:5d}"
            )
        return "\n".join(lines)


def load_duie(path: str | Path) -> list[DuieExample]:
    out: list[DuieExample] = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            spo = tuple(
                (
                    s["predicate"],
                    s["subject"],
                    s["subject_type"],
                    s["object"]["@value"],
                    s["object_type"]["@value"],
                )
                for s in row["spo_list"]
            )
            out.append(DuieExample(row["text"], spo))
    return out


def gold_triples(example: DuieExample) -> set[Triple]:
    out: set[Triple] = set()
    for predicate, subject, _, obj, _ in example.spo:
        if predicate not in PREDICATES:
            continue
        if predicate == "成立日期":
            obj = parse_date(obj) or obj
        out.add((predicate, subject, obj))
    return out


def gold_mentions(example: DuieExample) -> list[Mention]:
    """Every subject/object of the sentence that is an entity, located, overlaps removed."""
    wanted: dict[str, str] = {}
    for _, subject, s_type, obj, o_type in example.spo:
        for surface, kind in ((subject, s_type), (obj, o_type)):
            label = TYPE_LABELS.get(kind)
            if label and surface and surface not in wanted:
                wanted[surface] = label
    found: list[Mention] = []
    for surface, label in wanted.items():
        start = example.text.find(surface)
        while start >= 0:
            found.append(Mention(surface, label, start, start + len(surface)))
            start = example.text.find(surface, start + len(surface))
    taken: list[Mention] = []
    for m in sorted(found, key=lambda m: (-(m.end - m.start), m.start)):
        if all(m.end <= t.start or m.start >= t.end for t in taken):
            taken.append(m)
    return sorted(taken, key=lambda m: m.start)


def predicted_triples(
    relations: Iterable[Relation], *, include_name_prefix: bool = False
) -> set[Triple]:
    out: set[Triple] = set()
    for r in relations:
        obj = r.object.text if r.object else None
        if r.predicate == "worksFor" and r.title and obj and _is_chair(r.title):
            out.add(("董事长", obj, r.subject.text))
        elif r.predicate == "founder" and obj:
            out.add(("创始人", r.subject.text, obj))
        elif (
            r.predicate == "location"
            and obj
            and r.subject.label == "ORG"
            and (include_name_prefix or r.extractor != "rule:location/name-prefix")
        ):
            out.add(("总部地点", r.subject.text, obj))
        elif r.predicate == "alternateName" and r.value and _is_abbreviation(r):
            out.add(("简称", r.subject.text, r.value))
        elif r.predicate == "alumniOf" and obj:
            out.add(("毕业院校", r.subject.text, obj))
        elif r.predicate == "foundingDate" and r.value:
            out.add(("成立日期", r.subject.text, r.value))
    return out


def _is_chair(title: str) -> bool:
    """DuIE 董事长 covers chairs of the board: 董事长, 董事会主席, 董事局主席."""
    return "董事长" in split_titles(title) or any(t in title for t in ("董事会主席", "董事局主席"))


def _is_abbreviation(r: Relation) -> bool:
    """简称 is an abbreviation: the 简称/下称/缩写 cues, or an acronym in brackets after an ORG."""
    if r.extractor.startswith("rule:alias/abbreviation"):
        return True
    value = r.value or ""
    return (
        r.extractor == "rule:alias/latin-bracket"
        and r.subject.label == "ORG"
        and value.isupper()
        and len(value) <= 8
    )


def relations_with_gold_entities(example: DuieExample) -> list[Relation]:
    return extract_relations(Context(example.text, gold_mentions(example)))


def pipeline_runner(nlp: Callable[[str], Doc]) -> Callable[[DuieExample], list[Relation]]:
    def run(example: DuieExample) -> list[Relation]:
        doc = nlp(example.text)
        return list(doc._.relations or [])

    return run


def evaluate(
    examples: Iterable[DuieExample],
    run: Callable[[DuieExample], list[Relation]] = relations_with_gold_entities,
    mode: str = "gold-entities",
    keep_errors: int = 0,
    include_name_prefix: bool = False,
) -> Report:
    report = Report(mode, 0, 0, {p: Score() for p in PREDICATES})
    for example in examples:
        report.sentences += 1
        gold = gold_triples(example)
        if gold:
            report.scored_sentences += 1
        predicted = predicted_triples(run(example), include_name_prefix=include_name_prefix)
        for kind, triples in (
            ("tp", predicted & gold),
            ("fp", predicted - gold),
            ("fn", gold - predicted),
        ):
            for triple in triples:
                score = report.scores[triple[0]]
                setattr(score, kind, getattr(score, kind) + 1)
                if kind != "tp" and len(report.errors) < keep_errors:
                    report.errors.append((kind, example.text, triple))
    return report


def error_counts(report: Report) -> Counter[tuple[str, str]]:
    return Counter((kind, triple[0]) for kind, _, triple in report.errors)


def blank_vocab_doc(text: str) -> Doc:
    """A character-tokenised ``Doc`` without a ``Language`` (for quick experiments)."""
    from kg.nlp.tokenizer import CharTokenizer

    return CharTokenizer(Vocab())(text)
