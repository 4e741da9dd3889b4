"""A multilayer perceptron: the feedforward network of the lesson."""

from .. import nn


class MLP(nn.Module):
    """Flatten, then hidden layers of neurons (Linear → ReLU → Dropout), then a Linear layer of
    class scores. in_shape is one sample's shape, e.g. (64,) or (1, 28, 28); output (N, num_classes)."""

    def __init__(self, in_shape, num_classes, hidden=(256, 128), dropout=0.0):
        super().__init__()
        features = 1
        for n in in_shape:
            features *= n
        layers = [nn.Flatten()]
        for width in hidden:
            layers += [nn.Linear(features, width), nn.ReLU(), nn.Dropout(dropout)]
            features = width
        layers.append(nn.Linear(features, num_classes))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)
