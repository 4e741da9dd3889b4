"""The pages of the documentation site that are made from the code, never written by hand.

- The API reference: one page per namespace, every public function, class and method with its docstring
  (mkdocstrings renders them); API_PAGES says which.
- The CLI reference: the help of the `ember` command and of each subcommand, from its parser.
- The omissions: every PyTorch name ember leaves out, with its reason, from ember.omissions.
- Sections of README.md that the guides show: a line `<!-- readme: Speed -->` in a page becomes the body of the
  README's section "## Speed" (the coverage table among them, which tests/api_coverage.py writes); the changelog;
  `<!-- examples -->`, the table of examples/ with each script's summary.

mkdocs runs this file as a hook (mkdocs.yml); tests/test_docs.py uses it too.
"""

import argparse
import importlib
import inspect
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]

# page -> (title, the namespace it documents: a module path, or module path:class, what it holds)
API_PAGES = {
    "api/ember.md": ("ember", "ember", "Tensors, their creation and the math of `torch.*`."),
    "api/tensor.md": ("ember.Tensor", "ember:Tensor", "The methods and properties of a tensor."),
    "api/nn.md": ("ember.nn", "ember.nn", "Layers, containers and losses: the modules of `torch.nn`."),
    "api/module.md": ("ember.nn.Module", "ember.nn:Module", "What every layer and model can do: parameters, "
                      "state dicts, modes, devices, hooks."),
    "api/functional.md": ("ember.nn.functional", "ember.nn.functional",
                          "The stateless functions behind the layers (also `ember.functional`)."),
    "api/init.md": ("ember.nn.init", "ember.nn.init", "How weights start."),
    "api/nn_utils.md": ("ember.nn.utils", "ember.nn.utils", "Gradient clipping, weight and spectral norm, "
                        "parameters as one vector."),
    "api/rnn_utils.md": ("ember.nn.utils.rnn", "ember.nn.utils.rnn", "Padding and packing variable-length "
                         "sequences."),
    "api/parametrizations.md": ("ember.nn.utils.parametrizations", "ember.nn.utils.parametrizations",
                                "Weights computed from other tensors."),
    "api/optim.md": ("ember.optim", "ember.optim", "Optimizers."),
    "api/lr_scheduler.md": ("ember.optim.lr_scheduler", "ember.optim.lr_scheduler", "Learning-rate schedules."),
    "api/data.md": ("ember.data", "ember.data", "Datasets, samplers and the DataLoader (also `ember.utils.data`)."),
    "api/train.md": ("ember.train", "ember.train", "The training loop, its callbacks, the diagnosis of learning "
                     "curves and the pictures."),
    "api/models.md": ("ember.models", "ember.models", "The reference models."),
    "api/autograd.md": ("ember.autograd", "ember.autograd", "The engine: Function, gradients, grad modes."),
    "api/linalg.md": ("ember.linalg", "ember.linalg", "Linear algebra, as `torch.linalg`."),
    "api/io.md": ("ember.io", "ember.io", "Checkpoints, PyTorch files and ONNX export."),
    "api/distributed.md": ("ember.distributed", "ember.distributed", "Process groups and collectives."),
    "api/amp.md": ("ember.amp", "ember.amp", "Mixed precision: autocast and GradScaler."),
    "api/testing.md": ("ember.testing", "ember.testing", "Gradient checks and comparing tensors."),
}


def resolve(namespace):
    """The module or class that a namespace path names ("ember.nn", "ember:Tensor")."""
    module_path, _, attribute = namespace.partition(":")
    module = importlib.import_module(module_path)
    return getattr(module, attribute) if attribute else module


def public_members(namespace):
    """The public names a namespace page documents, sorted: a module's functions and classes (classes with a
    page of their own left out), a class's own methods and properties."""
    owner = resolve(namespace)
    own_pages = {resolve(ns) for _, ns, _ in API_PAGES.values() if ":" in ns}
    names = []
    for name in sorted(vars(owner) if inspect.isclass(owner) else dir(owner)):
        if name.startswith("_"):
            continue
        value = inspect.getattr_static(owner, name)
        if inspect.isclass(owner):
            if isinstance(value, (property, staticmethod, classmethod)) or inspect.isroutine(value):
                names.append(name)
        elif (inspect.isroutine(value) or inspect.isclass(value)) and value not in own_pages:
            names.append(name)
    return names


def api_page(title, namespace, summary):
    """The Markdown of one API page: its summary, then mkdocstrings' entry of each public name."""
    members = ", ".join(public_members(namespace))
    return (f"# {title}\n\n{summary}\n\n::: {namespace.replace(':', '.')}\n    options:\n"
            f"      show_root_heading: false\n      show_root_toc_entry: false\n      members: [{members}]\n")


def cli_page():
    """The CLI reference: `ember --help`, then the help of each subcommand."""
    from ember import cli, run
    parser = cli._parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    sections = ["# The `ember` command\n", "Generated from the command's own parser: what `ember --help` and "
                "`ember COMMAND --help` print.\n", _help_block(parser.format_help())]
    for name, command in commands.items():
        text = run.USAGE.format(prog="ember run") if name == "run" else command.format_help()
        sections += [f"## ember {name}\n", _help_block(text)]
    return "\n".join(sections)


def _help_block(text):
    return "```text\n" + text.strip() + "\n```\n"


def omissions_page():
    """Every PyTorch name ember leaves out on purpose, and every family out of its scope, with the reasons."""
    from ember import omissions
    lines = ["# What ember leaves out\n", "Generated from `src/ember/omissions.py`, the API ledger's list. "
             "Omitted names count as not implemented; families out of scope are left out of the count.\n",
             "## Omitted names\n", "| namespace | name | reason |", "| --- | --- | --- |"]
    lines += [f"| `{ns}` | `{name}` | {reason} |" for ns, names in omissions.OMITTED.items()
              for name, reason in names.items()]
    lines += ["\n## Out of scope\n", "| namespace | names | reason |", "| --- | --- | --- |"]
    lines += [f"| `{ns}` | `{pattern}` | {reason} |" for ns, patterns in omissions.OUT_OF_SCOPE.items()
              for pattern, reason in patterns.items()]
    return "\n".join(lines) + "\n"


def lab_page():
    """The lab: what `ember lab` does, then a section per experiment, from the experiments' own definitions."""
    from ember.apps import lab
    from ember.apps.lab import report
    sections = ["# The lab\n", "`ember lab` runs each claim of an introductory deep-learning lesson as an experiment "
                "on real data, over several seeds, and writes one self-contained HTML page (`runs/lab/index.html`; "
                "`--out DIR` elsewhere) with, for each claim, the experiment, its figures, a table with the spread "
                "over seeds and a verdict. `ember lab --quick` runs all of them with smaller settings and fewer seeds "
                "in a few minutes; `ember lab` the full lab, in about six minutes on two CPU cores; "
                "`--device cuda` on a GPU. Every number also goes to `results.json`.\n",
                f"A verdict is computed from the numbers when the experiment runs, never written in advance: each "
                f"experiment states the checks its claim rests on. All pass: the claim **{report.HOLDS}**. Only "
                f"checks marked non-essential fail: it **{report.CAVEAT}**. An essential one fails: it "
                f"**{report.FAILS}**, and that check says why.\n",
                "This page is made from the experiments' definitions (`src/ember/apps/lab/`, one file each): their "
                "claims, their settings in the full lab and their checks. The measurements are in the report "
                "that `ember lab` writes on your machine.\n"]
    sections += [lab_section(number, experiment) for number, experiment in enumerate(lab.EXPERIMENTS, start=1)]
    return "\n".join(sections)


def lab_section(number, experiment):
    """One experiment of the lab: its claim, why it should hold, what it runs, how to rerun it, what it checks."""
    from ember.apps.lab import command
    paragraphs = inspect.getdoc(experiment).split("\n\n")  # "Claim 1, the neuron: the claim ...", then why
    why = "\n\n".join(paragraphs[1:]) or paragraphs[0].split(": ", 1)[1]
    setup = "\n".join(f"- **{key}**: {value}" for key, value in experiment.setup(experiment.FULL).items())
    full, quick = (command([experiment.NAME], quick, 0, None) for quick in (False, True))
    judge = inspect.getsource(experiment.judge).rstrip().replace("\n", "\n    ")
    return (f"## {number}. {experiment.TITLE} {{#{experiment.NAME}}}\n\n**Claim:** {experiment.CLAIM}\n\n"
            f"{why[:1].upper() + why[1:]}\n\n{setup}\n\nRerun it alone: `{full}`, or `{quick}` with smaller "
            f"settings. Seeds: {experiment.FULL['seeds']} in the full lab, {experiment.QUICK['seeds']} in the quick "
            f"one.\n\n??? note \"The checks its verdict is computed from: `judge` in "
            f"src/ember/apps/lab/{experiment.__name__.rsplit('.', 1)[1]}.py\"\n    ```python\n    {judge}\n    ```\n")


def generated_pages():
    """{page path: Markdown} of every generated page."""
    pages = {path: api_page(*entry) for path, entry in API_PAGES.items()}
    pages["cli.md"] = cli_page()
    pages["omissions.md"] = omissions_page()
    pages["lab.md"] = lab_page()
    pages["changelog.md"] = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    return pages


def readme_section(heading):
    """The body of README.md's section `## heading`, up to the next section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    if found is None:
        raise ValueError(f"README.md has no section '## {heading}'")
    return found.group(1).strip()


def examples_table():
    """A table of the scripts in examples/, each with the first line of its docstring."""
    import ast
    rows = ["| script | what it shows |", "| --- | --- |"]
    for path in sorted((ROOT / "examples").glob("*.py")):
        summary = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))).split("\n\n")[0]
        rows.append(f"| `examples/{path.name}` | {' '.join(summary.split())} |")
    return "\n".join(rows)


def on_config(config):
    """mkdocs hook: the API pages in the navigation, in API_PAGES' order."""
    for entry in config["nav"]:
        if "API reference" in entry:
            entry["API reference"] = [{title: path} for path, (title, _, _) in API_PAGES.items()]
    return config


def on_files(files, config):
    """mkdocs hook: add the generated pages to the site."""
    from mkdocs.structure.files import File
    for path, text in generated_pages().items():
        files.append(File.generated(config, path, content=text))
    return files


def on_page_markdown(markdown, page, config, files):
    """mkdocs hook: put README's sections, and the table of examples, where a page names them."""
    markdown = markdown.replace("<!-- examples -->", examples_table())
    return re.sub(r"^<!-- readme: (.+?) -->$", lambda found: readme_section(found.group(1)), markdown, flags=re.M)
