"""The lesson lab: each claim of an introductory deep-learning lesson, run as an experiment on real data,
with its evidence and a verdict, in one HTML report (`ember lab`).

An experiment is a module with
    NAME, TITLE, CLAIM      what it is called and what it tests
    QUICK, FULL             its settings (a dict with "seeds", the number of seeds): --quick, or the full lab
    setup(settings)         what it runs, in words: {"data": ..., "model": ..., "training": ...}
    run(settings, seeds, device)  the measurements, numbers only (they go to results.json)
    judge(results)          the Verdict, computed from the numbers
    evidence(results)       (figures, tables) for the report
"""

import json
import os
import platform
import time

from ... import backend
from . import (activations, batch_norm, big_models, capacity, cnn, descent, features, learning_rate, losses, memory,
               neuron, regularization, transformer)
from ..recipes import RunError
from .report import Section, render

EXPERIMENTS = [neuron, activations, learning_rate, losses, descent, capacity, regularization, batch_norm, features, cnn,
               memory, transformer, big_models]  # in the lesson's order
BY_NAME = {experiment.NAME: experiment for experiment in EXPERIMENTS}


def command(names, quick, seed, device):
    """The `ember lab` command line that reruns these experiments with these settings."""
    words = ["ember", "lab", *names] + (["--quick"] if quick else []) + ["--seed", str(seed)]
    return " ".join(words + ([] if device is None else ["--device", str(device)]))


def run_experiment(experiment, quick=False, seed=0, device=None):
    """Run one experiment: its Section of the report, and its numbers."""
    settings = experiment.QUICK if quick else experiment.FULL
    seeds = list(range(seed, seed + settings["seeds"]))
    started = time.perf_counter()
    results = experiment.run(settings, seeds, device or backend.CPU)
    verdict = experiment.judge(results)
    figures, tables = experiment.evidence(results)
    setup = {**experiment.setup(settings), "seeds": ", ".join(map(str, seeds))}
    section = Section(experiment.NAME, experiment.TITLE, experiment.CLAIM, setup,
                      command([experiment.NAME], quick, seed, device), verdict, figures, tables,
                      seconds=time.perf_counter() - started)
    return section, {"settings": settings, "seeds": seeds, "results": results, "verdict": verdict.to_dict(),
                     "seconds": section.seconds}


def run_lab(names=(), quick=False, seed=0, device=None, out="runs/lab", log=print):
    """Run the named experiments (all by default) and write out/index.html (the report) and
    out/results.json (every number). Returns the report's path."""
    unknown = [name for name in names if name not in BY_NAME]
    if unknown:
        raise RunError(f"no experiment named {', '.join(unknown)}; choose from {', '.join(BY_NAME)}")
    chosen = [BY_NAME[name] for name in names] if names else EXPERIMENTS
    os.makedirs(out, exist_ok=True)
    started = time.perf_counter()
    sections, numbers = [], {}
    for i, experiment in enumerate(chosen, start=1):
        log(f"[{i}/{len(chosen)}] {experiment.NAME}: {experiment.TITLE} ...")
        section, numbers[experiment.NAME] = run_experiment(experiment, quick, seed, device)
        sections.append(section)
        log(f"      {section.verdict.status} ({section.seconds:.1f} s)")
    seconds = time.perf_counter() - started
    heading = {"command": command(names, quick, seed, device), "settings": "quick (smaller, fewer seeds)" if quick
               else "full", "device": str(device or backend.CPU), "machine": f"{platform.machine()}, "
               f"{os.cpu_count()} CPU cores, Python {platform.python_version()}",
               "made": time.strftime("%Y-%m-%d %H:%M"), "time": f"{seconds:.0f} s"}
    path = os.path.join(out, "index.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write(render(sections, heading))
    with open(os.path.join(out, "results.json"), "w", encoding="utf-8") as f:
        json.dump({"heading": heading, "experiments": numbers}, f, indent=1)
    return path
