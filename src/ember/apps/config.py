"""A run folder's config.json: what was trained on what, and how. It is read back by `ember evaluate`,
`predict`, `generate`, `attention` and `train --resume`, which check every setting they use first: a
config is data from a file, and a wrong one is one clear error, never a traceback.

    {"task": "classify", "model": "lenet", "dataset": "digits", "in_shape": [1, 8, 8], "num_classes": 10, ...}
    {"task": "language", "model": "gpt", "vocab": ["\\n", " ", "a", ...], "block_size": 64, ...}
"""

import json
import math
import os

from .. import models
from .recipes import RunError

CONFIG = "config.json"
MAX_BYTES = 16 * 2**20  # a config holds settings and a vocabulary: kilobytes
MAX_SIZE = 1_000_000  # the largest class count, block size, batch size or step count a config may ask for
OPTIMIZERS = ("sgd", "adam", "adamw")
SCHEDULES = ("cosine", "exponential", "warmup-cosine")


def _count(value, low=1):
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= MAX_SIZE


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _numbers(value):
    return isinstance(value, list) and all(_number(v) for v in value)


# Each setting: a test of its value, and what it must be (for the error).
RULES = {
    "task": (lambda v: v in ("classify", "language"), "'classify' or 'language'"),
    "model": (lambda v: isinstance(v, str), "a model's name"),
    "seed": (lambda v: isinstance(v, int) and not isinstance(v, bool), "an int"),
    "dropout": (lambda v: _number(v) and 0 <= v < 1, "a number in [0, 1)"),
    "batch_size": (_count, "a positive int"),
    "in_shape": (lambda v: isinstance(v, list) and 0 < len(v) <= 3 and all(_count(n) for n in v),
                 "a list of 1 to 3 positive ints"),
    "num_classes": (lambda v: _count(v, 2), "an int of at least 2"),
    "standardization": (lambda v: v is None or (isinstance(v, list) and len(v) == 2 and all(map(_numbers, v))
                                                and len(v[0]) == len(v[1]) and all(s > 0 for s in v[1])),
                        "null or [means, standard deviations], two lists of numbers of one length"),
    "vocab": (lambda v: isinstance(v, list) and 0 < len(v) == len(set(v)) <= MAX_SIZE
              and all(isinstance(c, str) and len(c) == 1 for c in v), "a list of distinct characters"),
    "block_size": (_count, "a positive int"),
    "eval_batches": (_count, "a positive int"),
    "text": (lambda v: v is None or isinstance(v, str), "null or the name of the text trained on"),
    "data_dir": (lambda v: v is None or isinstance(v, str), "null or a folder"),
    # What `ember train --resume` needs besides: the recipe.
    "optimizer": (lambda v: v in OPTIMIZERS, " or ".join(OPTIMIZERS)),
    "lr": (lambda v: _number(v) and v > 0, "a positive number"),
    "final_lr": (lambda v: _number(v) and v > 0, "a positive number"),
    "weight_decay": (lambda v: _number(v) and v >= 0, "a number >= 0"),
    "schedule": (lambda v: v is None or v in SCHEDULES, "null or " + ", ".join(SCHEDULES)),
    "warmup": (lambda v: _count(v, 0), "an int >= 0"),
    "epochs": (_count, "a positive int"),
    "patience": (lambda v: _count(v, 0), "an int >= 0"),
    "iterations": (_count, "a positive int"),
    "eval_interval": (_count, "a positive int"),
    "clip": (lambda v: v is None or (_number(v) and v > 0), "null or a positive number"),
    "checkpoint_every": (lambda v: v is None or _count(v), "null or a positive int"),
    "processes": (_count, "a positive int"),
}
NEEDED = {"classify": ("model", "seed", "dropout", "batch_size", "dataset", "in_shape", "num_classes"),
          "language": ("model", "seed", "dropout", "batch_size", "vocab", "block_size", "eval_batches")}
NEEDED_TO_TRAIN = {"classify": ("optimizer", "lr", "weight_decay", "epochs"),
                   "language": ("optimizer", "lr", "weight_decay", "iterations", "eval_interval")}
SCHEDULE_NEEDS = {"exponential": ("final_lr",), "warmup-cosine": ("final_lr", "warmup")}


def read_config(run_dir, sample_shapes, to_train=False):
    """The checked config.json of run_dir. sample_shapes: {classification dataset: the shape of its samples};
    to_train: check also what training it again (`ember train --resume`) needs."""
    path = os.path.join(run_dir, CONFIG)
    if not os.path.isfile(path):
        raise RunError(f"{run_dir} is not a run folder (no {CONFIG}): give a folder `ember train` wrote")
    if os.path.getsize(path) > MAX_BYTES:
        raise RunError(f"{path} is {os.path.getsize(path)} bytes, more than a config holds: not ember's {CONFIG}")
    try:
        with open(path, encoding="utf-8") as f:
            config = json.load(f)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as problem:
        raise RunError(f"{path} is not a JSON file of settings ({type(problem).__name__}: {problem})") from None
    if not isinstance(config, dict):
        raise RunError(f"{path} holds a JSON {type(config).__name__}, not an object of settings")
    check_config(path, config, sample_shapes, to_train)
    return config


def check_config(path, config, sample_shapes, to_train=False):
    """Raise RunError naming the first setting of config (read from path) that is missing or wrong."""
    _check(path, config, "task")
    task = config["task"]
    needed = NEEDED[task] + (NEEDED_TO_TRAIN[task] + SCHEDULE_NEEDS.get(config.get("schedule"), ())
                             if to_train else ())
    for key in needed:
        _check(path, config, key)
    for key in RULES.keys() & config.keys():
        _check(path, config, key)
    known = models.CLASSIFIERS if task == "classify" else models.LANGUAGE_MODELS
    if config["model"] not in known:
        raise RunError(f"{path}: unknown {task} model {config['model']!r}; ember has {', '.join(sorted(known))}")
    if task == "classify":
        _check_data(path, config, sample_shapes)


def _check_data(path, config, sample_shapes):
    """A classifier's dataset is known, and the sample shape and standardization are its own."""
    if config["dataset"] not in sample_shapes:
        raise RunError(f"{path}: unknown dataset {config['dataset']!r}; ember has {', '.join(sample_shapes)}")
    shape = list(sample_shapes[config["dataset"]])
    if config["in_shape"] != shape:
        raise RunError(f"{path}: 'in_shape' is {config['in_shape']}, but {config['dataset']} samples are {shape}")
    statistics = config.get("standardization")
    if statistics is not None and len(statistics[0]) != shape[-1]:
        raise RunError(f"{path}: 'standardization' holds {len(statistics[0])} means, but {config['dataset']} "
                       f"samples have {shape[-1]} features")


def _check(path, config, key):
    if key not in config:
        raise RunError(f"{path}: the setting '{key}' is missing (not a config.json that `ember train` wrote)")
    test, expected = RULES.get(key, (lambda v: isinstance(v, str), "a name"))
    if not test(config[key]):
        raise RunError(f"{path}: '{key}' must be {expected}, got {json.dumps(config[key])[:80]}")
