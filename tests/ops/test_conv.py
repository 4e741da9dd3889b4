import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import ember
import ember.functional as F
from helpers import DEVICES, check_op, check_parity, check_twin, rand, raises


@st.composite
def conv_cases(draw, spatial_dims):
    """(input shape, weight shape, settings) of a convolution: stride × padding × dilation × groups,
    with an input large enough for the dilated kernel (smaller kernels and inputs for volumes, whose
    gradient checks would be slow)."""
    largest, extra = (3, 3) if spatial_dims < 3 else (2, 1)
    groups = draw(st.integers(1, 3))
    in_channels = groups * draw(st.integers(1, 2))
    out_channels = groups * draw(st.integers(1, 2))
    kernel = tuple(draw(st.integers(1, largest)) for _ in range(spatial_dims))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(spatial_dims))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(spatial_dims))
    if all(s == 1 for s in stride) and draw(st.booleans()):
        padding = draw(st.sampled_from(["same", "valid"]))
    else:
        padding = tuple(draw(st.integers(0, 2)) for _ in range(spatial_dims))
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    spatial = tuple(draw(st.integers(max(1, s - 2 * (p if isinstance(p, int) else 0)), s + extra))
                    for s, p in zip(spans, padding if isinstance(padding, tuple) else (0,) * spatial_dims))
    settings = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    return (2, in_channels) + spatial, (out_channels, in_channels // groups) + kernel, settings


def conv_fn(name, settings):
    def fn(lib, x, weight, bias):
        return getattr(lib.nn.functional, name)(x, weight, bias, **settings)
    return fn


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name, spatial_dims", [("conv2d", 2), ("conv1d", 1), ("conv3d", 3)])
@given(data=st.data(), seed=st.integers(0, 100))
def test_conv_matches_pytorch_and_gradcheck(device, name, spatial_dims, data, seed):
    x_shape, w_shape, settings = data.draw(conv_cases(spatial_dims))
    check_op(conv_fn(name, settings), rand(*x_shape, seed=seed), rand(*w_shape, seed=seed + 1),
             rand(w_shape[0], seed=seed + 2), device=device)


@st.composite
def conv_transpose_cases(draw, spatial_dims):
    largest, biggest_input = (3, 4) if spatial_dims < 3 else (2, 3)
    groups = draw(st.integers(1, 2))
    in_channels, out_channels = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kernel = tuple(draw(st.integers(1, largest)) for _ in range(spatial_dims))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(spatial_dims))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(spatial_dims))
    padding = tuple(draw(st.integers(0, (d * (k - 1)) // 2)) for k, d in zip(kernel, dilation))
    output_padding = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
    spatial = tuple(draw(st.integers(1, biggest_input)) for _ in range(spatial_dims))
    settings = dict(stride=stride, padding=padding, output_padding=output_padding, groups=groups, dilation=dilation)
    return (2, in_channels) + spatial, (in_channels, out_channels // groups) + kernel, settings


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name, spatial_dims", [("conv_transpose2d", 2), ("conv_transpose1d", 1),
                                                ("conv_transpose3d", 3)])
@given(data=st.data(), seed=st.integers(0, 100))
def test_conv_transpose_matches_pytorch_and_gradcheck(device, name, spatial_dims, data, seed):
    x_shape, w_shape, settings = data.draw(conv_transpose_cases(spatial_dims))
    check_op(conv_fn(name, settings), rand(*x_shape, seed=seed), rand(*w_shape, seed=seed + 1),
             rand(w_shape[1] * settings["groups"], seed=seed + 2), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name, x_shape, w_shape, settings", [
    ("conv2d", (3, 5, 6), (4, 3, 3, 3), dict(padding=1)),                       # unbatched (C, H, W)
    ("conv1d", (2, 7), (3, 2, 2), dict(stride=2)),                              # unbatched (C, L)
    ("conv_transpose2d", (2, 3, 3), (2, 3, 2, 2), dict(stride=2)),              # unbatched
    ("conv3d", (2, 3, 4, 3), (3, 2, 2, 2, 1), dict(padding=(1, 0, 0))),         # unbatched (C, D, H, W)
    ("conv_transpose1d", (2, 5), (2, 3, 2), dict(stride=3, output_padding=1)),  # unbatched
    ("conv2d", (2, 3, 6, 6), (4, 3, 1, 1), {}),                                 # 1×1: no unfolding copy
    ("conv2d", (2, 3, 7, 6), (4, 3, 2, 3), dict(padding="same", dilation=2)),   # even kernel: extra pad after
], ids=["conv2d unbatched", "conv1d unbatched", "conv_transpose2d unbatched", "conv3d unbatched",
        "conv_transpose1d unbatched", "conv2d 1x1", "conv2d same even"])
def test_conv_special_cases(device, name, x_shape, w_shape, settings):
    bias_size = w_shape[1] if name.startswith("conv_transpose") else w_shape[0]
    check_op(conv_fn(name, settings), rand(*x_shape), rand(*w_shape, seed=1), rand(bias_size, seed=2), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_conv_without_bias_and_with_only_some_gradients(device):
    x = rand(2, 3, 6, 6)
    w = rand(4, 3, 3, 3, seed=1)
    check_op(lambda lib, x, w: lib.nn.functional.conv2d(x, w, stride=2), x, w, device=device)
    # The first layer of a network: no gradient for the input, only for the weight (and the reverse).
    for needs_x, needs_w in [(False, True), (True, False)]:
        xe = ember.tensor(x, device=device, requires_grad=needs_x)
        we = ember.tensor(w, device=device, requires_grad=needs_w)
        F.conv2d(xe, we).sum().backward()
        assert (xe.grad is not None) == needs_x and (we.grad is not None) == needs_w


@pytest.mark.parametrize("device", DEVICES)
def test_thin_weight_gradient_summed_in_blocks_of_windows(device):
    """Two 3×3 filters over 4 × 118² windows: on the CPU the weight gradient is summed in blocks of
    2¹⁹ / (2·9) = 29127 windows (two whole, one shorter); it must equal PyTorch's one sum."""
    from ember.ops.conv import weight_grad
    y_cols, cols = rand(1, 2, 55696), rand(1, 9, 55696, seed=1)
    np.testing.assert_allclose(weight_grad(np, y_cols, cols, (2, 1, 3, 3)),
                               (y_cols[0] @ cols[0].T).reshape(2, 1, 3, 3), rtol=1e-12)
    check_parity(lambda lib, x, w: lib.nn.functional.conv2d(x, w), rand(4, 1, 120, 120), rand(2, 1, 3, 3, seed=1),
                 device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name, x_shape, w_shape", [
    ("conv1d", (2, 3, 7), (4, 3, 3)), ("conv2d", (2, 3, 5, 4), (4, 3, 2, 3)),
    ("conv3d", (1, 2, 3, 4, 3), (3, 2, 2, 2, 2)),
    ("conv_transpose1d", (2, 3, 4), (3, 2, 3)), ("conv_transpose2d", (2, 3, 3, 2), (3, 2, 2, 3)),
    ("conv_transpose3d", (1, 2, 2, 3, 2), (2, 3, 2, 2, 2)),
])
def test_the_torch_spellings_of_the_convolutions(device, name, x_shape, w_shape):
    """torch.conv2d and friends: PyTorch's arguments, positional (stride 2, padding 1 here)."""
    check_parity(lambda lib, x, w: getattr(lib, name)(x, w, None, 2, 1), rand(*x_shape), rand(*w_shape, seed=1),
                 device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("pad", [0, 1, 2])
def test_conv_tbc_convolves_time_first_sequences(device, pad):
    for lib_fn in (lambda lib: lib.conv_tbc, lambda lib: lib.nn.functional.conv_tbc):
        check_op(lambda lib, x, w, b: lib_fn(lib)(x, w, b, pad), rand(6, 2, 3), rand(3, 3, 4, seed=1),
                 rand(4, seed=2), device=device)


@st.composite
def unfold_cases(draw):
    """(image shape, kernel_size, dilation, padding, stride) of a 2-D im2col that has at least one window."""
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(2))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(2))
    padding = tuple(draw(st.integers(0, 2)) for _ in range(2))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(2))
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    size = tuple(draw(st.integers(max(1, s - 2 * p), s + 3)) for s, p in zip(spans, padding))
    batch = draw(st.sampled_from([(), (2,)]))
    return batch + (draw(st.integers(1, 3)),) + size, kernel, dilation, padding, stride


@pytest.mark.parametrize("device", DEVICES)
@given(case=unfold_cases(), seed=st.integers(0, 100))
def test_unfold_and_fold_match_pytorch(device, case, seed):
    shape, kernel, dilation, padding, stride = case
    check_op(lambda lib, x: lib.nn.functional.unfold(x, kernel, dilation, padding, stride), rand(*shape, seed=seed),
             device=device)
    blocks = torch.nn.functional.unfold(torch.zeros(shape), kernel, dilation, padding, stride).shape
    check_op(lambda lib, x: lib.nn.functional.fold(x, shape[-2:], kernel, dilation, padding, stride),
             rand(*blocks, seed=seed), device=device)


def test_fold_of_unfold_counts_the_windows_on_each_pixel():
    x = ember.ones(1, 1, 3, 4)
    covered = F.fold(F.unfold(x, 2), (3, 4), 2)
    assert covered.tolist() == [[[[1, 2, 2, 1], [2, 4, 4, 2], [1, 2, 2, 1]]]]


def test_conv_output_sizes():
    x = ember.zeros(1, 1, 28, 28)
    assert F.conv2d(x, ember.zeros(6, 1, 5, 5), padding=2).shape == (1, 6, 28, 28)
    assert F.conv2d(x, ember.zeros(6, 1, 5, 5)).shape == (1, 6, 24, 24)
    assert F.conv2d(x, ember.zeros(6, 1, 3, 3), stride=2, padding=1).shape == (1, 6, 14, 14)
    assert F.conv2d(x, ember.zeros(6, 1, 4, 4), padding="same").shape == (1, 6, 28, 28)
    assert F.conv_transpose2d(ember.zeros(1, 6, 14, 14), ember.zeros(6, 1, 3, 3), stride=2, padding=1,
                              output_padding=1).shape == (1, 1, 28, 28)


def test_conv_keeps_float32_and_float64():
    for dtype in (ember.float32, ember.float64):
        x, w = ember.ones(1, 2, 4, 4, dtype=dtype), ember.ones(3, 2, 3, 3, dtype=dtype)
        assert F.conv2d(x, w).dtype == dtype and F.conv_transpose2d(x, w.transpose(0, 1)).dtype == dtype


def test_conv_errors_say_what_was_expected():
    x, w = ember.ones(8, 1, 28, 28), ember.ones(6, 3, 5, 5)
    with raises(ValueError, "conv2d: expected input (N, 3, H, W), got (8, 1, 28, 28)"):
        F.conv2d(x, w)
    with raises(ValueError, "conv1d: expected input (N, 3, L), got (8, 1, 28, 28)"):
        F.conv1d(x, ember.ones(6, 3, 5))
    with raises(ValueError, "conv2d: expected a weight (out_channels, in_channels/groups, kh, kw), got (6, 3, 5)"):
        F.conv2d(x, ember.ones(6, 3, 5))
    with raises(ValueError, "conv2d: groups must be a positive int that divides out_channels (6), got 4"):
        F.conv2d(ember.ones(1, 12, 5, 5), w, groups=4)
    with raises(ValueError, "conv2d: expected a bias of shape (6,), got (5,)"):
        F.conv2d(ember.ones(1, 3, 5, 5), w, ember.ones(5))
    with raises(ValueError, "conv2d: stride must be an int ≥ 1 or a tuple of 2 of them, got 0"):
        F.conv2d(ember.ones(1, 3, 5, 5), w, stride=0)
    with raises(ValueError, "conv2d: padding must be an int ≥ 0 or a tuple of 2 of them, got (1, 2, 3)"):
        F.conv2d(ember.ones(1, 3, 5, 5), w, padding=(1, 2, 3))
    with raises(ValueError, "conv2d: padding must be 'valid', 'same', an int or a tuple of ints, got 'full'"):
        F.conv2d(ember.ones(1, 3, 5, 5), w, padding="full")
    with raises(ValueError, "conv2d: padding='same' is not supported for strided convolutions"):
        F.conv2d(ember.ones(1, 3, 5, 5), w, padding="same", stride=2)
    with raises(ValueError, "conv2d: the input (3, 4) padded to (3, 4) is smaller than the kernel (5, 5) "
                            "(spanning (5, 5) with dilation (1, 1))"):
        F.conv2d(ember.ones(1, 3, 3, 4), w)
    with raises(RuntimeError, "conv2d: input, weight and bias must have one floating point dtype, got input "
                              "float64, weight float32"):
        F.conv2d(ember.ones(1, 3, 5, 5, dtype=ember.float64), w)
    with raises(ValueError, "conv_transpose2d: output_padding (2, 2) must be smaller than either stride (2, 2) "
                            "or dilation (1, 1)"):
        F.conv_transpose2d(ember.ones(1, 6, 4, 4), w, stride=2, output_padding=2)
    with raises(ValueError, "conv_transpose2d: expected input (N, 6, H, W), got (1, 3, 4, 4)"):
        F.conv_transpose2d(ember.ones(1, 3, 4, 4), w)
    with raises(ValueError, "conv3d: expected a weight (out_channels, in_channels/groups, kd, kh, kw), got "
                            "(6, 3, 5, 5)"):
        F.conv3d(ember.ones(1, 3, 5, 5, 5), w)
    with raises(ValueError, "conv3d: expected input (N, 3, D, H, W), got (1, 3, 5, 5)"):
        F.conv3d(ember.ones(1, 3, 5, 5), ember.ones(6, 3, 1, 1, 1))
    with raises(ValueError, "conv_transpose1d: padding must be an int ≥ 0 or a tuple of 1 of them, got 'same'"):
        F.conv_transpose1d(ember.ones(1, 2, 3), ember.ones(2, 3, 3), padding="same")
    with raises(ValueError, "conv_transpose3d: expected a weight (in_channels, out_channels/groups, kd, kh, kw), got "
                            "(2, 3, 3)"):
        F.conv_transpose3d(ember.ones(1, 2, 3, 3, 3), ember.ones(2, 3, 3))
    with raises(RuntimeError, "conv_tbc: expected input (T, N, C_in) and weight (k, C_in, C_out), got input (2, 3) "
                              "and weight (3, 3, 4)"):
        F.conv_tbc(ember.ones(2, 3), ember.ones(3, 3, 4), ember.ones(4))


def test_unfold_and_fold_errors():
    with raises(RuntimeError, "unfold: expected input (N, C, H, W) or (C, H, W), got (3, 4)"):
        F.unfold(ember.ones(3, 4), 2)
    with raises(ValueError, "unfold: the input (3, 4) padded to (3, 4) is smaller than the kernel (5, 5)"):
        F.unfold(ember.ones(1, 2, 3, 4), 5)
    with raises(RuntimeError, "unfold needs a floating point tensor, got int64"):
        F.unfold(ember.ones(1, 2, 3, 4, dtype=ember.int64), 2)
    with raises(RuntimeError, "unfold: expected input (N, C, H, W) or (C, H, W) with sides of at least 1 (the batch's "
                              "aside), got (1, 0, 2, 2)"):
        F.unfold(ember.ones(1, 0, 2, 2), 1)
    with raises(RuntimeError, "fold: expected input (N, C·kh·kw, L) or (C·kh·kw, L), got (2, 2, 8, 5)"):
        F.fold(ember.ones(2, 2, 8, 5), (3, 4), 2)
    with raises(RuntimeError, "fold: expected input (N, C·4, 6) for output_size (3, 4) and kernel_size (2, 2), got "
                              "(2, 7, 6)"):
        F.fold(ember.ones(2, 7, 6), (3, 4), 2)
    with raises(RuntimeError, "fold: expected input (N, C·4, 6) for output_size (3, 4) and kernel_size (2, 2), got "
                              "(2, 8, 5)"):
        F.fold(ember.ones(2, 8, 5), (3, 4), 2)


def test_unfold_and_fold_are_adjoint():
    """⟨unfold(x), c⟩ = ⟨x, fold(c)⟩: col2im is exactly the transpose of im2col (what backward needs)."""
    from ember.ops.conv import Window, batch_innermost
    window = Window((2, 3), (2, 1), ((1, 0), (2, 1)), (1, 2))
    x = rand(2, 3, 5, 6)
    out_size = window.output_size(x.shape[2:])
    cols = window.unfold(np, x, out_size)
    c = rand(*cols.shape, seed=1)
    padded = batch_innermost(np, x.shape[:2] + window.padded_size(x.shape[2:]), c.dtype, 0)
    window.fold(np, c, window.columns_view(np, padded, out_size))
    assert np.isclose((cols * c).sum(), (x * window.crop(padded)).sum())


def test_row_bands_fit_the_cache():
    from ember.ops.conv import row_bands
    assert ember.backend.cache_bytes(np) == 2 << 20
    assert row_bands(np, 7, 1 << 20) == [slice(0, 2), slice(2, 4), slice(4, 6), slice(6, 7)]
    assert row_bands(np, 3, 3 << 20) == [slice(0, 1), slice(1, 2), slice(2, 3)]  # a row at least
    assert row_bands(np, 5, 1000) == [slice(0, 5)]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("rows_per_band", [1, 2])
@pytest.mark.parametrize("name, x_shape, w_shape, settings", [
    ("conv2d", (2, 4, 7, 6), (6, 2, 3, 2), dict(padding=1, dilation=(2, 1), groups=2)),
    ("conv2d", (2, 3, 9, 7), (4, 3, 3, 3), dict(stride=2, padding=(2, 1))),
    ("conv1d", (2, 3, 9), (4, 3, 3), dict(padding=1)),
    ("conv_transpose2d", (2, 4, 5, 4), (4, 3, 3, 3), dict(stride=2, padding=1, output_padding=1, groups=2)),
])
def test_col2im_in_bands_of_rows(monkeypatch, device, rows_per_band, name, x_shape, w_shape, settings):
    """Col2im in bands of one or two output rows (the last band shorter) gives what it gives in one."""
    from ember.ops import conv
    monkeypatch.setattr(conv, "row_bands", lambda xp, rows, bytes_per_row: [
        slice(start, min(rows, start + rows_per_band)) for start in range(0, rows, rows_per_band)])
    bias_size = w_shape[1] * settings.get("groups", 1) if name == "conv_transpose2d" else w_shape[0]
    check_op(conv_fn(name, settings), rand(*x_shape), rand(*w_shape, seed=1), rand(bias_size, seed=2), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_a_stack_of_layers_matches_pytorch_through_the_batch_innermost_layout(device):
    """Conv results are views of batch-innermost memory; ReLU, pooling, the next conv, a transposed conv
    and a Linear after Flatten all take that layout, and the gradients come back through it."""
    def stack(lib, x, w1, b1, w2, b2, w3, wl):
        F = lib.nn.functional
        y = F.max_pool2d(F.relu(F.conv2d(x, w1, b1, padding=1)), 2)
        y = F.conv_transpose2d(F.relu(F.conv2d(y, w2, b2, padding=2)), w3, stride=2)
        return F.linear(F.max_pool2d(y, 2).flatten(1), wl)
    check_op(stack, rand(3, 2, 6, 6), rand(4, 2, 3, 3, seed=1), rand(4, seed=2), rand(5, 4, 3, 3, seed=3),
             rand(5, seed=4), rand(5, 2, 2, 2, seed=5), rand(7, 50, seed=6), device=device)


def test_conv_results_stay_batch_innermost_through_relu_and_pooling():
    from ember.ops.conv import is_batch_innermost
    x = ember.randn(4, 3, 8, 8)
    y = F.conv2d(x, ember.randn(5, 3, 3, 3), padding=1)
    assert not is_batch_innermost(x.array) and is_batch_innermost(y.array)
    assert is_batch_innermost(F.relu(y).array) and is_batch_innermost(F.max_pool2d(F.relu(y), 2).array)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("stride, padding, bias", [(1, 0, True), (2, 1, True), (1, 2, False)])
def test_conv2d_equals_its_readable_twin(device, stride, padding, bias):
    from ember.ops.conv import conv2d_composed
    b = rand(4, seed=2) if bias else None
    check_twin(lambda x, w, b: F.conv2d(x, w, b, stride, padding),
               lambda x, w, b: conv2d_composed(x, w, b, stride, padding),
               rand(2, 3, 7, 6), rand(4, 3, 3, 2, seed=1), b, device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("fn, x_shape, w_shape", [
    (lambda lib, x, w: lib.nn.functional.conv1d(x, w), (0, 3, 5), (4, 3, 3)),
    (lambda lib, x, w: lib.nn.functional.conv2d(x, w, padding=1, groups=3), (0, 3, 5, 5), (6, 1, 3, 3)),
    (lambda lib, x, w: lib.nn.functional.conv3d(x, w), (0, 3, 4, 4, 4), (2, 3, 2, 2, 2)),
    (lambda lib, x, w: lib.nn.functional.conv_transpose2d(x, w, stride=2), (0, 3, 4, 4), (3, 2, 3, 3)),
    (lambda lib, x, w: lib.nn.functional.conv_transpose3d(x, w), (0, 3, 2, 2, 2), (3, 2, 2, 2, 2)),
], ids=["conv1d", "conv2d", "conv3d", "conv_transpose2d", "conv_transpose3d"])
def test_convolutions_of_an_empty_batch(device, fn, x_shape, w_shape):
    """No images in the batch: an empty output of the right shape, and a zero weight gradient."""
    check_parity(fn, rand(*x_shape), rand(*w_shape, seed=1), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_unfold_and_fold_of_an_empty_batch(device):
    check_parity(lambda lib, x: lib.nn.functional.unfold(x, 2), rand(0, 3, 5, 5), device=device)
    check_parity(lambda lib, x: lib.nn.functional.fold(x, (5, 5), 2), rand(0, 12, 16), device=device)
