"""Entity linking: every mention of an article → one :class:`Entity` with a deterministic IRI.

Rules, in the order they are tried for each mention (its canonical name from
:func:`~kg.link.names.canonical_name`):

1. ``in-article-alias`` — the article itself said so (``alternateName`` relations: 简称“中国药登”):
   the alias links to the named entity. ORG, PROJECT and PRODUCT aliases link across these three
   labels (the NER may label 中国药登 differently from 中国药品价格登记系统).
2. ``alias-table`` / ``gazetteer`` — a known alias (中科院 → 中国科学院) from the store or the
   gazetteer, same NER label only.
3. ``short-form`` — within one article a later, shorter mention of an entity named in full earlier:
   for a PERSON, a part of a foreign name split by ``·`` (斯基珀 after 玛格达莱娜·斯基珀; two
   characters at least — a Chinese surname alone is never enough); for an ORG, the full name minus
   a legal-form suffix (天兵科技 after 天兵科技有限公司).
4. ``same-name`` / ``new`` — the same canonical name and label are the same entity.

People with common names: a PERSON whose name is ambiguous (:func:`is_ambiguous_person`: two
characters with a common surname, or a very common full name such as 王伟) gets a discriminator —
the canonical name of the organisation of their first position in the article (王伟~清华大学); with
no position, the article (``doc-`` + a hash of the article key or text), so two 王伟 of different
articles stay apart unless both state the same organisation. Other names merge across articles.

Every decision is kept in :attr:`Linker.decisions` for ``kg explain``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc

from kg.link.aliases import AliasTable
from kg.link.iri import TYPE_SEGMENTS, entity_iri
from kg.link.names import canonical_name, normalise_surface
from kg.nlp.doctext import doc_text
from kg.nlp.records import Mention, Quote, Relation, quotes_of, relations_of

#: The hundred most frequent Chinese surnames (a two-character name with one of them is ambiguous).
COMMON_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏"
    "吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万"
    "钱严覃武戴莫孔向汤"
)
#: Very common full names (national name statistics), three characters included.
COMMON_NAMES = frozenset(
    [
        "张伟",
        "王伟",
        "王芳",
        "李伟",
        "李娜",
        "张敏",
        "李静",
        "王静",
        "刘伟",
        "王秀英",
        "张丽",
        "李秀英",
        "王丽",
        "张静",
        "张秀英",
        "李强",
        "王敏",
        "李敏",
        "王磊",
        "刘洋",
        "王艳",
        "王勇",
        "李军",
        "张勇",
        "李杰",
        "张杰",
        "张磊",
        "王强",
        "李娟",
        "王军",
        "张艳",
        "张涛",
        "王涛",
        "李明",
        "王超",
        "李勇",
        "王娟",
        "刘杰",
        "王秀兰",
        "李霞",
        "刘敏",
        "张军",
        "李丽",
        "张强",
        "王平",
        "王刚",
        "王杰",
        "李桂英",
        "刘芳",
        "陈伟",
        "陈静",
        "刘静",
        "杨帆",
        "王建国",
        "李建国",
        "张建国",
        "王建华",
        "李建华",
        "王建军",
        "李建军",
        "王海燕",
        "李红",
        "王红",
        "张红",
        "刘红",
        "王波",
        "李波",
        "张波",
    ]
)
_ORG_LEGAL_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "控股有限公司",
    "有限公司",
    "集团公司",
    "股份公司",
    "集团",
    "公司",
)
_CROSS_LABEL = frozenset({"ORG", "PROJECT", "PRODUCT"})


def is_ambiguous_person(name: str) -> bool:
    """Chinese names shared by many people: 王伟, 李娜, 何苗 (two characters, common surname)."""
    if name in COMMON_NAMES:
        return True
    return len(name) == 2 and name[0] in COMMON_SURNAMES and "\u4e00" <= name[1] <= "\u9fff"


@dataclass(frozen=True)
class Entity:
    """A linked entity: ``label`` is the ``rdfs:label``, ``type`` the NER label (PERSON, ORG …),
    ``aliases`` the other names seen (written as ``schema:alternateName``)."""

    iri: str
    label: str
    type: str
    aliases: frozenset[str] = frozenset()


@dataclass(frozen=True)
class LinkDecision:
    """Why one mention links to one entity."""

    mention: Mention
    rule: str  # in-article-alias, alias-table, gazetteer, short-form, same-name, new
    entity_iri: str
    label: str
    detail: str = ""
    article: str = ""


@dataclass
class _Group:
    type: str
    label: str
    mentions: list[Mention] = field(default_factory=list)
    aliases: set[str] = field(default_factory=set)


class Linker:
    """Links the mentions of one article at a time.

    ``decisions`` holds why each mention of the latest article linked where it did; the graph
    stage writes them as ``kg:Mention`` nodes, which ``kg explain`` reads back.
    """

    def __init__(self, alias_table: AliasTable | None = None) -> None:
        self.alias_table = alias_table or AliasTable()
        self.decisions: list[LinkDecision] = []

    # --- public API -------------------------------------------------------------------------

    def link(self, doc: Doc, article: str | None = None) -> dict[tuple[int, int], Entity]:
        """Map every ``(start_char, end_char)`` of ``doc.ents`` — and every mention a relation
        or quotation refers to — to its :class:`Entity`."""
        mentions = [Mention.from_span(ent) for ent in doc.ents]
        relations, quotes = relations_of(doc), quotes_of(doc)
        return self.link_mentions(doc_text(doc), mentions, relations, quotes, article)

    def link_mentions(
        self,
        text: str,
        mentions: Sequence[Mention],
        relations: Sequence[Relation] = (),
        quotes: Sequence[Quote] = (),
        article: str | None = None,
    ) -> dict[tuple[int, int], Entity]:
        """The pure core of :meth:`link` (text, mentions and relations given directly)."""
        article_key = article or hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
        self.decisions = []  # the latest article's only: a long build must not accumulate them
        every = _all_mentions(mentions, relations, quotes)
        aliases = self._article_aliases(relations)
        groups: dict[tuple[str, str], _Group] = {}
        chosen: dict[tuple[int, int], tuple[str, str]] = {}
        pending: list[tuple[Mention, str, str]] = []
        for m in every:
            name = canonical_name(m.text, m.label)
            if not name or m.label not in TYPE_SEGMENTS:
                continue
            key, rule, detail = self._resolve(m.label, name, aliases, groups)
            group = groups.setdefault(key, _Group(key[0], key[1]))
            group.mentions.append(m)
            for form in (name, normalise_surface(m.text)):
                if form and form != group.label:
                    group.aliases.add(form)
            chosen[(m.start, m.end)] = key
            pending.append((m, rule, detail))
        for (type_, alias), key in aliases.items():
            if key in groups and alias != groups[key].label and type_ == key[0]:
                groups[key].aliases.add(alias)
        entities = self._entities(groups, _first_employers(relations, chosen), article_key)
        out: dict[tuple[int, int], Entity] = {}
        for m, rule, detail in pending:
            entity = entities[chosen[(m.start, m.end)]]
            out[(m.start, m.end)] = entity
            self.decisions.append(
                LinkDecision(m, rule, entity.iri, entity.label, detail, article_key)
            )
        return out

    def entity_for(self, name: str, label: str, discriminator: str | None = None) -> Entity:
        """An entity named outside ``doc.ents`` (byline authors, source outlets)."""
        canonical = canonical_name(name, label)
        entry = self.alias_table.lookup(canonical, label)
        if entry is not None:
            canonical = entry.label
        iri = (
            entry.iri
            if entry is not None and entry.iri and not discriminator
            else entity_iri(label, canonical, discriminator)
        )
        aliases = frozenset({normalise_surface(name)} - {canonical, ""})
        return Entity(iri, canonical, label, aliases)

    # --- rules ------------------------------------------------------------------------------

    def _article_aliases(
        self, relations: Iterable[Relation]
    ) -> dict[tuple[str, str], tuple[str, str]]:
        """(label, alias) → (label, canonical) from the article's ``alternateName`` relations."""
        out: dict[tuple[str, str], tuple[str, str]] = {}
        for r in relations:
            if r.predicate != "alternateName" or not r.value:
                continue
            target_type = r.subject.label
            target = canonical_name(r.subject.text, target_type)
            entry = self.alias_table.lookup(target, target_type)
            if entry is not None:
                target = entry.label
            labels = _CROSS_LABEL if target_type in _CROSS_LABEL else {target_type}
            for label in labels:
                alias = canonical_name(r.value, label)
                if alias and alias != target:
                    out.setdefault((label, alias), (target_type, target))
        return out

    def _resolve(
        self,
        label: str,
        name: str,
        aliases: dict[tuple[str, str], tuple[str, str]],
        groups: dict[tuple[str, str], _Group],
    ) -> tuple[tuple[str, str], str, str]:
        if (label, name) in aliases:
            return aliases[(label, name)], "in-article-alias", f"{name} is an alias in the article"
        entry = self.alias_table.lookup(name, label)
        if entry is not None:
            rule = "gazetteer" if entry.source == "gazetteer" else "alias-table"
            return (label, entry.label), rule, f"{name} is a known alias of {entry.label}"
        if (label, name) not in groups:
            full = _short_form_of(label, name, groups)
            if full is not None:
                return full, "short-form", f"{name} shortens {full[1]}, named earlier"
            return (label, name), "new", ""
        return (label, name), "same-name", ""

    def _entities(
        self,
        groups: dict[tuple[str, str], _Group],
        employer: dict[tuple[int, int], str],
        article: str,
    ) -> dict[tuple[str, str], Entity]:
        out: dict[tuple[str, str], Entity] = {}
        for key, group in groups.items():
            discriminator: str | None = None
            entry = self.alias_table.lookup(group.label, group.type)
            if group.type == "PERSON" and is_ambiguous_person(group.label):
                org = next(
                    (
                        employer[(m.start, m.end)]
                        for m in group.mentions
                        if (m.start, m.end) in employer
                    ),
                    None,
                )
                if org is not None:
                    found = self.alias_table.lookup(org, "ORG")
                    discriminator = found.label if found else org
                else:
                    discriminator = f"doc-{hashlib.sha1(article.encode()).hexdigest()[:8]}"
            iri = entity_iri(group.type, group.label, discriminator)
            if entry is not None and entry.iri and discriminator is None:
                iri = entry.iri
            out[key] = Entity(iri, group.label, group.type, frozenset(group.aliases))
        return out


def _all_mentions(
    mentions: Sequence[Mention], relations: Sequence[Relation], quotes: Sequence[Quote]
) -> list[Mention]:
    seen: dict[tuple[int, int], Mention] = {}
    for m in mentions:
        seen.setdefault((m.start, m.end), m)
    for r in relations:
        for part in (r.subject, r.object):
            if part is not None:
                seen.setdefault((part.start, part.end), part)
    for q in quotes:
        seen.setdefault((q.speaker.start, q.speaker.end), q.speaker)
    return sorted(seen.values(), key=lambda m: (m.start, -m.end))


def _short_form_of(
    label: str, name: str, groups: dict[tuple[str, str], _Group]
) -> tuple[str, str] | None:
    candidates: list[tuple[str, str]] = []
    for key in groups:
        if key[0] != label:
            continue
        full = key[1]
        if (label == "PERSON" and "·" in full and len(name) >= 2 and name in full.split("·")) or (
            label == "ORG"
            and len(name) >= 2
            and full.startswith(name)
            and full[len(name) :] in _ORG_LEGAL_SUFFIXES
        ):
            candidates.append(key)
    return candidates[0] if len(candidates) == 1 else None


def _first_employers(
    relations: Sequence[Relation], linked: dict[tuple[int, int], tuple[str, str]]
) -> dict[tuple[int, int], str]:
    """PERSON mention span → name of the organisation (or project) of its first position in the
    article, as linked (``linked``: mention span → entity key), so that an alias the article
    introduced (自动化所 for 中国科学院自动化研究所) names the same employer as the full name."""
    out: dict[tuple[int, int], str] = {}
    for r in relations:
        if r.predicate == "worksFor" and r.object is not None:
            span = (r.object.start, r.object.end)
            name = (
                linked[span][1] if span in linked else canonical_name(r.object.text, r.object.label)
            )
            out.setdefault((r.subject.start, r.subject.end), name)
    return out
