"""Claim 1, the neuron: one neuron computes f(Σwᵢxᵢ + b), a line through the input space with each side
a class, so it learns AND and OR but never XOR, whose classes no line separates; one hidden layer
bends the boundary and solves XOR."""

import numpy as np

from ... import backend, nn, optim
from ...autograd import no_grad
from ...creation import tensor
from ...functional import binary_cross_entropy_with_logits
from .common import percent, pyplot, spread
from .report import Check, Table, Verdict, svg_figure

NAME = "neuron"
TITLE = "One neuron, and one hidden layer"
CLAIM = ("One neuron computes f(Σwᵢxᵢ + b): it can learn AND and OR but not XOR, and one hidden layer solves XOR.")
QUICK = dict(seeds=2, steps=300, hidden=4, lr=0.1)
FULL = dict(seeds=5, steps=600, hidden=4, lr=0.1)

INPUTS = [[0, 0], [0, 1], [1, 0], [1, 1]]
TASKS = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "XOR": [0, 1, 1, 0]}
MODELS = ("one neuron", "one hidden layer")
CASES = [("AND", "one neuron"), ("OR", "one neuron"), ("XOR", "one neuron"), ("XOR", "one hidden layer")]
GRID = np.linspace(-0.5, 1.5, 41)


def setup(settings):
    return {"data": "the truth tables of AND, OR and XOR: the four inputs (0, 0), (0, 1), (1, 0), (1, 1) and their "
                    "answers",
            "models": f"one neuron sigmoid(w·x + b) (3 parameters); one hidden layer of {settings['hidden']} tanh "
                      "neurons under a sigmoid neuron",
            "training": f"all four points in every step, Adam (lr {settings['lr']}), {settings['steps']} steps, "
                        "binary cross-entropy",
            "measured": "for each seed, how many of the four points each model gets right and its final loss; the "
                        "first seed's decision boundaries"}


def build(model_name, hidden):
    """One neuron (2 → 1), or a hidden layer (2 → hidden, tanh, → 1); both give a logit."""
    if model_name == "one neuron":
        return nn.Linear(2, 1)
    return nn.Sequential(nn.Linear(2, hidden), nn.Tanh(), nn.Linear(hidden, 1))


def fit_truth_table(model, answers, steps, lr, device):
    """Train model on the four points; returns (accuracy, final loss, P(1) over the GRID × GRID plane)."""
    x = tensor(INPUTS, dtype=backend.float32, device=device)
    y = tensor(answers, dtype=backend.float32, device=device).reshape(4, 1)
    optimizer = optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        loss = binary_cross_entropy_with_logits(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    plane = tensor([[a, b] for b in GRID for a in GRID], dtype=backend.float32, device=device)
    with no_grad():
        right = ((model(x) > 0).float() == y).float().mean().item()
        probabilities = model(plane).sigmoid().cpu().numpy().reshape(len(GRID), len(GRID))
    return right, loss.item(), probabilities


def run(settings, seeds, device):
    results = {case: {"accuracy": [], "loss": []} for case in map("/".join, CASES)}
    for seed in seeds:
        for task, model_name in CASES:
            backend.manual_seed(seed)
            model = build(model_name, settings["hidden"]).to(device)
            right, loss, plane = fit_truth_table(model, TASKS[task], settings["steps"], settings["lr"], device)
            entry = results[f"{task}/{model_name}"]
            entry["accuracy"].append(right)
            entry["loss"].append(loss)
            if seed == seeds[0]:
                entry["plane"] = plane.tolist()
                if model_name == "one neuron":
                    entry["weights"] = [*model.weight.detach().cpu().numpy().ravel().tolist(), model.bias.item()]
    return results


def judge(results):
    def accuracies(case):
        return results[case]["accuracy"]

    xor_hidden = accuracies("XOR/one hidden layer")
    solved = sum(a == 1.0 for a in xor_hidden)
    return Verdict([
        Check(f"one neuron on AND: {percent(accuracies('AND/one neuron'))} of the four points right",
              min(accuracies("AND/one neuron")) == 1.0, needs="all four points right in every seed"),
        Check(f"one neuron on OR: {percent(accuracies('OR/one neuron'))} right",
              min(accuracies("OR/one neuron")) == 1.0, needs="all four points right in every seed"),
        Check(f"one neuron on XOR: at best {100 * max(accuracies('XOR/one neuron')):.0f}% right over "
              f"{len(xor_hidden)} seeds", max(accuracies("XOR/one neuron")) <= 0.75,
              needs="at most 3 of the 4 points (75%) in every seed: no line separates XOR's classes"),
        Check(f"one hidden layer on XOR: all four points right in {solved} of {len(xor_hidden)} seeds",
              solved * 2 > len(xor_hidden), needs="all four right in more than half the seeds"),
    ] + ([] if solved == len(xor_hidden) else [
        Check(f"in {len(xor_hidden) - solved} seeds the hidden layer stuck in a local minimum (more neurons or "
              "another start get out of it)", False, needs="all four right in every seed", essential=False)]))


def evidence(results):
    plt = pyplot()
    fig, axes = plt.subplots(2, 2, figsize=(6.4, 6.2), sharex=True, sharey=True)
    points = np.array(INPUTS)
    for ax, (task, model_name) in zip(axes.flat, CASES):
        entry = results[f"{task}/{model_name}"]
        ax.contourf(GRID, GRID, np.array(entry["plane"]), levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.8)
        ax.contour(GRID, GRID, np.array(entry["plane"]), levels=[0.5], colors="k", linewidths=1.5)
        answers = np.array(TASKS[task])
        ax.scatter(*points[answers == 1].T, marker="o", s=70, c="w", edgecolors="k", label="1")
        ax.scatter(*points[answers == 0].T, marker="X", s=70, c="k", label="0")
        ax.set_title(f"{task}, {model_name}: {100 * entry['accuracy'][0]:.0f}% right", fontsize=10)
        ax.set_aspect("equal")
    axes[0, 0].legend(loc="center", fontsize=8)
    fig.suptitle("Decision boundaries (black line: P(1) = 0.5), first seed", fontsize=11)
    rows = [[task, model_name, percent(results[f"{task}/{model_name}"]["accuracy"]),
             spread(results[f"{task}/{model_name}"]["loss"]),
             ", ".join(f"{w:+.2f}" for w in results[f"{task}/{model_name}"].get("weights", [])) or "--"]
            for task, model_name in CASES]
    table = Table(["task", "model", "points right", "final loss", "learned w₁, w₂, b (first seed)"], rows,
                  "over seeds: the mean (and the range)")
    return [svg_figure(fig, "Where each model says 1 (red) or 0 (blue): one neuron draws a straight line")], [table]
