"""The differential tester's rows beyond the elementwise ops and reductions, one module per family of
ops; tests/test_differential.py runs them all."""
