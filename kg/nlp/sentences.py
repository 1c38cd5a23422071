"""Sentence boundaries for Chinese news: 。！？!?； and line breaks, closing quotes kept.

Pure splitting (:func:`sentence_spans`, text → character spans) is kept apart from writing the
boundaries onto the ``Doc`` (:class:`Sentencizer`).
"""

from __future__ import annotations

import re

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from kg.nlp.doctext import doc_text

# A sentence ends after final punctuation plus any closing quotes/brackets, or at a line break.
_END = re.compile(r"[。！？!?；;…]+[”’」』）)》]*|\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentences: ``(start, end)`` spans, surrounding space trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _END.finditer(text):
        end = match.end()
        if _continues_after_quote(text, match.group(), end):
            continue
        _append(spans, text, start, end)
        start = end
    _append(spans, text, start, len(text))
    return spans


def _continues_after_quote(text: str, boundary: str, end: int) -> bool:
    """``“……。”何苗说。`` is one sentence: a closing quote followed by more text does not end it."""
    return (
        boundary[-1] in "”’」』"
        and end < len(text)
        and not text[end].isspace()
        and text[end] not in "“‘「『"
    )


def _append(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))


class Sentencizer:
    """Sets ``token.is_sent_start`` from :func:`sentence_spans`."""

    def __init__(self, name: str = "kg_sentences") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        starts = numpy.array([start for start, _ in sentence_spans(doc_text(doc))], dtype="int64")
        # One array write: setting token.is_sent_start token by token rescans the doc each time.
        values = numpy.where(numpy.isin(doc.to_array("IDX").astype("int64"), starts), 1, -1)
        values[0] = 1
        doc.from_array([SENT_START], values.astype("uint64").reshape(-1, 1))  # type: ignore[arg-type]
        return doc


@Language.factory("kg_sentences")
def make_sentencizer(nlp: Language, name: str) -> Sentencizer:
    return Sentencizer(name)
