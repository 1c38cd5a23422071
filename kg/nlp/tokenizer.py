"""A character tokenizer for Chinese news.

Every CJK character (and punctuation mark) is a token; runs of ASCII letters and digits, with inner
``.``, ``-`` or ``_`` (``R6000``, ``3.6``, ``GV-971``), are one token; a single space after a token
is its trailing whitespace, other whitespace runs are tokens of their own, as in spaCy.
The trained NER model reads ``doc.text`` directly, so entity boundaries never depend on words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry
from spacy.vocab import Vocab

from kg.nlp.doctext import remember_text

_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[.\-_][A-Za-z0-9]+)*|\s+|.", re.DOTALL)
_SPACE = re.compile(r"\s")


def split_chars(text: str) -> tuple[list[str], list[bool]]:
    """Return spaCy ``words`` and ``spaces`` for ``text``."""
    pieces = _TOKEN.findall(text)
    if _SPACE.search(text) is None:  # most paragraphs: nothing to attach
        return pieces, [False] * len(pieces)
    words: list[str] = []
    spaces: list[bool] = []
    for piece in pieces:
        if piece[0].isspace():
            if piece == " " and words and not spaces[-1] and not words[-1].isspace():
                spaces[-1] = True
                continue
            if words and not spaces[-1] and not words[-1].isspace() and piece.startswith(" "):
                spaces[-1] = True
                piece = piece[1:]
        words.append(piece)
        spaces.append(False)
    return words, spaces


class CharTokenizer:
    """Callable tokenizer: ``str`` → ``Doc`` (serialisable, holds no data)."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words, spaces = split_chars(text)
        return remember_text(Doc(self.vocab, words=words, spaces=spaces), text)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
        for text in texts:
            yield self(text)

    # Nothing to save: the tokenizer is pure code. These keep nlp.to_disk()/spacy.load() working.
    def to_disk(self, path: str | Path, **kwargs: Any) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)

    def from_disk(self, path: str | Path, **kwargs: Any) -> CharTokenizer:
        return self

    def to_bytes(self, **kwargs: Any) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs: Any) -> CharTokenizer:
        return self


@registry.tokenizers("kg.char_tokenizer.v1")
def create_char_tokenizer() -> Callable[[Language], CharTokenizer]:
    def create(nlp: Language) -> CharTokenizer:
        return CharTokenizer(nlp.vocab)

    return create
