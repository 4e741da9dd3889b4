"""Seeing what a CNN has learned: the filters of its first convolution, and the feature maps that
one image produces after each convolution.

The first layer's filters are small enough to look at directly: after training they are edge
detectors (light on one side, dark on the other) at various angles, and blob or spot detectors.
The feature maps show where in the image each filter responded; deeper layers respond to larger,
more abstract patterns (strokes, corners, parts of a digit) on smaller maps.
"""

import math

import numpy as np

from .. import backend, nn
from ..autograd import no_grad
from ..tensor import Tensor
from .plots import pyplot, save_figure


def conv_layers(model):
    """(name, layer) of every Conv2d in model, in the order they were registered."""
    return [(name, module) for name, module in model.named_modules() if isinstance(module, nn.Conv2d)]


def _cpu(array):
    return backend.to_device(array, backend.CPU)


def _grid(count, columns):
    columns = min(count, columns)
    return math.ceil(count / columns), columns


def plot_filters(model, path, columns=8):
    """Save the first Conv2d's filters as a PNG grid, one tile per filter: a grayscale image for
    one input channel (blue-white-red: negative, zero, positive weights), colour for three (RGB),
    otherwise the mean over the input channels. Returns the path."""
    layers = conv_layers(model)
    if not layers:
        raise ValueError(f"plot_filters: {type(model).__name__} has no Conv2d layer")
    name, layer = layers[0]
    weights = _cpu(layer.weight.array).astype(np.float64)          # (out, in, kh, kw)
    plt = pyplot()
    rows, cols = _grid(len(weights), columns)
    fig, axes = plt.subplots(rows, cols, figsize=(1.2 * cols, 1.2 * rows + 0.5), squeeze=False)
    limit = np.abs(weights).max() or 1.0
    for ax in axes.flat:
        ax.axis("off")
    for i, (ax, w) in enumerate(zip(axes.flat, weights)):
        if w.shape[0] == 3:
            ax.imshow((w.transpose(1, 2, 0) / limit + 1) / 2)     # weights in [-limit, limit] to [0, 1]
        else:
            ax.imshow(w.mean(axis=0), cmap="bwr", vmin=-limit, vmax=limit)
        ax.set_title(str(i), fontsize=7)
    fig.suptitle(f"filters of {name} ({type(layer).__name__}, {weights.shape[0]} × {weights.shape[1]} × "
                 f"{weights.shape[2]} × {weights.shape[3]})", fontsize=9)
    fig.tight_layout()
    save_figure(fig, path, dpi=110)
    plt.close(fig)
    return path


def feature_maps(model, image):
    """[(name, maps)] for every Conv2d: its output for one image (C, H, W) (or (1, C, H, W)), as a
    NumPy array (out_channels, H', W'), computed in eval mode without a graph."""
    x = image if isinstance(image, Tensor) else Tensor(np.asarray(image, dtype=np.float32))
    if x.ndim == 3:
        x = x.unsqueeze(0)
    if x.ndim != 4 or x.shape[0] != 1:
        raise ValueError(f"feature_maps: expected one image (C, H, W) or (1, C, H, W), got {tuple(x.shape)}")
    maps = []
    hooks = [layer.register_forward_hook(lambda module, args, out, name=name: maps.append((name, out)))
             for name, layer in conv_layers(model)]
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            model(x.to(next(model.parameters()).device))
    finally:
        model.train(was_training)
        for hook in hooks:
            hook.remove()
    return [(name, _cpu(out.array[0])) for name, out in maps]


def plot_feature_maps(model, image, path, max_maps=16):
    """Save the input image and, one row per Conv2d, up to max_maps of the feature maps it makes from
    that image, as a PNG (bright: the filter responded strongly there). Returns the path."""
    layers = feature_maps(model, image)
    if not layers:
        raise ValueError(f"plot_feature_maps: {type(model).__name__} has no Conv2d layer")
    picture = np.asarray(_cpu(image.array) if isinstance(image, Tensor) else image, dtype=np.float64)
    picture = picture.reshape(picture.shape[-3:]).mean(axis=0)    # the channels' mean, (H, W)
    plt = pyplot()
    cols = 1 + min(max_maps, max(len(maps) for _, maps in layers))
    fig, axes = plt.subplots(len(layers), cols, figsize=(1.1 * cols, 1.2 * len(layers) + 0.4), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    axes[0, 0].imshow(picture, cmap="gray")
    axes[0, 0].set_title("input", fontsize=7)
    for row, (name, maps) in enumerate(layers):
        axes[row, 1].set_title(f"{name} ({len(maps)} maps, {maps.shape[1]}×{maps.shape[2]})", fontsize=7, loc="left")
        for ax, feature in zip(axes[row, 1:], maps[:max_maps]):
            ax.imshow(feature, cmap="viridis")
    fig.tight_layout()
    save_figure(fig, path, dpi=110)
    plt.close(fig)
    return path
