import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ember
import torch
from helpers import DEVICES, broadcastable_shapes, check_op, check_parity, dim, dims, rand, raises, seeds, shapes

INF = float("inf")

# Reductions over a set of dims: (fn(lib, x, dim, keepdim), whether dim=None means "all dims" in PyTorch too).
OVER_DIMS = {
    "sum": lambda lib, x, d, k: x.sum(dim=d, keepdim=k),
    "mean": lambda lib, x, d, k: x.mean(dim=d, keepdim=k),
    "amax": lambda lib, x, d, k: x.amax(dim=d, keepdim=k),
    "amin": lambda lib, x, d, k: lib.amin(x, dim=d, keepdim=k),
    "logsumexp": lambda lib, x, d, k: lib.logsumexp(x, dim=d, keepdim=k),
    "nansum": lambda lib, x, d, k: x.nansum(dim=d, keepdim=k),
    "nanmean": lambda lib, x, d, k: lib.nanmean(x, d, k),
    "norm": lambda lib, x, d, k: x.norm(2, dim=d, keepdim=k),
    "norm-3": lambda lib, x, d, k: lib.norm(x, 3, d, k),
    "var": lambda lib, x, d, k: x.var(d, keepdim=k, correction=0),
    "std": lambda lib, x, d, k: lib.std(x, d, keepdim=k, correction=0),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", OVER_DIMS)
@given(shape=shapes(min_dims=1), keepdim=st.booleans(), seed=seeds, data=st.data())
def test_reductions_over_dims(device, name, shape, keepdim, seed, data):
    d = data.draw(st.one_of(dim(len(shape)), dims(len(shape))), label="dim")
    check_op(lambda lib, x: OVER_DIMS[name](lib, x, d, keepdim), rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(), keepdim=st.booleans(), seed=seeds)
def test_sum_and_mean_of_everything(device, shape, keepdim, seed):
    x = rand(*shape, seed=seed)
    check_op(lambda lib, x: (x.sum(), lib.mean(x), x.sum(dim=None, keepdim=keepdim)), x, device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("fn", [
    lambda lib, x, d: x.var(dim=d),
    lambda lib, x, d: x.var(dim=d, unbiased=False),
    lambda lib, x, d: lib.var(x, dim=d, correction=0, keepdim=True),
    lambda lib, x, d: x.var(dim=d, correction=2),
    lambda lib, x, d: x.std(dim=d),
    lambda lib, x, d: lib.std(x, dim=d, unbiased=False, keepdim=True),
    lambda lib, x, d: x.std(dim=d, correction=2),
], ids=["var", "var-biased", "var-correction0-keepdim", "var-correction2", "std", "std-biased-keepdim",
        "std-correction2"])
@given(shape=shapes(min_dims=1, max_dims=3, min_side=3, max_side=4), seed=seeds, data=st.data())
def test_variance_and_standard_deviation(device, fn, shape, seed, data):
    d = data.draw(st.one_of(st.none(), dim(len(shape)), dims(len(shape))), label="dim")
    check_op(lambda lib, x: fn(lib, x, d), rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(), seed=seeds)
def test_max_and_min_of_everything(device, shape, seed):
    check_op(lambda lib, x: (x.max(), lib.min(x), lib.amax(x), x.amin()), rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_max_of_everything_shares_the_gradient_between_ties(device):
    x = np.array([[1.0, 3.0, 3.0], [-1.0, 3.0, 0.0]])
    ours = check_parity(lambda lib, x: (x.max(), x.min(), x.amax(dim=1)), x, device=device)
    assert ours[0].item() == 3.0


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("largest", [True, False], ids=["max", "min"])
@given(shape=shapes(min_dims=1), keepdim=st.booleans(), seed=seeds, data=st.data())
def test_max_and_min_along_a_dim_give_values_and_indices(device, largest, shape, keepdim, seed, data):
    d = data.draw(dim(len(shape)), label="dim")

    def fn(lib, x):
        return x.max(d, keepdim=keepdim) if largest else lib.min(x, dim=d, keepdim=keepdim)
    x = rand(*shape, seed=seed)
    check_op(fn, x, device=device)
    result = fn(ember, ember.tensor(x, device=device, requires_grad=True))
    assert result.values.requires_grad and result.indices.dtype == ember.int64 and not result.indices.requires_grad


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1), keepdim=st.booleans(), seed=seeds, data=st.data())
def test_argmax_and_argmin(device, shape, keepdim, seed, data):
    d = data.draw(st.one_of(st.none(), dim(len(shape))), label="dim")
    out = check_parity(lambda lib, x: (x.argmax(dim=d, keepdim=keepdim), lib.argmin(x, dim=d, keepdim=keepdim)),
                       rand(*shape, seed=seed), device=device, backward=False)
    assert out[0].dtype == ember.int64


@pytest.mark.parametrize("device", DEVICES)
def test_argmax_picks_the_first_of_ties(device):
    x = np.array([[1.0, 4.0, 4.0], [2.0, 2.0, 0.0]])
    check_parity(lambda lib, x: (x.argmax(), x.argmax(1), x.argmin(0), x.max(1).indices), x, device=device,
                 backward=False)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1, max_dims=3), keepdim=st.booleans(), zeros=st.sampled_from([0, 1, 2]), seed=seeds,
       data=st.data())
def test_prod_along_a_dim_with_zeros(device, shape, keepdim, zeros, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    x = rand(*shape, seed=seed, low=0.5, high=1.5) * np.sign(rand(*shape, seed=seed + 1))
    places = np.random.default_rng(seed).permutation(x.size)[:zeros]  # zeros anywhere, maybe in one slice
    x.flat[places] = 0.0
    check_op(lambda lib, x: x.prod(d, keepdim=keepdim), x, device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("zeros", [[], [3], [1, 4]], ids=["no-zero", "one-zero", "two-zeros"])
def test_prod_of_everything_with_zeros(device, zeros):
    x = rand(2, 3, seed=3, low=0.5, high=1.5)
    x.flat[zeros] = 0.0
    check_op(lambda lib, x: lib.prod(x), x, device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [np.int32, np.uint8, np.int8, np.float16], ids=lambda t: np.dtype(t).name)
def test_reductions_of_integer_and_bool_tensors(device, dtype):
    ints = np.array([[1, 2, 3], [4, 5, 6]], dtype=dtype)
    check_parity(lambda lib, x: (x.sum(), x.sum(1), x.prod(0), x.prod(), x.max(), x.amin(1), x.argmax(1), x.nansum(0)),
                 ints, device=device, backward=False)
    check_parity(lambda lib, x: (x.sum(), x.sum(0), x.prod(), x.amax()), np.array([True, False, True]), device=device,
                 backward=False)


@pytest.mark.parametrize("device", DEVICES)
def test_logsumexp_of_large_logits_is_finite(device):
    x = np.array([[1e4, -1e4, 0.0], [1e4, 1e4, 1e4], [-1e4, -1e4, -1e4]])
    out, = check_parity(lambda lib, x: lib.logsumexp(x, dim=1), x, device=device)
    assert np.isfinite(out.tolist()).all()
    check_parity(lambda lib, x: x.logsumexp(dim=(0, 1)), x, device=device, dtype=np.float32)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1, max_dims=3, min_side=2), seed=seeds, data=st.data())
def test_nansum_and_nanmean_skip_nans(device, shape, seed, data):
    d = data.draw(st.one_of(st.none(), dim(len(shape))), label="dim")
    x = rand(*shape, seed=seed)
    x[np.indices(shape).sum(axis=0) % 2 == 1] = np.nan  # a checkerboard: every slice has numbers too
    check_parity(lambda lib, x: (x.nansum(d), lib.nanmean(x, d), lib.nansum(x, d, dtype=lib.float64)), x,
                 device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("fn", [
    lambda lib, x: x.sum(dtype=lib.float64), lambda lib, x: lib.sum(x, 1, dtype=lib.float64),
    lambda lib, x: x.mean(0, dtype=lib.float64), lambda lib, x: lib.prod(x, 1, dtype=lib.float64),
    lambda lib, x: x.prod(dtype=lib.float64), lambda lib, x: lib.nanmean(x, dtype=lib.float64),
], ids=["sum", "sum-dim", "mean", "prod", "prod-all", "nanmean"])
def test_reductions_with_a_dtype(device, fn):
    check_op(fn, rand(2, 3, seed=4, low=0.5, high=1.5), device=device)
    check_parity(lambda lib, x: lib.sum(x, dtype=lib.float32), np.arange(6, dtype=np.int32), device=device)


# The same call in ember and PyTorch with axis= for dim= (NumPy's name, which PyTorch accepts too).
AXIS = {
    "sum": lambda lib, x: x.sum(axis=1), "mean": lambda lib, x: lib.mean(x, axis=(0, 1)),
    "prod": lambda lib, x: x.prod(axis=0), "nansum": lambda lib, x: lib.nansum(x, axis=1),
    "nanmean": lambda lib, x: x.nanmean(axis=0), "var": lambda lib, x: x.var(axis=1),
    "std": lambda lib, x: lib.std(x, axis=0), "var_mean": lambda lib, x: lib.var_mean(x, axis=1),
    "std_mean": lambda lib, x: lib.std_mean(x, axis=0), "amax": lambda lib, x: x.amax(axis=1),
    "amin": lambda lib, x: lib.amin(x, axis=0), "aminmax": lambda lib, x: x.aminmax(axis=1),
    "max": lambda lib, x: x.max(axis=1), "min": lambda lib, x: lib.min(x, axis=0),
    "argmax": lambda lib, x: x.argmax(axis=1), "argmin": lambda lib, x: lib.argmin(x, axis=0),
    "logsumexp": lambda lib, x: x.logsumexp(axis=1), "all": lambda lib, x: (x > 0).all(axis=1),
    "any": lambda lib, x: lib.any(x > 0, axis=0), "count_nonzero": lambda lib, x: x.count_nonzero(axis=1),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", AXIS)
def test_dim_given_as_axis(device, name):
    check_parity(AXIS[name], rand(3, 4, seed=5), device=device)


# keepdims= for keepdim= (NumPy's name again), with axis or dim, as functions and as methods; and axis= where
# PyTorch takes it beyond the reductions.
NUMPY_NAMES = {
    "sum": lambda lib, x: x.sum(axis=1, keepdims=True), "mean": lambda lib, x: lib.mean(x, 0, keepdims=True),
    "prod": lambda lib, x: lib.prod(x, dim=0, keepdims=True), "nansum": lambda lib, x: x.nansum(1, keepdims=True),
    "nanmean": lambda lib, x: lib.nanmean(x, axis=0, keepdims=True), "var": lambda lib, x: x.var(1, keepdims=True),
    "std": lambda lib, x: lib.std(x, axis=0, keepdims=True),
    "var_mean": lambda lib, x: lib.var_mean(x, 1, keepdims=True),
    "std_mean": lambda lib, x: lib.std_mean(x, axis=0, keepdims=True), "amax": lambda lib, x: x.amax(1, keepdims=True),
    "amin": lambda lib, x: lib.amin(x, axis=0, keepdims=True),
    "aminmax": lambda lib, x: x.aminmax(dim=1, keepdims=True),
    "max": lambda lib, x: x.max(axis=1, keepdims=True), "min": lambda lib, x: lib.min(x, 0, keepdims=True),
    "argmax": lambda lib, x: lib.argmax(x, axis=1, keepdims=True), "argmin": lambda lib, x: x.argmin(0, keepdims=True),
    "logsumexp": lambda lib, x: lib.logsumexp(x, axis=1, keepdims=True),
    "all": lambda lib, x: (x > 0).all(1, keepdims=True), "any": lambda lib, x: lib.any(x > 0, axis=0, keepdims=True),
    "median": lambda lib, x: x.median(axis=1, keepdims=True),
    "nanmedian": lambda lib, x: lib.nanmedian(x, 0, keepdims=True),
    "mode": lambda lib, x: lib.mode(x, axis=0, keepdims=True),
    "kthvalue": lambda lib, x: x.kthvalue(2, axis=1, keepdims=True),
    "quantile": lambda lib, x: x.quantile(0.5, axis=1, keepdims=True),
    "nanquantile": lambda lib, x: lib.nanquantile(x, 0.5, 0, keepdims=True),
    "softmax": lambda lib, x: (x.softmax(axis=1), x.log_softmax(axis=0)),
    "cat": lambda lib, x: (lib.cat([x, x], axis=1), lib.stack([x, x], axis=1)),
    "squeeze": lambda lib, x: (lib.unsqueeze(x, axis=1), x[:1].squeeze(axis=0)),
    "split": lambda lib, x: (*x.chunk(2, axis=1), *lib.unbind(x, axis=0), *x.tensor_split(2, axis=1)),
    "torch.softmax": lambda lib, x: (lib.softmax(x, axis=1), lib.log_softmax(x, axis=0),
                                     lib.softmax(x.float(), 1, lib.float64)),
    "in place": lambda lib, x: (x.detach().clone().cumsum_(axis=1), x.detach().clone().cumprod_(axis=0),
                                x.detach().clone()[:1].squeeze_(axis=0), x.detach().clone().unsqueeze_(axis=0),
                                x.detach().clone().renorm_(2, axis=0, maxnorm=1)),
    "gather": lambda lib, x: (lib.gather(x, axis=1, index=lib.tensor([[0, 1], [2, 0], [1, 1]])),
                              x.take_along_dim(lib.tensor([[0], [1], [2]]), axis=1),
                              x.narrow(axis=1, start=1, length=2),
                              lib.index_select(x, axis=0, index=lib.tensor([2, 0])), x.select(axis=1, index=3)),
    "scatter": lambda lib, x: (x.scatter(axis=1, index=lib.tensor([[3, 1], [0, 2], [1, 0]]), src=-x[:, :2]),
                               lib.scatter_add(x, axis=0, index=lib.tensor([[2, 0, 1, 1]]), src=x[1:2]),
                               x.scatter_reduce(axis=0, index=lib.tensor([[1, 0, 0, 2]]), src=x[:1], reduce="amax")),
    "index_add": lambda lib, x: (x.index_add(axis=0, index=lib.tensor([2]), source=x[:1]),
                                 lib.index_copy(x, axis=1, index=lib.tensor([0]), source=x[:, 1:2]),
                                 x.index_fill(axis=1, index=lib.tensor([1, 3]), value=-1.0),
                                 x.index_reduce(axis=0, index=lib.tensor([1]), source=x[2:], reduce="prod")),
    "select_scatter": lambda lib, x: (lib.select_scatter(x, x[0], axis=0, index=1),
                                      lib.slice_scatter(x, x[:, :2], axis=1, start=2)),
    "repeat_interleave": lambda lib, x: (x.repeat_interleave(2, axis=0), *x.split_with_sizes([1, 3], axis=1),
                                         lib.unflatten(x, axis=1, sizes=(2, 2))),
    "cross": lambda lib, x: (lib.cross(x[:, :3], x[:, 1:], axis=1), lib.linalg.cross(x[:, :3], x[:, 1:], axis=1),
                             lib.linalg.vecdot(x, x, axis=0)),
    "norms": lambda lib, x: (lib.linalg.vector_norm(x, axis=1, keepdims=True),
                             lib.linalg.norm(x, axis=0, keepdims=True), lib.renorm(x, 2, axis=1, maxnorm=1),
                             lib.linalg.matrix_norm(x[None], axis=(1, 2), keepdims=True)),
    "distance": lambda lib, x: (lib.nn.functional.cosine_similarity(x, x + 1, axis=0),
                                lib.cosine_similarity(x, 2 * x, axis=1),
                                lib.nn.functional.pairwise_distance(x, x + 1, keepdims=True),
                                lib.pairwise_distance(x, 2 * x, keepdims=True)),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", NUMPY_NAMES)
def test_numpy_names_keepdims_and_axis(device, name):
    check_parity(NUMPY_NAMES[name], rand(3, 4, seed=5), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("d", [0, -1, (), None])
@pytest.mark.parametrize("fn", [
    lambda lib, x, d: x.sum(d), lambda lib, x, d: lib.mean(x, d, keepdim=True), lambda lib, x, d: x.amax(d),
    lambda lib, x, d: x.var(d, correction=0), lambda lib, x, d: lib.logsumexp(x, d if d is not None else 0),
    lambda lib, x, d: x.norm(dim=d), lambda lib, x, d: lib.all(x, d), lambda lib, x, d: x.count_nonzero(d),
    lambda lib, x, d: x.nansum(d), lambda lib, x, d: x.prod() if d in (None, ()) else x.prod(d),
    lambda lib, x, d: x.max(d) if isinstance(d, int) else x.max(),
    lambda lib, x, d: lib.argmin(x, d if isinstance(d, int) else None),
    lambda lib, x, d: lib.aminmax(x, dim=d if isinstance(d, int) else None),
], ids=["sum", "mean", "amax", "var", "logsumexp", "norm", "all", "count_nonzero", "nansum", "prod", "max", "argmin",
        "aminmax"])
def test_reductions_of_a_0d_tensor(device, d, fn):
    check_parity(lambda lib, x: fn(lib, x, d), np.array(1.5), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_reductions_of_empty_tensors(device):
    check_parity(lambda lib, x: (x.sum(), x.sum(0), x.mean(1), x.prod(0), x.prod(), x.norm(), x.amax(1), x.max(1),
                                 x.logsumexp(0), x.all(), x.any(1), x.count_nonzero(0), x.nansum(1)),
                 np.zeros((0, 3)), device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1, max_dims=3), seed=seeds, data=st.data())
def test_var_mean_and_std_mean(device, shape, seed, data):
    d = data.draw(st.one_of(st.none(), dim(len(shape)), dims(len(shape))), label="dim")
    check_op(lambda lib, x: (*lib.var_mean(x, d, correction=0), *lib.std_mean(x, d, keepdim=True, unbiased=False)),
             rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_var_and_std_read_a_lone_bool_as_unbiased(device):
    x = rand(2, 3, seed=6)
    check_op(lambda lib, x: (x.var(False), lib.std(x, True), x.var(1, False, True), lib.std(x, 0, True)), x,
             device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_std_of_equal_elements_has_a_zero_gradient(device):
    check_parity(lambda lib, x: (x.std(), lib.std(x, 1)), np.full((2, 3), 2.0), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [np.float64, np.int64, np.uint8, np.bool_], ids=lambda t: np.dtype(t).name)
@given(shape=shapes(min_dims=1, max_dims=3), seed=seeds, data=st.data())
def test_all_any_and_count_nonzero(device, dtype, shape, seed, data):
    d = data.draw(st.one_of(st.none(), dim(len(shape)), dims(len(shape))), label="dim")
    keepdim = data.draw(st.booleans(), label="keepdim")
    x = np.random.default_rng(seed).integers(0, 3, size=shape).astype(dtype) * (np.random.default_rng(seed).random(
        shape) < 0.8)
    check_parity(lambda lib, x: (x.all(), lib.any(x), lib.all(x, d, keepdim), x.any(d, keepdim=keepdim),
                                 lib.count_nonzero(x, d), x.count_nonzero()), x.astype(dtype), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_all_and_any_over_no_dims_reduce_nothing(device):
    check_parity(lambda lib, x: (x.all(()), lib.any(x, [])), np.array([[0.0, 1.0], [2.0, 3.0]]), device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes(min_dims=1, max_dims=3), keepdim=st.booleans(), seed=seeds, data=st.data())
def test_aminmax(device, shape, keepdim, seed, data):
    d = data.draw(st.one_of(st.none(), dim(len(shape))), label="dim")
    check_op(lambda lib, x: lib.aminmax(x, dim=d, keepdim=keepdim), rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_aminmax_shares_the_gradient_between_ties(device):
    out = check_parity(lambda lib, x: x.aminmax(), np.array([[1.0, 3.0], [3.0, 0.0]]), device=device)
    assert out[1].item() == 3.0


@pytest.mark.parametrize("device", DEVICES)
def test_max_with_nan_gives_nan_and_the_gradient_to_it(device):
    x = np.array([[1.0, np.nan, 3.0], [2.0, 0.0, 1.0]])
    check_parity(lambda lib, x: (x.max(), x.min(1), lib.argmax(x)), x, device=device)


# ---------------------------------------------------------------------------------------------
# Norms.

@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("p", [2, 1, 3, 0.5, 0, INF, -INF, -1.5, "fro"], ids=str)
@given(shape=shapes(min_dims=1, max_dims=3), keepdim=st.booleans(), seed=seeds, data=st.data())
def test_vector_norms(device, p, shape, keepdim, seed, data):
    d = data.draw(st.one_of(st.none(), dim(len(shape)), dims(len(shape), max_size=2 if p == "fro" else None)),
                  label="dim")
    x = rand(*shape, seed=seed, low=0.5, high=2.0) * np.sign(rand(*shape, seed=seed + 1))
    check_op(lambda lib, x: lib.norm(x, p, d, keepdim), x, device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("p", [2, 1, 3, 0.5, 0, INF, -INF, -1.5, "fro"], ids=str)
def test_norms_of_zeros_have_pytorch_gradients(device, p):
    x = np.array([[0.0, 0.0, 0.0], [0.0, 1.0, -2.0], [2.0, -2.0, 1.0]])
    check_parity(lambda lib, x: (x.norm(p, dim=1), lib.norm(x[:1], p)), x, device=device)


@pytest.mark.parametrize("device", DEVICES)
@given(rows=st.integers(1, 4), columns=st.integers(1, 4), seed=seeds)
def test_nuclear_norm(device, rows, columns, seed):
    check_op(lambda lib, x: (lib.norm(x[0], "nuc"), x.norm("nuc", dim=(2, 0)), lib.norm(x, "nuc", (0, -1), True)),
             rand(2, rows, columns, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_norm_with_a_dtype(device):
    check_op(lambda lib, x: (x.norm(dtype=lib.float64), lib.norm(x, 1, 0, dtype=lib.float64)), rand(2, 3, seed=1),
             device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("p", [2, 1, INF, 3.5])
@given(shapes=broadcastable_shapes(), seed=seeds)
def test_dist(device, p, shapes, seed):
    a, b = rand(*shapes[0], seed=seed), rand(*shapes[1], seed=seed + 1)
    check_op(lambda lib, a, b: lib.dist(a, b, p), a, b, device=device)
    check_parity(lambda lib, a, b: a.dist(b, 0), a, b, device=device, backward=False)  # PyTorch has no p=0 backward


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("p", [2, 1, INF, 3])
@given(shape=shapes(min_dims=2, max_dims=3), seed=seeds, data=st.data())
def test_renorm(device, p, shape, seed, data):
    d = data.draw(dim(len(shape)), label="dim")
    check_op(lambda lib, x: lib.renorm(x, p, d, 1.5), rand(*shape, seed=seed), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_renorm_in_place(device):
    x = rand(3, 4, seed=2)
    ours, theirs = ember.tensor(x, device=device), torch.tensor(x)
    assert ours.renorm_(2, 0, 1.0) is ours
    theirs.renorm_(2, 0, 1.0)
    np.testing.assert_allclose(ours.tolist(), theirs.numpy())


# ---------------------------------------------------------------------------------------------
# Comparing whole tensors.

@pytest.mark.parametrize("device", DEVICES)
def test_isclose(device):
    a = np.array([1.0, INF, -INF, np.nan, 1e-9, 2.0, 100.0])
    b = np.array([1.00001, INF, INF, np.nan, 0.0, 2.1, 100.001])
    check_parity(lambda lib, a, b: (lib.isclose(a, b), a.isclose(b, equal_nan=True), lib.isclose(a, b, 0.1, 0),
                                    a.isclose(b, rtol=0, atol=0.5)), a, b, device=device)
    check_parity(lambda lib, a, b: (lib.isclose(a, b, atol=1), a.isclose(b[:1])), np.array([1, 2, 5], np.uint8),
                 np.array([2, 1, 5], np.uint8), device=device)
    check_parity(lambda lib, a, b: lib.isclose(a, b), np.array([True, False]), np.array([True, True]), device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("a, b", [
    ([1.0, 2.0], [1.0, 2.0000001]), ([1.0, 2.0], [[1.0, 2.0]]), ([1.0, 2.0], [1.0, 2.1]), ([np.nan], [np.nan]),
    ([1, 2], [1.0, 2.0]), ([1, 2], [1, 3]), ([[1, 2]], [1, 2]), ([], []),
])
def test_equal_and_allclose(device, a, b):
    a, b = np.array(a), np.array(b)
    ours, theirs = (ember.tensor(a, device=device), ember.tensor(b, device=device)), (torch.tensor(a), torch.tensor(b))
    assert ember.equal(*ours) is torch.equal(*theirs)
    assert ours[0].equal(ours[1]) is torch.equal(*theirs)
    if a.dtype == b.dtype:
        assert ember.allclose(*ours) is torch.allclose(*theirs)
        assert ours[0].allclose(ours[1], equal_nan=True) is theirs[0].allclose(theirs[1], equal_nan=True)


# ---------------------------------------------------------------------------------------------
# Errors.

@pytest.mark.parametrize("fn", [
    lambda x: x.sum(2), lambda x: x.mean(-3), lambda x: x.amax((0, 2)), lambda x: x.max(2),
    lambda x: x.argmin(5), lambda x: x.var(2), lambda x: x.logsumexp(-3), lambda x: x.prod(2),
    lambda x: x.all(2), lambda x: x.norm(dim=2), lambda x: x.count_nonzero(-3), lambda x: x.renorm(2, 2, 1.0),
], ids=["sum", "mean", "amax", "max", "argmin", "var", "logsumexp", "prod", "all", "norm", "count_nonzero", "renorm"])
def test_dim_out_of_range(fn):
    with raises(IndexError, "dimension out of range (expected to be in range of [-2, 1], but got"):
        fn(ember.ones(2, 3))


@pytest.mark.parametrize("fn, error, message", [
    (lambda: ember.ones(2, 3).sum((1, -1)), RuntimeError, "dim 1 appears more than once in (1, -1)"),
    (lambda: ember.arange(3).mean(), RuntimeError,
     "mean: expected a floating point tensor or dtype, got int64; use x.float().mean()"),
    (lambda: ember.ones(3).mean(dtype=ember.int64), RuntimeError, "mean: expected a floating point tensor or dtype"),
    (lambda: ember.arange(3).nanmean(), RuntimeError, "nanmean: expected a floating point tensor, got int64"),
    (lambda: ember.arange(3).var(), RuntimeError, "var: expected a floating point tensor, got int64"),
    (lambda: ember.ones(3).var(unbiased=True, correction=1), TypeError, "var: give unbiased or correction, not both"),
    (lambda: ember.ones(3).sum(0, axis=0), TypeError, "sum() got multiple values for argument 'dim'"),
    (lambda: ember.ones(3).sum(dim=0, axis=0), TypeError, "sum() got both dim and axis; give one"),
    (lambda: ember.ones(3).amax(0, keepdim=True, keepdims=True), TypeError, "amax() got both keepdim and keepdims"),
    (lambda: ember.ones(3).logsumexp(), TypeError, "logsumexp() missing its dim argument"),
    (lambda: ember.ones(2, 3).aminmax(dim=(0, 1)), TypeError, "aminmax(): dim must be an int, got tuple"),
    (lambda: ember.ones(0).max(), RuntimeError, "max(): expected a dim to reduce over for a tensor with no elements"),
    (lambda: ember.ones(0, 3).amax(), RuntimeError, "amax(): expected a dim to reduce over"),
    (lambda: ember.ones(0, 3).argmax(), RuntimeError, "argmax(): expected a dim to reduce over"),
    (lambda: ember.ones(0, 3).max(0), IndexError, "max(): expected reduction dim 0 to have non-zero size"),
    (lambda: ember.ones(0, 3).aminmax(dim=0), IndexError, "aminmax(): expected reduction dim 0 to have non-zero"),
    (lambda: ember.ones(0, 3).aminmax(), RuntimeError, "aminmax(): expected a dim to reduce over"),
    (lambda: ember.arange(3).norm(), RuntimeError, "vector_norm: expected a floating point tensor, got int64"),
    (lambda: ember.ones(3, dtype=ember.float64).norm(dtype=ember.float32), RuntimeError,
     "vector_norm: the input's dtype float64 cannot be narrowed to float32"),
    (lambda: ember.ones(0, 3).norm(INF, dim=0), RuntimeError, "vector_norm: the inf norm of no elements is undefined"),
    (lambda: ember.ones(2, 3, 4).norm("nuc"), RuntimeError, "nuclear norm: dim must be two dimensions, got (0, 1, 2)"),
    (lambda: ember.ones(2, 3, 4).norm("fro", dim=(0, 1, 2)), RuntimeError,
     "norm: the Frobenius norm is over one or two dims, got (0, 1, 2)"),
    (lambda: ember.ones(2, 3).norm("abc"), RuntimeError, "norm: p must be a number, 'fro' or 'nuc', got 'abc'"),
    (lambda: ember.ones(2, 3).norm(out=ember.ones(1)), TypeError, "norm: ember has no out= arguments"),
    (lambda: ember.dist(ember.ones(2), 2.0), TypeError, "dist: other must be a Tensor, got float"),
    (lambda: ember.dist(ember.arange(2), ember.arange(2)), RuntimeError, "dist: expected a floating point tensor"),
    (lambda: ember.ones(3).renorm(2, 0, 1.0), RuntimeError, "renorm: expected a tensor of at least 2 dimensions"),
    (lambda: ember.ones(2, 3).renorm(0, 0, 1.0), RuntimeError, "renorm: p must be positive, got 0"),
    (lambda: ember.ones(2, 3).renorm(2, 0, -1.0), RuntimeError, "renorm: maxnorm must be at least 0, got -1.0"),
    (lambda: ember.ones(2).isclose(ember.ones(2, dtype=ember.float64)), RuntimeError,
     "isclose: expected tensors of one dtype, got float32 and float64"),
    (lambda: ember.ones(2).isclose(1.0), TypeError, "isclose: other must be a Tensor, got float"),
    (lambda: ember.ones(2).isclose(ember.ones(2), rtol=-1), RuntimeError, "isclose: rtol and atol must be at least 0"),
    (lambda: ember.ones(2).equal(1.0), TypeError, "equal: other must be a Tensor, got float"),
    (lambda: ember.ones(2, 3).sum_to_size(2), RuntimeError,
     "sum_to_size: size (2,) is not expandable to the tensor's shape (2, 3)"),
    (lambda: ember.ones(2, 3).sum_to_size(1, 2, 3), RuntimeError, "sum_to_size: size (1, 2, 3) is not expandable"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_errors(fn, error, message):
    with raises(error, message):
        fn()


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("size", [(2, 1), (1, 3), (3,), (1,), (2, 3), ()], ids=str)
def test_sum_to_size(device, size):
    if size == ():
        check_op(lambda lib, x: x.sum_to_size(()), np.array(2.0), device=device)
    else:
        check_op(lambda lib, x: x.sum_to_size(*size), rand(2, 3, seed=7), device=device)
