"""Experiments that show a lesson's claim happen, rather than state it.

vanishing_gradients: a plain RNN cannot learn to remember something for 100 steps, because the
gradient that would teach it shrinks geometrically on its way back through time; an LSTM whose
forget gate is open carries both the memory and its gradient across the whole distance, and so does a
GRU, whose update gate can keep the state as it is.
"""

import os

import numpy as np

from .. import backend, nn, optim
from ..autograd import no_grad
from ..creation import tensor
from ..functional import cross_entropy
from ..train.plots import pyplot, save_figure


def remember_task(rng, batch, lag, symbols):
    """The task: step 0 shows one of `symbols` symbols (one-hot), the next `lag` steps show nothing
    (zeros), and after the last step the model must say which symbol it saw. Returns inputs
    (batch, lag + 1, symbols) float32 and the symbols (batch,) int64, as tensors."""
    answers = rng.integers(0, symbols, batch)
    inputs = np.zeros((batch, lag + 1, symbols), np.float32)
    inputs[np.arange(batch), 0, answers] = 1.0
    return tensor(inputs), tensor(answers)


class Rememberer(nn.Module):
    """A recurrent layer ("rnn": tanh RNN, "lstm": LSTM, "gru": GRU) reading the sequence, and a Linear layer
    reading its last hidden state: (batch, time, symbols) -> scores (batch, symbols).

    forget_bias, for the LSTM, sets the forget gate's bias: σ(3) ≈ 0.95 keeps 95% of the cell state
    per step, so the cell (and its gradient) lasts about 1 / (1 - 0.95) = 20 steps per e-fold instead
    of the ~1.4 of PyTorch's initial bias near 0 (σ(0) = 0.5). None keeps PyTorch's initialization.
    """

    def __init__(self, kind, symbols, hidden, forget_bias=None):
        super().__init__()
        layer = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind]
        self.recurrent = layer(symbols, hidden, batch_first=True)
        self.head = nn.Linear(hidden, symbols)
        if kind == "lstm" and forget_bias is not None:
            with no_grad():  # the gates are stacked (i, f, g, o): the forget gate is the 2nd block
                self.recurrent.bias_ih_l0[hidden:2 * hidden] = forget_bias
                self.recurrent.bias_hh_l0[hidden:2 * hidden] = 0.0

    def forward(self, x):
        hidden, _ = self.recurrent(x)
        return self.head(hidden[:, -1])


def gradient_by_step(model, inputs, answers):
    """‖dL/dx_t‖ for every step t (averaged over the batch): how much of the loss's gradient
    reaches each step of the input, i.e. how much the model could learn from what it saw there."""
    inputs = inputs.detach().requires_grad_()
    cross_entropy(model(inputs), answers).backward()
    model.zero_grad()
    grad = inputs.grad.numpy()
    return np.sqrt((grad * grad).sum(axis=2)).mean(axis=0)


def accuracy(model, inputs, answers):
    with no_grad():
        return (model(inputs).argmax(dim=1) == answers).float().mean().item()


def train_rememberer(model, rng, steps, lag, symbols, batch_size, lr, device=backend.CPU, solved=None, every=100):
    """Adam on fresh random batches of the task (on device); gradients clipped to norm 1. With solved, a pair
    (inputs, answers) of held-out sequences, training stops once it answers 99% of them right (looked at every
    `every` steps). Returns the steps taken."""
    optimizer = optim.Adam(model.parameters(), lr=lr)
    for step in range(1, steps + 1):
        inputs, answers = (t.to(device) for t in remember_task(rng, batch_size, lag, symbols))
        loss = cross_entropy(model(inputs), answers)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if solved is not None and step % every == 0 and accuracy(model, *solved) >= 0.99:
            return step
    return steps


MODELS = {  # name: (kind, forget bias)
    "RNN (tanh)": ("rnn", None),
    "LSTM, forget gate open (bias 3)": ("lstm", 3.0),
    "LSTM, PyTorch's initial forget bias": ("lstm", None),
    "GRU": ("gru", None),
}


def vanishing_gradients(out_dir, steps=400, lag=100, hidden=32, symbols=4, batch_size=64, lr=1e-3, seed=0):
    """Train an RNN, two LSTMs and a GRU of the same hidden size to remember a symbol for `lag` steps, and
    measure the gradient reaching each step before and after training. Writes
    out_dir/vanishing_gradients.png and returns {model name: {"accuracy", "gradient_at_init",
    "gradient_trained"}, "lag", "chance", "plot"}: accuracy on 1000 fresh sequences, gradient norms
    per step (lists, step 0 first)."""
    os.makedirs(out_dir, exist_ok=True)
    rng = np.random.default_rng(seed)
    test_inputs, test_answers = remember_task(rng, 1000, lag, symbols)
    probe_inputs, probe_answers = test_inputs[:256], test_answers[:256]
    results = {"lag": lag, "chance": 1 / symbols}
    for name, (kind, forget_bias) in MODELS.items():
        backend.manual_seed(seed)
        model = Rememberer(kind, symbols, hidden, forget_bias)
        at_init = gradient_by_step(model, probe_inputs, probe_answers)
        train_rememberer(model, np.random.default_rng(seed + 1), steps, lag, symbols, batch_size, lr)
        results[name] = {"accuracy": accuracy(model, test_inputs, test_answers),
                         "gradient_at_init": at_init.tolist(),
                         "gradient_trained": gradient_by_step(model, probe_inputs, probe_answers).tolist()}
    results["plot"] = plot_vanishing_gradients(results, os.path.join(out_dir, "vanishing_gradients.png"))
    return results


def plot_vanishing_gradients(results, path):
    """The gradient reaching each time step, as a fraction of the gradient at the last step (log
    scale), at initialization and after training."""
    plt = pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    floor = 1e-30  # float32 gradients that underflowed to 0 are drawn at the bottom
    for ax, key, title in zip(axes, ("gradient_at_init", "gradient_trained"), ("at initialization", "after training")):
        for name in MODELS:
            norms = np.asarray(results[name][key])
            label = name if key == "gradient_at_init" else f"{name}: {results[name]['accuracy']:.0%} right"
            ax.semilogy(np.arange(len(norms)), np.maximum(norms / norms[-1], floor), label=label)
        ax.set_title(title)
        ax.set_xlabel("time step t (the symbol is shown at t = 0)")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=8)
    axes[0].set_ylabel("‖dL/dx_t‖ / ‖dL/dx_last‖")
    fig.suptitle(f"Remembering a symbol for {results['lag']} steps: the gradient that reaches each step "
                 f"(chance = {results['chance']:.0%})")
    fig.tight_layout()
    save_figure(fig, path, dpi=110)
    plt.close(fig)
    return path
