"""The NER network: char, bigram and lexicon embeddings, a BiLSTM, one CRF head per label set.

Several heads share one encoder so that corpora labelled with different label sets can be
trained together without teaching the model that an unlabelled type is ``O``: a sentence only
contributes to the loss of the heads whose label set its corpus annotates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from kg.nlp.ner.text import LEX_FEATURE_SIZE


def bio_tags(labels: list[str]) -> list[str]:
    """The BIO tag list of a head: ``O`` then ``B-x``, ``I-x`` for each label."""
    tags = ["O"]
    for label in labels:
        tags += [f"B-{label}", f"I-{label}"]
    return tags


def bio_constraints(tags: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """Masks of forbidden BIO transitions (``prev → next``) and forbidden start tags."""
    n = len(tags)
    trans = torch.zeros(n, n, dtype=torch.bool)
    start = torch.zeros(n, dtype=torch.bool)
    for j, nxt in enumerate(tags):
        if nxt.startswith("I-"):
            start[j] = True
            for i, prev in enumerate(tags):
                if prev[2:] != nxt[2:] or prev == "O":
                    trans[i, j] = True
    return trans, start


class CRF(nn.Module):
    """A linear-chain CRF with BIO constraints, batched forward algorithm and Viterbi decoding."""

    trans_penalty: torch.Tensor  # buffers, declared for type checkers
    start_penalty: torch.Tensor

    def __init__(self, tags: list[str]) -> None:
        super().__init__()
        n = len(tags)
        self.transitions = nn.Parameter(torch.zeros(n, n))
        self.start = nn.Parameter(torch.zeros(n))
        self.end = nn.Parameter(torch.zeros(n))
        forbid_trans, forbid_start = bio_constraints(tags)
        self.register_buffer("trans_penalty", forbid_trans.float() * -1e4, persistent=False)
        self.register_buffer("start_penalty", forbid_start.float() * -1e4, persistent=False)

    def _scores(self) -> tuple[torch.Tensor, torch.Tensor]:
        return self.transitions + self.trans_penalty, self.start + self.start_penalty

    def nll(self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Negative log-likelihood per sequence. ``emissions`` (B, T, K); ``tags``, ``mask`` (B, T).

        Sequences must start at position 0 and be left-aligned (mask is a prefix).
        """
        trans, start = self._scores()
        _batch, length, _ = emissions.shape
        maskf = mask.float()
        # score of the gold path
        emit = emissions.gather(2, tags.unsqueeze(2)).squeeze(2) * maskf
        steps = trans[tags[:, :-1], tags[:, 1:]] * maskf[:, 1:]
        last = tags.gather(1, (mask.sum(1) - 1).clamp(min=0).unsqueeze(1)).squeeze(1)
        gold = start[tags[:, 0]] + emit.sum(1) + steps.sum(1) + self.end[last]
        # partition function
        alpha = start.unsqueeze(0) + emissions[:, 0]
        for t in range(1, length):
            nxt = torch.logsumexp(alpha.unsqueeze(2) + trans.unsqueeze(0), dim=1) + emissions[:, t]
            alpha = torch.where(mask[:, t].unsqueeze(1), nxt, alpha)
        log_z = torch.logsumexp(alpha + self.end.unsqueeze(0), dim=1)
        return log_z - gold

    @torch.no_grad()
    def decode(self, emissions: torch.Tensor, lengths: list[int]) -> np.ndarray:
        """The best tag sequence of each sequence (Viterbi), as a (B, T) array of tag ids;
        sequence ``b`` is ``path[b, : lengths[b]]``."""
        trans, start = self._scores()
        batch, length, n_tags = emissions.shape
        mask = torch.arange(length).unsqueeze(0) < torch.tensor(lengths).unsqueeze(1)
        identity = torch.arange(n_tags).expand(batch, n_tags)
        score = start.unsqueeze(0) + emissions[:, 0]
        history = []
        for t in range(1, length):
            best, arg = (score.unsqueeze(2) + trans.unsqueeze(0)).max(dim=1)
            keep = mask[:, t].unsqueeze(1)
            score = torch.where(keep, best + emissions[:, t], score)
            # past a sequence's end the path stays on its tag, so backtracking passes through
            history.append(torch.where(keep, arg, identity))
        score = score + self.end.unsqueeze(0)
        tag = score.argmax(dim=1).numpy()
        path = np.empty((batch, length), dtype=np.int64)
        path[:, -1] = tag
        if history:
            hist = torch.stack(history, dim=1).numpy()
            rows = np.arange(batch)
            for t in range(length - 2, -1, -1):
                tag = hist[rows, t, tag]
                path[:, t] = tag
        return path


@dataclass
class NetConfig:
    """Sizes of the network; stored in the model's ``config.json``."""

    n_chars: int
    n_bigrams: int
    heads: dict[str, list[str]]
    char_dim: int = 100
    bigram_dim: int = 50
    lex_dim: int = 20
    use_lexicon: bool = True
    use_bigrams: bool = True
    hidden: int = 128
    dropout: float = 0.3
    encoder: str = "lstm"  # "lstm" (BiLSTM) or "cnn" (residual dilated convolutions)
    cnn_dilations: list[int] = field(default_factory=lambda: [1, 2, 4, 1])
    head_order: list[str] = field(default_factory=list)


class NerNet(nn.Module):
    """Embeddings → BiLSTM → one linear + CRF per head."""

    def __init__(self, cfg: NetConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.char_emb = nn.Embedding(cfg.n_chars, cfg.char_dim, padding_idx=0)
        in_dim = cfg.char_dim
        if cfg.use_bigrams:
            self.bigram_emb = nn.Embedding(cfg.n_bigrams, cfg.bigram_dim, padding_idx=0)
            in_dim += 2 * cfg.bigram_dim
        if cfg.use_lexicon:
            self.lex_emb = nn.Embedding(LEX_FEATURE_SIZE, cfg.lex_dim)
            in_dim += cfg.lex_dim
        self.drop = nn.Dropout(cfg.dropout)
        if cfg.encoder == "cnn":
            self.proj = nn.Linear(in_dim, 2 * cfg.hidden)
            self.convs = nn.ModuleList(
                nn.Conv1d(2 * cfg.hidden, 2 * cfg.hidden, 3, padding=d, dilation=d)
                for d in cfg.cnn_dilations
            )
        else:
            self.lstm = nn.LSTM(in_dim, cfg.hidden, batch_first=True, bidirectional=True)
        self.out = nn.ModuleDict(
            {
                name: nn.Linear(2 * cfg.hidden, len(bio_tags(labels)))
                for name, labels in cfg.heads.items()
            }
        )
        self.crf = nn.ModuleDict(
            {name: CRF(bio_tags(labels)) for name, labels in cfg.heads.items()}
        )

    def crf_of(self, head: str) -> CRF:
        """The CRF layer of one output head."""
        crf = self.crf[head]
        assert isinstance(crf, CRF)
        return crf

    def encode(
        self, chars: torch.Tensor, bigrams: torch.Tensor, lex: torch.Tensor, lengths: torch.Tensor
    ) -> torch.Tensor:
        """Hidden states (B, T, 2H); ``bigrams``: id of the bigram starting at each char."""
        parts = [self.char_emb(chars)]
        if self.cfg.use_bigrams:
            right = self.bigram_emb(bigrams)
            left = torch.cat(
                [self.bigram_emb(torch.ones_like(bigrams[:, :1])), right[:, :-1]], dim=1
            )
            parts += [left, right]
        if self.cfg.use_lexicon:
            parts.append(self.lex_emb(lex))
        x = self.drop(torch.cat(parts, dim=-1))
        if self.cfg.encoder == "cnn":
            mask = (torch.arange(x.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)).unsqueeze(1)
            h = torch.relu(self.proj(x)).transpose(1, 2) * mask
            for conv in self.convs:
                h = (h + self.drop(torch.relu(conv(h)))) * mask
            return h.transpose(1, 2)
        packed = nn.utils.rnn.pack_padded_sequence(
            x, lengths.cpu(), batch_first=True, enforce_sorted=False
        )
        out, _ = self.lstm(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
        return self.drop(out)

    def emissions(self, hidden: torch.Tensor) -> dict[str, torch.Tensor]:
        """Per-head tag scores (B, T, K)."""
        return {name: layer(hidden) for name, layer in self.out.items()}
