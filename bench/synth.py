"""Synthetic graphs that follow the graph contract, at any size, for the store/query benchmarks.

Each article gets its own named graph holding what :func:`kg.graph.build.article_quads` writes:
the article node (type, id, hash, source, offsets, body, headline, date, author), the entities it
mentions (``schema:mentions``, ``schema:alternateName``), relations with one ``kg:Evidence`` node
each, a ``kg:Position`` for ``worksFor`` and a quotation; the entities' type and ``rdfs:label`` go
to the shared entity graph, as the builder writes them. :meth:`Generator.article` repeats them
for every article (a build does too; the store keeps one copy), the files hold each once (what
the store holds). Entity popularity is Zipf-like (a few entities in many articles, as in news),
and every entity is mentioned at least once. About 75 quads per article; everything is seeded, so
a size always gives the same file.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.graph.vocab import BASE, KG, RDF, RDFS, SCHEMA, XSD

TYPES = {  # NER label → (IRI segment, class, share of entities)
    "PERSON": ("person", SCHEMA + "Person", 0.35),
    "ORG": ("org", SCHEMA + "Organization", 0.30),
    "PLACE": ("place", SCHEMA + "Place", 0.15),
    "PROJECT": ("project", SCHEMA + "Project", 0.08),
    "PRODUCT": ("product", SCHEMA + "Product", 0.07),
    "WORK": ("work", SCHEMA + "CreativeWork", 0.03),
    "EVENT": ("event", SCHEMA + "Event", 0.02),
}
RELATIONS = [  # predicate, subject label, object label
    ("worksFor", "PERSON", "ORG"),
    ("founder", "ORG", "PERSON"),
    ("parentOrganization", "ORG", "ORG"),
    ("location", "ORG", "PLACE"),
    ("containedInPlace", "PLACE", "PLACE"),
    ("manufacturer", "PRODUCT", "ORG"),
    ("alumniOf", "PERSON", "ORG"),
    ("isPartOf", "PROJECT", "PROJECT"),
]
CHARS = "的一国中人研究科技新发展学院大会工业能源航天火箭数据网络医药电力海洋星河"
TITLES = ["研究员", "董事长", "首席执行官", "院长", "总工程师", "教授"]
MENTIONS_PER_ARTICLE = 8
QUADS_PER_ARTICLE = 75  # about, in the store; used to size a file for a target number of quads
ENTITY_GRAPH = f"<{BASE}graph/entities>"


@dataclass(frozen=True)
class Entity:
    iri: str
    label: str
    type: str
    alias: str | None


@dataclass
class SynthInfo:
    """What was generated: counts and a sample of entities to look up."""

    quads: int = 0
    articles: int = 0
    entities: list[Entity] = field(default_factory=list)


def _h(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def _lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^<{datatype}>'
    return f'"{escaped}"'


def make_entities(count: int, seed: int) -> list[Entity]:
    rng = random.Random(seed)
    labels = list(TYPES)
    weights = [TYPES[label][2] for label in labels]
    entities = []
    for n in range(count):
        label = rng.choices(labels, weights)[0]
        name = "".join(rng.choice(CHARS) for _ in range(rng.randint(2, 5))) + str(n)
        iri = f"{BASE}id/{TYPES[label][0]}/{name}"
        alias = name[:2] + str(n) if rng.random() < 0.3 else None
        entities.append(Entity(iri, name, label, alias))
    return entities


class Generator:
    """Articles of a synthetic corpus over a fixed set of entities."""

    def __init__(self, entities: int, seed: int = 7) -> None:
        self.rng = random.Random(seed + 1)
        self.entities = make_entities(entities, seed)
        self.by_type: dict[str, list[Entity]] = {label: [] for label in TYPES}
        for entity in self.entities:
            self.by_type[entity.type].append(entity)
        self._cursor = 0

    def _pick(self, label: str | None = None) -> Entity:
        pool = self.by_type[label] if label and self.by_type[label] else self.entities
        # Zipf-like: index ~ pool size × u³ favours the first entities of the pool
        return pool[int(len(pool) * self.rng.random() ** 3)]

    def _next(self) -> Entity:
        entity = self.entities[self._cursor % len(self.entities)]
        self._cursor += 1
        return entity

    def article(self, index: int, *, variant: str = "") -> list[str]:
        """The N-Quads lines of article ``index`` (``variant`` changes its content)."""
        rng, doc_id = self.rng, f"synth-{index}"
        graph, article = f"<{BASE}graph/{_h(doc_id)}>", f"<{BASE}article/{_h(doc_id)}>"
        lines: list[str] = []

        def add(s: str, p: str, o: str, g: str = graph) -> None:
            lines.append(f"{s} <{p}> {o} {g} .")

        body = "".join(rng.choice(CHARS) for _ in range(120)) + variant
        integer = XSD + "integer"
        add(article, RDF + "type", f"<{SCHEMA}NewsArticle>")
        add(article, KG + "documentId", _lit(doc_id))
        add(article, KG + "contentHash", _lit(_h(body, "content")))
        add(article, KG + "sourceFile", _lit(f"corpus/part-{index // 1000:04d}.jsonl"))
        add(article, KG + "startChar", _lit("0", datatype=integer))
        add(article, KG + "endChar", _lit(str(len(body)), datatype=integer))
        add(article, SCHEMA + "articleBody", _lit(body, "zh"))
        add(article, SCHEMA + "headline", _lit(body[:12], "zh"))
        add(article, SCHEMA + "datePublished", _lit(f"2025-{index % 12 + 1:02d}-01"))
        seen: set[str] = set()

        def entity(e: Entity, mention: bool = True) -> str:
            node = f"<{e.iri}>"
            if e.iri not in seen:
                seen.add(e.iri)
                add(node, RDF + "type", f"<{TYPES[e.type][1]}>", ENTITY_GRAPH)
                add(node, RDFS + "label", _lit(e.label, "zh"), ENTITY_GRAPH)
                if e.alias:
                    add(node, SCHEMA + "alternateName", _lit(e.alias, "zh"))
                if mention:
                    add(article, SCHEMA + "mentions", node)
            return node

        add(article, SCHEMA + "author", entity(self._pick("PERSON"), mention=False))
        for n in range(MENTIONS_PER_ARTICLE):
            entity(self._next() if n % 2 else self._pick())
        for n, (predicate, s_label, o_label) in enumerate(rng.sample(RELATIONS, 3)):
            s, o = entity(self._pick(s_label)), entity(self._pick(o_label))
            if s == o:
                continue
            add(s, SCHEMA + predicate, o)
            if predicate == "worksFor":
                title = rng.choice(TITLES)
                position = f"<{BASE}id/position/{_h(s, o, title)}>"
                add(position, RDF + "type", f"<{KG}Position>")
                add(position, KG + "holder", s)
                add(position, KG + "organization", o)
                add(position, SCHEMA + "roleName", _lit(title, "zh"))
            evidence = f"<{article[1:-1]}/evidence/{_h(s, predicate, o, str(n))}>"
            start = rng.randint(0, 80)
            add(evidence, RDF + "type", f"<{KG}Evidence>")
            add(evidence, RDF + "subject", s)
            add(evidence, RDF + "predicate", f"<{SCHEMA}{predicate}>")
            add(evidence, RDF + "object", o)
            add(evidence, KG + "sentence", _lit(body[start : start + 30]))
            add(evidence, KG + "article", article)
            add(evidence, KG + "startChar", _lit(str(start), datatype=integer))
            add(evidence, KG + "endChar", _lit(str(start + 30), datatype=integer))
            add(evidence, KG + "extractor", _lit("synth"))
            add(evidence, KG + "confidence", _lit("0.900", datatype=XSD + "decimal"))
        speaker = entity(self._pick("PERSON"))
        quote = f"<{article[1:-1]}/quote/1>"
        add(quote, RDF + "type", f"<{SCHEMA}Quotation>")
        add(quote, SCHEMA + "text", _lit(body[40:70], "zh"))
        add(quote, SCHEMA + "creator", speaker)
        add(quote, SCHEMA + "isPartOf", article)
        add(quote, KG + "startChar", _lit("40", datatype=integer))
        add(quote, KG + "endChar", _lit("70", datatype=integer))
        add(quote, KG + "extractor", _lit("synth"))
        return lines


def articles_for(quads: int) -> int:
    return max(1, round(quads / QUADS_PER_ARTICLE))


def entities_for(articles: int) -> int:
    """Enough entities that each is mentioned about twice (the cyclic half of the mentions)."""
    return max(100, articles * MENTIONS_PER_ARTICLE // 4)


def generate(quads: int, seed: int = 7) -> tuple[Generator, Iterator[list[str]]]:
    articles = articles_for(quads)
    generator = Generator(entities_for(articles), seed)
    return generator, (generator.article(i) for i in range(articles))


def write_nquads(path: Path, quads: int, seed: int = 7) -> SynthInfo:
    """Write a synthetic dataset of about ``quads`` quads to ``path`` (N-Quads)."""
    generator, articles = generate(quads, seed)
    info = SynthInfo(entities=generator.entities)
    written: set[str] = set()  # entity-graph lines already in the file
    with path.open("w", encoding="utf-8") as out:
        for lines in articles:
            shared = {line for line in lines if line.endswith(f"{ENTITY_GRAPH} .")}
            lines = [line for line in lines if line not in written]
            written |= shared
            out.write("\n".join(lines))
            out.write("\n")
            info.quads += len(lines)
            info.articles += 1
    return info


def cached_nquads(folder: Path, quads: int, seed: int = 7) -> tuple[Path, SynthInfo]:
    """:func:`write_nquads` into ``folder`` once per size (the benchmarks share the files)."""
    path = folder / f"synth2-{quads}-{seed}.nq"  # synth2: with the shared entity graph
    generator, _ = generate(quads, seed)
    if path.exists():
        info = SynthInfo(entities=generator.entities, articles=articles_for(quads))
        with path.open("rb") as handle:
            info.quads = sum(1 for _ in handle)
        return path, info
    return path, write_nquads(path, quads, seed)
