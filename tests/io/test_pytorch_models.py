"""State dicts that PyTorch wrote with torch.save load into ember's models and give PyTorch's outputs."""

import numpy as np
import pytest
import torch

import ember
from ember.models import cnn
from ember.models.char_rnn import CharLSTM
from ember.models.gpt import GPT
from helpers import to_numpy
from models.test_gpt import torch_gpt

tnn = torch.nn


class TorchBlock(tnn.Module):
    """ember's cnn.BasicBlock in PyTorch, with its names."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1, self.bn1 = tnn.Conv2d(cin, cout, 3, stride, 1, bias=False), tnn.BatchNorm2d(cout)
        self.conv2, self.bn2 = tnn.Conv2d(cout, cout, 3, 1, 1, bias=False), tnn.BatchNorm2d(cout)
        self.relu = tnn.ReLU()
        self.shortcut = tnn.Identity() if stride == 1 and cin == cout else tnn.Sequential(
            tnn.Conv2d(cin, cout, 1, stride, bias=False), tnn.BatchNorm2d(cout))

    def forward(self, x):
        return self.relu(self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x))))) + self.shortcut(x))


def torch_resnet8(channels, classes):
    """ember's cnn.ResNet8 in PyTorch."""
    model = tnn.Module()
    model.stem = tnn.Sequential(tnn.Conv2d(channels, 16, 3, padding=1, bias=False), tnn.BatchNorm2d(16), tnn.ReLU())
    model.stages = tnn.Sequential(TorchBlock(16, 16, 1), TorchBlock(16, 32, 2), TorchBlock(32, 64, 2))
    model.head = tnn.Sequential(tnn.AdaptiveAvgPool2d(1), tnn.Flatten(), tnn.Dropout(0.0), tnn.Linear(64, classes))
    model.forward = lambda x: model.head(model.stages(model.stem(x)))
    return model


class TorchCharLSTM(tnn.Module):
    """ember's CharLSTM in PyTorch."""

    def __init__(self, vocab, embed, hidden):
        super().__init__()
        self.embed, self.lstm = tnn.Embedding(vocab, embed), tnn.LSTM(embed, hidden, 2, batch_first=True)
        self.head = tnn.Linear(hidden, vocab)

    def forward(self, ids):
        return self.head(self.lstm(self.embed(ids))[0])


def trained_a_little(model, x):
    """A PyTorch model whose BatchNorm statistics moved off 0 and 1 (a few training-mode passes)."""
    with torch.no_grad():
        for _ in range(3):
            model(x)
    return model.eval()


def make(case):
    """(PyTorch model, the same ember model, an input as NumPy)."""
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    if case == "resnet":
        x = rng.standard_normal((3, 3, 16, 16)).astype(np.float32)
        return trained_a_little(torch_resnet8(3, 10), torch.tensor(x)), cnn.ResNet8((3, 16, 16)), x
    if case == "lstm":
        return TorchCharLSTM(20, 16, 32), CharLSTM(20, embed_dim=16, hidden_size=32, num_layers=2), \
            rng.integers(0, 20, (2, 9))
    return torch_gpt(30, 16, 2, 2, 32), GPT(30, block_size=16, n_layer=2, n_head=2, n_embd=32), rng.integers(0, 30, (2, 12))


@pytest.mark.parametrize("layout", ["zip", "legacy"])
@pytest.mark.parametrize("case", ["resnet", "lstm", "gpt"])
def test_a_pytorch_state_dict_gives_pytorch_outputs_in_ember(tmp_path, case, layout):
    theirs, ours, x = make(case)
    path = tmp_path / "model.pth"
    torch.save(theirs.state_dict(), path, _use_new_zipfile_serialization=layout == "zip")
    state = ember.load(path)
    assert list(state) == list(theirs.state_dict())
    ours.load_state_dict(state)
    ours.eval()
    with torch.no_grad():
        expected = theirs.eval()(torch.tensor(x)).numpy()
    with ember.no_grad():
        np.testing.assert_allclose(to_numpy(ours(ember.tensor(x))), expected, rtol=1e-4, atol=1e-5)
