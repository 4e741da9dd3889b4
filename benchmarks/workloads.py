"""The workloads of BENCHMARKS.md, each written once against the PyTorch-shaped API, so that the same
code builds the ember model (lib=ember) and the PyTorch one (lib=torch)."""

from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass
class Workload:
    name: str
    description: str
    batch: int
    build: Callable        # build(lib) -> (model, loss_fn(output, target), optimizer)
    make_data: Callable    # make_data(rng, batch) -> (inputs, targets) as NumPy arrays
    gpu_only: bool = False


def images(rng, batch, shape=(1, 28, 28), classes=10):
    return rng.standard_normal((batch,) + shape).astype(np.float32), rng.integers(0, classes, batch)


def vectors(rng, batch, features=784, classes=10):
    return rng.standard_normal((batch, features)).astype(np.float32), rng.integers(0, classes, batch)


def characters(rng, batch, length=64, vocab=65):
    tokens = rng.integers(0, vocab, (batch, length + 1))
    return tokens[:, :-1], tokens[:, 1:]


def sgd(lib, model):
    return lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)


def build_tiny(lib):
    nn = lib.nn
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    return model, nn.CrossEntropyLoss(), sgd(lib, model)


def build_mlp(lib):
    nn = lib.nn
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
    return model, nn.CrossEntropyLoss(), sgd(lib, model)


def build_lenet(lib):
    nn = lib.nn
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    return model, nn.CrossEntropyLoss(), sgd(lib, model)


def build_convnet(lib):
    nn = lib.nn
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(12544, 128), nn.ReLU(), nn.Linear(128, 10))
    return model, nn.CrossEntropyLoss(), sgd(lib, model)


def sequence_loss(lib):
    """Cross-entropy over every position of (batch, time, vocab) scores."""
    def loss(scores, targets):
        return lib.nn.functional.cross_entropy(scores.reshape(-1, scores.shape[-1]), targets.reshape(-1))
    return loss


def build_lstm(lib):
    nn = lib.nn

    class CharLSTM(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(65, 64)
            self.lstm = nn.LSTM(64, 256, batch_first=True)
            self.head = nn.Linear(256, 65)

        def forward(self, tokens):
            hidden, _ = self.lstm(self.embed(tokens))
            return self.head(hidden)

    model = CharLSTM()
    return model, sequence_loss(lib), lib.optim.Adam(model.parameters(), lr=1e-3)


def gpt_builder(n_layer, n_head, n_embd, block_size, dropout):
    """A character GPT: learned positions, pre-LayerNorm blocks of causal self-attention and a GELU
    MLP, no biases, the output head tied to the token embedding."""
    def build(lib):
        nn, F = lib.nn, lib.nn.functional

        class Block(nn.Module):
            def __init__(self):
                super().__init__()
                self.ln1 = nn.LayerNorm(n_embd, bias=False)
                self.qkv = nn.Linear(n_embd, 3 * n_embd, bias=False)
                self.proj = nn.Linear(n_embd, n_embd, bias=False)
                self.ln2 = nn.LayerNorm(n_embd, bias=False)
                self.fc = nn.Linear(n_embd, 4 * n_embd, bias=False)
                self.fc_out = nn.Linear(4 * n_embd, n_embd, bias=False)
                self.gelu = nn.GELU()
                self.drop = nn.Dropout(dropout)

            def forward(self, x):
                b, t, c = x.shape
                q, k, v = self.qkv(self.ln1(x)).split(n_embd, dim=2)
                q, k, v = (z.reshape(b, t, n_head, c // n_head).transpose(1, 2) for z in (q, k, v))
                attended = F.scaled_dot_product_attention(q, k, v, is_causal=True,
                                                          dropout_p=dropout if self.training else 0.0)
                x = x + self.drop(self.proj(attended.transpose(1, 2).reshape(b, t, c)))
                return x + self.drop(self.fc_out(self.gelu(self.fc(self.ln2(x)))))

        class GPT(nn.Module):
            def __init__(self):
                super().__init__()
                self.tok = nn.Embedding(65, n_embd)
                self.pos = nn.Embedding(block_size, n_embd)
                self.drop = nn.Dropout(dropout)
                self.blocks = nn.ModuleList([Block() for _ in range(n_layer)])
                self.ln_f = nn.LayerNorm(n_embd, bias=False)
                self.head = nn.Linear(n_embd, 65, bias=False)
                self.head.weight = self.tok.weight

            def forward(self, tokens):
                positions = lib.arange(tokens.shape[1], device=tokens.device)
                x = self.drop(self.tok(tokens) + self.pos(positions))
                for block in self.blocks:
                    x = block(x)
                return self.head(self.ln_f(x))

        model = GPT()
        optimizer = lib.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.99), weight_decay=0.1)
        return model, sequence_loss(lib), optimizer
    return build


WORKLOADS = {w.name: w for w in [
    Workload("tiny", "harness self-test: 64 → 32 → 10 MLP", 16, build_tiny,
             lambda rng, b: vectors(rng, b, features=64)),
    Workload("mlp", "784 → 512 → 512 → 10, ReLU, SGD momentum", 128, build_mlp, vectors),
    Workload("lenet", "LeNet-5 on 1×28×28, SGD momentum", 64, build_lenet, images),
    Workload("convnet", "conv 32, conv 64, maxpool, fc 128, SGD momentum", 64, build_convnet, images),
    Workload("lstm", "Embedding 65×64 → LSTM 256 → Linear 65, seq 64, Adam", 32, build_lstm, characters),
    Workload("gpt", "char GPT 4 layers × 4 heads × 128, block 64, AdamW", 12, gpt_builder(4, 4, 128, 64, 0.0),
             characters),
    Workload("gpt-large", "char GPT 6 layers × 6 heads × 384, block 256, dropout 0.2, AdamW", 64,
             gpt_builder(6, 6, 384, 256, 0.2), lambda rng, b: characters(rng, b, length=256), gpu_only=True),
]}
