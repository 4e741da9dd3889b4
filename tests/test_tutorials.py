"""The tutorials in docs/tutorials run as they are written, and each links to its sections of the lab report."""

import pathlib
import re

import pytest

from ember.apps.lab import BY_NAME

TUTORIALS = sorted((pathlib.Path(__file__).resolve().parents[1] / "docs" / "tutorials").glob("0*.md"))


def test_there_is_a_tutorial_for_each_part_of_the_lesson():
    assert [path.stem for path in TUTORIALS] == [
        "01-neurons-and-activations", "02-training-losses-learning-rate", "03-cnns", "04-rnns-and-lstms",
        "05-transformers", "06-regularization-and-overfitting"]


@pytest.mark.parametrize("path", TUTORIALS, ids=lambda path: path.stem)
def test_the_tutorial_runs_and_links_to_the_lab(path, tmp_path, monkeypatch, capsys):
    text = path.read_text(encoding="utf-8")
    sections = re.findall(r"lab\.md#([\w-]+)", text)
    assert sections and all(name in BY_NAME for name in sections)
    assert all(f"ember lab" in text and name in text.split("ember lab", 1)[1] for name in sections)
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": path.stem}
    for block in blocks:  # one session: later blocks use what earlier ones made
        exec(compile(block, str(path), "exec"), namespace)
