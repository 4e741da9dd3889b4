"""Reference models, and the registries through which the `ember` command finds them.

CLASSIFIERS["name"] is built as Model(in_shape=..., num_classes=..., dropout=...);
LANGUAGE_MODELS["name"] as Model(vocab_size=..., block_size=..., dropout=...).
"""

from .gpt import GPT

CLASSIFIERS = {}
LANGUAGE_MODELS = {}

LANGUAGE_MODELS["gpt"] = GPT
