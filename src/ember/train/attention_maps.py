"""Attention made visible: where each head of each layer looks while reading a prompt.

Row t of a head's map is the softmax over the positions the token at t attends to (its weights sum
to 1); in a causal model everything above the diagonal is zero, since no token sees the future.
Some heads learn to look at the previous character, some at the start of the word, some spread out.
"""

import os

import numpy as np

from ..backend import CPU, to_device
from .plots import save_figure


def save_attention_maps(model, ids, path, labels=None):
    """Save a PNG with one heatmap per layer (rows) and head (columns) of model's attention weights
    over the prompt ids (a (T,) or (1, T) integer tensor). model.attention_weights(ids) must give a
    (1, n_head, T, T) tensor per layer, as ember.models.GPT does. labels: the prompt's T tokens as
    strings, to label the axes (e.g. list(prompt) for characters). Returns path."""
    from matplotlib.figure import Figure  # matplotlib is needed only here

    if ids.ndim == 1:
        ids = ids.reshape(1, -1)
    if ids.ndim != 2 or ids.shape[0] != 1:
        raise ValueError(f"save_attention_maps: expected the ids of one prompt, (T,) or (1, T), got {tuple(ids.shape)}")
    length = ids.shape[1]
    if labels is not None and len(labels) != length:
        raise ValueError(f"save_attention_maps: {len(labels)} labels for a prompt of {length} tokens")
    layers = [to_device(w.array, CPU)[0] for w in model.attention_weights(ids)]
    n_layers, n_heads = len(layers), layers[0].shape[0]
    size = max(2.0, 0.18 * length + 1.0)
    figure = Figure(figsize=(size * n_heads, size * n_layers), layout="constrained")
    axes = np.asarray(figure.subplots(n_layers, n_heads, squeeze=False))
    for layer, weights in enumerate(layers):
        for head in range(n_heads):
            ax = axes[layer, head]
            ax.imshow(weights[head], cmap="viridis", vmin=0.0, vmax=1.0)
            ax.set_title(f"layer {layer + 1}, head {head + 1}", fontsize=9)
            if labels is not None:
                shown = ["␣" if c == " " else repr(c)[1:-1] if c.isspace() else c for c in labels]
                ax.set_xticks(range(length), shown, fontsize=6)
                ax.set_yticks(range(length), shown, fontsize=6)
            ax.set_xlabel("attends to", fontsize=8)
            ax.set_ylabel("position", fontsize=8)
    figure.suptitle("attention weights: row t = where token t looks")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    save_figure(figure, path, dpi=100)
    return path
