"""Side-by-side speed comparisons of ember and PyTorch (not tests): `python -m benchmarks --help`."""
