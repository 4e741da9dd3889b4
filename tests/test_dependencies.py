"""ember's modules import one way only: down the dependency order, never from a part beside or above their own."""

import ast
import pathlib

SOURCE = pathlib.Path(__file__).resolve().parents[1] / "src" / "ember"
# The dependency order, bottom to top: a part imports from itself and from the levels below it, never from
# a part beside it or above it. io sits a step below optim and data, since data writes its downloads with
# io's atomic_write. Placed here too: cuda (backend's devices), testing (gradcheck, on tensors),
# autograd_function and autograd_functional (torch.autograd's Functions on tensors, derivatives of whole
# functions) and utils (ember.utils.data is ember.data).
# The PyTorch-facing modules sit low (omissions, the ledger, is read by every package's __getattr__), except
# serialization and onnx (they are io's save, load and export) and run (it runs scripts through the import
# hook); cuda sits above amp, as torch.cuda.amp is torch.amp's.
ORDER = [{"backend", "omissions", "settings"},
         {"autograd", "dtypes", "printing", "accelerator", "amp", "backends", "compiler", "cpu", "distributed",
          "torch_hook"},
         {"ops", "cuda"}, {"tensor"}, {"functional", "creation", "linalg", "random", "testing", "autograd_function",
                                       "autograd_functional"}, {"nn", "distributions"},
         {"io"}, {"optim", "data", "serialization", "onnx"}, {"train", "models", "utils"}, {"apps", "run"}]
LEVEL = {part: level for level, parts in enumerate(ORDER) for part in parts}
ANYTHING = {"cli", "__init__"}  # the command and the package's public face may import from every part


def part_of(path):
    """The part of ember a source file belongs to: "nn" for nn/linear.py, "tensor" for tensor.py."""
    return path.relative_to(SOURCE).parts[0].removesuffix(".py")


def imported_parts(path):
    """The parts of ember a source file imports from (its relative imports, those inside functions too)."""
    package = path.relative_to(SOURCE).parent.parts  # where `from . import` starts: () is ember itself
    parts = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            target = package[:len(package) + 1 - node.level] + (tuple(node.module.split(".")) if node.module else ())
            parts += [target[0]] if target else [alias.name for alias in node.names]
    return parts


def test_every_module_imports_only_from_its_own_part_and_the_levels_below():
    wrong = []
    for path in sorted(SOURCE.rglob("*.py")):
        part = part_of(path)
        if part not in ANYTHING:
            wrong += [f"{path.relative_to(SOURCE)} imports from {target}" for target in imported_parts(path)
                      if target != part and LEVEL[target] >= LEVEL[part]]
    assert wrong == []
