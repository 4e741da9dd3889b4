"""Three parametrizations of a weight (see parametrize.py): weight normalization, spectral normalization and
orthogonality, with PyTorch's names for their tensors, so that its state dicts load.

- weight_norm: w = g · v / ‖v‖ (the norm over every dimension but dim): the direction v and the length g
  are learned apart (Salimans and Kingma, 2016). Originals: original0 = g, original1 = v.
- spectral_norm: w = W / σ(W), σ the largest singular value, estimated by power iteration with vectors u
  and v kept between steps (Miyato et al., 2018): the layer is 1-Lipschitz, as a GAN's critic wants.
- orthogonal: w = Q, an orthogonal matrix made from an unconstrained one by the matrix exponential of a
  skew-symmetric matrix, the Cayley map, or a product of Householder reflections.
"""

import math

from ... import backend, creation
from ...autograd import no_grad
from ...ops.elementwise import clamp
from ...ops.pointwise import sqrt
from ...ops.linalg import matmul
from ...ops.reduce import sum as reduce_sum
from ...ops.shape import cat, stack
from ...tensor import Tensor
from ..module import Module
from . import parametrize


# ---------------------------------------------------------------------------------------------
# Weight normalization.

def norm_except_dim(v, pow=2, dim=0):  # noqa: A002 (PyTorch's name)
    """The pow-norm of v over every dimension but dim, keeping dimensions (shape 1 but at dim); dim=-1 means
    the norm of all of v, a 0-d tensor, as in PyTorch (whose weight_norm takes dim=None for it)."""
    if dim == -1:
        return reduce_sum(v.abs() ** pow) ** (1.0 / pow)
    axes = tuple(d for d in range(v.ndim) if d != dim % v.ndim)
    return reduce_sum(v.abs() ** pow, dim=axes, keepdim=True) ** (1.0 / pow)


def weight_from(v, g, dim):
    """g · v / ‖v‖, the norm taken over every dimension but dim (all with dim=-1)."""
    return v * (g / norm_except_dim(v, 2, dim))


class _WeightNorm(Module):
    """w = g · v / ‖v‖: forward(g, v) gives w, right_inverse(w) gives (g, v) = (‖w‖, w)."""

    def __init__(self, dim=0):
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g, weight_v):
        return weight_from(weight_v, weight_g, self.dim)

    def right_inverse(self, weight):
        return norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module, name="weight", dim=0):
    """Parametrize module.<name> as g · v / ‖v‖ (the norm over every dimension but dim; over all with None).
    A state dict of the old form (weight_g, weight_v, from nn.utils.weight_norm) loads too. Returns module."""
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)

    def load_old_keys(module, state_dict, prefix, *rest):
        old = (f"{prefix}{name}_g", f"{prefix}{name}_v")
        if all(key in state_dict for key in old):
            for i, key in enumerate(old):
                state_dict[f"{prefix}parametrizations.{name}.original{i}"] = state_dict.pop(key)

    module.register_load_state_dict_pre_hook(load_old_keys)
    return module


# ---------------------------------------------------------------------------------------------
# Spectral normalization.

def normalize(v, eps):
    """v / max(‖v‖, eps) along a vector's only dimension."""
    return v / clamp(sqrt((v * v).sum()), min=eps)


def weight_matrix(weight, dim):
    """The weight as a matrix whose rows run along dim (the output dimension), for its singular values."""
    if dim != 0:
        weight = weight.permute(dim, *(d for d in range(weight.ndim) if d != dim))
    return weight.reshape(weight.shape[0], -1)


def default_dim(module):
    """The output dimension of module's weight: 1 for a transposed convolution, 0 otherwise."""
    return 1 if getattr(module, "transposed", False) else 0  # as PyTorch's, ember's convolutions say which they are


class _SpectralNorm(Module):
    """w = W / σ, σ = uᵀ W v with u, v (buffers _u, _v) the leading singular vectors of W as a matrix, refined
    by n_power_iterations steps of power iteration at each use in training mode. A 1-D weight is divided by
    its norm."""

    def __init__(self, weight, n_power_iterations=1, dim=0, eps=1e-12):
        super().__init__()
        if not -weight.ndim <= dim < weight.ndim:
            raise IndexError(f"spectral_norm: dim {dim} is out of range for a weight of {weight.ndim} dimensions")
        if n_power_iterations <= 0:
            raise ValueError(f"spectral_norm: n_power_iterations must be positive, got {n_power_iterations}")
        self.dim, self.eps = dim % weight.ndim, eps
        if weight.ndim > 1:
            self.n_power_iterations = n_power_iterations
            matrix = weight_matrix(weight, self.dim)
            generator = backend.default_generator(weight.device)
            for buffer, size in (("_u", matrix.shape[0]), ("_v", matrix.shape[1])):
                start = Tensor(generator.normal((size,), weight.dtype))
                self.register_buffer(buffer, normalize(start, eps))
            self._power_method(matrix, 15)  # a good start for u and v

    @no_grad()
    def _power_method(self, matrix, steps):
        """u ← W v / ‖W v‖, v ← Wᵀ u / ‖Wᵀ u‖, steps times, in place."""
        for _ in range(steps):
            self._u.copy_(normalize(matmul(matrix, self._v), self.eps))
            self._v.copy_(normalize(matmul(matrix.T, self._u), self.eps))

    def forward(self, weight):
        if weight.ndim == 1:
            return normalize(weight, self.eps)
        matrix = weight_matrix(weight, self.dim)
        if self.training:
            self._power_method(matrix, self.n_power_iterations)
        u, v = self._u.detach().clone(), self._v.detach().clone()  # constants of the graph, whatever comes next
        return weight / (u * matmul(matrix, v)).sum()

    def right_inverse(self, value):
        return value


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """Parametrize module.<name> as W / σ(W), its largest singular value estimated by power iteration (dim: the
    output dimension; by default 1 for a transposed convolution, else 0). Returns module."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"spectral_norm: {type(module).__name__} has no parameter or buffer named '{name}'")
    dim = default_dim(module) if dim is None else dim
    return parametrize.register_parametrization(module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))


# ---------------------------------------------------------------------------------------------
# Orthogonal matrices.

_MAPS = ("matrix_exp", "cayley", "householder")


class _Orthogonal(Module):
    """Q orthogonal (QᵀQ = I for a tall matrix, a batch of them for more dimensions) from any X of its shape.

    X (n × k, n ≥ k; a wide one is transposed) gives a skew-symmetric A from its lower triangle, zero-padded
    to n × n, and Q = the first k columns of exp(A) (matrix_exp) or of (I - A/2)⁻¹(I + A/2) (cayley); or
    Q = H₁⋯H_k with reflections Hᵢ = I - τᵢ vᵢvᵢᵀ made from X's columns below the diagonal (householder).
    With use_trivialization, Q is then multiplied by a fixed orthogonal `base` set by right_inverse, so
    that X = -I (what right_inverse gives) means Q = base, and training moves away from there.
    """

    def __init__(self, weight, orthogonal_map, *, use_trivialization=True):
        super().__init__()
        self.shape, self.orthogonal_map = weight.shape, orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, x):
        n, k = x.shape[-2:]
        transposed = n < k
        if transposed:
            x, (n, k) = x.mT, (k, n)
        if self.orthogonal_map == "householder":
            below = x * _constant(x, lambda xp: xp.tril(xp.ones((n, k)), -1))
            tau = 2.0 / (1.0 + (below * below).sum(dim=-2))
            signs = _constant(x, lambda xp: xp.trunc(xp.diagonal(x.array, axis1=-2, axis2=-1))[..., None, :])
            q = _householder_product(below, tau) * signs
        else:
            lower = x * _constant(x, lambda xp: xp.tril(xp.ones((n, k))))
            if n != k:
                lower = cat([lower, _constant(x, lambda xp: xp.zeros((*x.shape[:-2], n, n - k)))], dim=-1)
            a = lower - lower.mT
            if self.orthogonal_map == "matrix_exp":
                q = _matrix_exp(a)
            else:
                eye = creation.eye(n, dtype=x.dtype, device=x.device)
                q = _solve(eye - a * 0.5, eye + a * 0.5)
            q = q[..., :k]
        if "base" in self._buffers:
            q = matmul(self.base, q)
        return q.mT if transposed else q

    @no_grad()
    def right_inverse(self, q):
        if q.shape != self.shape:
            raise ValueError(f"orthogonal: expected a tensor of shape {self.shape}, got {q.shape}")
        xp = backend.xp_of(q.array)
        array = q.array
        n, k = array.shape[-2:]
        transposed = n < k
        if transposed:
            array, (n, k) = xp.swapaxes(array, -1, -2), (k, n)
        if "base" not in self._buffers:
            if self.orthogonal_map != "householder":
                raise NotImplementedError(f"orthogonal: with use_trivialization=False the {self.orthogonal_map} map "
                                          "cannot be assigned to; use householder, or use_trivialization=True")
            reflections = _householder_reflections(xp, array)
            return Tensor(xp.swapaxes(reflections, -1, -2) if transposed else reflections)
        if n != k:
            filler = backend.default_generator(q.device).normal((*array.shape[:-2], n, n - k), array.dtype)
            array = xp.concatenate([array, filler], axis=-1)
        if n != k or not _is_orthogonal(xp, array):
            array = _orthogonalized(xp, array)
        self.base = Tensor(array.copy())
        return Tensor(-xp.broadcast_to(xp.eye(*q.shape[-2:], dtype=q.dtype), q.shape).copy())  # -I


def orthogonal(module, name="weight", orthogonal_map=None, *, use_trivialization=True):
    """Parametrize module.<name> (a matrix, or a batch of them) as an orthogonal matrix: its rows or columns,
    whichever are fewer, orthonormal. orthogonal_map is "matrix_exp" (the default for square matrices),
    "cayley" or "householder" (the default otherwise). The weight starts as the orthogonal matrix nearest
    the one it was (the Q of its QR decomposition). Returns module."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"orthogonal: {type(module).__name__} has no parameter or buffer named '{name}'")
    if weight.ndim < 2:
        raise ValueError(f"orthogonal: expected a matrix or a batch of matrices, got a tensor of {weight.ndim} "
                         "dimensions")
    if orthogonal_map is None:
        orthogonal_map = "matrix_exp" if weight.shape[-2] == weight.shape[-1] else "householder"
    if orthogonal_map not in _MAPS:
        raise ValueError(f"orthogonal: orthogonal_map must be one of {', '.join(_MAPS)}, got {orthogonal_map!r}")
    parametrization = _Orthogonal(weight, orthogonal_map, use_trivialization=use_trivialization)
    return parametrize.register_parametrization(module, name, parametrization, unsafe=True)


def _constant(x, make):
    """A tensor outside the graph, of x's dtype and device, from make(xp) (a mask, zeros)."""
    xp = backend.xp_of(x.array)
    return Tensor(xp.asarray(make(xp), dtype=x.dtype))


def _matrix_exp(a):
    """exp(A) = Σ Aʲ/j! of square matrices, by scaling and squaring: exp(A) = exp(A/2ˢ)^(2ˢ), the series of
    A/2ˢ (norm at most 1/2) summed to 18 terms, past float64's precision. Composed, so autograd differentiates."""
    norm = float(backend.xp_of(a.array).abs(a.array).sum(axis=-2).max()) if a.numel() else 0.0
    squarings = max(0, math.ceil(math.log2(norm / 0.5))) if norm > 0.5 else 0
    a = a / 2 ** squarings
    term = result = creation.eye(a.shape[-1], dtype=a.dtype, device=a.device)
    for j in range(1, 19):
        term = matmul(term, a) / j
        result = result + term
    for _ in range(squarings):
        result = matmul(result, result)
    return result


def _householder_product(below, tau):
    """The first k columns of H₁⋯H_k, Hᵢ = I - τᵢ vᵢvᵢᵀ with vᵢ column i of `below` (n × k, zero on and
    above the diagonal) plus a 1 on the diagonal."""
    n, k = below.shape[-2:]
    v = below + creation.eye(n, k, dtype=below.dtype, device=below.device)
    q = creation.eye(n, dtype=below.dtype, device=below.device)
    for i in range(k):
        column = v[..., :, i:i + 1]
        q = q - matmul(matmul(q, column) * tau[..., i:i + 1, None], column.mT)
    return q[..., :k]


def _solve(m, b):
    """X with M X = B, by Gauss-Jordan elimination without pivoting: safe here, where M = I - A/2 with A skew-
    symmetric has a positive definite symmetric part (so every pivot is non-zero)."""
    n = m.shape[-1]
    m_rows, b_rows = [m[..., i, :] for i in range(n)], [b[..., i, :] for i in range(n)]
    for i in range(n):
        pivot = m_rows[i][..., i:i + 1]
        m_rows[i], b_rows[i] = m_rows[i] / pivot, b_rows[i] / pivot
        for j in range(n):
            if j != i:
                factor = m_rows[j][..., i:i + 1]
                m_rows[j], b_rows[j] = m_rows[j] - factor * m_rows[i], b_rows[j] - factor * b_rows[i]
    return stack(b_rows, dim=-2)


def _is_orthogonal(xp, q):
    """QᵀQ = I to within 10·n float eps."""
    n, k = q.shape[-2:]
    gram = xp.swapaxes(q, -1, -2) @ q
    return bool(xp.allclose(gram, xp.eye(k), atol=10.0 * n * xp.finfo(q.dtype).eps, rtol=1e-5))


def _orthogonalized(xp, a):
    """The Q of a = QR whose R has a non-negative diagonal (tall a, or a batch of them)."""
    q, r = xp.linalg.qr(a)
    return q * xp.sign(xp.diagonal(r, axis1=-2, axis2=-1))[..., None, :]


def _householder_reflections(xp, q):
    """LAPACK's Householder form of q's QR decomposition (the reflections below the diagonal), with the
    signs of R's diagonal on it, each matrix of a batch in turn: what the householder map gives back q from."""
    flat = q.reshape(-1, *q.shape[-2:])
    out = xp.empty_like(flat)
    for i, matrix in enumerate(flat):
        raw, tau = xp.linalg.qr(matrix, mode="raw")
        reflections = raw.T.copy()
        signs = xp.sign(xp.diagonal(reflections))
        xp.fill_diagonal(reflections, xp.where(tau == 0.0, -signs, signs))
        out[i] = reflections
    return out.reshape(q.shape)
