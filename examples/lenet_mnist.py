"""LeNet-5 on handwritten digits: convolutions find strokes, pooling shrinks the maps, fully
connected layers classify. Trains with ember.train.fit, reports the test accuracy and the time it
took, and saves pictures of what the network learned (its first filters and one digit's feature maps).

    python examples/lenet_mnist.py                         # scikit-learn's 8×8 digits (no download)
    python examples/lenet_mnist.py --data mnist            # MNIST from ~/.cache/ember/mnist (or --data-dir DIR)
    python examples/lenet_mnist.py --data mnist --data-dir DIR --epochs 5
"""

import argparse
import os
import time

import ember
from ember import data, nn, optim
from ember.models import LeNet
from ember.train import ModelCheckpoint, SchedulerStep, evaluate, fit
from ember.train.features import plot_feature_maps, plot_filters

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--data", choices=["digits", "mnist"], default="digits")
parser.add_argument("--data-dir", help="folder (or .npz file) holding MNIST")
parser.add_argument("--epochs", type=int, help="passes over the training images (default: 5 MNIST, 40 digits)")
parser.add_argument("--out", default="lenet-run", help="folder for the checkpoint and the pictures")
args = parser.parse_args()

ember.manual_seed(0)
if args.data == "mnist":
    train, val, test = data.mnist(root=args.data_dir)                   # images (N, 1, 28, 28) in [0, 1]
    epochs, batch_size, dropout = args.epochs or 5, 64, 0.0
else:
    splits = data.digits()                                               # 1,797 images of 8 × 8 pixels
    train, val, test = (data.TensorDataset(s.tensors[0].reshape(-1, 1, 8, 8), s.tensors[1]) for s in splits)
    epochs, batch_size, dropout = args.epochs or 40, 16, 0.25   # few images: dropout against overfitting
in_shape = tuple(train.tensors[0].shape[1:])
model = LeNet(in_shape=in_shape, num_classes=10, dropout=dropout)
print(model)

train_loader = data.DataLoader(train, batch_size=batch_size, shuffle=True)
val_loader = data.DataLoader(val, batch_size=500)
optimizer = optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.05)
# The learning rate falls along a cosine from lr to 0 over the whole run, batch by batch.
scheduler = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * len(train_loader))
os.makedirs(args.out, exist_ok=True)
checkpoint = os.path.join(args.out, "best.safetensors")

started, cpu_started = time.perf_counter(), time.process_time()
history = fit(model, nn.CrossEntropyLoss(), optimizer, train_loader, val_loader, epochs=epochs,
              callbacks=[SchedulerStep(scheduler, interval="batch"), ModelCheckpoint(checkpoint)])
seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
model.load_state_dict(ember.load(checkpoint))                           # the epoch with the best validation loss
result = evaluate(model, nn.CrossEntropyLoss(), data.DataLoader(test, batch_size=500))
print(f"{args.data}: test accuracy {result['accuracy']:.4f} (loss {result['loss']:.4f}) after {len(history)} epochs "
      f"in {seconds:.0f} s ({cpu_seconds:.0f} s of CPU time)")

try:
    plot_filters(model, os.path.join(args.out, "filters.png"))
    plot_feature_maps(model, test.tensors[0][0], os.path.join(args.out, "feature_maps.png"))
    print(f"pictures of the filters and of one digit's feature maps are in {args.out}/")
except ImportError as missing:
    print(f"(no pictures: {missing})")
