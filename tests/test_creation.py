import pytest
from hypothesis import given

import ember
from helpers import DEVICES, shapes


@pytest.mark.parametrize("device", DEVICES)
@given(shape=shapes())
def test_random_tensors_have_the_shape_and_dtype_asked_for(device, shape):
    assert ember.rand(*shape, device=device).shape == shape and ember.rand(shape).dtype == ember.float32
    assert ember.randn(shape, device=device).shape == shape
    assert ember.randn(*shape, dtype=ember.float64).dtype == ember.float64
    t = ember.randint(-3, 4, shape, device=device)
    assert t.shape == shape and t.dtype == ember.int64 and t.device == ember.device(device)
