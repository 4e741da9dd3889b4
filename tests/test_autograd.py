import numpy as np
import pytest
import torch

import ember
from ember.autograd import Function
from helpers import DEVICES, check_gradcheck, check_parity, rand, raises


def test_backward_of_a_100000_op_chain_needs_no_recursion():
    x = ember.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad.item() == 1.0


def test_a_reused_tensor_sums_the_gradients_of_every_use():
    check_parity(lambda lib, x: x * x + x.exp() * x, rand(3))
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x + x + x
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_gradients_accumulate_across_backward_calls():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).sum().backward()
    (x * 3).sum().backward()
    assert x.grad.tolist() == [5.0, 5.0]


def test_two_leaves_given_one_gradient_do_not_share_memory():
    a = ember.tensor([1.0], requires_grad=True)
    b = ember.tensor([1.0], requires_grad=True)
    (a + b).sum().backward()
    (a + b).sum().backward()
    assert a.grad.tolist() == [2.0] and b.grad.tolist() == [2.0]


def test_graph_is_freed_after_backward():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * 2).sum()
    y.backward()
    with raises(RuntimeError, "backward through the graph a second time"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.tolist() == [4.0, 8.0]


def test_backward_on_a_non_scalar_needs_a_gradient():
    x = ember.ones(2, 3, requires_grad=True)
    with raises(RuntimeError, "backward() on a tensor of shape (2, 3) needs a gradient argument"):
        (x * 2).backward()
    (x * 2).backward(ember.ones(2, 3))
    assert x.grad.tolist() == [[2.0] * 3] * 2


def test_backward_with_a_gradient_of_the_wrong_shape():
    x = ember.ones(2, 3, requires_grad=True)
    with raises(RuntimeError, "the gradient has shape (3,), the tensor has shape (2, 3)"):
        (x * 2).backward(ember.ones(3))


def test_backward_on_a_tensor_without_grad():
    with raises(RuntimeError, "does not require grad"):
        ember.ones(2).sum().backward()


def test_in_place_change_to_a_saved_tensor_is_caught():
    a = ember.tensor([1.0, 2.0])
    w = ember.tensor([3.0, 4.0], requires_grad=True)
    y = (a * w).sum()  # Mul saved a for w's gradient
    a.add_(1)
    with raises(RuntimeError, "was changed by an in-place operation (it is at version 1; the graph needs version 0)"):
        y.backward()


def test_in_place_change_to_a_saved_output_is_caught():
    w = ember.tensor([1.0, 2.0], requires_grad=True)
    e = w.exp()  # Exp saved its output
    y = e.sum()
    with ember.no_grad():
        e.mul_(2)
    with raises(RuntimeError, "changed by an in-place operation"):
        y.backward()


def test_in_place_on_a_leaf_that_requires_grad_is_refused_unless_no_grad():
    w = ember.ones(2, requires_grad=True)
    with raises(RuntimeError, "a leaf tensor that requires grad cannot be changed in place"):
        w.add_(1)
    with ember.no_grad():
        w.add_(1)
    assert w.tolist() == [2.0, 2.0]


def test_in_place_on_a_graph_tensor_is_refused():
    y = ember.ones(2, requires_grad=True) * 2
    with raises(RuntimeError, "a tensor that is part of a graph cannot be changed in place"):
        y.add_(5.0)


def test_plus_equals_makes_a_new_tensor_and_keeps_gradients_right():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y += x
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_no_grad_as_context_manager_and_decorator():
    x = ember.ones(2, requires_grad=True)
    with ember.no_grad():
        assert not (x * 2).requires_grad
        with ember.enable_grad():
            assert (x * 2).requires_grad
    assert (x * 2).requires_grad

    @ember.no_grad()
    def double(t):
        return t * 2
    assert not double(x).requires_grad
    assert ember.is_grad_enabled()


def test_set_grad_enabled():
    x = ember.ones(2, requires_grad=True)
    with ember.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert ember.is_grad_enabled()
    ember.set_grad_enabled(False)
    try:
        assert not (x * 2).requires_grad
    finally:
        ember.set_grad_enabled(True)


def test_requires_grad_only_for_floating_point():
    with raises(RuntimeError, "only tensors of floating point dtype can require gradients"):
        ember.tensor([1, 2], requires_grad=True)
    x = ember.ones(2).requires_grad_()
    assert x.requires_grad and x.is_leaf


def test_requires_grad_cannot_be_turned_off_on_a_non_leaf():
    y = ember.ones(2, requires_grad=True) * 2
    with raises(RuntimeError, "only on a leaf tensor"):
        y.requires_grad = False


def test_detach_cuts_the_graph_and_shares_memory():
    x = ember.ones(2, requires_grad=True)
    d = (x * 2).detach()
    assert d.is_leaf and not d.requires_grad
    z = ember.ones(2)
    z.detach().array[0] = 5
    assert z.tolist() == [5.0, 1.0]


def test_hooks_on_leaf_and_non_leaf_tensors():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(g.tolist()))
    y = x * 3
    handle = y.register_hook(lambda g: g * 10)  # replaces y's gradient
    y.sum().backward()
    assert seen == [[30.0, 30.0]] and x.grad.tolist() == [30.0, 30.0]
    handle.remove()
    x.grad = None
    (x * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_retain_grad_keeps_a_non_leaf_gradient():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.retain_grad()
    (y * y).sum().backward()
    assert y.grad.tolist() == [6.0, 12.0]


def test_autograd_grad_returns_gradients_without_touching_grad():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    h = x * x
    y = (h * 3).sum()
    gx, gh = ember.autograd.grad(y, [x, h])
    assert gx.tolist() == [6.0, 12.0] and gh.tolist() == [3.0, 3.0]
    assert x.grad is None


def test_autograd_grad_of_a_0d_tensor_used_twice():
    x = ember.tensor(2.0, requires_grad=True)
    h = x * 3
    gx, gh = ember.autograd.grad(x * h + h, [x, h])
    assert gx.shape == () and gx.item() == 15.0 and gh.item() == 3.0


def test_autograd_grad_of_an_unused_input():
    x = ember.ones(2, requires_grad=True)
    z = ember.ones(2, requires_grad=True)
    with raises(RuntimeError, "was not used"):
        ember.autograd.grad((x * 2).sum(), [x, z])
    assert ember.autograd.grad((x * 2).sum(), [x, z], allow_unused=True)[1] is None


def test_a_multi_output_op_with_an_unused_output():
    check_parity(lambda lib, x: x.split(2, dim=1)[0] * 3, rand(2, 5))
    check_parity(lambda lib, x: [c.exp() for c in x.chunk(3)], rand(7, 2))


def test_grad_fn_names_the_op():
    y = ember.ones(2, requires_grad=True) * 2
    assert repr(y.grad_fn) == "<MulBackward>"
    assert ember.ones(2).grad_fn is None


class Cube(Function):
    """A user-defined op: x³, with 3x² as its derivative."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    def backward(ctx, grad):
        x, = ctx.saved
        return grad * 3 * x * x


def test_a_user_defined_function():
    check_gradcheck(lambda lib, x: Cube.apply(x), rand(4))


class WrongShape(Function):
    def forward(ctx, x):
        return x * 2

    def backward(ctx, grad):
        return grad.sum(axis=0)


def test_a_backward_that_returns_the_wrong_shape_is_named():
    x = ember.ones(2, 3, requires_grad=True)
    with raises(RuntimeError, "WrongShape.backward returned a gradient of shape (3,) for an input of shape (2, 3)"):
        WrongShape.apply(x).sum().backward()


def test_gradcheck_reports_the_worst_element():
    class Wrong(Function):
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        def backward(ctx, grad):
            x, = ctx.saved
            return grad * 2 * x * (x != 5)  # wrong only where x is 5

    x = ember.tensor([[1.0, 5.0], [2.0, 3.0]], dtype=ember.float64, requires_grad=True)
    with pytest.raises(ember.testing.GradcheckError, match=r"input 0 \(shape \(2, 2\)\) at index \(0, 1\)"):
        ember.testing.gradcheck(lambda t: Wrong.apply(t), x)


def test_gradcheck_wants_float64():
    with raises(TypeError, "use float64"):
        ember.testing.gradcheck(lambda t: t * 2, ember.ones(2, requires_grad=True))


@pytest.mark.parametrize("device", DEVICES)
def test_float_index_is_refused(device):
    x = ember.ones(3, device=device)
    with raises(IndexError, "tensors used as indices must be integer or bool tensors, got float32"):
        x[ember.tensor([0.0, 1.0], device=device)]


@pytest.mark.cuda
@pytest.mark.skipif(not ember.cuda.is_available(), reason="no CUDA GPU (CuPy) here")
def test_tensors_on_two_devices_in_one_op():
    with raises(RuntimeError, "expected all tensors on one device, found cpu and cuda:0"):
        ember.ones(2) + ember.ones(2, device="cuda")


def test_gradients_flow_across_devices_when_moved(request):
    if not ember.cuda.is_available():
        pytest.skip("no CUDA GPU (CuPy) here")
    x = ember.ones(2, requires_grad=True)
    (x.cuda() * 2).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0] and x.grad.device == "cpu"


def test_manual_seed_repeats_random_numbers():
    ember.manual_seed(7)
    a = ember.randn(5).tolist()
    ember.manual_seed(7)
    assert ember.randn(5).tolist() == a
    assert np.isfinite(a).all()


def test_post_accumulate_grad_hooks_run_once_with_the_whole_gradient_as_pytorchs():
    def run(lib):
        w = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        seen = []
        w.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.tolist()))
        unused = lib.tensor([1.0], requires_grad=True)
        unused.register_post_accumulate_grad_hook(lambda t: seen.append("unused"))
        ((w * w).sum() + (w * 3).sum() + (unused * 0).detach().sum()).backward()  # w reached by two paths
        (w * 2).sum().backward()
        return seen
    assert run(ember) == run(torch) == [[5.0, 7.0, 9.0], [7.0, 9.0, 11.0]]
    with raises(RuntimeError, "post accumulate grad hooks cannot be registered on non-leaf tensors"):
        (ember.ones(2, requires_grad=True) * 2).register_post_accumulate_grad_hook(print)
