"""GPT: a decoder-only Transformer that learns to predict the next token.

Each position attends to itself and every earlier position (causal self-attention), so one
forward pass over a window of T tokens trains T next-token predictions in parallel. Generation then
feeds the model its own samples, one token at a time; a key/value cache keeps every earlier
position's keys and values, so that each new token costs one position's work.
"""

import math

from .. import backend
from .. import functional as F
from .. import nn
from ..autograd import no_grad
from ..creation import zeros
from ..ops.attention import attention
from ..ops.shape import cat
from .sampling import sample_next


class KVCache:
    """The keys and values of the positions seen so far, for one attention layer: (B, H, length, d)
    arrays allocated once for max_len positions and filled as generation goes."""

    def __init__(self, max_len):
        self.max_len, self.length, self.keys, self.values = max_len, 0, None, None

    def extend(self, k, v):
        """Append the new positions' k, v (B, H, T, d); returns the keys and values of all positions so far."""
        if self.keys is None:
            shape = k.shape[:2] + (self.max_len, k.shape[3])
            self.keys = zeros(shape, dtype=k.dtype, device=k.device)
            self.values = zeros(shape, dtype=v.dtype, device=v.device)
        start, self.length = self.length, self.length + k.shape[2]
        if self.length > self.max_len:
            raise ValueError(f"KVCache: {self.length} positions do not fit in {self.max_len}")
        self.keys.array[:, :, start:self.length] = k.array
        self.values.array[:, :, start:self.length] = v.array
        return self.keys[:, :, :self.length], self.values[:, :, :self.length]


class CausalSelfAttention(nn.Module):
    """Multi-head self-attention in which position t sees positions 0..t only (x (B, T, C) → (B, T, C)).

    One Linear makes the queries, keys and values of all heads; they attend with
    softmax(QKᵀ/√d + causal mask)V; proj mixes the heads' outputs.
    """

    def __init__(self, n_embd, n_head, dropout=0.0, bias=False):
        super().__init__()
        if n_embd % n_head:
            raise ValueError(f"CausalSelfAttention: n_embd ({n_embd}) must be a multiple of n_head ({n_head})")
        self.n_head, self.dropout = n_head, dropout
        self.qkv = nn.Linear(n_embd, 3 * n_embd, bias=bias)
        self.proj = nn.Linear(n_embd, n_embd, bias=bias)
        self.resid_drop = nn.Dropout(dropout)

    def heads(self, x):
        """The queries, keys and values of x (B, T, C), each (B, n_head, T, C / n_head)."""
        b, t, c = x.shape
        return tuple(z.reshape(b, t, self.n_head, c // self.n_head).transpose(1, 2)
                     for z in self.qkv(x).split(c, dim=2))

    def forward(self, x, cache=None):
        """With a cache, x holds the positions after those already cached: either the whole prompt
        (an empty cache) or one new position, which may attend to every cached one."""
        b, t, c = x.shape
        q, k, v = self.heads(x)
        if cache is not None:
            if cache.length and t != 1:
                raise ValueError("CausalSelfAttention: after the first call, a cache takes one position at a time")
            k, v = cache.extend(k, v)
        out = F.scaled_dot_product_attention(q, k, v, is_causal=t > 1,
                                             dropout_p=self.dropout if self.training else 0.0)
        return self.resid_drop(self.proj(out.transpose(1, 2).reshape(b, t, c)))

    def weights(self, x):
        """The attention weights (B, n_head, T, T) over x (B, T, C): row t is where position t looks."""
        q, k, v = self.heads(x)
        return attention(q, k, v, is_causal=True, need_weights=True)[1]


class Block(nn.Module):
    """A Transformer block, pre-LayerNorm: x + attention(LN(x)), then x + MLP(LN(x)), the MLP
    being C → 4C → C with GELU. The residual path carries x through unchanged, so deep stacks train."""

    def __init__(self, n_embd, n_head, dropout=0.0, bias=False):
        super().__init__()
        self.ln1 = nn.LayerNorm(n_embd, bias=bias)
        self.attn = CausalSelfAttention(n_embd, n_head, dropout, bias)
        self.ln2 = nn.LayerNorm(n_embd, bias=bias)
        self.fc = nn.Linear(n_embd, 4 * n_embd, bias=bias)
        self.gelu = nn.GELU()
        self.proj = nn.Linear(4 * n_embd, n_embd, bias=bias)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, cache=None):
        x = x + self.attn(self.ln1(x), cache)
        return x + self.drop(self.proj(self.gelu(self.fc(self.ln2(x)))))


class GPT(nn.Module):
    """A character- (or token-) level GPT: token embedding + learned position embedding, n_layer
    blocks, a final LayerNorm, and an output layer that shares the token embedding's weights
    (weight tying: a token's input vector is also what its score is measured against).

    forward(ids (B, T) int64) → logits (B, T, vocab_size): at each position, scores for the next token.
    The defaults are the `gpt` model of the benchmarks (804,096 parameters with vocab_size 65).
    """

    def __init__(self, vocab_size=65, block_size=64, n_layer=4, n_head=4, n_embd=128, dropout=0.0, bias=False):
        super().__init__()
        self.vocab_size, self.block_size = vocab_size, block_size
        self.tok_emb = nn.Embedding(vocab_size, n_embd)
        self.pos_emb = nn.LearnedPositionalEmbedding(block_size, n_embd)
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList([Block(n_embd, n_head, dropout, bias) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd, bias=bias)
        self.head = nn.Linear(n_embd, vocab_size, bias=False)
        self.head.weight = self.tok_emb.weight
        self._init_weights(n_layer)

    def _init_weights(self, n_layer):
        """Small weights, N(0, 0.02), as GPT-2; the projections into the residual path smaller still,
        0.02/√(2·n_layer), so that the residual sum does not grow with depth. Biases start at 0."""
        for name, p in self.named_parameters():
            if name.endswith("bias"):
                nn.init.zeros_(p)
            elif p.ndim == 2:
                std = 0.02 / math.sqrt(2 * n_layer) if name.endswith("proj.weight") else 0.02
                nn.init.normal_(p, 0.0, std)

    def forward(self, ids, caches=None):
        """Logits (B, T, vocab_size) for ids (B, T). With caches (one KVCache per block, from
        generate), ids are the positions after the cached ones."""
        if ids.ndim != 2 or ids.dtype.kind not in "iu":
            raise ValueError(f"{self._describe()}: expected token ids (batch, length) of an integer dtype, got "
                             f"{tuple(ids.shape)} {ids.dtype}")
        start = caches[0].length if caches else 0
        if start + ids.shape[1] > self.block_size:
            raise ValueError(f"{self._describe()}: {start + ids.shape[1]} positions exceed block_size "
                             f"{self.block_size}")
        x = self.drop(self.pos_emb(self.tok_emb(ids), start))
        for i, block in enumerate(self.blocks):
            x = block(x, caches[i] if caches else None)
        return self.head(self.ln_f(x))

    @no_grad()
    def attention_weights(self, ids):
        """Each block's attention weights over ids (B, T): a list of (B, n_head, T, T) tensors."""
        x = self.pos_emb(self.tok_emb(ids))
        weights = []
        for block in self.blocks:
            weights.append(block.attn.weights(block.ln1(x)))
            x = block(x)
        return weights

    @no_grad()
    def generate(self, ids, max_new_tokens, temperature=1.0, top_k=None, use_cache=True, generator=None):
        """ids (B, T) extended by max_new_tokens tokens, each drawn from softmax(logits / temperature)
        over the top_k likeliest tokens (all if None); temperature 0 takes the likeliest (greedy).

        Each token is predicted from the last block_size tokens. With use_cache, the first step reads
        the prompt and every later one only the newest position, until the window is full; from then
        on the window slides, every position's place in it changes, and each step reads the window.
        """
        generator = generator or backend.default_generator(ids.device)
        was_training = self.training
        self.eval()
        caches = None
        for _ in range(max_new_tokens):
            if not use_cache:
                logits = self(ids[:, -self.block_size:])
            elif caches is None or caches[0].length == self.block_size:
                caches = [KVCache(self.block_size) for _ in self.blocks]
                logits = self(ids[:, -self.block_size:], caches)
            else:
                logits = self(ids[:, -1:], caches)
            ids = cat([ids, sample_next(logits[:, -1], temperature, top_k, generator)], dim=1)
        self.train(was_training)
        return ids

