import pytest

from helpers import DEVICES, check_op, rand


@pytest.mark.parametrize("device", DEVICES)
def test_squeeze_of_a_0d_tensor(device):
    check_op(lambda lib, x: (x.squeeze(0), lib.squeeze(x, -1)), rand(), device=device)


@pytest.mark.parametrize("device", DEVICES)
def test_cat_of_vectors_of_different_lengths(device):
    check_op(lambda lib, a, b: lib.cat([a, b]), rand(1), rand(2, seed=1), device=device)
