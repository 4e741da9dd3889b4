"""Claim 9, features: each layer of a CNN learns more complex features than the one below it.

The first layer's filters are small local patterns (strokes, edges); the layer above combines their
maps over a wider patch of the image. One way to measure "more complex": how well a plain linear
classifier (a probe) can read the digit from a layer's output alone. Pixels need the probe to do all
the work; features a network has learned for the task make it easy. The same probe on the same
network before training tells what comes from the architecture and what was learned.
"""

import os
import tempfile

import numpy as np

from ... import backend, nn, optim
from ...autograd import no_grad
from ...functional import cross_entropy
from ...models import LeNet
from ...train import features as pictures
from .common import images, percent, plot, splits, train
from .report import Check, Figure, Table, Verdict, png_uri, svg_figure

NAME = "features"
TITLE = "Features: what the layers of a CNN learn"
CLAIM = "Each layer of a CNN learns more complex features than the layer below it."
QUICK = dict(seeds=1, epochs=6, lr=3e-3, batch_size=32, probe_size=200, probe_steps=150)
FULL = dict(seeds=5, epochs=15, lr=3e-3, batch_size=32, probe_size=200, probe_steps=300)
LAYERS = ("pixels", "block 1 (conv → ReLU → pool)", "block 2 (conv → ReLU → pool)", "fully connected 1 (120)",
          "fully connected 2 (84)")
SHORT = ("pixels", "block 1", "block 2", "fc 1", "fc 2")
RECEPTIVE = ("1 × 1", "4 × 4", "8 × 8", "8 × 8", "8 × 8")  # the patch of the image one number sees


def setup(settings):
    return {"data": "scikit-learn's digits as 8×8 images: 1,257 to train on, 270 to validate",
            "model": "ember.models.LeNet for 8×8 images: two blocks of 3×3 convolution → ReLU → 2×2 max pool (6, "
                     "then 16 maps), then three fully connected layers",
            "training": f"Adam (lr {settings['lr']}), batches of {settings['batch_size']}, {settings['epochs']} epochs",
            "probe": f"a linear classifier (Adam, {settings['probe_steps']} full-batch steps) trained on each layer's "
                     f"outputs for {settings['probe_size']} training images, scored on the validation images; of the "
                     "trained network and of the same network at initialization"}


def layer_outputs(model, x):
    """The pixels of images x and the output of each of LeNet's layers (LAYERS), flattened to (N, features)."""
    stages = [model.features[:3], model.features[3:], model.classifier[:4], model.classifier[4:7]]
    outputs = [x]
    with no_grad():
        for stage in stages:
            outputs.append(stage(outputs[-1]))
    return [o.flatten(1) for o in outputs]


def probe(train_features, train_labels, val_features, val_labels, steps):
    """The validation accuracy of a linear classifier trained on the features."""
    mean, std = train_features.mean(dim=0), train_features.std(dim=0) + 1e-6
    train_features, val_features = (train_features - mean) / std, (val_features - mean) / std
    classifier = nn.Linear(train_features.shape[1], 10).to(train_features.device)
    optimizer = optim.Adam(classifier.parameters(), lr=0.01)
    for _ in range(steps):
        loss = cross_entropy(classifier(train_features), train_labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with no_grad():
        return (classifier(val_features).argmax(dim=1) == val_labels).float().mean().item()


def probe_layers(model, train_set, val, settings, device):
    size = settings["probe_size"]
    x, y = (t.to(device) for t in train_set.tensors)
    vx, vy = (t.to(device) for t in val.tensors)
    model.eval()
    return [probe(a[:size], y[:size], b, vy, settings["probe_steps"])
            for a, b in zip(layer_outputs(model, x), layer_outputs(model, vx))]


def draw_pictures(model, image):
    """The run pictures of ember.train.features (filters.png, feature_maps.png), as data URIs."""
    with tempfile.TemporaryDirectory() as folder:
        paths = [os.path.join(folder, name) for name in ("filters.png", "feature_maps.png")]
        pictures.plot_filters(model, paths[0])
        pictures.plot_feature_maps(model, image, paths[1])
        return [png_uri(path) for path in paths]


def run(settings, seeds, device):
    results = {"trained": [], "untrained": [], "val_accuracy": []}
    for seed in seeds:
        train_set, val, _ = (images(split) for split in splits("digits", seed))
        backend.manual_seed(seed)
        model = LeNet(in_shape=(1, 8, 8), num_classes=10).to(device)
        results["untrained"].append(probe_layers(model, train_set, val, settings, device))
        history = train(model, optim.Adam(model.parameters(), lr=settings["lr"]), train_set, val, settings["epochs"],
                        settings["batch_size"], seed, device)
        results["val_accuracy"].append(history["val_accuracy"][-1])
        results["trained"].append(probe_layers(model, train_set, val, settings, device))
        if seed == seeds[0]:
            results["pictures"] = draw_pictures(model, val.tensors[0][:1].to(device))
    return results


def judge(results):
    trained = np.mean(results["trained"], axis=0)
    untrained = np.mean(results["untrained"], axis=0)
    return Verdict([
        Check(f"a linear probe reads the digit from the trained network's last hidden layer: {100 * trained[-1]:.1f}%; "
              f"from the pixels: {100 * trained[0]:.1f}%", trained[-1] > trained[0] + 0.02,
              needs="more than 2 points above the pixels"),
        Check(f"the same layer of the untrained network: {100 * untrained[-1]:.1f}%",
              trained[-1] > untrained[-1] + 0.02, needs="the trained layer more than 2 points above it: learned, not "
              "built in"),
        Check("the probe at each layer of the trained network: " + ", ".join(
              f"{name} {100 * value:.1f}%" for name, value in zip(SHORT, trained)),
              all(b >= a - 0.005 for a, b in zip(trained, trained[1:])),
              needs="a rise at every layer (no fall of more than half a point)", essential=False),
    ])


def evidence(results):
    fig, ax = plot("How well a linear probe reads the digit from each layer", "layer", "probe's validation accuracy")
    for key, label in (("trained", "trained network"), ("untrained", "the same network untrained")):
        values = np.array(results[key])
        ax.errorbar(range(len(LAYERS)), values.mean(axis=0), yerr=[values.mean(axis=0) - values.min(axis=0),
                    values.max(axis=0) - values.mean(axis=0)], marker="o", capsize=4, label=label)
    ax.set_xticks(range(len(LAYERS)), SHORT)
    ax.legend()
    filters, maps = results["pictures"]
    rows = [[layer, field, percent([r[i] for r in results["trained"]]), percent([r[i] for r in results["untrained"]])]
            for i, (layer, field) in enumerate(zip(LAYERS, RECEPTIVE))]
    table = Table(["layer", "patch one number sees", "probe, trained", "probe, untrained"], rows,
                  f"the trained LeNet itself: {percent(results['val_accuracy'])} validation accuracy")
    return [svg_figure(fig, "How well a linear probe reads the digit from each layer"),
            Figure("The first layer's filters (3×3; blue negative, red positive weights)", filters),
            Figure("One validation image and what each convolution makes of it", maps)], [table]
