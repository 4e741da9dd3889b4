"""Recurrent networks: one layer, in one direction, over a whole batch of sequences as one op.

A recurrent network reads a sequence one step at a time and carries a hidden state h from each
step to the next, its memory of what it has read. Backpropagation through time sends the gradient
back along that chain, through one Jacobian per step; in a plain RNN their product shrinks (or
grows) geometrically with the distance, so what happened 100 steps ago barely affects learning:
the vanishing gradient. The LSTM adds a cell state c that each step only scales by its forget gate
and adds to, so the gradient along c survives as long as the forget gate stays open.

Speed: the time loop runs here, on raw arrays, not on Tensors. The input projection of every step
is one matrix product before the loop; each step adds one product of h with W_hh for all the gates
together; backward walks back through time with the gates' derivatives fused, and each weight's
gradient is again one product over all the steps at the end. The steps' products are small and come one
after another: while other processes want the cores, they run on one BLAS thread (settings.small_products).

Sequences are laid out *packed*, time-major: the rows x[0:b₀] are step 0 of every sequence, the
next b₁ rows step 1 of the sequences still running, and so on, with batch_sizes b₀ ≥ b₁ ≥ ...
(sequences sorted longest first). The running sequences are then always the first rows of the
state, so a step works on state[:bₜ] and the finished sequences' states stay as they were: padding
never enters the computation. A padded batch (T, B, features) is the case bₜ = B for every t.
"""

from .. import settings
from ..autograd import Function
from .activation import sigmoid, tanh
from .linalg import linear
from .shape import chunk


def step_slices(batch_sizes, reverse=False):
    """(first row, number of rows) of each step in the packed layout, in the order they run."""
    steps, start = [], 0
    for size in batch_sizes:
        steps.append((start, size))
        start += size
    return steps[::-1] if reverse else steps


class Recurrence(Function):
    """One recurrent layer over a packed sequence: x (N, input), initial states (B, hidden) each,
    W_ih (gates·hidden, input), W_hh (gates·hidden, hidden), and b_ih, b_hh (gates·hidden,), both or
    neither None. Returns the output h of every step (N, hidden) and the final states (B, hidden) each.

    The gates' arithmetic works gate-major, (gates, rows, hidden), so that each gate of a step is one
    contiguous block (NumPy is about three times faster on those than on strided ones); forward's
    products give that layout directly, backward's weight products use row-major (N, gates·hidden).
    The subclasses give the cell: `cell` computes one step's activations and new states, `cell_backward` its gradients.
    `steps` lists (first row, rows) per step in the order they run; `cell`'s rows index what it keeps
    for backward (every step's rows in training, the first rows of one step's worth in inference).
    """

    n_gates = 1   # blocks of size hidden stacked in the weights, in PyTorch's order
    n_states = 1  # h; the LSTM also carries c

    def forward(ctx, x, *arrays, steps):
        xp = ctx.xp
        states = [s.copy() for s in arrays[:ctx.n_states]]
        w_ih, w_hh, b_ih, b_hh = arrays[ctx.n_states:]
        k, hidden, n, batch = ctx.n_gates, w_hh.shape[1], x.shape[0], states[0].shape[0]
        ctx.steps = steps
        xw = xp.matmul(x, ctx.by_gate(w_ih))  # the input projection of every step at once (gates, N, hidden)
        if b_ih is not None:
            xw += ctx.by_gate(ctx.gate_bias(b_ih, b_hh).reshape(-1, 1))  # (gates, 1, hidden)
        # Training keeps every step's activations for backward; inference reuses one step's rows.
        training = True in ctx.needs_input_grad
        kept = n if training else batch
        gates = xp.empty((k, kept, hidden), x.dtype)  # the activations, gate-major
        out = xp.empty((n, hidden), x.dtype)
        h_prev = xp.empty((n, hidden), x.dtype) if training else None  # the h each step started from, for dL/dW_hh
        w_hh_by_gate = ctx.by_gate(w_hh)
        hw = xp.empty((k, batch, hidden), x.dtype)
        ctx.prepare(xp, kept, batch, hidden, x.dtype, b_hh)
        with settings.small_products():
            for start, size in steps:
                rows = slice(start, start + size)
                kept_rows = rows if training else slice(0, size)
                h = states[0][:size]
                if training:
                    h_prev[rows] = h
                xp.matmul(h, w_hh_by_gate, out=hw[:, :size])  # every gate's hidden path in one (batched) product
                ctx.cell(kept_rows, gates[:, kept_rows], xw[:, rows], hw[:, :size], [s[:size] for s in states],
                         out[rows])
                h[...] = out[rows]
        if training:
            ctx.save_for_backward(x, w_ih, w_hh, gates, h_prev, out)
        return (out, *states)

    def backward(ctx, grad_out, *grad_states):
        xp = ctx.xp
        x, w_ih, w_hh, gates, h_prev, out = ctx.saved
        k, n, hidden = gates.shape
        grad_out = xp.ascontiguousarray(grad_out)
        d_states = [g.copy() for g in grad_states]  # gradient w.r.t. the running state
        batch = d_states[0].shape[0]
        d_step = xp.empty((k, batch, hidden), x.dtype)  # one step's dL/d(pre-activations), gate-major
        d_gates = xp.empty((n, k * hidden), x.dtype)   # all steps', row-major, for the weight products
        d_hidden = ctx.hidden_gate_grads(d_gates)      # the same for the hidden path (GRU: differs)
        dh = xp.empty((batch, hidden), x.dtype)
        with settings.small_products():
            for start, size in reversed(ctx.steps):
                rows = slice(start, start + size)
                xp.add(d_states[0][:size], grad_out[rows], out=dh[:size])  # from the next step and the output
                d = d_step[:, :size]
                carried = ctx.cell_backward(rows, dh[:size], [s[:size] for s in d_states[1:]], gates[:, rows],
                                            h_prev[rows], out[rows], d)
                _gate_major(d_gates[rows], k)[...] = d
                d_rows = ctx.hidden_rows(rows, d_gates, d_hidden)
                xp.matmul(d_rows, w_hh, out=d_states[0][:size])  # back to the previous step's h
                if carried is not None:
                    d_states[0][:size] += carried
        needs, n_states = ctx.needs_input_grad, ctx.n_states
        grads = [d_gates @ w_ih if needs[0] else None]
        grads += [d if need else None for d, need in zip(d_states, needs[1:1 + n_states])]
        grads.append(d_gates.T @ x if needs[1 + n_states] else None)
        grads.append(d_hidden.T @ h_prev if needs[2 + n_states] else None)
        grad_b_ih = d_gates.sum(axis=0) if needs[3 + n_states] else None
        if d_hidden is d_gates and grad_b_ih is not None:
            grad_b_hh = grad_b_ih  # both biases add to the same pre-activations
        else:
            grad_b_hh = d_hidden.sum(axis=0) if needs[4 + n_states] else None
        return (*grads, grad_b_ih, grad_b_hh)

    # What a cell adds to the scaffolding above (each default suits the RNN; the LSTM and GRU override what differs).

    def by_gate(ctx, weight):
        """A weight (gates·hidden, inputs) as forward multiplies by it: (gates, inputs, hidden), see _by_gate."""
        return _by_gate(ctx.xp, weight, ctx.n_gates)

    def gate_bias(ctx, b_ih, b_hh):
        """The bias added to the input projection before the loop."""
        return b_ih + b_hh

    def prepare(ctx, xp, n, batch, hidden, dtype, b_hh):
        """Allocate what the cell keeps for backward, n rows (once, before the loop)."""

    def hidden_gate_grads(ctx, d_gates):
        """The array for the gradient of the hidden path's pre-activations: the same as the input
        path's unless, as in the GRU, the two paths differ."""
        return d_gates

    def hidden_rows(ctx, rows, d_gates, d_hidden):
        """One step's rows of d_hidden, filled in from d_gates where the paths differ."""
        return d_hidden[rows]


def _gate_major(rows, k):
    """A view of (rows, k·hidden) as (k, rows, hidden): gate j is [j] (no copy)."""
    return rows.reshape(rows.shape[0], k, -1).transpose(1, 0, 2)


def _by_gate(xp, weight, k):
    """weight (k·hidden, inputs) as (k, inputs, hidden), each gate's block transposed: x @ it is the
    gate-major (k, rows, hidden) product for all gates at once. A batch of k products of this shape
    runs 20% faster in OpenBLAS than the single (rows, k·hidden) product (LSTM, 32 × 256 per step),
    and its result needs no strided reshuffle before the gates' arithmetic."""
    return xp.ascontiguousarray(weight.reshape(k, -1, weight.shape[1]).transpose(0, 2, 1))


class RNNRecurrence(Recurrence):
    """The Elman RNN: h' = f(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh), f = tanh or relu.

    backward: dL/dz = dL/dh' · f'(z), with tanh' = 1 - h'² and relu' = [h' > 0]; dL/dh = dL/dz W_hh.
    The factor W_hh f'(z) is applied once per step going back: this is where gradients vanish.
    """

    def forward(ctx, x, *arrays, steps, nonlinearity):
        ctx.nonlinearity = nonlinearity
        return Recurrence.forward(ctx, x, *arrays, steps=steps)

    def cell(ctx, rows, z, xw, hw, states, out):
        ctx.xp.add(xw, hw, out=z)
        if ctx.nonlinearity == "tanh":
            ctx.xp.tanh(z[0], out=out)
        else:
            ctx.xp.maximum(z[0], 0.0, out=out)

    def cell_backward(ctx, rows, dh, d_states, gates, h_prev, out, d):
        d[0] = dh * (1 - out * out) if ctx.nonlinearity == "tanh" else dh * (out > 0)


class LSTMRecurrence(Recurrence):
    """Long short-term memory: a cell state c that is written through gates.

        i = σ(x W_iiᵀ + h W_hiᵀ + b_i)    input gate: how much of the candidate to write
        f = σ(x W_ifᵀ + h W_hfᵀ + b_f)    forget gate: how much of the old cell state to keep
        g = tanh(x W_igᵀ + h W_hgᵀ + b_g) the candidate values
        o = σ(x W_ioᵀ + h W_hoᵀ + b_o)    output gate: how much of the cell to show as h
        c' = f ⊙ c + i ⊙ g,  h' = o ⊙ tanh(c')

    The weights stack the gates in PyTorch's order (i, f, g, o). Backward along the cell state is
    dL/dc = dL/dc' ⊙ f: no matrix, no squashing, so with f near 1 the gradient reaches far back.

    σ(z) = (1 + tanh(z/2)) / 2, so one tanh over all four gates gives σ for i, f, o and tanh for g. For
    that the cell orders its gates (i, f, o, g), the three sigmoids one block, and multiplies their weights
    and biases by ½ (exactly: a power of two), so that their z/2 comes straight out of the products.
    """

    n_gates, n_states = 4, 2

    def by_gate(ctx, weight):
        weight = Recurrence.by_gate(ctx, weight)[[0, 1, 3, 2]]  # (i, f, g, o) -> (i, f, o, g)
        weight[:3] *= 0.5
        return weight

    def prepare(ctx, xp, n, batch, hidden, dtype, b_hh):
        ctx.c_prev = xp.empty((n, hidden), dtype)
        ctx.tanh_c = xp.empty((n, hidden), dtype)
        ctx.buffer = xp.empty((batch, hidden), dtype)

    def cell(ctx, rows, z, xw, hw, states, out):
        xp = ctx.xp
        xp.add(xw, hw, out=z)  # z/2 for i, f and o, z for g
        xp.tanh(z, out=z)
        _sigmoid_from_tanh_(z[:3])
        i, f, o, g = z
        c = states[1]
        ctx.c_prev[rows] = c
        c *= f
        c += xp.multiply(i, g, out=ctx.buffer[:len(c)])
        tanh_c = ctx.tanh_c[rows]
        xp.tanh(c, out=tanh_c)
        xp.multiply(o, tanh_c, out=out)

    def cell_backward(ctx, rows, dh, d_states, gates, h_prev, out, d):
        dc, = d_states
        i, f, o, g = gates  # the cell's order; d is in the weights' order (i, f, g, o)
        tanh_c = ctx.tanh_c[rows]
        # dL/dc' comes from h' = o tanh(c') and from the next step (dc); then c' = f c + i g, and
        # through the nonlinearities: σ' = σ(1 - σ) for i, f, o, tanh' = 1 - tanh² for g.
        dc += dh * o * (1 - tanh_c * tanh_c)
        d[0] = dc * g * i * (1 - i)
        d[1] = dc * ctx.c_prev[rows] * f * (1 - f)
        d[2] = dc * i * (1 - g * g)
        d[3] = dh * tanh_c * o * (1 - o)
        dc *= f  # dL/dc, carried to the previous step


class GRURecurrence(Recurrence):
    """The gated recurrent unit: an LSTM-like memory with two gates and no separate cell state.

        r = σ(x W_irᵀ + b_ir + h W_hrᵀ + b_hr)           reset gate
        z = σ(x W_izᵀ + b_iz + h W_hzᵀ + b_hz)           update gate
        n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn))  candidate
        h' = (1 - z) ⊙ n + z ⊙ h

    Gates in PyTorch's order (r, z, n). As r multiplies the hidden path of n, that path's
    pre-activation (h W_hnᵀ + b_hn) is kept for backward, and the hidden path's gradient differs
    from the input path's in the n block. As in the LSTM, r's and z's weights and biases are halved
    for σ(z) = (1 + tanh(z/2)) / 2.
    """

    n_gates = 3

    def by_gate(ctx, weight):
        weight = Recurrence.by_gate(ctx, weight)
        weight[:2] *= 0.5
        return weight

    def gate_bias(ctx, b_ih, b_hh):
        hidden = len(b_hh) // 3
        bias = b_ih.copy()
        bias[:2 * hidden] += b_hh[:2 * hidden]  # b_hn stays inside r ⊙ (...)
        return bias

    def prepare(ctx, xp, n, batch, hidden, dtype, b_hh):
        ctx.hidden_n = xp.empty((n, hidden), dtype)
        ctx.b_hn = None if b_hh is None else b_hh[2 * hidden:]
        ctx.d_hidden_n = xp.empty((batch, hidden), dtype)

    def cell(ctx, rows, gates, xw, hw, states, out):
        xp = ctx.xp
        rz, n = gates[:2], gates[2]
        xp.add(xw[:2], hw[:2], out=rz)  # z/2 for r and z
        xp.tanh(rz, out=rz)
        _sigmoid_from_tanh_(rz)
        r, z = rz
        hidden_n = ctx.hidden_n[rows]
        hidden_n[...] = hw[2]
        if ctx.b_hn is not None:
            hidden_n += ctx.b_hn
        xp.multiply(r, hidden_n, out=n)
        n += xw[2]
        xp.tanh(n, out=n)
        xp.subtract(states[0], n, out=out)  # h' = n + z (h - n)
        out *= z
        out += n

    def hidden_gate_grads(ctx, d_gates):
        return ctx.xp.empty_like(d_gates)

    def cell_backward(ctx, rows, dh, d_states, gates, h_prev, out, d):
        r, z, n = gates
        # h' = (1 - z) n + z h, then through the nonlinearities (σ' = σ(1 - σ), tanh' = 1 - tanh²);
        # the candidate's hidden path (h W_hnᵀ + b_hn) enters n multiplied by r.
        d[2] = dh * (1 - z) * (1 - n * n)
        d[1] = dh * (h_prev - n) * z * (1 - z)
        d[0] = d[2] * ctx.hidden_n[rows] * r * (1 - r)
        ctx.d_hidden_n[:len(dh)] = d[2] * r  # dL/d(h W_hnᵀ + b_hn)
        return dh * z  # h' depends on h directly too

    def hidden_rows(ctx, rows, d_gates, d_hidden):
        hidden = ctx.hidden_n.shape[1]
        d_rows = d_hidden[rows]
        d_rows[:, :2 * hidden] = d_gates[rows, :2 * hidden]
        d_rows[:, 2 * hidden:] = ctx.d_hidden_n[:len(d_rows)]
        return d_rows


def _sigmoid_from_tanh_(t):
    """σ(z) = (1 + tanh(z/2)) / 2 in place, from t = tanh(z/2) (a form that never overflows)."""
    t *= 0.5
    t += 0.5


RECURRENCES = {"RNN_TANH": RNNRecurrence, "RNN_RELU": RNNRecurrence, "LSTM": LSTMRecurrence, "GRU": GRURecurrence}


def recurrence(mode, x, states, weights, steps):
    """One layer in one direction: x (N, input) packed, states [h0] or [h0, c0] (B, hidden), weights
    [W_ih, W_hh, b_ih, b_hh] (the biases None without bias); steps from step_slices. Returns (out, *final states)."""
    op = RECURRENCES[mode]
    if op is RNNRecurrence:
        return op.apply(x, *states, *weights, steps=steps, nonlinearity=mode[4:].lower())
    return op.apply(x, *states, *weights, steps=steps)


# ---------------------------------------------------------------------------------------------
# The readable twin: the lesson's formula composed from primitives, whose gradients autograd derives.
# Tested equal to the fused op above, forward and backward; slower, and written to be read.

def rnn_cell_composed(x, h, w_ih, w_hh, b_ih=None, b_hh=None):
    """One tanh RNN step, h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh): RNNRecurrence's twin.
    x (B, input), h (B, hidden) -> h' (B, hidden)."""
    return tanh(linear(x, w_ih, b_ih) + linear(h, w_hh, b_hh))


def lstm_cell_composed(x, h, c, w_ih, w_hh, b_ih=None, b_hh=None):
    """One LSTM step from linear, sigmoid and tanh: LSTMRecurrence's twin.
    x (B, input), h and c (B, hidden) -> (h', c'); the weights stack the gates (i, f, g, o)."""
    i, f, g, o = chunk(linear(x, w_ih, b_ih) + linear(h, w_hh, b_hh), 4, dim=1)
    i, f, g, o = sigmoid(i), sigmoid(f), tanh(g), sigmoid(o)  # three gates in (0, 1), a candidate in (-1, 1)
    c = f * c + i * g                                        # forget some of the old memory, write some new
    return o * tanh(c), c


def gru_cell_composed(x, h, w_ih, w_hh, b_ih=None, b_hh=None):
    """One GRU step from linear, sigmoid and tanh: GRURecurrence's twin.
    x (B, input), h (B, hidden) -> h' (B, hidden); the weights stack the gates (r, z, n)."""
    r_x, z_x, n_x = chunk(linear(x, w_ih, b_ih), 3, dim=1)
    r_h, z_h, n_h = chunk(linear(h, w_hh, b_hh), 3, dim=1)
    r, z = sigmoid(r_x + r_h), sigmoid(z_x + z_h)  # reset and update gates
    n = tanh(n_x + r * n_h)                        # the candidate, from the part of h the reset gate lets through
    return (1 - z) * n + z * h
