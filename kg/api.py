"""``KnowledgeGraph``: the facade the CLI, the endpoint and Python users call.

>>> from kg import KnowledgeGraph
>>> with KnowledgeGraph(None) as graph:                      # None: an in-memory store
...     report = graph.add_text("天兵科技董事长康永来介绍了新火箭。", id="demo")
...     rows = graph.query("SELECT ?label WHERE { ?p a schema:Person ; rdfs:label ?label }")
...     [row["label"] for row in rows]
['康永来']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.builder import Builder, BuildReport, check_paths
from kg.graph import vocab
from kg.ingest import document_from_text
from kg.resources import ontology_files
from kg.store import Store

if TYPE_CHECKING:
    import networkx
    from spacy.language import Language

    from kg.link.linker import Linker

DEFAULT_STORE = Path("kg-store")
#: The alias rows (as :func:`kg.link.aliases.alias_table_query`) of one article graph, given as
#: the only named graph; types and labels come from the default graph (the entity graph).
_ARTICLE_ALIASES = """SELECT DISTINCT ?e ?label ?alt ?type WHERE {
  GRAPH ?g { ?e schema:alternateName ?alt }
  ?e rdfs:label ?label ; a ?type .
  FILTER(STRSTARTS(STR(?type), "http://schema.org/"))
}"""


@dataclass
class Rows:
    """SELECT results as a list of dicts (variable → Python value), with the variable order."""

    variables: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int) -> dict[str, Any]:
        return self.rows[index]

    def to_dataframe(self) -> Any:
        """A pandas DataFrame of the rows (pandas must be installed)."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.variables)


@dataclass(frozen=True)
class Stats:
    articles: int
    entities: dict[str, int]
    relations: dict[str, int]
    quotations: int
    quads: int


class KnowledgeGraph:
    """A knowledge graph in an embedded Oxigraph store.

    ``path`` is the store folder (created on first build); ``None`` keeps it in memory.
    The NLP pipeline is loaded on first use, not when the graph is opened: ``nlp``, or
    :func:`kg.load_pipeline` with ``ner_model`` (``"accurate"``, the default, ``"fast"`` or a
    model directory).
    """

    def __init__(
        self,
        path: str | Path | None = DEFAULT_STORE,
        *,
        read_only: bool = False,
        nlp: Language | None = None,
        ner_model: str | None = None,
    ) -> None:
        if nlp is not None and ner_model is not None:
            raise ValueError("Pass either nlp or ner_model, not both.")
        self.store = Store(path, read_only=read_only)
        self._nlp = nlp
        self.ner_model = ner_model
        self._linker_cache: Linker | None = None

    # --- context manager -----------------------------------------------------------------------

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self.store.flush()

    # --- building ------------------------------------------------------------------------------

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            from kg.nlp import load_pipeline

            self._nlp = load_pipeline(ner_model=self.ner_model)
        return self._nlp

    def builder(self) -> Builder:
        """A :class:`Builder` over this store, its linker primed with the store's aliases.

        The alias table is read from the whole store once per :class:`KnowledgeGraph` (and again
        after a build or a removal); :meth:`add_text` then adds the aliases of the article it
        wrote, so adding one article costs that article's work, not a scan of the store.
        """
        self.store.ensure_ontology(ontology_files())
        return Builder(self.store, self.nlp, self._linker())

    def build(
        self,
        paths: Iterable[str | Path],
        *,
        strict: bool = False,
        progress: bool = False,
        workers: int = 1,
        force: bool = False,
    ) -> BuildReport:
        """Build files, folders or ``-`` (stdin) into the store; see :mod:`kg.builder`.

        ``workers`` other than 1 extract in that many processes (0: one per core), see
        :mod:`kg.parallel`; the result is the same. Articles already in the store with the same
        content are skipped unless ``force`` (after upgrading kg or changing the pipeline).
        """
        checked = check_paths(paths)
        if workers == 1:
            builder = self.builder()
        else:
            from kg.parallel import parallel_builder

            builder = parallel_builder(self, workers)
        builder.force = force
        try:
            return builder.build_paths(checked, strict=strict, progress=progress)
        finally:
            self._linker_cache = None  # many articles written: read the aliases again when needed

    def add_text(
        self,
        text: str,
        *,
        id: str,
        title: str | None = None,
        date: str | None = None,
        source: str | None = None,
        url: str | None = None,
        authors: Iterable[str] = (),
    ) -> BuildReport:
        """Build one article given as text; an article with the same ``id`` is replaced."""
        document = document_from_text(
            text, id=id, title=title, date=date, source=source, url=url, authors=authors
        )
        report = self.builder().build_documents([document])
        if report.written:
            self._learn_aliases(vocab.article_graph(id))
        return report

    def remove(self, doc_id: str) -> bool:
        """Delete one article (its named graph); returns whether it was there."""
        removed = self.store.remove_graph(vocab.article_graph(doc_id))
        if removed:
            self._linker_cache = None  # its aliases may be gone: read them again when needed
        return removed

    def _linker(self) -> Linker:
        if self._linker_cache is None:
            from kg.link import Linker, load_alias_table

            self._linker_cache = Linker(load_alias_table(self.store.select))
        return self._linker_cache

    def _learn_aliases(self, graph: ox.NamedNode) -> None:
        """Add the aliases one article graph states to the cached linker's table (per-article
        work: the graph's ``schema:alternateName`` triples, the type and label of each)."""
        if self._linker_cache is None:
            return
        from kg.link.aliases import AliasTable

        rows = self.store.query(
            _ARTICLE_ALIASES, default_graph=[vocab.ENTITY_GRAPH, graph], named_graphs=[graph]
        )
        self._linker_cache.alias_table.update(AliasTable.from_rows(rows))  # type: ignore[arg-type]

    # --- reading -------------------------------------------------------------------------------

    def query(self, sparql: str, **substitutions: ox.NamedNode | ox.Literal) -> Any:
        """Run SPARQL over all graphs. SELECT gives :class:`Rows`; ASK a bool; CONSTRUCT triples.

        Bind values with keyword arguments, e.g. ``query(q, name=Literal("何苗", language="zh"))``;
        a bound variable must appear in the SELECT clause (SPARQL SEP-0007).
        """
        result = self.store.query(sparql, substitutions=substitutions or None)
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            rows = [
                {
                    name: to_python(solution[name])
                    for name in variables
                    if solution[name] is not None
                }
                for solution in result
            ]
            return Rows(variables, rows)
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        return result

    def stats(self) -> Stats:
        """Counts of articles, entities by type, relations by property and quotations."""
        q = self.store.select
        entities: Counter[str] = Counter()
        for row in q("SELECT ?type (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?type } GROUP BY ?type"):
            label = vocab.LABEL_OF_TYPE.get(row["type"].value)
            if label:
                entities[label] = int(row["n"].value)
        relations: Counter[str] = Counter()
        for row in q(
            "SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE "
            "{ ?e a kg:Evidence ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o } }"
            " GROUP BY ?p"
        ):
            relations[row["p"].value.rsplit("/", 1)[-1]] = int(row["n"].value)
        return Stats(
            articles=self._count("?a a schema:NewsArticle", "?a"),
            entities=dict(entities.most_common()),
            relations=dict(relations.most_common()),
            quotations=self._count("?x a schema:Quotation", "?x"),
            quads=len(self.store),
        )

    def _count(self, pattern: str, var: str) -> int:
        rows = list(
            self.store.select(f"SELECT (COUNT(DISTINCT {var}) AS ?n) WHERE {{ {pattern} }}")
        )
        return int(rows[0]["n"].value)

    # --- consumers (kg.export) -----------------------------------------------------------------

    def export(
        self,
        path: str | Path,
        *,
        format: str | None = None,
        query: str | None = None,
        co_mentions: str | None = None,
        layout: bool = False,
    ) -> Any:
        """Write the graph to ``path`` (format guessed from the extension when not given)."""
        from kg.export import export_store, guess_format

        target = Path(path)
        return export_store(
            self.store,
            target,
            format or guess_format(target),
            query=query,
            co_mentions=co_mentions,
            layout=layout,
        )

    def to_networkx(
        self, query: str | None = None, co_mentions: str | None = None
    ) -> networkx.MultiDiGraph:
        """The entity graph as a networkx ``MultiDiGraph`` (see :func:`kg.export.to_networkx`)."""
        from kg.export import to_networkx

        return to_networkx(self.store, query=query, co_mentions=co_mentions)

    def entity(self, name: str) -> dict[str, Any] | None:
        """Look an entity up by canonical label or alias: its IRI, label, type and aliases.

        Uses the store's indexes directly (a SPARQL query with the name substituted scans the
        whole store in Oxigraph 0.5, see bench/results.md).
        """
        literal = ox.Literal(name, language="zh")
        for predicate in (vocab.rdfs("label"), vocab.schema("alternateName")):
            for quad in self.store.raw.quads_for_pattern(None, predicate, literal, None):
                subject = quad.subject
                if isinstance(subject, ox.NamedNode) and self._entity_type(subject):
                    return self._describe_entity(subject)
        return None

    def _entity_type(self, node: ox.NamedNode) -> str | None:
        for quad in self.store.raw.quads_for_pattern(node, vocab.rdf("type"), None, None):
            label = vocab.LABEL_OF_TYPE.get(str(quad.object.value))  # type: ignore[union-attr]
            if label:
                return label
        return None

    def _describe_entity(self, node: ox.NamedNode) -> dict[str, Any]:
        def values(predicate: ox.NamedNode) -> list[str]:
            quads = self.store.raw.quads_for_pattern(node, predicate, None, None)
            return sorted({str(q.object.value) for q in quads})  # type: ignore[union-attr]

        labels = values(vocab.rdfs("label"))
        return {
            "iri": node.value,
            "label": labels[0] if labels else "",
            "type": self._entity_type(node),
            "aliases": values(vocab.schema("alternateName")),
        }


def to_python(term: Any) -> Any:
    """An RDF term as a plain Python value: IRIs and strings as ``str``, numbers as numbers."""
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value if term.datatype else ""
        if datatype.endswith(("#integer", "#int", "#long")):
            return int(term.value)
        if datatype.endswith(("#decimal", "#double", "#float")):
            return float(term.value)
        if datatype.endswith("#boolean"):
            return term.value == "true"
        return term.value
    if isinstance(term, ox.NamedNode | ox.BlankNode):
        return term.value
    return str(term)
