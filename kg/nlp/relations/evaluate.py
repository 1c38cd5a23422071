"""Measure the relation rules on DuIE 2.0 (``../shared/corpora/duie2/``).

DuIE predicates map to the graph contract: 董事长 → ``worksFor`` whose title is 董事长, 创始人 →
``founder``, 总部地点 → ``location`` of an ORG, 简称 → ``alternateName``, 毕业院校 → ``alumniOf``,
成立日期 → ``foundingDate`` (dates compared as ISO values). 简称 is an organisation's
abbreviation (DuIE's schema: subject 机构), so only the abbreviation cues (简称/下称/缩写/全称,
short-form brackets) and upper-case acronyms shorter than the name in brackets after an ORG count
for it; other ``alternateName`` values (English full names, 原名, 又称, people's short names) are
not DuIE 简称. Locations read from a company's own name (``rule:location/name-prefix``:
青岛…有限公司 → 青岛) are left out of 总部地点 by default: DuIE labels them in only a minority of
the sentences where they hold, so the score would measure the annotation, not the rule
(``include_name_prefix=True`` scores them). DuIE's 总部地点 is a company's (subject type 企业):
the location of an ORG whose name says it is a school, hospital, government body, village or
museum (雷丁大学位于英格兰, 泉水村委会位于九龙镇) is a true ``location`` but no 总部地点
(:func:`is_enterprise_name`).

Three modes: ``build`` (:func:`store_predictions`, driven by ``bench/relations_duie.py``) builds
the sentences as a JSONL file with ``KnowledgeGraph.build`` and reads the relations back from
the store — a gold string matches an entity's label, alternate names or surface in the sentence;
``pipeline`` runs ``kg.load_pipeline()`` on the raw sentence and compares mention texts;
``gold-entities`` sets ``doc.ents`` from the subjects and objects of *all* the sentence's DuIE
triples (so unrelated entities are there to confuse the rules) and runs only the relation
component — it measures the rules, not the NER; a gold string nested in a longer gold string of
the sentence (金世纪集团 in 金世纪集团公司) counts for the longer mention, which ``doc.ents``
keeps instead. Recall counts the sentences with at least one of the six predicates; precision
counts every prediction on every sentence (``Report.unjudged`` says how many false positives
are about entities DuIE did not annotate for that predicate).
"""

from __future__ import annotations

import json
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg.errors import InputError
from kg.graph.vocab import LABEL_OF_TYPE, SCHEMA, SPARQL_PREFIXES
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
    scores: dict[str, Score] = field(default_factory=lambda: {p: Score() for p in PREDICATES})
    errors: list[tuple[str, str, Triple]] = field(default_factory=list)  # kind, text, triple
    #: False positives DuIE never judged: no gold triple of the sentence has that predicate and
    #: the prediction's subject or object (the annotators did not look at that entity for it).
    unjudged: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PREDICATES, 0))

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
            f"{'tp':>5} {'fp':>5} {'fn':>5} {'unjudged':>8} {'P_judged':>8}",
        ]
        rows = [
            *((p, PREDICATES[p], self.scores[p], self.unjudged[p]) for p in PREDICATES),
            ("micro", "", self.micro, sum(self.unjudged.values())),
        ]
        for name, target, s, unjudged in rows:
            judged = s.tp + s.fp - unjudged
            lines.append(
                f"{name:<10} {target:<24} {s.precision:6.3f} {s.recall:6.3f} "
                f"{s.f1:6.3f} {s.tp:5d} {s.fp:5d} {s.fn:5d} {unjudged:8d} "
                f"{s.tp / judged if judged else 0.0:8.3f}"
            )
        lines.append(
            "P, R, F1 are strict. unjudged: false positives about an entity DuIE did not annotate "
            "for that predicate in that sentence; P_judged leaves them out (for reference only)."
        )
        return "\n".join(lines)


def load_duie(path: str | Path) -> list[DuieExample]:
    """The sentences of a DuIE 2.0 file (one JSON object a line: ``text``, ``spo_list``)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"Cannot read {path}: {error}. Give a DuIE 2.0 JSON file.") from None
    out: list[DuieExample] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
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
        except (ValueError, KeyError, TypeError) as error:
            raise InputError(
                f"{path}, line {number}: not a DuIE 2.0 sentence ({type(error).__name__}: "
                f"{error}). Each line is a JSON object with text and spo_list, whose items "
                "have predicate, subject, subject_type, object.@value and object_type.@value."
            ) from None
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
    return _gold_mentions(example)[0]


def _gold_mentions(example: DuieExample) -> tuple[list[Mention], dict[str, set[str]]]:
    """:func:`gold_mentions` and, per kept surface, the gold surfaces dropped inside it.

    DuIE sometimes names one entity by two nested strings in one sentence (金世纪集团公司 for one
    triple, 金世纪集团 for another); ``doc.ents`` can hold only the longer one, so a prediction on
    it also stands for the nested gold string.
    """
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
    nested: dict[str, set[str]] = {}
    for m in sorted(found, key=lambda m: (-(m.end - m.start), m.start)):
        inside = [t for t in taken if t.start <= m.start and m.end <= t.end]
        if all(m.end <= t.start or m.start >= t.end for t in taken):
            taken.append(m)
        for t in inside:
            nested.setdefault(t.text, set()).add(m.text)
    return sorted(taken, key=lambda m: m.start), nested


@dataclass(frozen=True)
class Prediction:
    """One predicted DuIE triple; ``subject``/``obj`` list every name that counts for it.

    The first name is the one shown in error listings. A prediction matches a gold triple when
    the predicates are equal and the gold subject and object are among the names.
    """

    predicate: str
    subject: tuple[str, ...]
    obj: tuple[str, ...]

    @property
    def shown(self) -> Triple:
        return (self.predicate, self.subject[0], self.obj[0])

    def matches(self, gold: Triple) -> bool:
        return gold[0] == self.predicate and gold[1] in self.subject and gold[2] in self.obj


#: How the names of organisations that are not companies end (DuIE's 总部地点 is a company's).
_NOT_ENTERPRISE = re.compile(
    r"(?:大学|学院|分校|学校|小学|中学|一中|二中|医院|卫生院|政府|委员会|村委会|居委会|村|镇|乡|"
    r"办事处|驻京办|博物馆|图书馆|纪念馆|寺|庙|教堂|公园|法院|检察院|公安局|派出所)$"
)


def is_enterprise_name(name: str) -> bool:
    """``name`` may be a company's: it does not end in a school, hospital, public body, village
    or museum word (an empty name is not judged)."""
    return _NOT_ENTERPRISE.search(name) is None


def duie_predicate(
    predicate: str,
    *,
    subject_label: str,
    extractor: str,
    subject: str = "",
    title: str | None = None,
    value: str | None = None,
    include_name_prefix: bool = False,
) -> str | None:
    """The DuIE predicate a relation counts for (``None``: none of the six).

    ``predicate`` is the schema.org local name; for ``worksFor`` only a chair's ``title``
    counts, for ``location`` only an ORG subject, for ``alternateName`` only abbreviations
    (:func:`is_abbreviation`).
    """
    if predicate == "worksFor":
        return "董事长" if title and _is_chair(title) else None
    if predicate == "location":
        if subject_label != "ORG" or not is_enterprise_name(subject):
            return None
        if not include_name_prefix and extractor == "rule:location/name-prefix":
            return None
        return "总部地点"
    if predicate == "alternateName":
        ok = value is not None and is_abbreviation(extractor, subject_label, value, subject)
        return "简称" if ok else None
    return {"founder": "创始人", "alumniOf": "毕业院校", "foundingDate": "成立日期"}.get(predicate)


def predicted_triples(
    relations: Iterable[Relation],
    *,
    include_name_prefix: bool = False,
    names: Callable[[Mention], tuple[str, ...]] = lambda m: (m.text,),
) -> list[Prediction]:
    """The DuIE triples ``relations`` stand for; ``names`` gives the names of a mention."""
    out: dict[Triple, Prediction] = {}
    for r in relations:
        duie = duie_predicate(
            r.predicate,
            subject_label=r.subject.label,
            extractor=r.extractor,
            subject=r.subject.text,
            title=r.title,
            value=r.value,
            include_name_prefix=include_name_prefix,
        )
        if duie is None:
            continue
        if duie == "董事长" and r.object is not None:
            subject, obj = names(r.object), names(r.subject)  # DuIE: company → chair
        elif r.object is not None:
            subject, obj = names(r.subject), names(r.object)
        elif r.value:
            subject, obj = names(r.subject), (r.value,)
        else:
            continue
        prediction = Prediction(duie, subject, obj)
        out.setdefault(prediction.shown, prediction)
    return list(out.values())


def _is_chair(title: str) -> bool:
    """DuIE 董事长 covers chairs of the board: 董事长, 董事会主席, 董事局主席."""
    return "董事长" in split_titles(title) or any(t in title for t in ("董事会主席", "董事局主席"))


def is_abbreviation(extractor: str, subject_label: str, value: str, subject: str) -> bool:
    """简称 is an organisation's abbreviation (DuIE's schema: subject 机构): the 简称/下称/缩写
    cues, a bracket holding a short form, or an upper-case acronym in brackets after an ORG.
    People's short names are not."""
    if subject_label == "PERSON":
        return False
    if extractor.startswith("rule:alias/abbreviation"):
        return True
    # an acronym is shorter than the name it shortens: 华为（HUAWEI）, 绿丹兰（LVDANLAN） spell
    # the name out
    han = sum(1 for ch in subject if "\u4e00" <= ch <= "\u9fff")
    return (
        extractor == "rule:alias/latin-bracket"
        and subject_label == "ORG"
        and value.isupper()
        and len(value) <= min(8, han)
    )


def relations_with_gold_entities(example: DuieExample) -> list[Relation]:
    return extract_relations(Context(example.text, gold_mentions(example)))


def gold_entity_predictions(
    example: DuieExample, *, include_name_prefix: bool = False
) -> list[Prediction]:
    """The relation rules alone, ``doc.ents`` set from the gold subjects and objects."""
    mentions, nested = _gold_mentions(example)
    relations = extract_relations(Context(example.text, mentions))
    return predicted_triples(
        relations,
        include_name_prefix=include_name_prefix,
        names=lambda m: (m.text, *sorted(nested.get(m.text, ()))),
    )


def pipeline_runner(
    nlp: Callable[[str], Doc], *, include_name_prefix: bool = False
) -> Callable[[DuieExample], list[Prediction]]:
    def run(example: DuieExample) -> list[Prediction]:
        doc = nlp(example.text)
        return predicted_triples(doc._.relations or [], include_name_prefix=include_name_prefix)

    return run


def evaluate(
    examples: Iterable[DuieExample],
    run: Callable[[DuieExample], list[Prediction]] = gold_entity_predictions,
    mode: str = "gold-entities",
    keep_errors: int = 0,
) -> Report:
    """Score ``run``'s predictions on every example (gold strings compared as written)."""
    report = Report(mode, 0, 0)
    for example in examples:
        score_example(report, example, run(example), keep_errors)
    return report


def fold_example(example: DuieExample) -> DuieExample:
    """``example`` with the character folding ``kg build`` applies to its input, so that gold
    strings compare with what the store holds."""
    from kg.ingest.normalize import normalize_chars

    def fold(text: str) -> str:
        return normalize_chars(text)[0].strip()

    spo = tuple((p, fold(s), st, fold(o), ot) for p, s, st, o, ot in example.spo)
    return DuieExample(fold(example.text), spo)


def evaluate_build(
    examples: Sequence[DuieExample],
    *,
    ner_model: str | None = None,
    nlp: Language | None = None,
    keep_errors: int = 0,
    include_name_prefix: bool = False,
    progress: bool = False,
) -> Report:
    """Build ``examples`` with :meth:`KnowledgeGraph.build` (the function ``kg build`` calls) as
    a JSONL file (``id`` = ``duie-<n>``) into a temporary store, then score the relations the
    store holds (:func:`store_predictions`). ``nlp`` (or the shipped pipeline with
    ``ner_model``) does the extraction."""
    from kg.api import KnowledgeGraph

    with tempfile.TemporaryDirectory(prefix="kg-duie-", ignore_cleanup_errors=True) as tmp:
        corpus = Path(tmp) / "duie.jsonl"
        with corpus.open("w", encoding="utf-8") as out:
            for i, example in enumerate(examples):
                out.write(json.dumps({"id": f"duie-{i}", "text": example.text}, ensure_ascii=False))
                out.write("\n")
        graph = KnowledgeGraph(Path(tmp) / "store", nlp=nlp, ner_model=ner_model)
        graph.build([corpus], progress=progress)
        predictions = store_predictions(graph.query, include_name_prefix=include_name_prefix)
        graph.close()
        graph.store.close()  # let go of the store's files before the folder is removed
    report = Report("build", 0, 0)
    for i, example in enumerate(examples):
        score_example(report, fold_example(example), predictions.get(f"duie-{i}", []), keep_errors)
    return report


def score_example(
    report: Report, example: DuieExample, predicted: list[Prediction], keep_errors: int = 0
) -> None:
    """Add one example's true/false positives and misses to ``report``."""
    report.sentences += 1
    gold = gold_triples(example)
    if gold:
        report.scored_sentences += 1
    found: list[tuple[str, Triple]] = [
        ("tp", g) for g in gold if any(p.matches(g) for p in predicted)
    ]
    found += [("fn", g) for g in gold if not any(p.matches(g) for p in predicted)]
    found += [("fp", p.shown) for p in predicted if not any(p.matches(g) for g in gold)]
    for p in predicted:
        if not any(p.matches(g) for g in gold) and not any(
            g[0] == p.predicate and (g[1] in p.subject or g[2] in p.obj) for g in gold
        ):
            report.unjudged[p.predicate] += 1
    for kind, triple in found:
        score = report.scores[triple[0]]
        setattr(score, kind, getattr(score, kind) + 1)
        if kind != "tp" and len(report.errors) < keep_errors:
            report.errors.append((kind, example.text, triple))


#: Every relation triple the build stored for the six predicates, with its evidence.
_EVIDENCE_QUERY = """
SELECT DISTINCT ?g ?doc ?s ?p ?o ?sentence ?extractor WHERE {
  GRAPH ?g {
    ?e a kg:Evidence ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
       kg:sentence ?sentence ; kg:article ?article ; kg:extractor ?extractor .
    ?article kg:documentId ?doc .
  }
  VALUES ?p { schema:worksFor schema:founder schema:location schema:alternateName
              schema:alumniOf schema:foundingDate }
}"""
#: Names of an entity: its label and every alternateName (over all articles).
_NAMES_QUERY = """
SELECT DISTINCT ?e ?name WHERE {
  { ?e rdfs:label ?name } UNION { ?e schema:alternateName ?name }
}"""
_TYPES_QUERY = "SELECT DISTINCT ?e ?type WHERE { ?e a ?type }"
#: Surface forms linked to an entity in one article (kg:Mention nodes).
_SURFACES_QUERY = """
SELECT DISTINCT ?g ?e ?surface WHERE { GRAPH ?g { ?m a kg:Mention ; kg:refersTo ?e ;
                                                    kg:surface ?surface } }"""
_TITLES_QUERY = """
SELECT DISTINCT ?g ?holder ?org ?title WHERE {
  GRAPH ?g { ?x a kg:Position ; kg:holder ?holder ; kg:organization ?org ; schema:roleName ?title }
}"""


def store_predictions(
    query: Callable[[str], Iterable[dict[str, object]]], *, include_name_prefix: bool = False
) -> dict[str, list[Prediction]]:
    """The DuIE predictions a built store holds, by article ``documentId``.

    ``query`` runs SPARQL over the union of the store's graphs (:meth:`KnowledgeGraph.query`).
    An entity's names are its ``rdfs:label``, every ``schema:alternateName`` and the surface of
    every mention of it in the evidence's article that occurs in the evidence sentence — DuIE's
    subjects and objects are surface forms, so a gold string matches any of them. A ``worksFor``
    counts as 董事长 when a ``kg:Position`` of the same article, holder and organisation has a
    chair's title.
    """

    def rows(sparql: str) -> Iterable[dict[str, str]]:
        for row in query(SPARQL_PREFIXES + sparql):
            yield {k: str(v) for k, v in row.items()}

    names: dict[str, set[str]] = {}
    for row in rows(_NAMES_QUERY):
        names.setdefault(row["e"], set()).add(row["name"])
    labels = {
        row["e"]: LABEL_OF_TYPE[row["type"]]
        for row in rows(_TYPES_QUERY)
        if row["type"] in LABEL_OF_TYPE
    }
    surfaces: dict[tuple[str, str], set[str]] = {}
    for row in rows(_SURFACES_QUERY):
        surfaces.setdefault((row["g"], row["e"]), set()).add(row["surface"])
    titles: dict[tuple[str, str, str], list[str]] = {}
    for row in rows(_TITLES_QUERY):
        titles.setdefault((row["g"], row["holder"], row["org"]), []).append(row["title"])

    def names_of(graph: str, entity: str, sentence: str) -> tuple[str, ...]:
        seen = sorted(s for s in surfaces.get((graph, entity), ()) if s in sentence)
        return tuple(dict.fromkeys([*seen, *sorted(names.get(entity, ()))]))  # surfaces first

    out: dict[str, dict[Triple, Prediction]] = {}
    for row in rows(_EVIDENCE_QUERY):
        graph, s, o, sentence = row["g"], row["s"], row["o"], row["sentence"]
        predicate = row["p"].removeprefix(SCHEMA)
        entity_object = predicate not in ("alternateName", "foundingDate")
        chair_titles = titles.get((graph, s, o), []) if predicate == "worksFor" else []
        subject = names_of(graph, s, sentence)
        duie = duie_predicate(
            predicate,
            subject_label=labels.get(s, ""),
            extractor=row["extractor"],
            subject=max(subject, key=len, default=""),
            title=next((t for t in chair_titles if _is_chair(t)), None),
            value=None if entity_object else o,
            include_name_prefix=include_name_prefix,
        )
        if duie is None:
            continue
        obj = names_of(graph, o, sentence) if entity_object else (o,)
        if duie == "董事长":
            subject, obj = obj, subject
        if not subject or not obj:
            continue
        prediction = Prediction(duie, subject, obj)
        out.setdefault(row["doc"], {}).setdefault(prediction.shown, prediction)
    return {doc: list(found.values()) for doc, found in out.items()}


def error_counts(report: Report) -> Counter[tuple[str, str]]:
    return Counter((kind, triple[0]) for kind, _, triple in report.errors)


def blank_vocab_doc(text: str) -> Doc:
    """A character-tokenised ``Doc`` without a ``Language`` (for quick experiments)."""
    from kg.nlp.tokenizer import CharTokenizer

    return CharTokenizer(Vocab())(text)
