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
gradient is again one product over all the steps at the end.

Sequences are laid out *packed*, time-major: the rows x[0:b₀] are step 0 of every sequence, the
next b₁ rows step 1 of the sequences still running, and so on, with batch_sizes b₀ ≥ b₁ ≥ ...
(sequences sorted longest first). The running sequences are then always the first rows of the
state, so a step works on state[:bₜ] and the finished sequences' states stay as they were: padding
never enters the computation. A padded batch (T, B, features) is the case bₜ = B for every t.
"""

from ..autograd import Function


def step_slices(batch_sizes, reverse=False):
    """(first row, number of rows) of each step in the packed layout, in the order they run."""
    steps, start = [], 0
    for size in batch_sizes:
        steps.append((start, size))
        start += size
    return steps[::-1] if reverse else steps


class Recurrence(Function):
    """One recurrent layer over a packed sequence: x (N, input), initial states (B, hidden) each,
    W_ih (gates·hidden, input), W_hh (gates·hidden, hidden) and optionally b_ih, b_hh (gates·hidden,).
    Returns the output h of every step (N, hidden) and the final states (B, hidden) each.

    The gates' arithmetic works gate-major, (gates, rows, hidden), so that each gate of a step is one
    contiguous block (NumPy is about three times faster on those than on strided ones); forward's
    products give that layout directly, backward's weight products use row-major (N, gates·hidden). The subclasses give the
    cell: `cell` computes one step's activations and new states, `cell_backward` its gradients.
    `steps` lists (first row, rows) per step in the order they run.
    """

    n_gates = 1   # blocks of size hidden stacked in the weights, in PyTorch's order
    n_states = 1  # h; the LSTM also carries c

    def forward(ctx, x, *arrays, steps):
        xp = ctx.xp
        states = [s.copy() for s in arrays[:ctx.n_states]]
        w_ih, w_hh, *biases = arrays[ctx.n_states:]
        k, hidden, n, batch = ctx.n_gates, w_hh.shape[1], x.shape[0], states[0].shape[0]
        ctx.has_bias, ctx.steps = bool(biases), steps
        xw = xp.matmul(x, _by_gate(xp, w_ih, k))  # the input projection of every step at once (gates, N, hidden)
        if biases:
            xw += ctx.gate_bias(*biases).reshape(k, 1, hidden)
        gates = xp.empty((k, n, hidden), x.dtype)  # the activations, gate-major, kept for backward
        out = xp.empty((n, hidden), x.dtype)
        h_prev = xp.empty((n, hidden), x.dtype)    # the h each step started from, for dL/dW_hh
        w_hh_by_gate = _by_gate(xp, w_hh, k)
        hw = xp.empty((k, batch, hidden), x.dtype)
        ctx.prepare(xp, n, batch, hidden, x.dtype, biases)
        for start, size in steps:
            rows = slice(start, start + size)
            h = states[0][:size]
            h_prev[rows] = h
            xp.matmul(h, w_hh_by_gate, out=hw[:, :size])  # every gate's hidden path in one (batched) product
            ctx.cell(rows, gates[:, rows], xw[:, rows], hw[:, :size], [s[:size] for s in states], out[rows])
            h[...] = out[rows]
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
        if ctx.has_bias:
            grad_b_ih = d_gates.sum(axis=0) if needs[3 + n_states] else None
            if d_hidden is d_gates and grad_b_ih is not None:
                grad_b_hh = grad_b_ih  # both biases add to the same pre-activations
            else:
                grad_b_hh = d_hidden.sum(axis=0) if needs[4 + n_states] else None
            grads += [grad_b_ih, grad_b_hh]
        return tuple(grads)

    # What a cell adds to the scaffolding above (the defaults suit RNN and LSTM).

    def gate_bias(ctx, b_ih, b_hh):
        """The bias added to the input projection before the loop."""
        return b_ih + b_hh

    def prepare(ctx, xp, n, batch, hidden, dtype, biases):
        """Allocate what the cell keeps for backward (once, before the loop)."""

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
        dz = d[0]
        if ctx.nonlinearity == "tanh":
            ctx.xp.multiply(out, out, out=dz)
            ctx.xp.subtract(1.0, dz, out=dz)
            dz *= dh
        else:
            ctx.xp.multiply(dh, out > 0, out=dz)


class LSTMRecurrence(Recurrence):
    """Long short-term memory: a cell state c that is written through gates.

        i = σ(x W_iiᵀ + h W_hiᵀ + b_i)    input gate: how much of the candidate to write
        f = σ(x W_ifᵀ + h W_hfᵀ + b_f)    forget gate: how much of the old cell state to keep
        g = tanh(x W_igᵀ + h W_hgᵀ + b_g) the candidate values
        o = σ(x W_ioᵀ + h W_hoᵀ + b_o)    output gate: how much of the cell to show as h
        c' = f ⊙ c + i ⊙ g,  h' = o ⊙ tanh(c')

    The weights stack the gates in PyTorch's order (i, f, g, o). Backward along the cell state is
    dL/dc = dL/dc' ⊙ f: no matrix, no squashing, so with f near 1 the gradient reaches far back.
    """

    n_gates, n_states = 4, 2

    def prepare(ctx, xp, n, batch, hidden, dtype, biases):
        # σ(z) = (1 + tanh(z/2)) / 2, so one tanh over all four gates gives σ for i, f, o and tanh
        # for g: a = tanh(z·scale)·scale + shift, with scale ½ (σ) or 1 (g) and shift ½ or 0.
        ctx.scale = xp.asarray([0.5, 0.5, 1.0, 0.5], dtype).reshape(4, 1, 1)
        ctx.shift = xp.asarray([0.5, 0.5, 0.0, 0.5], dtype).reshape(4, 1, 1)
        ctx.c_prev = xp.empty((n, hidden), dtype)
        ctx.tanh_c = xp.empty((n, hidden), dtype)
        ctx.buffer = xp.empty((batch, hidden), dtype)
        ctx.slope = xp.empty((4, batch, hidden), dtype)

    def cell(ctx, rows, z, xw, hw, states, out):
        xp = ctx.xp
        xp.add(xw, hw, out=z)
        z *= ctx.scale
        xp.tanh(z, out=z)
        z *= ctx.scale
        z += ctx.shift
        i, f, g, o = z
        c = states[1]
        ctx.c_prev[rows] = c
        c *= f
        c += xp.multiply(i, g, out=ctx.buffer[:len(c)])
        tanh_c = ctx.tanh_c[rows]
        xp.tanh(c, out=tanh_c)
        xp.multiply(o, tanh_c, out=out)

    def cell_backward(ctx, rows, dh, d_states, gates, h_prev, out, d):
        xp = ctx.xp
        dc, = d_states
        i, f, g, o = gates
        di, df, dg, do = d
        tanh_c = ctx.tanh_c[rows]
        xp.multiply(dh, tanh_c, out=do)                    # h' = o tanh(c')
        through_tanh = xp.multiply(tanh_c, tanh_c, out=di)  # (di is free until below)
        xp.subtract(1.0, through_tanh, out=through_tanh)
        through_tanh *= o
        through_tanh *= dh
        dc += through_tanh                                 # dL/dc' from h' and from the next step
        xp.multiply(dc, g, out=di)                         # c' = f c + i g
        xp.multiply(dc, ctx.c_prev[rows], out=df)
        xp.multiply(dc, i, out=dg)
        dc *= f                                            # dL/dc, carried to the previous step
        # Through the nonlinearities: σ' = σ(1 - σ) for i, f, o and tanh' = 1 - g² for g.
        slope = xp.subtract(1.0, gates, out=ctx.slope[:, :len(dc)])
        slope *= gates
        xp.multiply(g, g, out=slope[2])
        xp.subtract(1.0, slope[2], out=slope[2])
        d *= slope


class GRURecurrence(Recurrence):
    """The gated recurrent unit: an LSTM-like memory with two gates and no separate cell state.

        r = σ(x W_irᵀ + b_ir + h W_hrᵀ + b_hr)           reset gate
        z = σ(x W_izᵀ + b_iz + h W_hzᵀ + b_hz)           update gate
        n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn))  candidate
        h' = (1 - z) ⊙ n + z ⊙ h

    Gates in PyTorch's order (r, z, n). As r multiplies the hidden path of n, that path's
    pre-activation (h W_hnᵀ + b_hn) is kept for backward, and the hidden path's gradient differs
    from the input path's in the n block.
    """

    n_gates = 3

    def gate_bias(ctx, b_ih, b_hh):
        hidden = len(b_hh) // 3
        bias = b_ih.copy()
        bias[:2 * hidden] += b_hh[:2 * hidden]  # b_hn stays inside r ⊙ (...)
        return bias

    def prepare(ctx, xp, n, batch, hidden, dtype, biases):
        ctx.hidden_n = xp.empty((n, hidden), dtype)
        ctx.b_hn = biases[1][2 * hidden:] if biases else None
        ctx.d_hidden_n = xp.empty((batch, hidden), dtype)

    def cell(ctx, rows, gates, xw, hw, states, out):
        xp = ctx.xp
        rz, n = gates[:2], gates[2]
        xp.add(xw[:2], hw[:2], out=rz)
        _sigmoid_(xp, rz)
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
        xp = ctx.xp
        r, z, n = gates
        dr, dz, dn = d
        d_hidden_n = ctx.d_hidden_n[:len(dh)]
        xp.subtract(h_prev, n, out=dz)
        dz *= dh                                   # dL/dz = dL/dh' (h - n)
        dz *= z
        xp.subtract(1.0, z, out=dr)                # (dr is free until below)
        dz *= dr                                   # σ' = z (1 - z)
        xp.multiply(dh, dr, out=dn)                # dL/dn = dL/dh' (1 - z)
        xp.multiply(n, n, out=d_hidden_n)          # (free until below)
        xp.subtract(1.0, d_hidden_n, out=d_hidden_n)
        dn *= d_hidden_n                           # tanh' = 1 - n²
        xp.multiply(dn, r, out=d_hidden_n)         # dL/d(h W_hnᵀ + b_hn)
        xp.multiply(dn, ctx.hidden_n[rows], out=dr)
        dr *= r
        dr *= 1.0 - r                              # σ' = r (1 - r)
        return dh * z                              # h' depends on h directly too

    def hidden_rows(ctx, rows, d_gates, d_hidden):
        hidden = ctx.hidden_n.shape[1]
        d_rows = d_hidden[rows]
        d_rows[:, :2 * hidden] = d_gates[rows, :2 * hidden]
        d_rows[:, 2 * hidden:] = ctx.d_hidden_n[:len(d_rows)]
        return d_rows


def _sigmoid_(xp, z):
    """σ(z) in place, as (1 + tanh(z/2)) / 2 (which never overflows)."""
    z *= 0.5
    xp.tanh(z, out=z)
    z *= 0.5
    z += 0.5


RECURRENCES = {"RNN_TANH": RNNRecurrence, "RNN_RELU": RNNRecurrence, "LSTM": LSTMRecurrence, "GRU": GRURecurrence}


def recurrence(mode, x, states, weights, steps):
    """One layer in one direction: x (N, input) packed, states [h0] or [h0, c0] (B, hidden), weights
    [W_ih, W_hh] or [W_ih, W_hh, b_ih, b_hh]; steps from step_slices. Returns (out, *final states)."""
    op = RECURRENCES[mode]
    if op is RNNRecurrence:
        return op.apply(x, *states, *weights, steps=steps, nonlinearity=mode[4:].lower())
    return op.apply(x, *states, *weights, steps=steps)
