import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ember
from helpers import DEVICES, check_op, check_parity, dim, dims, rand, raises, seeds, shapes

# Reductions over a set of dims: (fn(lib, x, dim, keepdim), whether dim=None means "all dims" in PyTorch too).
OVER_DIMS = {
    "sum": lambda lib, x, d, k: x.sum(dim=d, keepdim=k),
    "mean": lambda lib, x, d, k: x.mean(dim=d, keepdim=k),
    "amax": lambda lib, x, d, k: x.amax(dim=d, keepdim=k),
    "amin": lambda lib, x, d, k: lib.amin(x, dim=d, keepdim=k),
    "logsumexp": lambda lib, x, d, k: lib.logsumexp(x, dim=d, keepdim=k),
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
def test_reductions_of_integer_and_bool_tensors(device):
    ints = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.int32)
    check_parity(lambda lib, x: (x.sum(), x.sum(1), x.prod(0), x.max(), x.amin(1), x.argmax(1)), ints,
                 device=device, backward=False)
    check_parity(lambda lib, x: (x.sum(), x.sum(0)), np.array([True, False, True]), device=device, backward=False)


@pytest.mark.parametrize("device", DEVICES)
def test_logsumexp_of_large_logits_is_finite(device):
    x = np.array([[1e4, -1e4, 0.0], [1e4, 1e4, 1e4], [-1e4, -1e4, -1e4]])
    out, = check_parity(lambda lib, x: lib.logsumexp(x, dim=1), x, device=device)
    assert np.isfinite(out.tolist()).all()
    check_parity(lambda lib, x: x.logsumexp(dim=(0, 1)), x, device=device, dtype=np.float32)


@pytest.mark.parametrize("fn", [
    lambda x: x.sum(2), lambda x: x.mean(-3), lambda x: x.amax((0, 2)), lambda x: x.max(2),
    lambda x: x.argmin(5), lambda x: x.var(2), lambda x: x.logsumexp(-3), lambda x: x.prod(2),
], ids=["sum", "mean", "amax", "max", "argmin", "var", "logsumexp", "prod"])
def test_dim_out_of_range(fn):
    with raises(IndexError, "dimension out of range (expected to be in range of [-2, 1], but got"):
        fn(ember.ones(2, 3))


def test_a_dim_listed_twice():
    with raises(ValueError, "dimension listed twice in (1, -1)"):
        ember.ones(2, 3).sum((1, -1))


def test_mean_of_an_int_tensor():
    with raises(TypeError, "mean needs a floating point tensor, got int64; use x.float().mean()"):
        ember.arange(3).mean()


def test_var_takes_unbiased_or_correction_not_both():
    with raises(ValueError, "var: give unbiased or correction, not both"):
        ember.ones(3).var(unbiased=True, correction=1)


def test_max_of_an_empty_tensor():
    with raises(RuntimeError, "max of an empty tensor"):
        ember.ones(0).max()
