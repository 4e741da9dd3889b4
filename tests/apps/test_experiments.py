import os

import numpy as np

import ember
from ember.apps.experiments import MODELS, Rememberer, gradient_by_step, remember_task, vanishing_gradients


def test_the_rnn_gradient_vanishes_much_faster_than_the_lstm_one():
    """Over 30 steps, the gradient reaching the first step of a tanh RNN has shrunk by orders of
    magnitude more than an LSTM's with its forget gate open: the lesson's claim, measured."""
    rng = np.random.default_rng(0)
    inputs, answers = remember_task(rng, 128, lag=30, symbols=4)
    decay = {}
    for kind, forget_bias in [("rnn", None), ("lstm", 3.0)]:
        ember.manual_seed(0)
        norms = gradient_by_step(Rememberer(kind, 4, 16, forget_bias), inputs, answers)
        decay[kind] = norms[0] / norms[-1]  # first step (the symbol) against the last
    assert decay["rnn"] < 1e-3
    assert decay["lstm"] > 0.1
    assert decay["lstm"] > 1e3 * decay["rnn"]


def test_the_task():
    inputs, answers = remember_task(np.random.default_rng(1), 5, lag=3, symbols=4)
    x = inputs.numpy()
    assert x.shape == (5, 4, 4) and answers.shape == (5,)
    assert (x[:, 0].argmax(axis=1) == answers.numpy()).all() and not x[:, 1:].any()


def test_vanishing_gradients_runs_and_writes_the_plot(tmp_path):
    results = vanishing_gradients(str(tmp_path), steps=3, lag=8, hidden=6, batch_size=8)
    assert os.path.isfile(results["plot"]) and results["lag"] == 8 and results["chance"] == 0.25
    for name in MODELS:
        assert 0 <= results[name]["accuracy"] <= 1
        assert len(results[name]["gradient_at_init"]) == len(results[name]["gradient_trained"]) == 9
