"""ember.models: reference models, and the names the `ember` command knows them by.

`CLASSIFIERS[name](in_shape=..., num_classes=..., dropout=...)` gives class scores (N, num_classes).
`LANGUAGE_MODELS[name](vocab_size=..., block_size=..., dropout=...)` gives next-token logits (B, T, V)
and has generate(ids, max_new_tokens, temperature, top_k).
"""

from .char_rnn import CharLSTM
from .cnn import VGG, BasicBlock, LeNet, ResNet, ResNet8, ResNet20
from .gpt import GPT
from .mlp import MLP

CLASSIFIERS = {}
LANGUAGE_MODELS = {}

CLASSIFIERS["mlp"] = MLP
CLASSIFIERS["lenet"] = LeNet
CLASSIFIERS["vgg"] = VGG
CLASSIFIERS["resnet8"] = ResNet8
CLASSIFIERS["resnet20"] = ResNet20
LANGUAGE_MODELS["char-lstm"] = CharLSTM
LANGUAGE_MODELS["gpt"] = GPT
