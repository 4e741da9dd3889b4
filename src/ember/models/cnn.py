"""Convolutional networks: conv layers detect features, pooling shrinks the maps, fully connected
layers classify.

    LeNet     LeCun's LeNet-5 (1998), the first CNN that read handwriting (with ReLU and max pooling)
    VGG       a small VGG-style net: blocks of 3×3 convolutions with batch normalization, then pooling
    ResNet    He et al.'s CIFAR ResNets (2016), ResNet-8 and ResNet-20: residual blocks whose skip
              connections let very deep stacks train

Each takes in_shape = (channels, height, width) of one image and returns class scores (N, num_classes).
"""

from .. import nn
from ..autograd import no_grad
from ..creation import zeros


def _flat_size(features, in_shape):
    """How many numbers the feature extractor gives for one image of in_shape: found by running it on
    zeros once, so the classifier fits any image size."""
    with no_grad():
        return features(zeros(1, *in_shape)).numel()


class LeNet(nn.Module):
    """LeNet-5: two convolution blocks (conv 5×5 → ReLU → 2×2 max pool) that find strokes and their
    combinations, then three fully connected layers (120 → 84 → num_classes) that classify them.

    On 28×28 MNIST the first convolution pads by 2 (as LeNet-5's 32×32 input did), giving 6 maps of
    28×28 → 14×14, then 16 maps of 10×10 → 5×5 = 400 features. Images smaller than 20 pixels (the
    8×8 scikit-learn digits) get 3×3 kernels with padding, so that two poolings still leave a map.
    """

    def __init__(self, in_shape=(1, 28, 28), num_classes=10, dropout=0.0):
        super().__init__()
        channels, height, width = in_shape
        kernel = 5 if min(height, width) >= 20 else 3
        second_padding = 0 if min(height, width) // 2 >= 2 * kernel else kernel // 2
        self.features = nn.Sequential(
            nn.Conv2d(channels, 6, kernel, padding=kernel // 2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, kernel, padding=second_padding), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Dropout(dropout), nn.Linear(_flat_size(self.features, in_shape), 120), nn.ReLU(),
            nn.Dropout(dropout), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, num_classes))

    def forward(self, x):
        return self.classifier(self.features(x))


class VGG(nn.Module):
    """A small VGG-style network: blocks of two 3×3 convolutions (each with batch normalization and
    ReLU) followed by a 2×2 max pool, the number of channels doubling as the maps halve; then global
    average pooling and one Linear layer. widths gives each block's channels."""

    def __init__(self, in_shape=(3, 32, 32), num_classes=10, dropout=0.0, widths=(32, 64, 128)):
        super().__init__()
        layers, channels = [], in_shape[0]
        for width in widths:
            for _ in range(2):
                layers += [nn.Conv2d(channels, width, 3, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU()]
                channels = width
            layers.append(nn.MaxPool2d(2, ceil_mode=True))  # ceil: a 1×1 map stays 1×1
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(dropout),
                                        nn.Linear(channels, num_classes))

    def forward(self, x):
        return self.classifier(self.features(x))


class BasicBlock(nn.Module):
    """Two 3×3 convolutions with batch normalization, plus a skip connection: out = ReLU(F(x) + x).

    The block only has to learn the residual F(x) = out - x, and the gradient reaches earlier layers
    through the identity path undiminished, however deep the stack. Where the block halves the map
    (stride 2) or changes the channels, the shortcut is a 1×1 convolution with batch normalization
    (He et al.'s option B), so that x matches F(x)'s shape.
    """

    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                                          nn.BatchNorm2d(out_channels))
        else:
            self.shortcut = nn.Identity()

    def forward(self, x):
        residual = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        return self.relu(residual + self.shortcut(x))


class ResNet(nn.Module):
    """The CIFAR ResNet of depth 6n + 2: a 3×3 convolution to 16 channels, then three stages of n basic
    blocks with 16, 32 and 64 channels (the second and third start with stride 2: 32×32 → 16×16 → 8×8),
    global average pooling and a Linear layer. Convolutions start with Kaiming initialization for ReLU."""

    depth = 20

    def __init__(self, in_shape=(3, 32, 32), num_classes=10, dropout=0.0, depth=None):
        super().__init__()
        depth = depth or self.depth
        if (depth - 2) % 6:
            raise ValueError(f"ResNet: depth must be 6n + 2 (8, 14, 20, 32, ...), got {depth}")
        blocks = (depth - 2) // 6
        self.stem = nn.Sequential(nn.Conv2d(in_shape[0], 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        stages, channels = [], 16
        for stage, width in enumerate((16, 32, 64)):
            for i in range(blocks):
                stages.append(BasicBlock(channels, width, stride=2 if stage > 0 and i == 0 else 1))
                channels = width
        self.stages = nn.Sequential(*stages)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(dropout),
                                  nn.Linear(64, num_classes))
        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x):
        return self.head(self.stages(self.stem(x)))


class ResNet8(ResNet):
    """ResNet-8: one basic block per stage (78k parameters)."""

    depth = 8


class ResNet20(ResNet):
    """ResNet-20: three basic blocks per stage (272k parameters)."""

    depth = 20
