"""A two-layer network trained by hand on scikit-learn's bundled digits: forward pass, loss,
backward pass, gradient-descent step. Everything later parts of ember wrap up is visible here."""

import numpy as np
from sklearn.datasets import load_digits

import ember

ember.manual_seed(0)
digits = load_digits()
x = ember.tensor(digits.data / 16.0)               # 1797 images of 8×8 pixels, as 64 numbers each
y = ember.tensor(digits.target)                     # their labels, 0..9
x_train, y_train, x_test, y_test = x[:1500], y[:1500], x[1500:], y[1500:]

# Two layers of neurons: h = relu(x W1ᵀ + b1), scores = h W2ᵀ + b2.
w1 = (ember.randn(64, 64) * (2 / 64) ** 0.5).requires_grad_()
b1 = ember.zeros(64, requires_grad=True)
w2 = (ember.randn(10, 64) * (1 / 64) ** 0.5).requires_grad_()
b2 = ember.zeros(10, requires_grad=True)
params = [w1, b1, w2, b2]
learning_rate = 0.5


def scores(inputs):
    return ember.functional.linear(ember.functional.linear(inputs, w1, b1).relu(), w2, b2)


for step in range(301):
    log_probs = scores(x_train).log_softmax(dim=1)
    loss = -log_probs[ember.arange(len(y_train)), y_train].mean()   # cross-entropy
    for p in params:
        p.grad = None
    loss.backward()                                                   # backpropagation
    with ember.no_grad():
        for p in params:
            p.sub_(p.grad * learning_rate)                            # gradient descent
    if step % 50 == 0:
        with ember.no_grad():
            accuracy = (scores(x_test).argmax(dim=1) == y_test).float().mean().item()
        print(f"step {step:3d}  loss {loss.item():.4f}  test accuracy {accuracy:.3f}")

assert np.isfinite(loss.item())
