"""The lesson lab: every experiment runs and reports, its verdicts follow from its numbers, the report is
one self-contained page (checked in a real browser where Chromium is installed; CI installs it)."""

import html
import json
import os
import re

import pytest

from ember.apps import lab
from ember.apps.lab import big_models, capacity, cnn, memory, neuron, regularization, transformer
from ember.apps.lab.report import CAVEAT, FAILS, HOLDS, Check, Verdict
from ember.cli import main
from helpers import raises
from report_check import browser, check

# Each experiment at the smallest settings that still run every part of it (--quick is minutes; these, seconds).
TINY = {
    "neuron": dict(seeds=2, steps=30),
    "activations": dict(depth=2, width=8, epochs=1),
    "learning-rate": dict(decades=3.0, epochs=1, finder_steps=10),
    "losses": dict(epochs=2),
    "descent": dict(train_size=40, epochs=1, optimizer_epochs=1),
    "capacity": dict(train_size=40, widths=[2, 16], epochs=3),
    "regularization": dict(train_size=40, width=16, epochs=3, patience=1),
    "batch-norm": dict(depth=2, width=8, lrs=[0.1, 1.0], epochs=1),
    "features": dict(epochs=1, probe_size=50, probe_steps=5),
    "cnn": dict(epochs=1),
    "memory": dict(lags=[2, 6], steps=3, hidden=4, batch_size=8, lrs=[1e-3, 1e-2], tune_steps=2),
    "transformer": dict(seconds=0.2, evals=2, block=8, batch_size=2, lrs=[1e-3, 1e-2], tune_seconds=0.05,
                        eval_batches=1, lengths=[4, 8]),
    "big-models": dict(train_size=40, widths=[4, 8], epochs=1),
}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The whole lab at TINY settings: (folder, the report's HTML, results.json)."""
    folder = tmp_path_factory.mktemp("lab")
    saved = {e.NAME: e.QUICK for e in lab.EXPERIMENTS}
    try:
        for experiment in lab.EXPERIMENTS:
            experiment.QUICK = {**experiment.QUICK, **TINY[experiment.NAME]}
        path = lab.run_lab(quick=True, out=str(folder), log=lambda line: None)
    finally:
        for experiment in lab.EXPERIMENTS:
            experiment.QUICK = saved[experiment.NAME]
    with open(path, encoding="utf-8") as f:
        page = f.read()
    with open(folder / "results.json", encoding="utf-8") as f:
        return folder, page, json.load(f)


def test_every_claim_of_the_lesson_has_an_experiment():
    assert list(TINY) == [e.NAME for e in lab.EXPERIMENTS]
    for experiment in lab.EXPERIMENTS:
        assert experiment.FULL["seeds"] >= 3 and 1 <= experiment.QUICK["seeds"] <= 2, experiment.NAME
        for name in ("TITLE", "CLAIM", "setup", "run", "judge", "evidence"):
            assert hasattr(experiment, name), f"{experiment.NAME} has no {name}"


def test_every_experiment_reports_its_setup_evidence_and_verdict(report):
    _, page, results = report
    for experiment in lab.EXPERIMENTS:
        section = re.search(f'<section id="{experiment.NAME}">(.*?)</section>', page, re.S)
        assert section, experiment.NAME
        body = section.group(1)
        assert "Claim:" in body and "<dt>data</dt>" in body and "<dt>seeds</dt>" in body
        assert f"ember lab {experiment.NAME} --quick --seed 0" in body  # the command that reruns it alone
        assert "<img" in body and "Verdict: " in body
        verdict = results["experiments"][experiment.NAME]["verdict"]
        assert verdict["status"] in (HOLDS, CAVEAT, FAILS) and verdict["checks"]
        for check in verdict["checks"]:  # each says what it compared and the threshold it applied
            assert check["statement"] and check["needs"], (experiment.NAME, check)
            assert f"(needs {check['needs']})" in html.unescape(body), (experiment.NAME, check)


def test_the_report_is_self_contained(report):
    _, page, _ = report
    assert '<meta name="viewport"' in page and "<script" not in page
    sources = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert sources and all(s.startswith(("data:image/svg+xml;base64,", "data:image/png;base64,", "#"))
                           for s in sources)
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page


@pytest.mark.skipif(browser() is None and not os.environ.get("EMBER_REQUIRE_BROWSER"),
                    reason="no Chromium here (CI installs Debian's chromium and sets EMBER_REQUIRE_BROWSER)")
def test_the_report_loads_and_every_figure_renders_in_a_browser(report, tmp_path):
    folder, _, _ = report
    assert check(folder / "index.html", screenshots=tmp_path) == []
    names = ["top"] + [e.NAME for e in lab.EXPERIMENTS]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{screen}-{number:02d}-{name}.png" for screen in ("laptop", "phone") for number, name in enumerate(names))


@pytest.mark.skipif(browser() is None and not os.environ.get("EMBER_REQUIRE_BROWSER"), reason="no Chromium here")
def test_the_browser_check_finds_what_is_wrong(tmp_path):
    empty_svg = "PHN2ZyB4bWxucz0naHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmcnIHdpZHRoPScyMDAnIGhlaWdodD0nMjAwJz48L3N2Zz4="
    (tmp_path / "bad.html").write_text(
        '<!DOCTYPE html><html><body><script>console.error("boom")</script>'
        '<img alt="broken" src="data:image/png;base64,AAAA">'
        f'<img alt="blank" width="200" height="200" src="data:image/svg+xml;base64,{empty_svg}">'
        '<img alt="elsewhere" src="other.png"><div style="width: 3000px">wide</div></body></html>')
    found = "\n".join(check(tmp_path / "bad.html"))
    for problem in ("console error: ['boom']", "figure did not load: 'broken'", "figure renders blank: 'blank'",
                    "request outside the page", "the page is wider than the screen"):
        assert f"phone: {problem}" in found and f"laptop: {problem}" in found


def test_a_verdict_follows_from_its_checks():
    assert Verdict([Check("a", True, "x"), Check("b", True, "y", essential=False)]).status == HOLDS
    assert Verdict([Check("a", True, "x"), Check("b", False, "y", essential=False)]).status == CAVEAT
    assert Verdict([Check("a", False, "x"), Check("b", True, "y", essential=False)]).status == FAILS


def neuron_results(xor_neuron, xor_hidden):
    right = {"AND/one neuron": [1.0, 1.0], "OR/one neuron": [1.0, 1.0], "XOR/one neuron": xor_neuron,
             "XOR/one hidden layer": xor_hidden}
    return {case: {"accuracy": values, "loss": [0.1] * len(values)} for case, values in right.items()}


def test_the_neuron_verdict_is_computed_from_the_accuracies():
    assert neuron.judge(neuron_results([0.5, 0.75], [1.0, 1.0])).status == HOLDS
    assert neuron.judge(neuron_results([0.5, 0.75], [1.0, 0.75])).status == FAILS  # not solved in a majority
    assert neuron.judge(neuron_results([0.5, 0.5, 0.5], [1.0, 1.0, 0.75])).status == CAVEAT
    assert neuron.judge(neuron_results([1.0, 0.5], [1.0, 1.0])).status == FAILS  # a neuron that solved XOR


def capacity_results(val_large, diagnosis_large):
    def runs(train, val, diagnosis):
        return [{"params": 10, "train_accuracy": train, "val_accuracy": val, "val_loss": [1.0], "diagnosis": diagnosis}]
    return {"widths": [2, 64, 512], "runs": {"2": runs(0.5, 0.5, "underfitting"), "64": runs(1.0, 0.85, "overfitting"),
                                            "512": runs(1.0, val_large, diagnosis_large)}}


def test_the_capacity_verdict_finds_the_sweet_spot_or_says_there_was_none():
    assert capacity.judge(capacity_results(0.8, "overfitting")).status == HOLDS
    rising = capacity.judge(capacity_results(0.9, "overfitting"))
    assert rising.status == CAVEAT and "no sweet spot" in rising.checks[-1].statement
    assert capacity.judge(capacity_results(0.8, "good fit")).status == FAILS


def test_the_memory_verdict_fails_when_the_rnn_remembers():
    def results(rnn_long):
        accuracy = {name: [[1.0, 1.0]] for name in memory.MODELS}
        accuracy["RNN (tanh)"] = [[1.0, rnn_long]]
        gradient = {name: [1.0, 1.0] for name in memory.MODELS}
        gradient["RNN (tanh)"] = [1e-9, 1.0]
        return {"lags": [5, 100], "lrs": [0.001, 0.01], "chance": 0.25, "accuracy": accuracy, "gradient": gradient,
                "tuning": {name: [{"0.001": 0.5, "0.01": 0.9}] * 2 for name in memory.MODELS},
                "lr": {name: [0.01, 0.01] for name in memory.MODELS}}
    assert memory.judge(results(0.26)).status == HOLDS
    assert memory.judge(results(0.6)).status == CAVEAT  # it struggles, but learns more than chance
    assert memory.judge(results(0.99)).status == FAILS


def test_regularization_and_big_models_judge_each_cure_on_unseen_data():
    def run(test_loss, diagnosis="overfitting"):
        return {"val_loss": [1.0], "val_accuracy": 0.9, "train_accuracy": 1.0, "test_accuracy": 0.9,
                "test_loss": test_loss, "stopped": None, "diagnosis": diagnosis}
    results = {name: [run(0.3)] for name in regularization.VARIANTS}
    results["none"] = [run(0.5)]
    results["dropout 0.5"] = [run(0.6)]
    verdict = regularization.judge(results)
    assert verdict.status == CAVEAT and [c.passed for c in verdict.checks].count(False) == 1
    results["none"] = [run(0.5, "good fit")]
    assert regularization.judge(results).status == FAILS  # the setup did not overfit: nothing to cure

    def point(train, test, test_loss):
        return {"train": train, "test": test, "test_loss": test_loss}
    sweep = {"widths": [4, 64], "params": [300, 9000],
             "runs": {"plain": [[point(0.5, 0.45, 1.5), point(1.0, 0.90, 0.4)]],
                      "regularized": [[point(0.5, 0.45, 1.5), point(0.97, 0.93, 0.2)]]}}
    assert big_models.judge(sweep).status == CAVEAT  # bigger did not hurt the plain model here
    sweep["runs"]["regularized"] = [[point(0.5, 0.45, 1.5), point(1.0, 0.90, 0.5)]]
    assert big_models.judge(sweep).status == FAILS  # the regularized model generalized no better


def test_the_cnn_verdict_compares_over_seeds_not_means_that_print_alike():
    def results(cnn_accuracies, mlp_accuracies):
        def runs(accuracies, params, loss_per_pixel):
            return [{"params": params, "accuracy": [a, a - loss_per_pixel, a - 2 * loss_per_pixel]} for a in accuracies]
        return {"shifts": [0, 1, 2], "runs": {"CNN": runs(cnn_accuracies, 2698, 0.1),
                                              "MLP": runs(mlp_accuracies, 2645, 0.3)}}
    tie = cnn.judge(results([0.963, 0.974, 0.967], [0.967, 0.974, 0.963]))  # the same mean, 96.8%
    assert tie.status == FAILS and "ahead in 1 of 3 seeds" in tie.checks[0].statement
    assert cnn.judge(results([0.97, 0.975, 0.968], [0.967, 0.974, 0.963])).status == HOLDS


def transformer_results(device, gpt_growth):
    def run(seconds, loss):
        return {"params": 1000, "curve": [(0, 0.0, 4.0), (100, seconds, loss)], "per_position": [2.0, 1.5]}
    return {"device": device, "lengths": [16, 256], "lr": {name: 1e-3 for name in transformer.MODELS},
            "timing": {"Transformer (GPT)": [1.0, gpt_growth], "LSTM": [1.0, 10.0]},
            "Transformer (GPT)": [run(8.0, 1.5)], "LSTM": [run(10.0, 1.6)]}


def test_the_transformer_verdict_asks_for_parallelism_only_of_parallel_hardware():
    assert transformer.judge(transformer_results("cuda", 2.0)).status == HOLDS
    assert transformer.judge(transformer_results("cuda", 20.0)).status == FAILS
    on_cpu = transformer.judge(transformer_results("cpu", 20.0))
    assert on_cpu.status == CAVEAT and "on a CPU this cannot show" in on_cpu.checks[0].statement


def test_ember_lab_runs_one_experiment_from_the_command_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(neuron, "QUICK", {**neuron.QUICK, **TINY["neuron"]})
    assert main(["lab", "neuron", "--quick", "--seed", "3", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "[1/1] neuron: One neuron, and one hidden layer ..." in out and f"report: {tmp_path}" in out
    results = json.loads((tmp_path / "results.json").read_text())
    assert list(results["experiments"]) == ["neuron"] and results["experiments"]["neuron"]["seeds"] == [3, 4]


def test_ember_lab_refuses_an_unknown_experiment_in_one_line(tmp_path, capsys):
    assert main(["lab", "neurons", "--out", str(tmp_path / "lab")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ember lab: error: no experiment named neurons; choose from neuron, activations")
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "lab").exists()
    with raises(lab.RunError, "no experiment named fly"):
        lab.run_lab(["fly"], out=str(tmp_path / "lab"))
