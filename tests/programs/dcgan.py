"""A DCGAN on 16x16 images, in the idiom of PyTorch's DCGAN tutorial: a generator of ConvTranspose2d,
BatchNorm2d and ReLU, a discriminator of Conv2d and LeakyReLU ending in a Sigmoid, weights_init applied
through the module tree by class name, BCELoss, two Adam optimizers, fake.detach() for the discriminator's
step, and fixed noise to watch the generator. The "real" images are blurred blobs made with torch ops."""
import argparse
import random

import torch
import torch.nn as nn
import torch.nn.parallel
import torch.optim as optim
import torch.utils.data

nc = 1
nz = 16
ngf = 16
ndf = 16


def weights_init(m):
    classname = m.__class__.__name__
    if classname.find('Conv') != -1:
        nn.init.normal_(m.weight.data, 0.0, 0.02)
    elif classname.find('BatchNorm') != -1:
        nn.init.normal_(m.weight.data, 1.0, 0.02)
        nn.init.constant_(m.bias.data, 0)


class Generator(nn.Module):
    def __init__(self, ngpu):
        super(Generator, self).__init__()
        self.ngpu = ngpu
        self.main = nn.Sequential(
            # nz x 1 x 1 -> (ngf*4) x 4 x 4
            nn.ConvTranspose2d(nz, ngf * 4, 4, 1, 0, bias=False),
            nn.BatchNorm2d(ngf * 4),
            nn.ReLU(True),
            # -> (ngf*2) x 8 x 8
            nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf * 2),
            nn.ReLU(True),
            # -> nc x 16 x 16
            nn.ConvTranspose2d(ngf * 2, nc, 4, 2, 1, bias=False),
            nn.Tanh()
        )

    def forward(self, input):
        return self.main(input)


class Discriminator(nn.Module):
    def __init__(self, ngpu):
        super(Discriminator, self).__init__()
        self.ngpu = ngpu
        self.main = nn.Sequential(
            # nc x 16 x 16 -> ndf x 8 x 8
            nn.Conv2d(nc, ndf, 4, 2, 1, bias=False),
            nn.LeakyReLU(0.2, inplace=True),
            # -> (ndf*2) x 4 x 4
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ndf * 2),
            nn.LeakyReLU(0.2, inplace=True),
            # -> 1 x 1 x 1
            nn.Conv2d(ndf * 2, 1, 4, 1, 0, bias=False),
            nn.Sigmoid()
        )

    def forward(self, input):
        return self.main(input)


def blobs(n, generator):
    """Images in [-1, 1] of one bright Gaussian blob each, at a random place."""
    coords = torch.arange(16, dtype=torch.float32)
    centers = torch.rand(n, 2, generator=generator) * 10 + 3
    dy = (coords.view(1, 16, 1) - centers[:, 0].view(n, 1, 1)) ** 2
    dx = (coords.view(1, 1, 16) - centers[:, 1].view(n, 1, 1)) ** 2
    images = torch.exp(-(dx + dy) / 8.0)
    return (images * 2 - 1).unsqueeze(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--num-images', type=int, default=1024)
    parser.add_argument('--batch-size', type=int, default=64)
    parser.add_argument('--num-epochs', type=int, default=5)
    parser.add_argument('--workers', type=int, default=0)
    parser.add_argument('--lr', type=float, default=0.0002)
    parser.add_argument('--ngpu', type=int, default=1)
    args = parser.parse_args()

    manualSeed = 999
    print("Random Seed: ", manualSeed)
    random.seed(manualSeed)
    torch.manual_seed(manualSeed)
    torch.use_deterministic_algorithms(True)

    dataset = torch.utils.data.TensorDataset(blobs(args.num_images, torch.Generator().manual_seed(1)))
    dataloader = torch.utils.data.DataLoader(dataset, batch_size=args.batch_size, shuffle=True,
                                             num_workers=args.workers)
    device = torch.device("cuda:0" if (torch.cuda.is_available() and args.ngpu > 0) else "cpu")

    netG = Generator(args.ngpu).to(device)
    if (device.type == 'cuda') and (args.ngpu > 1):
        netG = nn.DataParallel(netG, list(range(args.ngpu)))
    netG.apply(weights_init)
    print(netG)

    netD = Discriminator(args.ngpu).to(device)
    if (device.type == 'cuda') and (args.ngpu > 1):
        netD = nn.DataParallel(netD, list(range(args.ngpu)))
    netD.apply(weights_init)
    print(netD)

    criterion = nn.BCELoss()
    fixed_noise = torch.randn(16, nz, 1, 1, device=device)
    real_label = 1.
    fake_label = 0.
    beta1 = 0.5
    optimizerD = optim.Adam(netD.parameters(), lr=args.lr, betas=(beta1, 0.999))
    optimizerG = optim.Adam(netG.parameters(), lr=args.lr, betas=(beta1, 0.999))

    img_list = []
    G_losses = []
    D_losses = []
    iters = 0
    print("Starting Training Loop...")
    for epoch in range(args.num_epochs):
        for i, data in enumerate(dataloader, 0):
            # (1) Update D: maximize log(D(x)) + log(1 - D(G(z)))
            netD.zero_grad()
            real_cpu = data[0].to(device)
            b_size = real_cpu.size(0)
            label = torch.full((b_size,), real_label, dtype=torch.float, device=device)
            output = netD(real_cpu).view(-1)
            errD_real = criterion(output, label)
            errD_real.backward()
            D_x = output.mean().item()

            noise = torch.randn(b_size, nz, 1, 1, device=device)
            fake = netG(noise)
            label.fill_(fake_label)
            output = netD(fake.detach()).view(-1)
            errD_fake = criterion(output, label)
            errD_fake.backward()
            D_G_z1 = output.mean().item()
            errD = errD_real + errD_fake
            optimizerD.step()

            # (2) Update G: maximize log(D(G(z)))
            netG.zero_grad()
            label.fill_(real_label)
            output = netD(fake).view(-1)
            errG = criterion(output, label)
            errG.backward()
            D_G_z2 = output.mean().item()
            optimizerG.step()

            if i % 10 == 0:
                print('[%d/%d][%d/%d]\tLoss_D: %.4f\tLoss_G: %.4f\tD(x): %.4f\tD(G(z)): %.4f / %.4f'
                      % (epoch, args.num_epochs, i, len(dataloader),
                         errD.item(), errG.item(), D_x, D_G_z1, D_G_z2))
            G_losses.append(errG.item())
            D_losses.append(errD.item())
            if (iters % 50 == 0) or ((epoch == args.num_epochs - 1) and (i == len(dataloader) - 1)):
                with torch.no_grad():
                    fake = netG(fixed_noise).detach().cpu()
                img_list.append(fake)
            iters += 1

    print(f"{len(img_list)} grids of {tuple(img_list[-1].shape)}, range [{img_list[-1].min():.2f}, "
          f"{img_list[-1].max():.2f}]")
    print(f"mean losses: D {sum(D_losses) / len(D_losses):.4f}, G {sum(G_losses) / len(G_losses):.4f}")


if __name__ == '__main__':
    main()
