"""Pretraining of character and character-bigram embeddings with gensim word2vec.

The vectors are trained on the raw text of the training corpora (see
:func:`kg.train.corpora.raw_texts`) and cached by a hash of their settings, so repeated
training runs reuse them. gensim is needed for training only, never at inference.
"""

from __future__ import annotations

import hashlib
import json
import logging
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EmbeddingSettings:
    """word2vec settings for one embedding table."""

    kind: str  # "char" or "bigram"
    dim: int
    window: int = 5
    min_count: int = 2
    epochs: int = 5
    sg: int = 1
    seed: int = 13


def _stable_hash(text: str) -> int:
    """A hash that does not depend on PYTHONHASHSEED (gensim seeds vectors with it)."""
    return zlib.crc32(text.encode("utf-8"))


def pretrain(
    sequences: list[list[str]], settings: EmbeddingSettings, cache_dir: Path
) -> dict[str, np.ndarray]:
    """Token → vector for ``sequences``; read from / written to ``cache_dir``."""
    from gensim.models import Word2Vec

    key_data = json.dumps(asdict(settings), sort_keys=True) + str(len(sequences))
    key_data += str(sum(len(s) for s in sequences))
    key = hashlib.sha1(key_data.encode()).hexdigest()[:16]
    cache = cache_dir / f"w2v-{settings.kind}-{key}.npz"
    if cache.is_file():
        data = np.load(cache, allow_pickle=False)
        log.info("using cached %s embeddings %s", settings.kind, cache)
        return dict(zip(data["tokens"].tolist(), data["vectors"], strict=True))
    log.info("pretraining %s embeddings on %d sequences", settings.kind, len(sequences))
    model = Word2Vec(
        sentences=sequences,
        vector_size=settings.dim,
        window=settings.window,
        min_count=settings.min_count,
        sg=settings.sg,
        epochs=settings.epochs,
        seed=settings.seed,
        workers=1,
        hashfxn=_stable_hash,
    )
    tokens = list(model.wv.index_to_key)
    vectors = model.wv.vectors.astype(np.float32)
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.savez(cache, tokens=np.array(tokens), vectors=vectors)
    return dict(zip(tokens, vectors, strict=True))
