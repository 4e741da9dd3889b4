import math

import numpy as np
import pytest

import ember
from ember import nn
from helpers import DEVICES, Constant, check_eval, check_layer, rand, raises, to_numpy

D, H, FF = 8, 2, 16


def encoder_layer(lib, **kwargs):
    return lib.nn.TransformerEncoderLayer(D, H, dim_feedforward=FF, dropout=0.0, **kwargs)


def decoder_layer(lib, **kwargs):
    return lib.nn.TransformerDecoderLayer(D, H, dim_feedforward=FF, dropout=0.0, **kwargs)


def causal(n):
    return np.triu(np.ones((n, n), dtype=bool), 1)  # True: may NOT attend


def causal_float(n):
    return np.triu(np.full((n, n), -np.inf), 1)  # nn.Transformer.generate_square_subsequent_mask(n)


padding = np.array([[False] * 5 + [True] * 2, [False] * 7])  # (N=2, S=7)
src, tgt = rand(7, 2, D), rand(5, 2, D, seed=1)

CASES = {
    "encoder layer": (lambda lib: encoder_layer(lib), [src]),
    "encoder layer norm_first gelu": (lambda lib: encoder_layer(lib, norm_first=True, activation="gelu"), [src]),
    "encoder layer batch_first no bias": (lambda lib: encoder_layer(lib, batch_first=True, bias=False),
                                          [rand(2, 7, D)]),
    "encoder layer GELU module": (lambda lib: encoder_layer(lib, activation=lib.nn.GELU()), [src]),
    "encoder layer masks": (lambda lib: encoder_layer(lib), [src, causal(7), padding]),
    "encoder layer float mask": (lambda lib: encoder_layer(lib), [src, causal_float(7)]),
    "encoder layer unbatched": (lambda lib: encoder_layer(lib, norm_first=True), [src[:, 0]]),
    "decoder layer": (lambda lib: decoder_layer(lib), [tgt, src]),
    "decoder layer norm_first gelu": (lambda lib: decoder_layer(lib, norm_first=True, activation="gelu"), [tgt, src]),
    "decoder layer masks": (lambda lib: decoder_layer(lib, batch_first=True),
                            [tgt.transpose(1, 0, 2), src.transpose(1, 0, 2), causal(5), None, None, padding]),
    "encoder": (lambda lib: lib.nn.TransformerEncoder(encoder_layer(lib), 2, enable_nested_tensor=False),
                [src, causal(7), padding]),
    "encoder pre-norm with final norm": (lambda lib: lib.nn.TransformerEncoder(
        encoder_layer(lib, norm_first=True), 2, norm=lib.nn.LayerNorm(D), enable_nested_tensor=False), [src]),
    "decoder": (lambda lib: lib.nn.TransformerDecoder(decoder_layer(lib), 2, norm=lib.nn.LayerNorm(D)),
                [tgt, src, causal(5), None, None, padding]),
    "transformer": (lambda lib: lib.nn.Transformer(D, H, 2, 1, FF, dropout=0.0), [src, tgt]),
    "transformer masks norm_first": (lambda lib: lib.nn.Transformer(D, H, 1, 2, FF, dropout=0.0, norm_first=True),
                                     [src, tgt, None, Constant(causal_float(5)), None, padding]),
    "transformer batch_first gelu": (lambda lib: lib.nn.Transformer(D, H, 1, 1, FF, dropout=0.0, batch_first=True,
                                                                    activation="gelu"),
                                     [src.transpose(1, 0, 2), tgt.transpose(1, 0, 2)]),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", CASES)
def test_transformer_layers_match_pytorch(device, dtype, name):
    make, inputs = CASES[name]
    ours, theirs = check_layer(make, *inputs, device=device, dtype=dtype)
    assert list(ours.state_dict()) == list(theirs.state_dict())


@pytest.mark.parametrize("make", [
    lambda lib: lib.nn.TransformerEncoder(encoder_layer(lib, batch_first=True), 2),
    lambda lib: lib.nn.TransformerEncoder(encoder_layer(lib, batch_first=True, activation="gelu"), 2),
    lambda lib: lib.nn.TransformerEncoderLayer(D, H, dim_feedforward=FF, dropout=0.3, batch_first=True),
], ids=["relu", "gelu", "layer with dropout"])
def test_eval_mode_matches_pytorchs_fast_path(make):
    """In eval mode without gradients PyTorch takes its fused fast path: the numbers must still agree
    (dropout is off in eval mode, whatever p is)."""
    check_eval(make, rand(2, 7, D))


def test_stack_layers_are_independent_copies():
    layer = nn.TransformerEncoderLayer(D, H, dim_feedforward=FF)
    stack = nn.TransformerEncoder(layer, 3)
    assert len(stack.layers) == 3 and stack.num_layers == 3
    assert stack.layers[0].linear1.weight is not stack.layers[1].linear1.weight
    assert stack.layers[0].linear1.weight is not layer.linear1.weight
    assert len(list(stack.parameters())) == 3 * len(list(layer.parameters()))


def test_encoder_dropout_acts_in_training_only():
    layer = nn.TransformerEncoderLayer(D, H, dim_feedforward=FF, dropout=0.5)
    x = ember.tensor(rand(7, 2, D))
    ember.manual_seed(0)
    assert not np.allclose(to_numpy(layer(x).detach()), to_numpy(layer(x).detach()))
    layer.eval()
    np.testing.assert_array_equal(to_numpy(layer(x)), to_numpy(layer(x)))


def test_transformer_errors():
    with raises(ValueError, "activation should be relu/gelu, not tanh"):
        nn.TransformerEncoderLayer(D, H, activation="tanh")
    layer = nn.TransformerEncoderLayer(D, H, dim_feedforward=FF)
    with raises(RuntimeError, "give attn_mask too"):
        layer(ember.ones(3, 2, D), is_causal=True)
    with raises(ValueError, "MultiheadAttention 'self_attn': expected query (..., 8), got (3, 2, 4)"):
        layer(ember.ones(3, 2, 4))


# -------------------------------------------------------------------------------------------------
# Positional embeddings.

@pytest.mark.parametrize("device", DEVICES)
def test_sinusoidal_encoding_follows_the_formula(device):
    layer = nn.SinusoidalPositionalEncoding(6, max_len=10).to(device)
    out = to_numpy(layer(ember.zeros(2, 4, 6, device=device)))
    for pos in range(4):
        for i in range(3):
            angle = pos / 10000 ** (2 * i / 6)
            assert np.allclose(out[:, pos, 2 * i], math.sin(angle), atol=1e-6)
            assert np.allclose(out[:, pos, 2 * i + 1], math.cos(angle), atol=1e-6)
    np.testing.assert_allclose(to_numpy(layer(ember.zeros(1, 2, 6, device=device), start=2))[0], out[0, 2:4],
                               atol=1e-6)
    assert layer.state_dict() == {} and layer.pe.shape == (10, 6)


@pytest.mark.parametrize("device", DEVICES)
def test_learned_positional_embedding_adds_and_learns_its_rows(device):
    layer = nn.LearnedPositionalEmbedding(10, 4).to(device)
    x = ember.tensor(rand(2, 3, 4), device=device, requires_grad=True)
    out = layer(x, start=5)
    np.testing.assert_allclose(to_numpy(out.detach()), rand(2, 3, 4) + to_numpy(layer.weight.detach())[5:8],
                               rtol=1e-6)
    out.sum().backward()
    grad = to_numpy(layer.weight.grad)
    assert (grad[5:8] == 2).all() and not grad[:5].any() and not grad[8:].any()
    assert repr(layer) == "LearnedPositionalEmbedding(10, 4)"


def test_positional_errors():
    layer = nn.LearnedPositionalEmbedding(4, 3)
    with raises(ValueError, "LearnedPositionalEmbedding: positions 2 to 4 do not fit in max_len=4"):
        layer(ember.ones(1, 3, 3), start=2)
    with raises(ValueError, "expected input (..., length, 3), got (2, 5)"):
        layer(ember.ones(2, 5))
    with raises(ValueError, "d_model must be even, got 5"):
        nn.SinusoidalPositionalEncoding(5)


@pytest.mark.parametrize("device", DEVICES)
def test_generate_square_subsequent_mask_matches_pytorch(device):
    import torch
    ours = nn.Transformer.generate_square_subsequent_mask(4, device=device)
    theirs = torch.nn.Transformer.generate_square_subsequent_mask(4)
    assert ours.dtype == ember.float32 and ours.device == ember.device(device)
    np.testing.assert_array_equal(to_numpy(ours), theirs.numpy())
    assert nn.Transformer.generate_square_subsequent_mask(3, dtype=ember.float64).dtype == ember.float64


def test_transformer_starts_xavier_uniform_and_checks_its_inputs():
    model = nn.Transformer(D, H, 1, 1, FF)
    weight = model.encoder.layers[0].linear1.weight
    bound = math.sqrt(6 / (D + FF))
    assert abs(weight).max().item() <= bound and abs(weight).max().item() > 0.8 * bound
    with raises(RuntimeError, "the batch number of src and tgt must be equal"):
        model(ember.randn(7, 2, D), ember.randn(5, 3, D))
    with raises(RuntimeError, "the feature number of src and tgt must be equal to d_model (8)"):
        model(ember.randn(7, 2, D), ember.randn(5, 2, 4))


def test_lstm_flatten_parameters_is_accepted():
    lstm = nn.LSTM(3, 4)
    assert lstm.flatten_parameters() is None
