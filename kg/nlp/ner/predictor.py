"""Pure prediction: text → ``(start, end, label)`` spans, with a trained model directory.

A model directory holds ``config.json`` (network sizes, heads, what each head emits),
``vocab.json`` (characters and bigrams), ``lexicon.txt.gz`` (dictionary words) and
``weights.pt`` (a float16 ``state_dict``).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from kg.errors import ModelError
from kg.nlp.ner import TITLE_LABEL
from kg.nlp.ner.features import Featurizer
from kg.nlp.ner.model import NerNet, NetConfig
from kg.nlp.ner.text import Lexicon, split_sentences

log = logging.getLogger(__name__)

FILES = ("config.json", "vocab.json", "lexicon.txt.gz", "weights.pt")
PAD, UNK = 0, 1

Span = tuple[int, int, str]


#: The models shipped inside the package, by name (folders of ``kg/nlp/ner/``).
SHIPPED_MODELS = {"accurate": "model", "fast": "model-fast"}
DEFAULT_MODEL = "accurate"


def model_path(model: str | Path | None = None) -> Path:
    """The folder of a model: a shipped model's name (``"accurate"``, the default, or
    ``"fast"``, see :data:`SHIPPED_MODELS`) or a directory."""
    if model is None:
        model = DEFAULT_MODEL
    if isinstance(model, str) and model in SHIPPED_MODELS:
        return Path(__file__).resolve().parent / SHIPPED_MODELS[model]
    return Path(model)


@dataclass
class Features:
    """Feature ids of one text piece."""

    chars: list[int]
    bigrams: list[int]
    lex: list[int]


class Vocab:
    """The characters and bigrams of the model, in id order (0 = padding, 1 = unknown); the
    lookups themselves are :class:`kg.nlp.ner.features.Featurizer`'s."""

    def __init__(self, chars: Sequence[str], bigrams: Sequence[str]) -> None:
        self.chars = list(chars)
        self.bigrams = list(bigrams)

    def to_json(self) -> dict[str, list[str]]:
        return {"chars": self.chars, "bigrams": self.bigrams}


class NerModel:
    """A loaded network with its vocabulary and lexicon; :meth:`predict` is the entry point."""

    def __init__(
        self,
        net: NerNet,
        vocab: Vocab,
        lexicon: Lexicon,
        emit: dict[str, list[str]],
        max_len: int = 200,
        meta: dict | None = None,
    ) -> None:
        self.net = net.eval()
        self.vocab = vocab
        self.lexicon = lexicon
        self.emit = emit
        self.max_len = max_len
        self.meta = meta or {}
        self.head_order = net.cfg.head_order or list(net.cfg.heads)
        self.featurizer = Featurizer(
            vocab.chars,
            vocab.bigrams,
            lexicon.index if net.cfg.use_lexicon else None,
            unknown=UNK,
        )

    @property
    def labels(self) -> list[str]:
        """Every label the model emits."""
        out: list[str] = []
        for name in self.head_order:
            out += [lab for lab in self.emit.get(name, []) if lab not in out]
        return out

    # ---------------------------------------------------------------- loading and saving
    @classmethod
    def load(cls, model_dir: Path | str | None = None) -> NerModel:
        """Load a model directory or a shipped model by name (see :func:`model_path`; default:
        the accurate model). Raises :class:`ModelError`."""
        path = model_path(model_dir)
        missing = [name for name in FILES if not (path / name).is_file()]
        if missing:
            raise ModelError(
                f"The NER model in {path} is incomplete (missing {', '.join(missing)}). "
                "Reinstall kg to restore the shipped model, or train one with "
                "`python -m kg.train ner --config kg/train/configs/ner.cfg --output DIR` and pass "
                "its directory as the kg_ner component's `model_dir`."
            )
        try:
            config = json.loads((path / "config.json").read_text(encoding="utf-8"))
            vocab_data = json.loads((path / "vocab.json").read_text(encoding="utf-8"))
            net = NerNet(NetConfig(**config["net"]))
            state = torch.load(path / "weights.pt", map_location="cpu", weights_only=True)
            net.load_state_dict({k: v.float() for k, v in state.items()})
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
            raise ModelError(
                f"The NER model in {path} cannot be read ({exc}). Reinstall kg or retrain the "
                "model with `python -m kg.train ner`."
            ) from exc
        log.debug("loaded NER model from %s", path)
        return cls(
            net,
            Vocab(vocab_data["chars"], vocab_data["bigrams"]),
            _load_lexicon(path / "lexicon.txt.gz"),
            emit=config["emit"],
            max_len=config.get("max_len", 200),
            meta=config.get("meta", {}),
        )

    def save(self, path: Path | str) -> None:
        """Write the model directory (weights in float16)."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        config = {
            "net": asdict(self.net.cfg),
            "emit": self.emit,
            "max_len": self.max_len,
            "meta": self.meta,
        }
        (path / "config.json").write_text(
            json.dumps(config, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        (path / "vocab.json").write_text(
            json.dumps(self.vocab.to_json(), ensure_ascii=False), encoding="utf-8"
        )
        self.lexicon.to_file(path / "lexicon.txt.gz")
        state = {k: v.detach().to(torch.float16) for k, v in self.net.state_dict().items()}
        torch.save(state, path / "weights.pt")

    # ---------------------------------------------------------------- features
    def featurize(self, text: str) -> Features:
        """Feature ids of ``text`` (any length)."""
        chars, bigrams, lex, _ = self.featurizer.batch([text])
        return Features(chars=chars[0].tolist(), bigrams=bigrams[0].tolist(), lex=lex[0].tolist())

    @staticmethod
    def batch_tensors(feats: Sequence[Features]) -> tuple[torch.Tensor, ...]:
        """Padded (B, T) id tensors and the lengths."""
        lengths = [len(f.chars) for f in feats]
        width = max(lengths)
        out = []
        for attr in ("chars", "bigrams", "lex"):
            rows = [getattr(f, attr) + [PAD] * (width - len(getattr(f, attr))) for f in feats]
            out.append(torch.tensor(rows, dtype=torch.long))
        return (*out, torch.tensor(lengths, dtype=torch.long))

    # ---------------------------------------------------------------- prediction
    def predict(self, texts: Sequence[str], batch_chars: int = 6000) -> list[list[Span]]:
        """Spans ``(start, end, label)`` per text, sorted by start; TITLE spans included.

        Entity spans (every label except TITLE) never overlap each other; TITLE spans never
        overlap each other.
        """
        pieces: list[tuple[int, int, int]] = []  # (text index, start, end)
        for ti, text in enumerate(texts):
            pieces += [(ti, s, e) for s, e in split_sentences(text, self.max_len)]
        order = sorted(range(len(pieces)), key=lambda i: pieces[i][2] - pieces[i][1])
        per_head: list[dict[str, list[Span]]] = [{} for _ in pieces]
        batch: list[int] = []
        width = 0
        for i in order:
            length = pieces[i][2] - pieces[i][1]
            if batch and max(width, length) * (len(batch) + 1) > batch_chars:
                self._predict_batch(texts, pieces, batch, per_head)
                batch, width = [], 0
            batch.append(i)
            width = max(width, length)
        if batch:
            self._predict_batch(texts, pieces, batch, per_head)
        results: list[list[Span]] = [[] for _ in texts]
        for (ti, _, _), spans in zip(pieces, per_head, strict=True):
            results[ti] += self._merge(spans)
        return [sorted(r) for r in results]

    def _predict_batch(
        self,
        texts: Sequence[str],
        pieces: list[tuple[int, int, int]],
        batch: list[int],
        per_head: list[dict[str, list[Span]]],
    ) -> None:
        arrays = self.featurizer.batch(
            [texts[pieces[i][0]][pieces[i][1] : pieces[i][2]] for i in batch]
        )
        chars, bigrams, lex, lengths = (torch.from_numpy(a) for a in arrays)
        sizes = arrays[3].tolist()
        with torch.inference_mode():
            hidden = self.net.encode(chars, bigrams, lex, lengths)
            emissions = self.net.emissions(hidden)
            for name in self.head_order:
                if not self.emit.get(name):
                    continue
                paths = self.net.crf_of(name).decode(emissions[name], sizes)
                labels = self.net.cfg.heads[name]
                for row, i in enumerate(batch):
                    path = paths[row, : sizes[row]]
                    if not path.any():  # all O
                        continue
                    offset = pieces[i][1]
                    piece = texts[pieces[i][0]][offset : pieces[i][2]]
                    trimmed = (trim_span(piece, (s, e, labels[k])) for s, e, k in path_spans(path))
                    per_head[i][name] = [
                        (s + offset, e + offset, lab) for s, e, lab in trimmed if s < e
                    ]

    def _merge(self, spans_by_head: dict[str, list[Span]]) -> list[Span]:
        """Spans of all heads, earlier heads first, dropping later spans that overlap.

        Entities and titles are separate layers; a title that shares characters with an entity
        is cut back to the part outside it (北京大学校长 with ORG 北京大学 → TITLE 校长).
        """
        entities: list[Span] = []
        titles: list[Span] = []
        for name in self.head_order:
            allowed = set(self.emit.get(name, []))
            for s, e, lab in spans_by_head.get(name, []):
                if lab not in allowed:
                    continue
                layer = titles if lab == TITLE_LABEL else entities
                if any(s < te and ts < e for ts, te, _ in layer):
                    continue
                layer.append((s, e, lab))
        out = list(entities)
        for s, e, lab in titles:
            for es, ee, _ in entities:
                if es <= s < ee:
                    s = ee
                elif s < es < e:
                    e = es
            if s < e:
                out.append((s, e, lab))
        return out


def trim_span(text: str, span: Span) -> Span:
    """``span`` without whitespace at its edges (may become empty: start == end)."""
    start, end, label = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end, label


_LEXICONS: dict[str, Lexicon] = {}


def _load_lexicon(path: Path) -> Lexicon:
    """The lexicon file; equal files (e.g. a pipeline saved with ``to_disk``) are read once."""
    data = path.read_bytes()
    key = hashlib.sha1(data).hexdigest()
    if key not in _LEXICONS:
        if len(_LEXICONS) >= 4:
            _LEXICONS.clear()
        _LEXICONS[key] = Lexicon.from_bytes(data, gzipped=path.suffix == ".gz")
    return _LEXICONS[key]


def path_spans(path: np.ndarray) -> list[tuple[int, int, int]]:
    """``(start, end, k)`` spans of a path of BIO tag ids (0 = ``O``, ``2k+1`` = ``B-``, ``2k+2``
    = ``I-`` of the head's label ``k``, as :func:`~kg.nlp.ner.model.bio_tags` orders them); a
    stray ``I-`` starts a span. Array operations, not a loop over characters."""
    label = (path + 1) // 2
    before = np.concatenate(([0], label[:-1]))
    begins = (label > 0) & ((path % 2 == 1) | (before != label))
    starts = np.flatnonzero(begins)
    bounds = np.append(np.flatnonzero(begins | (label != before)), len(path))
    ends = bounds[np.searchsorted(bounds, starts, side="right")]
    return list(zip(starts.tolist(), ends.tolist(), (label[starts] - 1).tolist(), strict=True))
