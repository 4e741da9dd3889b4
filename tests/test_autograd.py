import numpy as np
import pytest
import torch

import ember
from ember.autograd import Function
from helpers import DEVICES, assert_close, check_gradcheck, check_parity, rand, raises, tensor_for


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


def test_a_leaf_that_takes_a_gradient_still_on_its_way_does_not_change_it():
    """x - y·log x + log y: the sum hands one array to x and on to log y's node; x's next gradient must not be
    added into it (log y would then pass on the sum)."""
    check_parity(lambda lib, x, y: x - y * x.log() + y.log(), rand(3, low=0.5), rand(3, seed=1, low=0.5))


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


# -------------------------------------------------------------------------------------------------
# Functions written in PyTorch's style (static forward and backward on tensors), each class body run
# under ember and under PyTorch.

def functions(lib):
    """Custom Functions written once, as a PyTorch program writes them, for lib (ember or torch)."""
    class Exp(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, grad):
            y, = ctx.saved_tensors
            return grad * y

    class LinearFunction(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, weight, bias=None):
            ctx.save_for_backward(x, weight, bias)
            out = x.matmul(weight.t())
            return out if bias is None else out + bias

        @staticmethod
        @lib.autograd.function.once_differentiable
        def backward(ctx, grad):
            x, weight, bias = ctx.saved_tensors
            grad_x = grad.matmul(weight) if ctx.needs_input_grad[0] else None
            grad_weight = grad.t().matmul(x) if ctx.needs_input_grad[1] else None
            grad_bias = grad.sum(0) if bias is not None and ctx.needs_input_grad[2] else None
            return grad_x, grad_weight, grad_bias

    class ScaleBy(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, factor, shift=0.0):
            ctx.factor = factor
            return x * factor + shift

        @staticmethod
        def backward(ctx, grad):
            return grad * ctx.factor, None, None  # shift, given by keyword, counts as an argument

    class AbsAndSign(lib.autograd.Function):
        """Two outputs, one of them not differentiable; backward gets zeros for it."""
        @staticmethod
        def forward(ctx, x):
            sign = (x > 0).to(x.dtype) * 2 - 1
            ctx.save_for_backward(sign)
            ctx.mark_non_differentiable(sign)
            return x * sign, sign

        @staticmethod
        def backward(ctx, grad, grad_sign):
            sign, = ctx.saved_tensors
            return grad * sign + grad_sign

    class Halves(lib.autograd.Function):
        """Two outputs; with materialize_grads off, backward gets None for the one the loss does not use."""
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 0.5, x * -0.5

        @staticmethod
        def backward(ctx, grad_first, grad_second):
            grad = 0 if grad_first is None else grad_first * 0.5
            return grad if grad_second is None else grad - grad_second * 0.5

    class DoubleInPlace(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, grad):
            return grad * 2

    class Cube(lib.autograd.Function):
        """PyTorch 2's form: forward without ctx, then setup_context."""
        @staticmethod
        def forward(x):
            return x ** 3

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(inputs[0])

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return grad * 3 * x ** 2

    return locals()


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name, call, shapes", [
    ("Exp", lambda f, x: f.apply(x), [(3, 2)]),
    ("LinearFunction", lambda f, x, w, b: f.apply(x, w, b), [(4, 3), (2, 3), (2,)]),
    ("LinearFunction", lambda f, x, w: f.apply(x, w), [(4, 3), (2, 3)]),
    ("ScaleBy", lambda f, x: f.apply(x, 3.0, shift=1.0), [(5,)]),
    ("AbsAndSign", lambda f, x: f.apply(x), [(6,)]),
    ("Halves", lambda f, x: f.apply(x)[0], [(4,)]),
    ("Halves", lambda f, x: f.apply(x), [(4,)]),
    ("DoubleInPlace", lambda f, x: f.apply(x * 1), [(3,)]),
    ("Cube", lambda f, x: f.apply(x), [(2, 2)]),
])
def test_a_pytorch_style_function_gives_pytorchs_gradients(device, name, call, shapes):
    arrays = [rand(*shape, seed=i) for i, shape in enumerate(shapes)]
    check_parity(lambda lib, *xs: call(functions(lib)[name], *xs), *arrays, device=device)
    check_parity(lambda lib, *xs: call(functions(lib)[name], *xs), *arrays, device=device, dtype=np.float32)
    check_gradcheck(lambda lib, *xs: call(functions(lib)[name], *xs), *arrays, device=device)


def test_a_pytorch_style_function_records_a_named_node():
    x = ember.ones(2, requires_grad=True)
    assert repr(functions(ember)["Exp"].apply(x).grad_fn) == "<ExpBackward>"
    assert functions(ember)["Exp"].apply(ember.ones(2)).grad_fn is None  # nothing needs a gradient
    assert issubclass(functions(ember)["Exp"], ember.autograd.Function)
    y = x * 1
    assert functions(ember)["DoubleInPlace"].apply(y) is y and repr(y.grad_fn) == "<DoubleInPlaceBackward>"


def test_ctx_needs_input_grad_and_attributes():
    seen = []

    class Probe(ember.autograd.Function):
        @staticmethod
        def forward(ctx, a, b, n):
            seen.append(ctx.needs_input_grad)
            return a * b * n

        @staticmethod
        def backward(ctx, grad):
            return grad, None, None

    Probe.apply(ember.ones(1, requires_grad=True), ember.ones(1), 2)
    with ember.no_grad():
        Probe.apply(ember.ones(1, requires_grad=True), ember.ones(1), 2)
    assert seen == [(True, False, False), (False, False, False)]


def test_wrong_gradients_from_a_pytorch_style_backward_are_named():
    def returning(*grads):
        class Wrong(ember.autograd.Function):
            @staticmethod
            def forward(ctx, x, factor):
                return x * factor

            @staticmethod
            def backward(ctx, grad):
                return tuple(grad if g else None for g in grads)
        return Wrong

    x = ember.ones(2, requires_grad=True)
    with raises(RuntimeError, "Wrong.backward returned 1 gradients for the 2 arguments of apply"):
        returning(True).apply(x, 2.0).sum().backward()
    with raises(RuntimeError, "Wrong.backward returned a gradient for argument 1, which is not a tensor"):
        returning(True, True).apply(x, 2.0).sum().backward()
    returning(True, False, False).apply(x, 2.0).sum().backward()  # trailing Nones are fine, as in PyTorch
    assert x.grad.tolist() == [1.0, 1.0]


def test_changing_a_leaf_in_place_in_forward_is_refused():
    with raises(RuntimeError, "DoubleInPlace: forward changed a leaf tensor that requires grad in place"):
        functions(ember)["DoubleInPlace"].apply(ember.ones(2, requires_grad=True))


def test_a_saved_tensor_changed_after_forward_is_caught():
    x = ember.ones(2, requires_grad=True)
    y = x * 1
    z = functions(ember)["Cube"].apply(y)
    with ember.no_grad():
        y.add_(1)
    with raises(RuntimeError, "changed by an in-place operation"):
        z.sum().backward()


# -------------------------------------------------------------------------------------------------
# The rest of torch.autograd.

def test_gradcheck_takes_pytorchs_arguments():
    x = ember.tensor(rand(3), requires_grad=True)
    assert ember.autograd.gradcheck(lambda t: t.exp(), (x,), eps=1e-6, atol=1e-5, rtol=1e-3, fast_mode=True)
    assert ember.autograd.gradcheck is ember.testing.gradcheck
    bad = functions(ember)["Exp"]

    class WrongExp(bad):
        @staticmethod
        def backward(ctx, grad):
            return grad

    assert ember.autograd.gradcheck(lambda t: WrongExp.apply(t), (x,), raise_exception=False) is False
    with pytest.raises(RuntimeError, match="gradcheck failed for input 0"):
        ember.autograd.gradcheck(lambda t: WrongExp.apply(t), x)
    with raises(NotImplementedError, "gradcheck: check_forward_ad=True checks what ember does not have"):
        ember.autograd.gradcheck(lambda t: t, x, check_forward_ad=True)


def test_second_order_is_refused_clearly():
    x = ember.ones(2, requires_grad=True)
    with raises(NotImplementedError, "autograd.grad(create_graph=True): ember's gradients are first order"):
        ember.autograd.grad((x * x).sum(), x, create_graph=True)
    with raises(NotImplementedError, "backward(create_graph=True): ember's gradients are first order"):
        (x * x).sum().backward(create_graph=True)


def test_autograd_grad_materialize_grads_gives_zeros_as_pytorch():
    results = []
    for lib in (ember, torch):
        a, b = (tensor_for(lib, rand(2, seed=i), requires_grad=True) for i in (1, 2))
        results.append(lib.autograd.grad((a * a).sum(), [a, b], materialize_grads=True))
    for ours, theirs in zip(*results):
        assert_close(ours, theirs, 0, 0, "gradient")
    with raises(ValueError, "materialize_grads=True gives zeros for unused inputs"):
        ember.autograd.grad((a * a).sum(), [a], materialize_grads=True, allow_unused=False)


def test_backward_into_some_inputs_only_as_pytorch():
    results = []
    for lib in (ember, torch):
        a, b = (tensor_for(lib, rand(3, seed=i), requires_grad=True) for i in (1, 2))
        hidden = a * b
        (hidden * hidden).sum().backward(inputs=[b, hidden])
        results.append((a.grad, b.grad, hidden.grad))
    (a_ours, b_ours, h_ours), (a_theirs, b_theirs, h_theirs) = results
    assert a_ours is None and a_theirs is None
    assert_close(b_ours, b_theirs, 1e-12, 1e-12, "b.grad")
    assert_close(h_ours, h_theirs, 1e-12, 1e-12, "hidden.grad")
    with raises(RuntimeError, "backward: inputs, if given, must not be empty"):
        (ember.ones(1, requires_grad=True) * 2).sum().backward(inputs=[])


@np.errstate(invalid="ignore", divide="ignore")
def test_detect_anomaly_names_the_op_that_made_a_nan():
    x = ember.tensor([0.0, 1.0], requires_grad=True)
    with pytest.warns(UserWarning, match="anomaly detection is on"):
        with ember.autograd.detect_anomaly():
            assert ember.autograd.is_anomaly_enabled()
            with raises(RuntimeError, "Function 'SqrtBackward' returned nan values in its 0th output"):
                ((x * 0).sqrt() * 0).sum().backward()  # 0 · ∞ in sqrt's backward
    assert not ember.autograd.is_anomaly_enabled()
    ((x * 0).sqrt() * 0).sum().backward()  # without it, the NaN just arrives in .grad
    assert np.isnan(x.grad.tolist()[0])
    ember.autograd.set_detect_anomaly(True)
    assert ember.autograd.is_anomaly_check_nan_enabled()
    ember.autograd.set_detect_anomaly(False)
    with ember.autograd.set_detect_anomaly(True, check_nan=False):
        assert ember.autograd.is_anomaly_enabled() and not ember.autograd.is_anomaly_check_nan_enabled()
    assert not ember.autograd.is_anomaly_enabled()


def test_variable_is_a_tensor_as_in_pytorch():
    for lib in (ember, torch):
        t = lib.ones(2)
        v = lib.autograd.Variable(t, requires_grad=True)
        assert isinstance(v, lib.Tensor) and v is not t and v.requires_grad and not t.requires_grad
        assert lib.autograd.Variable(t).requires_grad is False


def test_torch_autograd_names_are_where_pytorch_programs_look():
    from ember.autograd.function import FunctionCtx, once_differentiable  # noqa: F401
    import ember.autograd.function
    assert ember.autograd.function.Function is ember.autograd.Function


# -------------------------------------------------------------------------------------------------
# torch.autograd.functional.

def two_by_two(lib, a, b):
    return (a * b).exp(), (a * a).sum() + b.sum()


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("which", ["jacobian", "vjp", "jvp"])
@pytest.mark.parametrize("func, shapes", [
    (lambda lib, x: x.tanh() * 2, [(3,)]),
    (lambda lib, x: (x @ x.t()).sum(), [(2, 3)]),
    (two_by_two, [(2,), (2,)]),
    (lambda lib, a, b: a * 2, [(3,), (2,)]),  # b unused: zeros
])
def test_autograd_functional_matches_pytorch(device, which, func, shapes):
    arrays = [rand(*shape, seed=i) for i, shape in enumerate(shapes)]
    results = []
    for lib in (ember, torch):
        inputs = tuple(tensor_for(lib, a, device if lib is ember else "cpu") for a in arrays)
        f = getattr(lib.autograd.functional, which)
        g = lambda *xs: func(lib, *xs)  # noqa: E731
        single = inputs if len(inputs) > 1 else inputs[0]
        if which == "jacobian":
            results.append(f(g, single))
            continue
        with torch.no_grad():
            outs = g(*inputs)
        like = inputs if which == "jvp" else (outs if isinstance(outs, tuple) else (outs,))
        v = tuple(tensor_for(lib, rand(*t.shape, seed=9), device if lib is ember else "cpu") for t in like)
        results.append(f(g, single, v if len(v) > 1 else v[0]))

    def flat(x):
        return [t for part in x for t in flat(part)] if isinstance(x, tuple) else [x]

    ours, theirs = flat(results[0]), flat(results[1])
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert_close(a, b, 1e-10, 1e-12, which)


def test_autograd_functional_errors():
    F = ember.autograd.functional
    x = ember.ones(2)
    with raises(RuntimeError, "jacobian: the output of func does not depend on input 1 (strict=True)"):
        F.jacobian(lambda a, b: a * 2, (x, x), strict=True)
    with raises(RuntimeError, "vjp: v can be left out only for a single one-element tensor of outputs"):
        F.vjp(lambda a: a * 2, x)
    with raises(NotImplementedError, "hessian: second derivatives need the gradient of a gradient"):
        F.hessian(lambda a: (a * a).sum(), x)
    with raises(NotImplementedError, "vjp(create_graph=True): ember's gradients are first order"):
        F.vjp(lambda a: a.sum(), x, create_graph=True)
    assert F.vjp(lambda a: (a * a).sum(), x)[1].tolist() == [2.0, 2.0]


def _structure(node):
    """The graph under node as nested tuples of what each next_functions entry is: 'leaf', None or a subtree."""
    if node is None:
        return None
    if type(node).__name__ == "AccumulateGrad":
        return "leaf"
    return tuple((_structure(child), index) for child, index in node.next_functions)


def test_grad_fn_next_functions_walk_the_graph_as_pytorchs_do():
    structures, leaves = [], []
    for lib in (ember, torch):
        w = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        x = lib.tensor([0.5, -1.0, 2.0])
        loss = (w * x).sum() * 2 + w.exp().sum()
        structures.append(_structure(loss.grad_fn))
        times_two = loss.grad_fn.next_functions[0][0]
        w_times_x = times_two.next_functions[0][0].next_functions[0][0]  # under the sum
        leaves.append(w_times_x.next_functions[0][0].variable is w)
    assert structures[0] == structures[1]
    assert leaves == [True, True]
    assert repr(ember.tensor([1.0], requires_grad=True).exp().grad_fn.next_functions[0][0]) == "<AccumulateGrad>"
