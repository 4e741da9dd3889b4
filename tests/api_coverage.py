"""The PyTorch API ledger: every public name of PyTorch's core namespaces, and where ember stands on it.

Each name of the pinned torch 2.13 is implemented (ember's matching namespace has it), omitted (a
deliberate omission, with its reason, in ember.omissions: it counts as not implemented), out of scope (a
family ember.omissions leaves out of the count), or missing (in neither: a hole to fill or to list).

    python -m tests.api_coverage                      the coverage table
    python -m tests.api_coverage --missing torch.nn   the missing names of torch.nn (of all namespaces without one)
    python -m tests.api_coverage --readme             rewrite the table in README.md
"""

import argparse
import importlib
import pathlib
import sys
import types

import torch  # noqa: F401 (the namespaces below are imported by name)

import ember
from ember import omissions

# torch namespace -> the ember namespace that answers for it (a module path, or module path:class).
NAMESPACES = {
    "torch": "ember",
    "torch.Tensor": "ember:Tensor",
    "torch.nn": "ember.nn",
    "torch.nn.functional": "ember.nn.functional",
    "torch.nn.init": "ember.nn.init",
    "torch.nn.utils": "ember.nn.utils",
    "torch.nn.utils.rnn": "ember.nn.utils.rnn",
    "torch.nn.utils.parametrizations": "ember.nn.utils.parametrizations",
    "torch.optim": "ember.optim",
    "torch.optim.lr_scheduler": "ember.optim.lr_scheduler",
    "torch.utils.data": "ember.utils.data",
    "torch.autograd": "ember.autograd",
    "torch.linalg": "ember.linalg",
}

# The targets: the share of in-scope names implemented, per namespace.
TARGETS = {"torch.nn": 0.90, "torch.nn.functional": 0.90, "torch.optim": 0.90, "torch.optim.lr_scheduler": 0.90,
           "torch.nn.init": 0.90, "torch.utils.data": 0.85, "torch.Tensor": 0.75, "torch": 0.75}

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"
BEGIN, END = "<!-- api-coverage: begin -->", "<!-- api-coverage: end -->"


def _resolve(path):
    """The module or class a dotted path names, or None when it does not exist."""
    module_path, _, attribute = path.partition(":")
    try:
        module = importlib.import_module(module_path)
    except ImportError:
        return None
    return getattr(module, attribute) if attribute else module


def torch_names(namespace):
    """The public names of a torch namespace: its __all__ where a module has one; else its dir() without
    private names, submodules, and (for modules) objects of other libraries (typing, the standard library)."""
    obj = _resolve("torch:Tensor" if namespace == "torch.Tensor" else namespace)
    if isinstance(obj, types.ModuleType) and hasattr(obj, "__all__"):
        names = list(obj.__all__)
    else:
        names = [name for name in dir(obj) if not name.startswith("_")]
    public = set()
    for name in names:
        try:
            value = getattr(obj, name)
        except AttributeError:
            continue
        if isinstance(value, types.ModuleType):
            continue
        origin = getattr(value, "__module__", None) or ""
        if isinstance(obj, types.ModuleType) and not hasattr(obj, "__all__") and origin \
                and not origin.startswith("torch") and origin != "builtins":
            continue
        public.add(name)
    return sorted(public)


def ledger(namespace):
    """{"implemented", "omitted", "out_of_scope", "missing"}: the names of namespace in each state."""
    ours = _resolve(NAMESPACES[namespace])
    states = {"implemented": [], "omitted": [], "out_of_scope": [], "missing": []}
    for name in torch_names(namespace):
        if ours is not None and hasattr(ours, name):
            states["implemented"].append(name)
        elif name in omissions.OMITTED.get(namespace, {}):
            states["omitted"].append(name)
        elif omissions.out_of_scope(namespace, name) is not None:
            states["out_of_scope"].append(name)
        else:
            states["missing"].append(name)
    return states


def share(states):
    """The share of the in-scope names that are implemented."""
    in_scope = sum(len(states[key]) for key in ("implemented", "omitted", "missing"))
    return len(states["implemented"]) / in_scope if in_scope else 1.0


def table():
    """The coverage table, in Markdown."""
    lines = ["| namespace | implemented | omitted | missing | out of scope | total | implemented of in scope |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for namespace in NAMESPACES:
        states = ledger(namespace)
        counts = [len(states[key]) for key in ("implemented", "omitted", "missing", "out_of_scope")]
        lines.append(f"| `{namespace}` | " + " | ".join(map(str, counts)) + f" | {sum(counts)} | {100 * share(states):.0f}% |")
    return "\n".join(lines)


def readme_table():
    """The table as README.md has it now (between its markers), or None."""
    text = README.read_text()
    if BEGIN not in text or END not in text:
        return None
    return text.split(BEGIN)[1].split(END)[0].strip()


def write_readme():
    text = README.read_text()
    before, rest = text.split(BEGIN)
    README.write_text(before + BEGIN + "\n" + table() + "\n" + END + rest.split(END)[1])


def format_missing(namespace, names):
    return f"{namespace}: {len(names)} missing\n" + "\n".join(f"    {line}" for line in _wrap(names))


def _wrap(names, width=110):
    line = ""
    for name in names:
        if line and len(line) + len(name) + 1 > width:
            yield line
            line = ""
        line = f"{line} {name}".strip()
    if line:
        yield line


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.api_coverage", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--missing", nargs="*", metavar="NAMESPACE", help="print the missing names")
    parser.add_argument("--readme", action="store_true", help="rewrite the coverage table in README.md")
    args = parser.parse_args(argv)
    if args.missing is not None:
        for namespace in args.missing or NAMESPACES:
            if namespace not in NAMESPACES:
                parser.error(f"unknown namespace {namespace!r}; one of {', '.join(NAMESPACES)}")
            print(format_missing(namespace, ledger(namespace)["missing"]))
    elif args.readme:
        write_readme()
        print(f"wrote the coverage table into {README}")
    else:
        print(table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
