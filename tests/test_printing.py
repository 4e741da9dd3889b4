"""set_printoptions: tensors print as PyTorch's do under each option (PyTorch's 'torch.' prefix aside)."""

import pytest
import torch

import ember
from helpers import raises


@pytest.fixture
def options():
    """Set print options in both libraries for a test; the defaults come back after it."""
    def set_both(**kwargs):
        ember.set_printoptions(**kwargs)
        torch.set_printoptions(**kwargs)
    yield set_both
    set_both(profile="default")


@pytest.mark.parametrize("settings", [
    dict(precision=2), dict(precision=6), dict(sci_mode=True), dict(sci_mode=True, precision=2),
    dict(sci_mode=False), dict(threshold=2000), dict(profile="short"), dict(profile="full"),
    dict(profile="short", precision=3),
], ids=["precision-2", "precision-6", "sci", "sci-precision-2", "no-sci", "threshold", "short", "full",
        "short-precision"])
@pytest.mark.parametrize("data", [[1.123456789, 2.5, 1000.0], [1e-5, 1e5], [[0.5, -2.25], [3.0, 4.125]],
                                  list(range(30)), [1.0, 2.0]], ids=["mixed", "wide", "matrix", "ints", "whole"])
def test_tensors_print_as_pytorchs_under_each_option(options, settings, data):
    options(**settings)
    assert repr(ember.tensor(data)) == repr(torch.tensor(data))
    floats = [float(n) for n in range(1200)]
    assert repr(ember.tensor(floats)).count("\n") == repr(torch.tensor(floats)).count("\n")


def test_summarized_tensors_show_edgeitems_at_each_end(options):
    options(threshold=5, edgeitems=2)
    assert repr(ember.arange(10.0)).replace(" ", "") == repr(torch.arange(10.0)).replace(" ", "")
    options(profile="full")
    assert repr(ember.arange(1200)) == repr(torch.arange(1200))


@pytest.mark.parametrize("linewidth", [30, 50, 120])
def test_lines_hold_at_most_linewidth_characters(options, linewidth):
    """Lines wrap by NumPy's rule (as many elements as fit), which at some widths puts one element more on a
    line than PyTorch's (a fixed number of elements a line)."""
    options(linewidth=linewidth)
    lines = repr(ember.arange(100.0)).splitlines()
    assert len(lines) > 1 and max(len(line.rstrip(",")) for line in lines) <= linewidth
    assert max(len(line) for line in lines) > linewidth - 8


def test_printoptions_errors():
    with raises(ValueError, "set_printoptions: profile must be one of default, short, full, got 'long'"):
        ember.set_printoptions(profile="long")


@pytest.mark.parametrize("data", [[True, True], [True, False], [[False], [True]], [False]],
                         ids=["all-true", "mixed", "column", "false"])
def test_bools_are_padded_to_the_widest_word_present_as_pytorch_pads_them(data):
    assert repr(ember.tensor(data)) == repr(torch.tensor(data))


@pytest.mark.parametrize("shape", [(1, 6), (1, 7), (1, 8), (3, 8), (3, 2), (1, 5), (2, 4)])
def test_dtype_and_requires_grad_go_under_the_numbers_when_the_line_would_be_too_long(shape):
    """The layout of PyTorch's repr: an extra goes on a line of its own once the last line has no room for it."""
    for dtype_name in ("float32", "float64"):
        theirs = torch.arange(float(shape[0] * shape[1])).reshape(shape).to(getattr(torch, dtype_name)) - 20.5
        ours = ember.tensor(theirs.numpy())
        for a in (ours, theirs):
            a.requires_grad_()
        assert repr(ours).replace("ember.", "torch.") == repr(theirs)
