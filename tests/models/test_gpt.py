import math

import numpy as np
import pytest
import torch

import ember
from ember.models import GPT, LANGUAGE_MODELS
from ember.models.sampling import sample_next as sample
from helpers import DEVICES, assert_close, raises, to_numpy

SMALL = dict(vocab_size=11, block_size=8, n_layer=2, n_head=2, n_embd=16)


def torch_gpt(vocab_size, block_size, n_layer, n_head, n_embd, bias=False):
    """The same GPT written directly in PyTorch, with ember's parameter names: the reference."""
    nn, F = torch.nn, torch.nn.functional

    class Positions(nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = nn.Parameter(torch.zeros(block_size, n_embd))

    class Attention(nn.Module):
        def __init__(self):
            super().__init__()
            self.qkv = nn.Linear(n_embd, 3 * n_embd, bias=bias)
            self.proj = nn.Linear(n_embd, n_embd, bias=bias)

        def forward(self, x):
            b, t, c = x.shape
            q, k, v = (z.reshape(b, t, n_head, c // n_head).transpose(1, 2) for z in self.qkv(x).split(c, dim=2))
            return self.proj(F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(b, t, c))

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1, self.attn = nn.LayerNorm(n_embd, bias=bias), Attention()
            self.ln2, self.fc, self.proj = nn.LayerNorm(n_embd, bias=bias), nn.Linear(n_embd, 4 * n_embd, bias=bias), \
                nn.Linear(4 * n_embd, n_embd, bias=bias)

        def forward(self, x):
            x = x + self.attn(self.ln1(x))
            return x + self.proj(F.gelu(self.fc(self.ln2(x))))

    class Reference(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok_emb, self.pos_emb = nn.Embedding(vocab_size, n_embd), Positions()
            self.blocks = nn.ModuleList([Block() for _ in range(n_layer)])
            self.ln_f, self.head = nn.LayerNorm(n_embd, bias=bias), nn.Linear(n_embd, vocab_size, bias=False)
            self.head.weight = self.tok_emb.weight

        def forward(self, ids):
            x = self.tok_emb(ids) + self.pos_emb.weight[:ids.shape[1]]
            for block in self.blocks:
                x = block(x)
            return self.head(self.ln_f(x))
    return Reference()


def ids_like(batch, length, vocab, seed=0):
    return np.random.default_rng(seed).integers(0, vocab, (batch, length))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("bias", [False, True])
def test_gpt_matches_the_same_model_in_pytorch(device, dtype, bias):
    ours = GPT(**SMALL, bias=bias).to(device=device, dtype=dtype)
    theirs = torch_gpt(**SMALL, bias=bias).to(getattr(torch, np.dtype(dtype).name))
    assert list(ours.state_dict()) == list(theirs.state_dict())
    theirs.load_state_dict({k: torch.tensor(to_numpy(v)) for k, v in ours.state_dict().items()})
    ids = ids_like(3, 8, SMALL["vocab_size"])
    targets = ids_like(3, 8, SMALL["vocab_size"], seed=1)
    tol = dict(rtol=1e-7, atol=1e-9) if dtype == np.float64 else dict(rtol=1e-4, atol=1e-5)
    logits, expected = ours(ember.tensor(ids, device=device)), theirs(torch.tensor(ids))
    assert_close(logits, expected, what="logits", **tol)
    flat_targets = targets.reshape(-1)
    ember.nn.functional.cross_entropy(logits.reshape(-1, 11), ember.tensor(flat_targets, device=device)).backward()
    torch.nn.functional.cross_entropy(expected.reshape(-1, 11), torch.tensor(flat_targets)).backward()
    grads = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        assert_close(p.grad, grads[name].grad, what=f"gradient of {name}", **tol)


def test_defaults_are_the_benchmark_model():
    model = LANGUAGE_MODELS["gpt"](vocab_size=65, block_size=64, dropout=0.0)
    assert isinstance(model, GPT)
    assert sum(p.numel() for p in model.parameters()) == 804_096
    assert model.head.weight is model.tok_emb.weight  # weight tying
    assert all(p.ndim != 1 or name.endswith("ln1.weight") or name.endswith("ln2.weight") or name == "ln_f.weight"
               for name, p in model.named_parameters())  # no biases


def test_initialization_is_small_and_scaled_on_the_residual_projections():
    model = GPT(n_layer=4)
    assert abs(model.tok_emb.weight.detach().numpy().std() - 0.02) < 0.002
    assert abs(model.blocks[0].proj.weight.detach().numpy().std() - 0.02 / math.sqrt(8)) < 0.001


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("prompt_length", [3, 8, 12])
@pytest.mark.parametrize("settings", [dict(temperature=0), dict(top_k=1), dict(temperature=0.9),
                                      dict(temperature=1.5, top_k=4)], ids=["greedy", "top-1", "sampled", "top-4"])
def test_generation_with_the_cache_gives_the_same_tokens_as_without(device, prompt_length, settings):
    ember.manual_seed(0)
    model = GPT(**SMALL).to(device)
    prompt = ember.tensor(ids_like(2, prompt_length, SMALL["vocab_size"]), device=device)
    runs = []
    for use_cache in (True, False):
        ember.manual_seed(42)
        runs.append(to_numpy(model.generate(prompt, 20, use_cache=use_cache, **settings)))
    np.testing.assert_array_equal(runs[0], runs[1])
    assert runs[0].shape == (2, prompt_length + 20)
    np.testing.assert_array_equal(runs[0][:, :prompt_length], to_numpy(prompt))
    assert model.training  # generate() switches to eval mode and back


def test_cached_step_reads_one_position():
    model = GPT(**SMALL)
    lengths = []
    model.blocks[0].register_forward_pre_hook(lambda module, args: lengths.append(args[0].shape[1]))
    model.generate(ember.tensor(ids_like(1, 3, 11)), 9)
    assert lengths == [3, 1, 1, 1, 1, 1, 8, 8, 8]  # prompt, then one position each, then the window slides


def test_sampling_keeps_to_the_top_k():
    logits = ember.tensor([[0.0, 5.0, 4.0, -1.0, 4.5]])
    ember.manual_seed(0)
    drawn = {sample(logits, 1.0, top_k=2).item() for _ in range(200)}
    assert drawn == {1, 4}
    assert sample(logits, 0).item() == 1
    ember.manual_seed(0)
    assert len({sample(logits, 100.0).item() for _ in range(300)}) == 5  # a high temperature flattens


def test_attention_weights_are_causal_distributions():
    model = GPT(**SMALL)
    weights = model.attention_weights(ember.tensor(ids_like(1, 6, 11)))
    assert len(weights) == 2 and weights[0].shape == (1, 2, 6, 6)
    w = weights[1].numpy()
    np.testing.assert_allclose(w.sum(-1), 1, rtol=1e-5)
    assert not np.triu(w[0, 0], 1).any()


def test_a_tiny_gpt_learns_a_repeating_pattern():
    ember.manual_seed(0)
    text = np.array([0, 1, 2, 3, 4, 5, 4, 3, 2, 1] * 30)
    model = GPT(vocab_size=6, block_size=8, n_layer=1, n_head=2, n_embd=16)
    optimizer = ember.optim.AdamW(model.parameters(), lr=1e-2)
    rng = np.random.default_rng(0)
    for _ in range(60):
        starts = rng.integers(0, len(text) - 9, 16)
        x = ember.tensor(np.stack([text[s:s + 8] for s in starts]))
        y = ember.tensor(np.stack([text[s + 1:s + 9] for s in starts]))
        loss = ember.nn.functional.cross_entropy(model(x).reshape(-1, 6), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert loss.item() < 0.2  # from about log(6) = 1.8
    out = model.generate(ember.tensor([[0, 1, 2, 3]]), 12, temperature=0)
    assert out.tolist()[0] == [0, 1, 2, 3, 4, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5]


def test_gpt_errors():
    model = GPT(**SMALL)
    with raises(ValueError, "GPT: 9 positions exceed block_size 8"):
        model(ember.zeros(1, 9, dtype=ember.long))
    with raises(ValueError, "GPT: expected token ids (batch, length) of an integer dtype, got (1, 4) float32"):
        model(ember.zeros(1, 4))
    with raises(ValueError, "temperature must be positive (or 0 for the likeliest token), got -1"):
        model.generate(ember.zeros(1, 2, dtype=ember.long), 3, temperature=-1)
    with raises(ValueError, "n_embd (10) must be a multiple of n_head (4)"):
        GPT(n_embd=10, n_head=4)
