"""Training with the idioms of PyTorch's recipes: automatic mixed precision (torch.autocast and
torch.amp.GradScaler with unscale_ before gradient clipping), torch.compile, the matmul-precision and
cuDNN switches, logging to a CSV file instead of TensorBoard, and "saving and loading models": a state
dict, a general checkpoint (epoch, model, optimizer, scaler, loss) resumed with map_location, warm-starting
a different model with strict=False, and evaluation under model.eval() and torch.inference_mode()."""
import argparse
import csv
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

device = "cuda" if torch.cuda.is_available() else "cpu"
torch.backends.cudnn.benchmark = True
torch.backends.cuda.matmul.allow_tf32 = True
torch.set_float32_matmul_precision("high")


def make_model(in_size, out_size, num_layers):
    layers = []
    for _ in range(num_layers - 1):
        layers.append(torch.nn.Linear(in_size, in_size))
        layers.append(torch.nn.ReLU())
    layers.append(torch.nn.Linear(in_size, out_size))
    return torch.nn.Sequential(*tuple(layers)).to(device)


class TheModelClass(nn.Module):
    def __init__(self):
        super(TheModelClass, self).__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


class WiderHead(nn.Module):
    """TheModelClass's body with another head: warm-started from its weights with strict=False."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.head = nn.Linear(16 * 5 * 5, 2)


@torch.compile
def mse(output, target):
    return ((output - target) ** 2).mean()


def mixed_precision(args, log):
    torch.manual_seed(0)
    data = [torch.randn(args.batch_size, args.in_size, device=device) for _ in range(args.num_batches)]
    targets = [torch.randn(args.batch_size, args.out_size, device=device) for _ in range(args.num_batches)]
    net = make_model(args.in_size, args.out_size, args.num_layers)
    net = torch.compile(net)
    opt = torch.optim.SGD(net.parameters(), lr=0.001)
    use_amp = True
    amp_dtype = torch.float16 if device == "cuda" else torch.bfloat16
    scaler = torch.amp.GradScaler(device, enabled=use_amp)
    start = time.time()
    for epoch in range(args.epochs):
        for input, target in zip(data, targets):
            with torch.autocast(device_type=device, dtype=amp_dtype, enabled=use_amp):
                output = net(input)
                loss = F.mse_loss(output, target)
            scaler.scale(loss).backward()
            scaler.unscale_(opt)
            torch.nn.utils.clip_grad_norm_(net.parameters(), max_norm=0.1)
            scaler.step(opt)
            scaler.update()
            opt.zero_grad(set_to_none=True)
        log.writerow({'phase': 'amp', 'epoch': epoch, 'loss': f'{loss.item():.4f}', 'dtype': str(output.dtype)})
    print(f'amp: output {output.dtype}, loss {loss.dtype}, {time.time() - start:.1f}s')

    checkpoint = {"model": net.state_dict(), "optimizer": opt.state_dict(), "scaler": scaler.state_dict()}
    torch.save(checkpoint, os.path.join(args.out_dir, 'amp.pt'))
    checkpoint = torch.load(os.path.join(args.out_dir, 'amp.pt'), map_location=lambda storage, loc: storage)
    net.load_state_dict(checkpoint["model"])
    opt.load_state_dict(checkpoint["optimizer"])
    scaler.load_state_dict(checkpoint["scaler"])
    with torch.no_grad():
        print(f'reloaded: mse {mse(net(data[0]), targets[0]).item():.4f}, scale {scaler.get_scale()}')


def save_and_load(args, log):
    torch.manual_seed(0)
    model = TheModelClass()
    optimizer = optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
    print("Model's state_dict:")
    for param_tensor in model.state_dict():
        print(param_tensor, "\t", model.state_dict()[param_tensor].size())
    print("Optimizer's state_dict:")
    for var_name in optimizer.state_dict():
        print(var_name, "\t", optimizer.state_dict()[var_name])

    inputs, labels = torch.randn(8, 3, 32, 32), torch.randint(0, 10, (8,))
    criterion = nn.CrossEntropyLoss()
    for epoch in range(args.epochs):
        optimizer.zero_grad()
        loss = criterion(model(inputs), labels)
        loss.backward()
        optimizer.step()
        log.writerow({'phase': 'save_and_load', 'epoch': epoch, 'loss': f'{loss.item():.4f}', 'dtype': 'float32'})

    PATH = os.path.join(args.out_dir, 'model.pt')
    torch.save(model.state_dict(), PATH)
    model = TheModelClass()
    model.load_state_dict(torch.load(PATH, weights_only=True))
    model.eval()

    PATH = os.path.join(args.out_dir, 'checkpoint.tar')
    torch.save({
        'epoch': epoch,
        'model_state_dict': model.state_dict(),
        'optimizer_state_dict': optimizer.state_dict(),
        'loss': loss,
    }, PATH)
    model = TheModelClass()
    optimizer = optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
    checkpoint = torch.load(PATH, weights_only=True, map_location=torch.device('cpu'))
    model.load_state_dict(checkpoint['model_state_dict'])
    optimizer.load_state_dict(checkpoint['optimizer_state_dict'])
    epoch = checkpoint['epoch']
    loss = checkpoint['loss']
    model.train()
    optimizer.zero_grad()
    resumed = criterion(model(inputs), labels)
    resumed.backward()
    optimizer.step()
    print(f'resumed at epoch {epoch + 1}: saved loss {loss.item():.4f}, loss {resumed.item():.4f}')

    modelB = WiderHead()
    result = modelB.load_state_dict(torch.load(os.path.join(args.out_dir, 'model.pt'), weights_only=True), strict=False)
    print('warm start: missing', result.missing_keys, 'unexpected', sorted(result.unexpected_keys))

    model.eval()
    with torch.inference_mode():
        predictions = model(inputs).argmax(dim=1)
    print(f'eval accuracy {(predictions == labels).float().mean().item():.2f}, '
          f'inference tensor: {predictions.is_inference()}')
    try:
        torch.save(model, os.path.join(args.out_dir, 'whole_model.pt'))
    except Exception as error:
        print('saving the whole model:', type(error).__name__)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--batch-size', type=int, default=64)
    parser.add_argument('--in-size', type=int, default=256)
    parser.add_argument('--out-size', type=int, default=32)
    parser.add_argument('--num-layers', type=int, default=3)
    parser.add_argument('--num-batches', type=int, default=10)
    parser.add_argument('--epochs', type=int, default=3)
    parser.add_argument('--out-dir', default='.')
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    with open(os.path.join(args.out_dir, 'log.csv'), 'w', newline='') as f:
        log = csv.DictWriter(f, fieldnames=['phase', 'epoch', 'loss', 'dtype'])
        log.writeheader()
        mixed_precision(args, log)
        save_and_load(args, log)
    with open(os.path.join(args.out_dir, 'log.csv')) as f:
        print(f'logged {len(list(csv.DictReader(f)))} rows')


if __name__ == '__main__':
    main()
