"""The core stays small enough to read: its size is a decision, not a drift.

Each part of the core has a budget of non-blank lines, a little above its size when the budget was
last set. A change that outgrows one raises the budget here, in the same commit, saying why.
"""

import pathlib

import ember

SOURCE = pathlib.Path(ember.__file__).parent

BUDGETS = {  # part of src/ember -> the most non-blank lines it may have
    "backend.py": 405,  # dtypes uint16-64, bfloat16, the default dtype and device, torch.Generator (issue 12);
    # storage_offset (index)
    "autograd.py": 350,
    "tensor.py": 780,  # issue 12: new_*, the in-place random fills, memory and dtype questions (creation); the
    # reduction, scan, sorting and statistics methods, cumsum_ cumprod_ renorm_ (reduce); the indexing, scatter,
    # join, diagonal, layout and view methods, x[i] = v in a graph (index)
    "ops": 5650,  # issue 12: the reductions, scans, sorting and statistics of torch.* (1050 lines), sampling;
    # the math of torch.* (math); indexing, scatter, joins, diagonals, layout and the *_copy views (index)
    "nn": 2200,
    "optim": 1900,  # every optimizer and scheduler of torch.optim, and swa_utils (issue 11)
}


def non_blank_lines(path):
    files = [path] if path.is_file() else sorted(path.rglob("*.py"))
    return sum(1 for f in files for line in f.read_text(encoding="utf-8").splitlines() if line.strip())


def test_the_core_stays_within_its_line_budgets():
    sizes = {part: non_blank_lines(SOURCE / part) for part in BUDGETS}
    over = {part: f"{sizes[part]} lines, budget {budget}" for part, budget in BUDGETS.items() if sizes[part] > budget}
    assert not over, f"over budget (raise it in tests/test_size.py if the growth is meant): {over}"
