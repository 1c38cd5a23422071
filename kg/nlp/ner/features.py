"""Vectorised feature extraction for the NER network: many text pieces at once, in numpy.

The network reads three ids per character (see :mod:`kg.nlp.ner.model`): the character, the
character bigram starting at it, and a lexicon feature (:meth:`kg.nlp.ner.text.Lexicon.features`
defines it). Looking these up one character at a time in Python cost about as much as the BiLSTM
itself, so :class:`Featurizer` works on whole batches:

- the pieces are folded (:data:`kg.nlp.ner.text.FEATURE_TABLE`), joined and turned into one array
  of code points, with the piece each position belongs to;
- characters are looked up in a table indexed by code point, bigrams by binary search in the
  sorted ``first * 0x110001 + second`` keys of the vocabulary;
- dictionary words are found by hashing every substring of length 2–8 (a polynomial hash over
  code points, modulo 2^64) and binary search in the sorted hashes of the lexicon's words of that
  length; substrings that cross a piece boundary are masked out. Two different strings of up to
  eight characters share a hash with probability about 2^-64, so the features equal the
  exact per-character definition (``tests/test_ner.py`` checks this on the corpus text).

The ids are exactly those of the pure-Python definition; only the speed differs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from kg.nlp.ner.text import EOS, FEATURE_TABLE, LEX_LEN_CAP, MAX_LEX_LEN

N_CODEPOINTS = 0x110000
EOS_CODE = N_CODEPOINTS  # the bigram partner of a piece's last character
_HASH_BASE = np.uint64(0x100000001B3)  # FNV prime: odd, mixes the 21-bit code points

IntArray = npt.NDArray[np.int64]


def codepoints(text: str) -> npt.NDArray[np.uint32]:
    """The Unicode code points of ``text`` as an array (no copy of the encoded bytes)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _hash_step(hashes: npt.NDArray[np.uint64], points: npt.NDArray[np.uint64]) -> npt.NDArray:
    with np.errstate(over="ignore"):
        return hashes * _HASH_BASE + points


class LexiconIndex:
    """Sorted substring hashes of dictionary words, one array per word length."""

    def __init__(self, words: Iterable[str]) -> None:
        by_length: dict[int, list[str]] = defaultdict(list)
        for word in words:
            if 2 <= len(word) <= MAX_LEX_LEN:
                by_length[len(word)].append(word)
        self.hashes: dict[int, npt.NDArray[np.uint64]] = {}
        for length, group in by_length.items():
            points = codepoints("".join(group)).astype(np.uint64).reshape(len(group), length)
            hashes = np.zeros(len(group), dtype=np.uint64)
            for k in range(length):
                hashes = _hash_step(hashes, points[:, k])
            self.hashes[length] = np.sort(hashes)

    def features(self, points: npt.NDArray[np.uint32], piece: IntArray) -> IntArray:
        """Lexicon feature ids of every position of ``points`` (see ``Lexicon.features``).

        ``piece[i]`` is the piece position ``i`` belongs to; words never cross pieces.
        """
        n = len(points)
        begin = np.zeros(n, dtype=np.int64)
        end = np.zeros(n, dtype=np.int64)
        inside = np.zeros(n, dtype=np.int64)
        wide = points.astype(np.uint64)
        hashes = wide
        for length in range(2, MAX_LEX_LEN + 1):
            starts = n - length + 1
            if starts <= 0:
                break
            hashes = _hash_step(hashes[:starts], wide[length - 1 :])
            table = self.hashes.get(length)
            if table is None or not len(table):
                continue
            slot = np.minimum(np.searchsorted(table, hashes), len(table) - 1)
            hit = (table[slot] == hashes) & (piece[:starts] == piece[length - 1 :])
            found = np.flatnonzero(hit)
            if not len(found):
                continue
            capped = min(length, LEX_LEN_CAP)
            # lengths grow with the loop, so plain assignment keeps the longest word
            begin[found] = capped
            end[found + length - 1] = capped
            for k in range(1, length - 1):
                inside[found + k] = 1
        return (begin * (LEX_LEN_CAP + 1) + end) * 2 + inside


class Featurizer:
    """Character, bigram and lexicon ids for batches of text pieces."""

    def __init__(
        self,
        chars: Sequence[str],
        bigrams: Sequence[str],
        lexicon: LexiconIndex | None,
        unknown: int,
    ) -> None:
        self.unknown = unknown
        self.char_table = np.full(N_CODEPOINTS, unknown, dtype=np.int64)
        for i, ch in enumerate(chars):
            if len(ch) == 1:
                self.char_table[ord(ch)] = i
        keys: list[int] = []
        ids: list[int] = []
        for i, bigram in enumerate(bigrams):
            if len(bigram) == 2:
                keys.append(ord(bigram[0]) * (EOS_CODE + 1) + ord(bigram[1]))
            elif len(bigram) == 1 + len(EOS) and bigram.endswith(EOS):
                keys.append(ord(bigram[0]) * (EOS_CODE + 1) + EOS_CODE)
            else:
                continue
            ids.append(i)
        order = np.argsort(np.array(keys, dtype=np.int64), kind="stable")
        self.bigram_keys = np.array(keys, dtype=np.int64)[order]
        self.bigram_ids = np.array(ids, dtype=np.int64)[order]
        self.lexicon = lexicon

    def batch(self, texts: Sequence[str]) -> tuple[IntArray, IntArray, IntArray, IntArray]:
        """Padded ``(B, T)`` arrays of char, bigram and lexicon ids, and the ``(B,)`` lengths."""
        lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
        points = codepoints("".join(texts).translate(FEATURE_TABLE))
        piece = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        wide = points.astype(np.int64)
        chars = self.char_table[wide]
        following = np.empty_like(wide)
        following[:-1] = wide[1:]
        last = np.cumsum(lengths) - 1
        following[last[lengths > 0]] = EOS_CODE
        keys = wide * (EOS_CODE + 1) + following
        bigrams = np.full(len(keys), self.unknown, dtype=np.int64)
        if len(self.bigram_keys):
            slot = np.minimum(np.searchsorted(self.bigram_keys, keys), len(self.bigram_keys) - 1)
            known = self.bigram_keys[slot] == keys
            bigrams[known] = self.bigram_ids[slot[known]]
        lex = (
            self.lexicon.features(points, piece)
            if self.lexicon is not None
            else np.zeros(len(points), dtype=np.int64)
        )
        width = int(lengths.max()) if len(lengths) else 0
        mask = np.arange(width)[None, :] < lengths[:, None]
        out = []
        for flat in (chars, bigrams, lex):
            padded = np.zeros((len(texts), width), dtype=np.int64)
            padded[mask] = flat
            out.append(padded)
        return out[0], out[1], out[2], lengths
