import numpy as np
import pytest

import ember
from ember import data, nn, optim
from ember.models import CLASSIFIERS, VGG, BasicBlock, LeNet, ResNet, ResNet8, ResNet20
from ember.train import evaluate, fit
from helpers import raises

SHAPES = [(1, 8, 8), (1, 28, 28), (3, 32, 32)]


@pytest.mark.parametrize("name", ["lenet", "vgg", "resnet8", "resnet20"])
@pytest.mark.parametrize("in_shape", SHAPES, ids=["digits", "mnist", "cifar"])
def test_cnns_give_class_scores_for_any_image_size(name, in_shape):
    model = CLASSIFIERS[name](in_shape=in_shape, num_classes=7, dropout=0.1)
    x = ember.rand(2, *in_shape, requires_grad=True)
    out = model(x)
    assert out.shape == (2, 7)
    out.sum().backward()
    assert all(p.grad is not None for p in model.parameters()) and x.grad.shape == x.shape


def test_lenet5_has_lenets_layers_on_mnist():
    model = LeNet(in_shape=(1, 28, 28))
    sizes = [tuple(p.shape) for p in model.parameters()]
    assert sizes == [(6, 1, 5, 5), (6,), (16, 6, 5, 5), (16,), (120, 400), (120,), (84, 120), (84,), (10, 84), (10,)]
    assert sum(p.numel() for p in model.parameters()) == 61706


def test_resnet_depths_and_skip_connections():
    assert sum(isinstance(m, BasicBlock) for m in ResNet8().modules()) == 3
    assert sum(isinstance(m, BasicBlock) for m in ResNet20().modules()) == 9
    assert sum(p.numel() for p in ResNet20().parameters()) == 272474
    block = BasicBlock(4, 4).eval()
    for p in block.parameters():
        p.array[...] = 0  # F(x) = 0: the block passes ReLU(x) through its skip connection
    x = ember.randn(2, 4, 5, 5)
    assert np.allclose(block(x).detach().numpy(), np.maximum(x.numpy(), 0))
    assert isinstance(BasicBlock(4, 8, stride=2).shortcut, nn.Sequential)  # 1×1 conv projection (option B)
    with raises(ValueError, "ResNet: depth must be 6n + 2 (8, 14, 20, 32, ...), got 10"):
        ResNet(depth=10)


def test_vgg_widths():
    model = VGG(in_shape=(1, 8, 8), num_classes=3, widths=(4, 8))
    assert [m.out_channels for m in model.modules() if isinstance(m, nn.Conv2d)] == [4, 4, 8, 8]


def test_a_small_cnn_learns_digits():
    """LeNet on scikit-learn's 8×8 digits, a few epochs: far above chance (10%) within seconds."""
    pytest.importorskip("sklearn")
    ember.manual_seed(0)
    train, val, _ = (data.TensorDataset(s.tensors[0].reshape(-1, 1, 8, 8), s.tensors[1]) for s in data.digits())
    model = LeNet(in_shape=(1, 8, 8), num_classes=10)
    loader = data.DataLoader(train, batch_size=32, shuffle=True)
    fit(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=3e-3), loader, epochs=6, progress=False)
    assert evaluate(model, nn.CrossEntropyLoss(), data.DataLoader(val, batch_size=500))["accuracy"] > 0.9
