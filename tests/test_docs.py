"""The documentation site (mkdocs.yml, docs/): it builds with warnings as errors, and every entry of its API
pages has a docstring that starts with a one-line summary."""

import inspect
import os
import pathlib
import re
import subprocess
import sys

import pytest

import site_pages

ROOT = pathlib.Path(__file__).resolve().parents[1]


def documented_names():
    """(page, dotted name, object) of every entry that the API pages render."""
    for page, (_, namespace, _) in site_pages.API_PAGES.items():
        owner = site_pages.resolve(namespace)
        for name in site_pages.public_members(namespace):
            yield page, f"{namespace.replace(':', '.')}.{name}", inspect.getattr_static(owner, name)


def summary(obj):
    """The first line of an object's own docstring ('' when it has none)."""
    if isinstance(obj, (staticmethod, classmethod)):
        obj = obj.__func__
    return ((obj.__doc__ or "").strip().splitlines() or [""])[0].strip()


def test_every_public_name_has_a_one_line_summary():
    empty = [name for _, name, obj in documented_names() if not summary(obj)]
    assert empty == [], f"{len(empty)} public names without a docstring: {' '.join(empty)}"


def test_the_api_pages_document_each_namespace_whole():
    pages = site_pages.generated_pages()
    for page, (_, namespace, _) in site_pages.API_PAGES.items():
        assert f"::: {namespace.replace(':', '.')}\n" in pages[page]
        assert len(site_pages.public_members(namespace)) > 0, f"{page} documents nothing"
    assert "sin" in site_pages.public_members("ember") and "backward" in site_pages.public_members("ember:Tensor")
    assert "Tensor" not in site_pages.public_members("ember"), "Tensor has a page of its own"


def test_the_most_used_names_have_type_hints():
    import ember
    from ember import nn, optim, train
    typed = [ember.tensor, ember.zeros, ember.randn, ember.arange, ember.Tensor.backward, ember.Tensor.to,
             ember.Tensor.size, ember.Tensor.item, ember.Tensor.numpy, ember.Tensor.detach, nn.Module.parameters,
             nn.Module.state_dict, nn.Module.load_state_dict, nn.Module.train, train.fit, train.evaluate, ember.save,
             ember.load]
    constructors = [nn.Linear, nn.Conv2d, nn.LSTM, optim.SGD, optim.Adam, optim.AdamW]
    untyped = [f.__qualname__ for f in typed if inspect.signature(f).return_annotation is inspect.Signature.empty]
    untyped += [c.__name__ for c in constructors
                if any(p.annotation is p.empty for p in list(inspect.signature(c).parameters.values())[:2])]
    assert untyped == [], f"without type hints: {untyped}"


def test_the_cli_reference_is_the_parsers_help():
    page = site_pages.generated_pages()["cli.md"]
    for command in ("train", "evaluate", "predict", "generate", "attention", "vanishing-gradients", "export", "run"):
        assert f"## ember {command}\n" in page
    assert "--version" in page and "--batch-size" in page and "ember run SCRIPT" in page


def test_the_lab_page_has_a_section_per_experiment_from_its_definition():
    from ember.apps.lab import EXPERIMENTS
    page = site_pages.generated_pages()["lab.md"]
    for number, experiment in enumerate(EXPERIMENTS, start=1):
        section = page.split(f"## {number}. ")[1].split("\n## ")[0]
        assert section.startswith(f"{experiment.TITLE} {{#{experiment.NAME}}}\n") and experiment.CLAIM in section
        assert f"`ember lab {experiment.NAME} --quick --seed 0`" in section and "def judge(results):" in section
        assert all(f"- **{key}**: " in section for key in experiment.setup(experiment.FULL))


def test_readme_shows_this_version_and_how_to_build_the_site():
    import ember
    documentation = site_pages.readme_section("Documentation")
    assert f"$ ember --version\nember {ember.__version__}\n" in documentation and "mkdocs serve" in documentation


def test_readme_sections_are_found_or_refused():
    assert "python -m benchmarks" in site_pages.readme_section("Speed")
    with pytest.raises(ValueError, match="README.md has no section '## Nowhere'"):
        site_pages.readme_section("Nowhere")


def test_the_site_builds_strictly(tmp_path):
    pytest.importorskip("mkdocstrings", reason="the docs extra: pip install -e '.[docs]'")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-3000:]
    tensor_page = (tmp_path / "api" / "tensor" / "index.html").read_text(encoding="utf-8")
    assert 'id="ember.Tensor.backward"' in tensor_page
    shape_entry = tensor_page.split('id="ember.Tensor.shape"')[1]
    shape_signature = shape_entry.split('class="doc-signature')[1].split("</pre>")[0]
    assert "shape: Size" in re.sub(r"<[^>]+>", "", shape_signature), "a property shows the type its getter returns"
    nn_page = (tmp_path / "api" / "nn" / "index.html").read_text(encoding="utf-8")
    assert 'id="ember.nn.Conv2d"' in nn_page and 'id="ember.nn.Conv2d.function"' not in nn_page
    assert "int([x])" not in nn_page, "a class attribute holding a number shows int's docstring"
    assert (tmp_path / "cli" / "index.html").exists() and (tmp_path / "omissions" / "index.html").exists()
    lab_page = (tmp_path / "lab" / "index.html").read_text(encoding="utf-8")
    assert 'id="neuron"' in lab_page and 'id="big-models"' in lab_page
    tutorial = (tmp_path / "tutorials" / "01-neurons-and-activations" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../lab/#neuron"' in tutorial
