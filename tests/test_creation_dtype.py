import ember


def test_tensor_of_python_floats_with_dtype_float64_keeps_full_precision():
    # Python floats become float32 only when no dtype is asked for; rounding through float32 first loses digits.
    assert ember.tensor([0.1], dtype=ember.float64).item() == 0.1
    assert ember.tensor(0.1, dtype=ember.float64).item() == 0.1
    assert ember.tensor([0.1]).dtype == ember.float32
