"""``doc.text`` once per document.

spaCy's ``Doc.text`` joins ``token.text_with_ws`` over a new :class:`~spacy.tokens.Token` object
per token, on every access. Our documents have one token per character, and the stages read the
whole text about seven times per article (NER, sentences, entity rules, relations, linking,
evidence). :func:`doc_text` builds it once, from the ORTH/SPACY arrays, and keeps it in
``doc.user_data``; :class:`~kg.nlp.tokenizer.CharTokenizer` stores the text it was given, which is
the document's text by construction.
"""

from __future__ import annotations

import numpy
from spacy.attrs import ORTH, SPACY
from spacy.tokens import Doc

__all__ = ["TEXT_KEY", "doc_text", "remember_text"]

#: The ``doc.user_data`` key that holds the document's text.
TEXT_KEY = "kg.text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per document."""
    text = doc.user_data.get(TEXT_KEY)
    if isinstance(text, str) and len(text) == _length(doc):  # a copied doc keeps its user_data
        return text
    text = _join(doc)
    doc.user_data[TEXT_KEY] = text
    return text


def remember_text(doc: Doc, text: str) -> Doc:
    """Record ``text`` as ``doc``'s text (the caller guarantees they are equal)."""
    doc.user_data[TEXT_KEY] = text
    return doc


def _length(doc: Doc) -> int:
    if not len(doc):
        return 0
    last = doc[-1]
    return last.idx + len(last.text_with_ws)


def _join(doc: Doc) -> str:
    if not len(doc):
        return ""
    array = doc.to_array([ORTH, SPACY])
    orths, inverse = numpy.unique(array[:, 0], return_inverse=True)
    strings = doc.vocab.strings
    pieces = numpy.array([strings[int(orth)] for orth in orths], dtype=object)[inverse]
    spaced = array[:, 1] != 0
    if spaced.any():
        pieces[spaced] = pieces[spaced] + " "
    return "".join(pieces.tolist())
