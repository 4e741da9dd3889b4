"""Shuffles of feature maps: channels traded for resolution (pixel shuffle, for super-resolution and
upsampling without a transposed convolution) and channels interleaved across groups (ShuffleNet).
Each is a reshape, a permutation of axes and a reshape back, so the gradient is the inverse shuffle."""

from .shape import permute, reshape


def _check_factor(name, what, factor):
    if isinstance(factor, bool) or not isinstance(factor, int) or factor <= 0:
        raise RuntimeError(f"{name} expects a positive {what}, but got {factor}")


def pixel_shuffle(input, upscale_factor):  # noqa: A002 (PyTorch's argument names)
    """(*, C·r², H, W) -> (*, C, H·r, W·r), r = upscale_factor: each group of r² channels becomes an
    r×r block of pixels."""
    name, r = "pixel_shuffle", upscale_factor
    _check_factor(name, "upscale_factor", r)
    if input.ndim < 3:
        raise RuntimeError(f"{name} expects input to have at least 3 dimensions, but got input with {input.ndim} "
                           "dimension(s)")
    *batch, channels, height, width = input.shape
    if channels % (r * r):
        raise RuntimeError(f"{name} expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={channels} is not divisible by {r * r}")
    lead = len(batch)
    x = reshape(input, (*batch, channels // (r * r), r, r, height, width))
    x = permute(x, *range(lead), lead, lead + 3, lead + 1, lead + 4, lead + 2)  # (*, C, H, r, W, r)
    return reshape(x, (*batch, channels // (r * r), height * r, width * r))


def pixel_unshuffle(input, downscale_factor):  # noqa: A002
    """(*, C, H·r, W·r) -> (*, C·r², H, W), r = downscale_factor: the inverse of pixel_shuffle."""
    name, r = "pixel_unshuffle", downscale_factor
    _check_factor(name, "downscale_factor", r)
    if input.ndim < 3:
        raise RuntimeError(f"{name} expects input to have at least 3 dimensions, but got input with {input.ndim} "
                           "dimension(s)")
    *batch, channels, height, width = input.shape
    for what, size, axis in (("height", height, -2), ("width", width, -1)):
        if size % r:
            raise RuntimeError(f"{name} expects {what} to be divisible by downscale_factor, but input.size({axis})"
                               f"={size} is not divisible by {r}")
    lead = len(batch)
    x = reshape(input, (*batch, channels, height // r, r, width // r, r))
    x = permute(x, *range(lead), lead, lead + 2, lead + 4, lead + 1, lead + 3)  # (*, C, r, r, H, W)
    return reshape(x, (*batch, channels * r * r, height // r, width // r))


def channel_shuffle(input, groups):  # noqa: A002
    """(N, C, *) with C = groups·k: channel g·k + i moves to i·groups + g, so that the next grouped
    convolution sees channels from every group."""
    name = "channel_shuffle"
    if isinstance(groups, bool) or not isinstance(groups, int) or groups <= 0:
        raise RuntimeError(f"{name}: the number of groups to divide channels in must be positive, got {groups}")
    if input.ndim <= 2:
        raise RuntimeError(f"{name} expects input with > 2 dims, but got input with sizes {list(input.shape)}")
    n, channels, *rest = input.shape
    if channels % groups:
        raise RuntimeError(f"{name}: number of channels must be divisible by groups, got {channels} channels and "
                           f"{groups} groups")
    x = reshape(input, (n, groups, channels // groups, *rest))
    return reshape(permute(x, 0, 2, 1, *range(3, x.ndim)), input.shape)


native_channel_shuffle = channel_shuffle
