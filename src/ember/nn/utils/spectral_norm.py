"""Spectral normalization in PyTorch's first form (the one most GAN code calls, nn.utils.spectral_norm): the
weight's parameter becomes weight_orig, u and v become buffers weight_u and weight_v, and a forward pre-hook
sets weight = W / σ before every forward, σ = uᵀ W v, after a step of power iteration in training mode.
(parametrizations.spectral_norm is the newer form.)"""

from ... import backend
from ...autograd import no_grad
from ...ops.linalg import matmul
from ...tensor import Tensor
from ..parameter import Parameter
from .parametrizations import default_dim, normalize, weight_matrix
from .weight_norm import find_hook, remove_hook


class SpectralNorm:
    """The forward pre-hook that sets module.<name> to <name>_orig / σ."""

    def __init__(self, name, n_power_iterations, dim, eps):
        if n_power_iterations <= 0:
            raise ValueError(f"spectral_norm: n_power_iterations must be positive, got {n_power_iterations}")
        self.name, self.n_power_iterations, self.dim, self.eps = name, n_power_iterations, dim, eps

    def compute_weight(self, module, do_power_iteration):
        weight = getattr(module, self.name + "_orig")
        u, v = getattr(module, self.name + "_u"), getattr(module, self.name + "_v")
        matrix = weight_matrix(weight, self.dim)
        if do_power_iteration:
            with no_grad():
                for _ in range(self.n_power_iterations):
                    v.copy_(normalize(matmul(matrix.T, u), self.eps))
                    u.copy_(normalize(matmul(matrix, v), self.eps))
            u, v = u.clone(), v.clone()  # the graph keeps these values, whatever later steps do to the buffers
        return weight / (u * matmul(matrix, v)).sum()

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module, do_power_iteration=module.training))


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """Divide module.<name> by its largest singular value before every forward (dim: the output dimension; by
    default 1 for a transposed convolution, else 0). Returns module."""
    if find_hook(module, SpectralNorm, name) is not None:
        raise RuntimeError(f"spectral_norm: {type(module).__name__}.{name} has spectral_norm already")
    fn = SpectralNorm(name, n_power_iterations, default_dim(module) if dim is None else dim, eps)
    weight = module._parameters[name]
    height, width = weight_matrix(weight, fn.dim).shape
    generator = backend.default_generator(weight.device)
    u, v = (normalize(Tensor(generator.normal((size,), weight.dtype)), eps) for size in (height, width))
    delattr(module, name)
    module.register_parameter(name + "_orig", weight)
    setattr(module, name, weight.detach())  # a plain attribute until the first forward
    module.register_buffer(name + "_u", u)
    module.register_buffer(name + "_v", v)
    module.register_forward_pre_hook(fn)
    return module


def remove_spectral_norm(module, name="weight"):
    """Make module.<name> one parameter again, holding W / σ with the current u and v. Returns module."""
    with no_grad():
        weight = remove_hook(module, SpectralNorm, name, "spectral_norm").compute_weight(module, False)
    for attribute in (name, name + "_u", name + "_v", name + "_orig"):
        delattr(module, attribute)
    module.register_parameter(name, Parameter(weight))
    return module
