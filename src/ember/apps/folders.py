"""Run folders, made and read safely: each run gets a folder of its own, an existing run is never
overwritten by accident, every file is written atomically, and a command reads only the run folder's
own files.

    runs/<model>-<data>-<time>/     (-2, -3, ... when two runs start in the same second)
        config.json        what was trained on what, and how: enough to rebuild the model
        best.safetensors   the weights of the epoch with the lowest validation loss
        last.safetensors   the training checkpoint of the last epoch (or step): `ember train --resume`
        text.txt           a language model's training text (evaluation reads it from here)
        metrics.csv        the History, one row per epoch (per evaluation, by iteration, for a language model)
        metrics.json       the History, the test (or final validation) results and the diagnosis
        curves.png         learning curves, train against validation
"""

import itertools
import json
import os
import time

from ..io import atomic_write
from ..io.files import TEMPORARY
from .config import CONFIG
from .recipes import RunError

BEST, LAST, TEXT = "best.safetensors", "last.safetensors", "text.txt"
RUN_FILES = (CONFIG, BEST, LAST, TEXT, "metrics.csv", "metrics.json", "curves.png", "filters.png",
             "feature_maps.png", "attention.png")


def check_out(out, overwrite):
    """Refuse an --out that is a file, a folder with other files than a run's, or (without overwrite) a run."""
    if out is None:
        return
    if os.path.exists(out) and not os.path.isdir(out):
        raise RunError(f"--out {out} is a file: give a folder for the run")
    names = os.listdir(out) if os.path.isdir(out) else []
    if any(name not in RUN_FILES and not TEMPORARY.fullmatch(name) for name in names):
        raise RunError(f"--out {out} is a folder with other files in it: give a new or an empty folder")
    if names and not overwrite:
        resume = f"continue it with `ember train --resume {out}`, or " if CONFIG in names else ""
        raise RunError(f"--out {out} holds a run already: {resume}replace it with --overwrite")


def make_run_dir(out, model_name, data_name, overwrite=False):
    """The run's folder, made now: out (checked by check_out first; with overwrite, the files of the run it
    held are removed), or a new runs/<model>-<data>-<time>. config.json, written last when a run starts,
    marks a folder whose run can be resumed."""
    if out is None:
        return _new_folder(os.path.join("runs", f"{model_name}-{data_name}-{time.strftime('%Y%m%d-%H%M%S')}"))
    if os.path.isdir(out):
        if overwrite:
            for name in RUN_FILES:
                if os.path.isfile(os.path.join(out, name)):
                    os.remove(os.path.join(out, name))
        return out
    try:
        os.makedirs(out)
    except FileExistsError:
        raise RunError(f"--out {out} was made by another process just now: give another folder") from None
    except OSError as problem:
        raise RunError(f"cannot make the folder --out {out}: {problem.strerror}") from None
    return out


def _new_folder(base):
    """base, or base-2, base-3, ...: the first that did not exist, made now (so that no two runs share one)."""
    os.makedirs(os.path.dirname(base), exist_ok=True)
    for n in itertools.count(1):
        folder = base if n == 1 else f"{base}-{n}"
        try:
            os.mkdir(folder)
            return folder
        except FileExistsError:
            continue


def run_file(run_dir, name):
    """The path of the run folder's file `name`, refused if it leads outside the folder (a link)."""
    path = os.path.join(run_dir, name)
    folder = os.path.realpath(run_dir)
    if os.path.commonpath([os.path.realpath(path), folder]) != folder:
        raise RunError(f"{path} leads outside the run folder (to {os.path.realpath(path)}): ember reads only a "
                       "run folder's own files")
    return path


def write_json(path, obj):
    with atomic_write(path) as f:
        f.write(json.dumps(obj, indent=2).encode())


def write_text(path, text):
    with atomic_write(path) as f:
        f.write(text.encode("utf-8"))
