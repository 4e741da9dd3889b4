import pytest

from helpers import DEVICES, check_op, rand


@pytest.mark.parametrize("device", DEVICES)
def test_squeeze_of_a_0d_tensor(device):
    check_op(lambda lib, x: (x.squeeze(0), lib.squeeze(x, -1)), rand(), device=device)
