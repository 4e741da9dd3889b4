"""Fine-tuning a pretrained network, in the idiom of PyTorch's transfer-learning tutorial: a small ResNet
is "pretrained" on a ten-class task and saved; a copy is loaded, its last layer replaced for two classes,
then trained two ways: the whole network (parameter groups with their own learning rates) and as a fixed
feature extractor (requires_grad = False). train_model runs train and val phases with
torch.set_grad_enabled, lr_scheduler.StepLR, and keeps the best weights with copy.deepcopy(state_dict()).
The images are made with torch ops instead of the tutorial's download."""
import argparse
import copy
import os
import tempfile
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.optim import lr_scheduler
from torch.utils.data import DataLoader, TensorDataset, random_split


class BasicBlock(nn.Module):
    def __init__(self, inplanes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + identity)


class TinyResNet(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.layer1 = BasicBlock(8, 8)
        self.layer2 = BasicBlock(8, 16, stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(16, num_classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer2(self.layer1(x))
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(x)


def images(n, num_classes, generator):
    """16x16 colour images whose class sets the frequency and channel of a stripe pattern, plus noise."""
    labels = torch.randint(0, num_classes, (n,), generator=generator)
    xs = torch.arange(16, dtype=torch.float32)
    frequency = (labels % 5 + 1).float().view(n, 1, 1)
    stripes = torch.sin(xs.view(1, 1, 16) * frequency * 0.4).expand(n, 16, 16)
    data = 0.5 * torch.randn(n, 3, 16, 16, generator=generator)
    channel = labels % 3
    data[torch.arange(n), channel] += stripes
    return TensorDataset(data, labels)


def train_model(model, criterion, optimizer, scheduler, dataloaders, dataset_sizes, device, num_epochs=25):
    since = time.time()
    with tempfile.TemporaryDirectory() as tempdir:
        best_model_params_path = os.path.join(tempdir, 'best_model_params.pt')
        torch.save(model.state_dict(), best_model_params_path)
        best_model_wts = copy.deepcopy(model.state_dict())
        best_acc = 0.0

        for epoch in range(num_epochs):
            print(f'Epoch {epoch}/{num_epochs - 1}')
            print('-' * 10)
            for phase in ['train', 'val']:
                if phase == 'train':
                    model.train()
                else:
                    model.eval()
                running_loss = 0.0
                running_corrects = 0
                for inputs, labels in dataloaders[phase]:
                    inputs = inputs.to(device)
                    labels = labels.to(device)
                    optimizer.zero_grad()
                    with torch.set_grad_enabled(phase == 'train'):
                        outputs = model(inputs)
                        _, preds = torch.max(outputs, 1)
                        loss = criterion(outputs, labels)
                        if phase == 'train':
                            loss.backward()
                            optimizer.step()
                    running_loss += loss.item() * inputs.size(0)
                    running_corrects += torch.sum(preds == labels.data)
                if phase == 'train':
                    scheduler.step()
                epoch_loss = running_loss / dataset_sizes[phase]
                epoch_acc = running_corrects.double() / dataset_sizes[phase]
                print(f'{phase} Loss: {epoch_loss:.4f} Acc: {epoch_acc:.4f}')
                if phase == 'val' and epoch_acc > best_acc:
                    best_acc = epoch_acc
                    best_model_wts = copy.deepcopy(model.state_dict())
                    torch.save(model.state_dict(), best_model_params_path)
            print()

        time_elapsed = time.time() - since
        print(f'Training complete in {time_elapsed // 60:.0f}m {time_elapsed % 60:.0f}s')
        print(f'Best val Acc: {best_acc:4f}')
        model.load_state_dict(torch.load(best_model_params_path, weights_only=True))
        for name, tensor in best_model_wts.items():
            assert torch.equal(tensor, model.state_dict()[name]), name
    return model


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--size', type=int, default=600)
    parser.add_argument('--epochs', type=int, default=3)
    parser.add_argument('--batch-size', type=int, default=32)
    args = parser.parse_args()
    torch.manual_seed(0)
    device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
    generator = torch.Generator().manual_seed(0)

    # "Pretraining" on ten classes, saved as a state dict, as torchvision's weights are.
    pretrained = TinyResNet(num_classes=10).to(device)
    loader = DataLoader(images(args.size, 10, generator), batch_size=args.batch_size, shuffle=True)
    optimizer = optim.Adam(pretrained.parameters(), lr=1e-2)
    for inputs, labels in loader:
        optimizer.zero_grad()
        F.cross_entropy(pretrained(inputs.to(device)), labels.to(device)).backward()
        optimizer.step()
    with tempfile.TemporaryDirectory() as tempdir:
        path = os.path.join(tempdir, 'pretrained.pth')
        torch.save(pretrained.state_dict(), path)
        state_dict = torch.load(path, map_location=device, weights_only=True)

    # The new task: two classes, split into train and val.
    full = images(args.size, 2, generator)
    n_val = len(full) // 4
    train_set, val_set = random_split(full, [len(full) - n_val, n_val], generator=generator)
    image_datasets = {'train': train_set, 'val': val_set}
    dataloaders = {x: DataLoader(image_datasets[x], batch_size=args.batch_size, shuffle=(x == 'train'))
                   for x in ['train', 'val']}
    dataset_sizes = {x: len(image_datasets[x]) for x in ['train', 'val']}
    class_names = ['ants', 'bees']
    print(dataset_sizes, class_names)
    criterion = nn.CrossEntropyLoss()

    # Fine-tuning the whole network, the new head faster than the body.
    model_ft = TinyResNet()
    model_ft.load_state_dict(state_dict)
    num_ftrs = model_ft.fc.in_features
    model_ft.fc = nn.Linear(num_ftrs, len(class_names))
    model_ft = model_ft.to(device)
    body = [p for name, p in model_ft.named_parameters() if not name.startswith('fc.')]
    optimizer_ft = optim.SGD([{'params': body}, {'params': model_ft.fc.parameters(), 'lr': 0.01}],
                             lr=0.001, momentum=0.9)
    exp_lr_scheduler = lr_scheduler.StepLR(optimizer_ft, step_size=2, gamma=0.1)
    model_ft = train_model(model_ft, criterion, optimizer_ft, exp_lr_scheduler, dataloaders, dataset_sizes,
                           device, num_epochs=args.epochs)
    print('lrs after fine-tuning', [group['lr'] for group in optimizer_ft.param_groups])

    # The network as a fixed feature extractor: only the new head learns.
    model_conv = TinyResNet()
    model_conv.load_state_dict(state_dict)
    for param in model_conv.parameters():
        param.requires_grad = False
    model_conv.fc = nn.Linear(model_conv.fc.in_features, 2)
    model_conv = model_conv.to(device)
    frozen = copy.deepcopy(model_conv.layer1.state_dict())
    optimizer_conv = optim.SGD(model_conv.fc.parameters(), lr=0.01, momentum=0.9)
    exp_lr_scheduler = lr_scheduler.StepLR(optimizer_conv, step_size=2, gamma=0.1)
    model_conv = train_model(model_conv, criterion, optimizer_conv, exp_lr_scheduler, dataloaders, dataset_sizes,
                             device, num_epochs=args.epochs)
    trainable = sum(p.numel() for p in model_conv.parameters() if p.requires_grad)
    unchanged = all(torch.equal(frozen[name], model_conv.layer1.state_dict()[name])
                    for name in frozen if 'running' not in name and 'num_batches' not in name)
    print(f'trainable parameters {trainable}, frozen weights unchanged: {unchanged}')

    model_conv.requires_grad_(False)
    model_conv.eval()
    with torch.no_grad():
        inputs, labels = next(iter(dataloaders['val']))
        _, preds = torch.max(model_conv(inputs.to(device)), 1)
        print('predicted:', [class_names[x] for x in preds[:4]])


if __name__ == '__main__':
    main()
