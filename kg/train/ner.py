"""Training of the character-level NER model (``python -m kg.train ner``).

Steps: read the train splits, build the vocabularies and the dictionary lexicon, pretrain the
embeddings (word2vec over characters and bigrams), train the BiLSTM-CRF with one head per label
set, evaluate on the dev splits after every epoch, keep the best epoch and write the model
directory. Everything is seeded; the config file is the single source of settings.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tqdm import tqdm

from kg.errors import InputError
from kg.nlp.ner.model import NerNet, NetConfig, bio_tags
from kg.nlp.ner.predictor import Features, NerModel, Vocab
from kg.nlp.ner.text import Lexicon, char_bigrams, chunk_bounds, feature_chars
from kg.train.corpora import Sentence, default_corpora_dir, raw_texts, read_split
from kg.train.embeddings import EmbeddingSettings, pretrain

log = logging.getLogger(__name__)

DEFAULT_CONFIG = Path(__file__).resolve().parent / "configs" / "ner.cfg"


@dataclass
class HeadSpec:
    """One output head: its labels, the corpora that train it, the labels it emits."""

    name: str
    labels: list[str]
    corpora: list[str]
    emit: list[str]


@dataclass
class Instance:
    """One training piece: features and, per applicable head, gold tag ids."""

    feats: Features
    tags: dict[str, list[int]] = field(default_factory=dict)


def load_config(path: Path | str | None = None, overrides: dict[str, Any] | None = None) -> dict:
    """Read a training config (spaCy/confection syntax) with dotted-key overrides."""
    from confection import Config

    path = Path(path) if path else DEFAULT_CONFIG
    if not path.is_file():
        raise InputError(f"Training config {path} does not exist; see {DEFAULT_CONFIG}.")
    return dict(Config().from_disk(path, overrides=overrides or {}))


def head_specs(config: dict) -> list[HeadSpec]:
    """The heads of a config, in the config's ``model.head_order``."""
    heads = config["heads"]
    order = config["model"].get("head_order") or list(heads)
    return [
        HeadSpec(
            name,
            list(heads[name]["labels"]),
            list(heads[name]["corpora"]),
            list(heads[name].get("emit", heads[name]["labels"])),
        )
        for name in order
    ]


def build_lexicon(min_freq: int) -> Lexicon:
    """Dictionary words of length 2–8 from jieba's dictionary (feature view of each word)."""
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    words = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2 and int(parts[1]) >= min_freq:
                words.append("".join(feature_chars(parts[0])))
    return Lexicon(words)


def build_vocab(
    texts: list[str], char_min: int, bigram_min: int, max_bigrams: int
) -> tuple[Vocab, list[list[str]], list[list[str]]]:
    """Vocabularies from raw texts; also returns the char and bigram sequences."""
    char_seqs = [feature_chars(t) for t in texts]
    bigram_seqs = [char_bigrams(c) for c in char_seqs]
    char_counts = Counter(c for seq in char_seqs for c in seq)
    bigram_counts = Counter(b for seq in bigram_seqs for b in seq)
    chars = [
        "<pad>",
        "<unk>",
        *sorted(
            (c for c, n in char_counts.items() if n >= char_min), key=lambda c: (-char_counts[c], c)
        ),
    ]
    bigrams = [
        "<pad>",
        "<unk>",
        *sorted(
            (b for b, n in bigram_counts.items() if n >= bigram_min),
            key=lambda b: (-bigram_counts[b], b),
        )[:max_bigrams],
    ]
    return Vocab(chars, bigrams), char_seqs, bigram_seqs


def init_embedding(table: torch.nn.Embedding, tokens: list[str], vectors: dict) -> int:
    """Copy pretrained vectors into ``table`` (scaled to unit average norm); returns hits."""
    if not vectors:
        return 0
    norms = np.mean([np.linalg.norm(v) for v in vectors.values()])
    hits = 0
    with torch.no_grad():
        for i, token in enumerate(tokens):
            vec = vectors.get(token)
            if vec is not None and i > 1:
                table.weight[i] = torch.from_numpy(vec / norms)
                hits += 1
    return hits


def make_instances(
    sentences: list[Sentence], model: NerModel, heads: list[HeadSpec], max_len: int
) -> list[Instance]:
    """Cut sentences into pieces (never inside an entity) and compute features and gold tags."""
    out = []
    tag_ids = {h.name: {t: i for i, t in enumerate(bio_tags(h.labels))} for h in heads}
    for sent in tqdm(sentences, desc="features", unit="sent", mininterval=5):
        spans = [(s, e) for s, e, _ in sent.spans]
        for start, end in chunk_bounds(sent.text, max_len, spans):
            inst = Instance(model.featurize(sent.text[start:end]))
            for head in heads:
                if sent.corpus not in head.corpora:
                    continue
                tags = ["O"] * (end - start)
                for s, e, label in sent.spans:
                    if label in head.labels and start <= s and e <= end:
                        tags[s - start] = f"B-{label}"
                        for k in range(s - start + 1, e - start):
                            tags[k] = f"I-{label}"
                inst.tags[head.name] = [tag_ids[head.name][t] for t in tags]
            out.append(inst)
    return out


def batches(instances: list[Instance], size: int, rng: random.Random) -> list[list[Instance]]:
    """Batches of similar length in random order."""
    order = sorted(instances, key=lambda x: len(x.feats.chars) + rng.random() * 8)
    groups = [order[i : i + size] for i in range(0, len(order), size)]
    rng.shuffle(groups)
    return groups


def batch_loss(net: NerNet, batch: list[Instance], heads: list[HeadSpec]) -> torch.Tensor:
    """Summed CRF negative log-likelihood of the applicable heads, per sentence."""
    chars, bigrams, lex, lengths = NerModel.batch_tensors([x.feats for x in batch])
    hidden = net.encode(chars, bigrams, lex, lengths)
    emissions = net.emissions(hidden)
    mask = torch.arange(chars.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)
    total = torch.zeros(())
    for head in heads:
        rows = [i for i, x in enumerate(batch) if head.name in x.tags]
        if not rows:
            continue
        width = chars.shape[1]
        gold = torch.tensor(
            [batch[i].tags[head.name] + [0] * (width - len(batch[i].tags[head.name])) for i in rows]
        )
        idx = torch.tensor(rows)
        nll = net.crf_of(head.name).nll(emissions[head.name][idx], gold, mask[idx])
        total = total + nll.sum()
    return total / len(batch)


def build_network(
    config: dict,
    heads: list[HeadSpec],
    texts: list[str],
    cache_dir: Path,
) -> tuple[NerNet, Vocab, Lexicon]:
    """A fresh network with vocabularies, lexicon and (if configured) pretrained embeddings."""
    mc = config["model"]
    seed = int(config["training"]["seed"])
    emb = config["embeddings"]
    vocab, char_seqs, bigram_seqs = build_vocab(
        texts, int(emb["char_min_count"]), int(emb["bigram_min_count"]), int(emb["max_bigrams"])
    )
    lexicon = (
        build_lexicon(int(config["lexicon"]["min_freq"])) if mc["use_lexicon"] else Lexicon([])
    )
    log.info(
        "vocab: %d chars, %d bigrams, lexicon %d words",
        len(vocab.chars),
        len(vocab.bigrams),
        len(lexicon),
    )

    net_cfg = NetConfig(
        n_chars=len(vocab.chars),
        n_bigrams=len(vocab.bigrams),
        heads={h.name: h.labels for h in heads},
        char_dim=int(mc["char_dim"]),
        bigram_dim=int(mc["bigram_dim"]),
        lex_dim=int(mc["lex_dim"]),
        use_lexicon=bool(mc["use_lexicon"]),
        use_bigrams=bool(mc["use_bigrams"]),
        hidden=int(mc["hidden"]),
        dropout=float(mc["dropout"]),
        encoder=str(mc.get("encoder", "lstm")),
        cnn_dilations=list(mc.get("cnn_dilations", [1, 2, 4, 1])),
        head_order=[h.name for h in heads],
    )
    net = NerNet(net_cfg)
    if emb["pretrain"]:
        common = {"window": int(emb["window"]), "epochs": int(emb["epochs"]), "seed": seed}
        char_vecs = pretrain(
            char_seqs,
            EmbeddingSettings(
                "char", net_cfg.char_dim, sg=int(emb["char_sg"]), min_count=1, **common
            ),
            cache_dir,
        )
        hits = init_embedding(net.char_emb, vocab.chars, char_vecs)
        log.info("pretrained char vectors for %d / %d chars", hits, len(vocab.chars))
        if net_cfg.use_bigrams:
            bigram_vecs = pretrain(
                bigram_seqs,
                EmbeddingSettings(
                    "bigram",
                    net_cfg.bigram_dim,
                    sg=int(emb["bigram_sg"]),
                    min_count=int(emb["bigram_min_count"]),
                    **common,
                ),
                cache_dir,
            )
            hits = init_embedding(net.bigram_emb, vocab.bigrams, bigram_vecs)
            log.info("pretrained bigram vectors for %d / %d bigrams", hits, len(vocab.bigrams))

    return net, vocab, lexicon


#: ``[model]`` settings that define the encoder; the rest of a continued model is kept as it is.
ENCODER_SETTINGS = ("encoder", "hidden", "cnn_dilations")


def transfer(net: NerNet, model_config: dict) -> NerNet:
    """``net`` itself, or, when ``model_config`` asks for another encoder, a new network with
    that encoder and every weight of ``net`` whose name and shape fit (the embeddings; the
    output layers too if the hidden size is the same): a fast model starts from the trained
    embeddings of the accurate one."""
    wanted = {k: model_config[k] for k in ENCODER_SETTINGS if k in model_config}
    if all(getattr(net.cfg, k) == v for k, v in wanted.items()):
        return net
    if "dropout" in model_config:
        wanted["dropout"] = float(model_config["dropout"])
    new = NerNet(replace(net.cfg, **wanted))
    own = new.state_dict()
    kept = {k: v for k, v in net.state_dict().items() if k in own and own[k].shape == v.shape}
    new.load_state_dict(kept, strict=False)
    log.info("new encoder %s; kept %d of %d weights: %s", wanted, len(kept), len(own), sorted(kept))
    return new


def train_ner(
    config: dict,
    output: Path,
    *,
    corpora_dir: Path | None = None,
    cache_dir: Path | None = None,
    limit: int | None = None,
    on_eval: Callable[[dict], None] | None = None,
    init_from: Path | None = None,
) -> NerModel:
    """Train a model as ``config`` says and write it to ``output``; returns the best model.

    With ``init_from`` (a model directory) training continues from that model's weights,
    vocabularies and lexicon instead of building new ones (the config's ``embeddings`` section
    and its ``model`` sizes are then not used, except a different encoder, see :func:`transfer`);
    its training record is kept in ``meta``.
    """
    from kg.train.evaluate import evaluate_model

    tr = config["training"]
    mc = config["model"]
    seed = int(tr["seed"])
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if tr.get("threads"):
        torch.set_num_threads(int(tr["threads"]))
    corpora_dir = corpora_dir or default_corpora_dir()
    cache_dir = cache_dir or Path.home() / ".cache" / "kg" / "ner"
    heads = head_specs(config)

    train_sents: list[Sentence] = []
    for split in tr["train_splits"]:
        sents = read_split(split, corpora_dir)
        train_sents += sents[:limit] if limit else sents
    dev = {s: read_split(s, corpora_dir)[: limit or None] for s in tr["dev_splits"]}
    if init_from is not None:
        start = NerModel.load(init_from)
        if start.net.cfg.heads != {h.name: h.labels for h in heads}:
            raise InputError(f"The heads of {init_from} differ from the config's heads.")
        net, vocab, lexicon = transfer(start.net, mc), start.vocab, start.lexicon
        log.info("continuing from %s", init_from)
    else:
        texts = [s.text for s in train_sents] if limit else list(raw_texts(corpora_dir))
        net, vocab, lexicon = build_network(config, heads, texts, cache_dir)
    net_cfg = net.cfg
    if mc.get("freeze_bigrams") and net_cfg.use_bigrams:
        net.bigram_emb.weight.requires_grad_(False)
    emit = {h.name: h.emit for h in heads}
    meta: dict[str, Any] = {"config": _plain(config), "evaluations": []}
    if init_from is not None:
        meta["init_from"] = start.meta
    model = NerModel(net, vocab, lexicon, emit=emit, max_len=int(tr["max_len"]), meta=meta)
    instances = make_instances(train_sents, model, heads, int(tr["max_len"]))

    rng = random.Random(seed)
    params = [p for p in net.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(params, lr=float(tr["lr"]))
    batch_size = int(tr["batch_size"])
    steps_per_epoch = (len(instances) + batch_size - 1) // batch_size
    max_steps = int(tr.get("max_steps") or 0) or int(tr["epochs"]) * steps_per_epoch
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: max(0.1, 1.0 - step / max_steps)
    )
    eval_every = int(tr.get("eval_every") or 0) or steps_per_epoch
    deadline = time.monotonic() + float(tr["max_minutes"]) * 60
    best_score, best_state = -1.0, copy.deepcopy(net.state_dict())
    average = WeightAverage(net, float(tr.get("ema_decay") or 0.0))

    def dev_f1() -> dict[str, float]:
        """Micro F1 of the network's current weights on each dev split."""
        return {n: evaluate_model(model, sents).micro_f1 for n, sents in dev.items()}

    step, total, started = 0, 0.0, time.monotonic()
    bar = tqdm(total=max_steps, desc="training", unit="batch", mininterval=10)
    while step < max_steps:
        for batch in batches(instances, batch_size, rng):
            net.train()
            optimizer.zero_grad()
            loss = batch_loss(net, batch, heads)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, float(tr["grad_clip"]))
            optimizer.step()
            scheduler.step()
            average.update(net)
            total += loss.item()
            step += 1
            bar.update(1)
            out_of_time = time.monotonic() > deadline
            if step % eval_every == 0 or step == max_steps or out_of_time:
                net.eval()
                scores = dev_f1()
                score = sum(scores.values()) / max(1, len(scores))
                record = {
                    "step": step,
                    "epoch": round(step / steps_per_epoch, 2),
                    "loss": round(total / eval_every, 4),
                    "seconds": round(time.monotonic() - started),
                    "dev_f1": scores,
                }
                if average.enabled:  # the averaged weights compete with the current ones
                    with average.swapped_in(net):
                        averaged = dev_f1()
                        record["averaged_dev_f1"] = averaged
                        averaged_score = sum(averaged.values()) / max(1, len(averaged))
                        if averaged_score > max(score, best_score):
                            best_score, best_state = averaged_score, copy.deepcopy(net.state_dict())
                            meta["best_step"], meta["best_averaged"] = step, True
                total = 0.0
                meta["evaluations"].append(record)
                log.info("evaluation: %s", record)
                if on_eval:
                    on_eval(record)
                if score > best_score:
                    best_score, best_state = score, copy.deepcopy(net.state_dict())
                    meta["best_step"], meta["best_averaged"] = step, False
            if step >= max_steps or out_of_time:
                break
        if time.monotonic() > deadline:
            log.warning("stopping at step %d of %d: max_minutes reached", step, max_steps)
            meta["stopped_early"] = True
            break
    bar.close()
    net.load_state_dict(best_state)
    net.eval()
    model.save(output)
    return NerModel.load(output)


class WeightAverage:
    """An exponential moving average of a network's weights (Polyak averaging): with ``decay``
    0.998 it averages over the last ~500 steps, which often scores above the last weights. A
    ``decay`` of 0 disables it."""

    def __init__(self, net: torch.nn.Module, decay: float) -> None:
        self.decay = decay
        self.state = copy.deepcopy(net.state_dict()) if decay > 0 else {}

    @property
    def enabled(self) -> bool:
        return self.decay > 0

    @torch.no_grad()
    def update(self, net: torch.nn.Module) -> None:
        if not self.enabled:
            return
        for name, value in net.state_dict().items():
            if value.dtype.is_floating_point:
                self.state[name].mul_(self.decay).add_(value, alpha=1.0 - self.decay)
            else:
                self.state[name].copy_(value)

    @contextlib.contextmanager
    def swapped_in(self, net: torch.nn.Module) -> Iterator[None]:
        """``net`` holds the averaged weights inside the block, its own weights again after."""
        own = copy.deepcopy(net.state_dict())
        net.load_state_dict(self.state)
        try:
            yield
        finally:
            net.load_state_dict(own)


def _plain(value: Any) -> Any:
    """A JSON-safe copy of a config."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
