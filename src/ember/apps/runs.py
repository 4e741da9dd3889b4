"""Runs: `ember train` trains a model into a run folder (apps/folders.py), `ember train --resume`
continues one that was killed, and `ember evaluate`, `predict`, `generate` and `attention` read one back.

Everything a run is given (options, files, the config of a folder) is checked before anything is
written: a mistake is one RunError, and no half-made run folder is left behind.

Under `mpiexec -n N` (or `ember train --nproc N`) the N processes train one model together: each takes
its share of every batch (--batch-size is the whole batch's), the model is a DistributedDataParallel,
and rank 0 alone writes the run folder and prints.
"""

import math
import os
import time

import numpy as np

from .. import backend, data, distributed, models, nn
from ..autograd import no_grad
from ..creation import from_numpy, tensor
from ..io import load
from ..ops.activation import softmax
from ..train import (EarlyStopping, History, ModelCheckpoint, ProgressBar, SchedulerStep, diagnose, evaluate, features,
                     fit, plot_history, summary)
from ..train.attention_maps import save_attention_maps
from .config import CONFIG, read_config
from .folders import BEST, LAST, TEXT, check_out, make_run_dir, run_file, write_json, write_text
from .recipes import RunError, make_optimizer, schedule

# How each dataset's raw samples (the numbers a user hands to `ember predict`) become model inputs, and
# whether it is read from --data-dir.
CLASSIFICATION_DATA = {
    "digits": dict(load=data.digits, sample_shape=(1, 8, 8), raw_scale=16.0, data_dir=False),
    "mnist": dict(load=data.mnist, sample_shape=(1, 28, 28), raw_scale=255.0, data_dir=True),
    "fashion-mnist": dict(load=data.fashion_mnist, sample_shape=(1, 28, 28), raw_scale=255.0, data_dir=True),
    "iris": dict(load=data.iris, sample_shape=(4,), raw_scale=None, data_dir=False),
    "breast-cancer": dict(load=data.breast_cancer, sample_shape=(30,), raw_scale=None, data_dir=False),
}
SAMPLE_SHAPES = {name: spec["sample_shape"] for name, spec in CLASSIFICATION_DATA.items()}


def _rank():
    return distributed.get_rank() if distributed.is_initialized() else 0


def _join_ranks(config, device):
    """Under an MPI launcher with N > 1 processes: join the process group (NCCL for GPUs), and return this
    rank's device (its own GPU) and share of the batch. Alone: device and the whole batch."""
    size = distributed.launcher.world_size()
    if size == 1:
        return device, config["batch_size"]
    if config["batch_size"] % size:
        raise RunError(f"--batch-size {config['batch_size']} does not split evenly over {size} processes")
    on_gpu = device is not None and device.type == "cuda"
    if not distributed.is_initialized():
        distributed.init_process_group("nccl" if on_gpu else "mpi")
    if on_gpu:
        device = backend.Device(f"cuda:{distributed.get_node_local_rank() % backend.cuda_device_count()}")
    return device, config["batch_size"] // size


def _parallel(model, device):
    """model on device, wrapped in DistributedDataParallel when several processes train it."""
    if device is not None:
        model.to(device)
    return nn.parallel.DistributedDataParallel(model) if distributed.is_initialized() else model


def _start_run(out, overwrite, config, data_name, text=None):
    """The new run's folder with its config.json (and text.txt, a language model's text), made by rank 0
    (the only process, outside a distributed run) and named to every rank."""
    folder = [None]
    if _rank() == 0:
        folder[0] = make_run_dir(out, config["model"], data_name, overwrite)
        if text is not None:
            write_text(os.path.join(folder[0], TEXT), text)
        write_json(os.path.join(folder[0], CONFIG), config)  # last: it marks a run that can be resumed
    if distributed.is_initialized():
        distributed.broadcast_object_list(folder, src=0)
    return folder[0]


def _read_config(run_dir, to_train=False):
    return read_config(run_dir, SAMPLE_SHAPES, to_train)


def _write_history(run_dir, history, results, x="epoch"):
    history.to_csv(os.path.join(run_dir, "metrics.csv"))
    write_json(os.path.join(run_dir, "metrics.json"), {**history.to_dict(), **results})
    try:
        plot_history(history, os.path.join(run_dir, "curves.png"), x=x)
    except ImportError as missing:
        print(f"(no curves.png: {missing})")


def resume_run(run_dir, device=None, progress=True, data_dir=None):
    """Continue the run in run_dir from its training checkpoint (last.safetensors) to the end, as
    `ember train --resume` does: to the weights the run would have reached had it not been stopped.
    A run killed before its first checkpoint starts again. Returns (run folder, results dict)."""
    if os.path.isdir(run_dir) and not os.path.isfile(os.path.join(run_dir, CONFIG)) and os.listdir(run_dir):
        raise RunError(f"{run_dir} has no {CONFIG}: its run was stopped before it began; start it again with "
                       f"`ember train --out {run_dir} --overwrite` and the options it had")
    config = _read_config(run_dir, to_train=True)
    processes = config.get("processes", 1)
    if distributed.launcher.world_size() != processes:
        raise RunError(f"{run_dir} was trained on {processes} processes: resume it on as many, with `ember train "
                       f"--resume {run_dir} --nproc {processes}`")
    last = run_file(run_dir, LAST)
    resume_from = last if os.path.isfile(last) else None
    if config["task"] == "classify":
        config = dict(config, data_dir=data_dir or config.get("data_dir"))
        prepared, fit_run = _prepare_classifier(config), _fit_classifier
    else:
        prepared, fit_run = _prepare_language_model(config, _run_text(run_dir, config)), _fit_language_model
    ranks = _join_ranks(config, device)
    return _rank_0_result(run_dir, fit_run(*prepared, run_dir, ranks, progress, resume_from))


def _rank_0_result(run_dir, results):
    """(run folder, results) on rank 0 (the only process, outside a distributed run); (None, None) on the others."""
    return (run_dir, results) if _rank() == 0 else (None, None)


# ---------------------------------------------------------------------------------------------
# Classifiers.

def _classification_splits(config):
    spec = CLASSIFICATION_DATA[config["dataset"]]
    kwargs = {"seed": config["seed"]}
    if config.get("data_dir"):
        if not spec["data_dir"]:
            raise RunError(f"--data-dir is not used by the '{config['dataset']}' dataset")
        kwargs["root"] = config["data_dir"]
    try:
        splits = spec["load"](**kwargs)
    except (ValueError, OSError) as problem:
        raise RunError(f"cannot load {config['dataset']}: {problem}") from None
    shape = tuple(spec["sample_shape"])
    return [data.TensorDataset(x.reshape((len(x),) + shape), y) for x, y in (s.tensors for s in splits)], splits


def _build_classifier(config):
    return models.CLASSIFIERS[config["model"]](in_shape=tuple(config["in_shape"]), num_classes=config["num_classes"],
                                               dropout=config["dropout"])


def train_classifier(settings, out=None, device=None, progress=True, overwrite=False):
    """Train a classifier on a dataset as `ember train` does; returns (run folder, results dict)."""
    if settings["dataset"] not in CLASSIFICATION_DATA:
        raise RunError(f"unknown dataset '{settings['dataset']}'; choose from {', '.join(CLASSIFICATION_DATA)}")
    check_out(out, overwrite)
    config, model, optimizer, splits = _prepare_classifier(settings)
    ranks = _join_ranks(config, device)
    run_dir = _start_run(out, overwrite, config, config["dataset"])
    return _rank_0_result(run_dir, _fit_classifier(config, model, optimizer, splits, run_dir, ranks, progress))


def _prepare_classifier(settings):
    """(config, model, optimizer, (train, val, test)) for settings: all a run needs, with nothing written."""
    backend.manual_seed(settings["seed"])
    (train, val, test), raw = _classification_splits(settings)
    labels = np.concatenate([s.tensors[1].numpy() for s in (train, val, test)])
    config = dict(settings, task="classify", in_shape=list(train.tensors[0].shape[1:]),
                  num_classes=int(labels.max()) + 1, standardization=_standardization(raw.train),
                  processes=distributed.launcher.world_size())
    model = _build_classifier(config)
    return config, model, make_optimizer(config, model), (train, val, test)


def _checkpoints(run_dir, config):
    """The best weights, and the training checkpoint after every epoch (and every checkpoint_every steps)."""
    return ModelCheckpoint(os.path.join(run_dir, BEST), save_last=True, every_n_steps=config.get("checkpoint_every"),
                           last_path=os.path.join(run_dir, LAST))


def _fit_classifier(config, model, optimizer, splits, run_dir, ranks, progress, resume_from=None):
    """Train (or go on training) the run's classifier; ranks: this rank's (device, share of the batch).
    The results on rank 0, None on the others."""
    train, val, test = splits
    device, batch_size = ranks
    if _rank() == 0:
        print(summary(model, input_size=(batch_size, *config["in_shape"]), verbose=0))
    trained = _parallel(model, device)
    if distributed.is_initialized():
        train_loader = data.DataLoader(train, batch_size, sampler=data.DistributedSampler(train, seed=config["seed"]))
        val_loader = data.DataLoader(val, batch_size=256, sampler=data.DistributedSampler(val, shuffle=False))
    else:
        generator = backend.Generator("cpu", config["seed"])
        train_loader = data.DataLoader(train, batch_size=batch_size, shuffle=True, generator=generator)
        val_loader = data.DataLoader(val, batch_size=256)
    callbacks = [_checkpoints(run_dir, config)]
    if config.get("patience"):
        callbacks.append(EarlyStopping(patience=config["patience"]))
    scheduler = schedule(config, optimizer, config["epochs"] * len(train_loader))
    if scheduler is not None:
        callbacks.append(SchedulerStep(scheduler, interval="batch"))
    loss_fn = nn.CrossEntropyLoss()
    history = fit(trained, loss_fn, optimizer, train_loader, val_loader, epochs=config["epochs"], callbacks=callbacks,
                  device=device, progress=progress, resume_from=resume_from)
    if _rank() != 0:
        return None
    model.load_state_dict(load(os.path.join(run_dir, BEST)))
    test_results = evaluate(model, loss_fn, data.DataLoader(test, batch_size=256), device=device)
    results = {"test_loss": test_results["loss"], "test_accuracy": test_results["accuracy"],
               "best_epoch": history.best_epoch("val_loss"), "diagnosis": str(diagnose(history))}
    _write_history(run_dir, history, results)
    if features.conv_layers(model):
        _write_feature_pictures(run_dir, model, test.tensors[0][:1], device)
    return results


def _write_feature_pictures(run_dir, model, image, device):
    """filters.png (the first conv layer's filters) and feature_maps.png (what each conv layer makes of
    the first test image): what the convolutions learned to look for."""
    try:
        features.plot_filters(model, os.path.join(run_dir, "filters.png"))
        features.plot_feature_maps(model, image if device is None else image.to(device),
                                   os.path.join(run_dir, "feature_maps.png"))
    except ImportError as missing:
        print(f"(no filter pictures: {missing})")


def _standardization(train):
    """The (mean, std) a split was standardized with, as lists (None if it was not)."""
    stats = getattr(train, "standardization", None)
    return None if stats is None else [np.asarray(s).tolist() for s in stats]


def _load_model(run_dir, config, build, device):
    """The model that config describes, with the run's best weights."""
    path = run_file(run_dir, BEST)
    if not os.path.isfile(path):
        raise RunError(f"{run_dir} has no {BEST}: the run did not finish an epoch")
    model = build(config)
    try:
        model.load_state_dict(load(path))
    except (RuntimeError, TypeError) as problem:
        reasons = " ".join(line.strip() for line in str(problem).splitlines()[1:]) or str(problem)
        raise RunError(f"{path} does not fit the {config['model']} model of {CONFIG}: {reasons[:300]}") from None
    if device is not None:
        model.to(device)
    return model.eval()


def evaluate_run(run_dir, device=None, data_dir=None):
    """The test loss and accuracy of a run's best weights (a classifier), or its validation loss (a
    language model). data_dir: where MNIST-style data is (a run's config never makes ember read a path)."""
    config = _read_config(run_dir)
    if config["task"] == "language":
        model = _load_model(run_dir, config, _build_language_model, device)
        _, _, val = _text_windows(_run_text(run_dir, config), config, data.CharVocab(config["vocab"]))
        return {"val_loss": validation_loss(model, val, config["batch_size"], config["eval_batches"], config["seed"],
                                            device)}
    if config.get("data_dir") and data_dir is None:
        raise RunError(f"this run trained on {config['dataset']} from {config['data_dir']}: give --data-dir "
                       f"(ember reads no path that a run's {CONFIG} names)")
    model = _load_model(run_dir, config, _build_classifier, device)
    (_, _, test), _ = _classification_splits(dict(config, data_dir=data_dir))
    results = evaluate(model, nn.CrossEntropyLoss(), data.DataLoader(test, batch_size=256), device=device)
    return {"test_loss": results["loss"], "test_accuracy": results["accuracy"]}


def read_samples(path, config):
    """Raw samples for `ember predict`: a .npy array or a CSV of rows, in the dataset's raw units
    (digit pixels 0-16, MNIST pixels 0-255, iris measurements in cm), or an image file for image
    datasets. Returns model inputs (N, *in_shape) as float32."""
    shape = tuple(config["in_shape"])
    spec = CLASSIFICATION_DATA[config["dataset"]]
    if not os.path.isfile(path):
        raise RunError(f"no input file {path}")
    extension = os.path.splitext(path)[1].lower()
    if extension not in (".npy", ".csv", ".txt") and not (extension in (".png", ".jpg", ".jpeg") and len(shape) == 3):
        raise RunError(f"cannot read {path}: give a .npy or .csv of samples"
                       + (", or a .png/.jpg image" if len(shape) == 3 else ""))
    try:
        raw = _read_raw(path, extension, shape, spec["raw_scale"])
    except (ValueError, OSError, EOFError, SyntaxError) as problem:  # what NumPy and the image readers raise
        raise RunError(f"cannot read {path}: {problem}") from None
    samples = _as_samples(path, raw, shape)
    bad = np.flatnonzero(~np.isfinite(samples.reshape(len(samples), -1)).all(axis=1))
    if len(bad):
        raise RunError(f"{path}: sample {bad[0]} holds NaN or infinite numbers; ember classifies finite samples only")
    if spec["raw_scale"] is not None:
        samples = samples / spec["raw_scale"]
    if config.get("standardization"):
        mean, std = (np.asarray(s) for s in config["standardization"])
        samples = (samples - mean) / std
    return samples.astype(np.float32)


def _read_raw(path, extension, shape, raw_scale):
    """The numbers in a .npy, .csv/.txt or image file, as float64."""
    if extension == ".npy":
        raw = np.load(path, allow_pickle=False)
        if not isinstance(raw, np.ndarray) or raw.dtype.kind not in "biuf":
            raise ValueError(f"it holds {getattr(raw, 'dtype', type(raw).__name__)} values, not numbers")
        return raw.astype(np.float64)
    if extension in (".csv", ".txt"):
        return np.loadtxt(path, delimiter=",", ndmin=2)
    return _read_image(path, shape, raw_scale)


def _as_samples(path, raw, shape):
    """raw as (N, *shape): one sample (shape, its flat form, or shape without its leading 1s) or a stack."""
    size = math.prod(shape)
    one = {shape, (size,), shape[1:] if shape[0] == 1 else shape}
    if raw.shape in one:
        return raw.reshape((1,) + shape)
    if raw.ndim > 1 and raw.shape[1:] in one and len(raw) > 0:
        return raw.reshape((-1,) + shape)
    raise RunError(f"{path} holds an array of shape {raw.shape}, not samples of {size} numbers: give one sample "
                   f"{shape} or ({size},), or N of them, ({'N, ' + str(size)}) or (N, {', '.join(map(str, shape))})")


def _read_image(path, shape, raw_scale):
    """A grayscale image resized (nearest pixel) to shape (1, H, W), in the dataset's raw units,
    dark digits on a light page turned to light on dark as in MNIST."""
    import matplotlib.image
    pixels = matplotlib.image.imread(path).astype(np.float64)
    if pixels.max() > 1:
        pixels = pixels / 255.0
    if pixels.ndim == 3:
        pixels = pixels[..., :3].mean(axis=2)
    rows = (np.arange(shape[1]) * pixels.shape[0] / shape[1]).astype(int)
    cols = (np.arange(shape[2]) * pixels.shape[1] / shape[2]).astype(int)
    pixels = pixels[rows][:, cols]
    if pixels.mean() > 0.5:
        pixels = 1.0 - pixels
    return (pixels * raw_scale)[None]


def predict_run(run_dir, path, device=None):
    """Classify the samples in a file with a run's best weights: (class, probability) per sample."""
    config = _read_config(run_dir)
    if config["task"] != "classify":
        raise RunError(f"{run_dir} holds a language model: use `ember generate`")
    model = _load_model(run_dir, config, _build_classifier, device)
    inputs = tensor(read_samples(path, config), device=device)
    with no_grad():
        probabilities = softmax(model(inputs), dim=1).cpu().numpy()
    if not np.isfinite(probabilities).all():
        raise RunError(f"the weights of {run_dir} give NaN probabilities: they hold NaN or infinite numbers")
    return [(int(p.argmax()), float(p.max())) for p in probabilities]


# ---------------------------------------------------------------------------------------------
# Language models.

def read_text(path, what="--text"):
    """The UTF-8 text of a file, refused (RunError) when it cannot be read, is empty or is not text."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except UnicodeDecodeError as problem:
        raise RunError(f"{what} {path} is not UTF-8 text (byte {problem.start} is {problem.object[problem.start]:#04x})"
                       ": give a text file") from None
    except OSError as problem:
        raise RunError(f"cannot read {what} {path}: {problem.strerror}") from None
    if not text:
        raise RunError(f"{what} {path} is empty")
    if "\0" in text:
        raise RunError(f"{what} {path} holds NUL characters: a binary file, not text")
    return text


def _run_text(run_dir, config):
    """The text a language-model run trained on: its run folder's copy, or Python's documentation."""
    return read_text(run_file(run_dir, TEXT), "the run's text") if config.get("text") else data.builtin_text()


def _text_windows(text, config, vocab=None):
    """(vocab, train windows, validation windows) of text (char_windows: the last tenth validates), refused
    when a part is too short for the block size or the text has characters that vocab lacks."""
    block = config["block_size"]
    if min(int(len(text) * 0.9), len(text) - int(len(text) * 0.9)) <= block:
        name = f"--text {config['text']}: a" if config.get("text") else "A"
        raise RunError(f"{name} text of {len(text)} characters is too short for --block-size {block}: its last "
                       f"tenth, which validates, needs more than {block} characters (give a longer text or a smaller "
                       "--block-size)")
    try:
        return data.char_windows(text, block, vocab=vocab)
    except ValueError as problem:
        raise RunError(f"the text does not fit the run's vocabulary: {problem}") from None


def _build_language_model(config):
    return models.LANGUAGE_MODELS[config["model"]](vocab_size=len(config["vocab"]), block_size=config["block_size"],
                                                   dropout=config["dropout"])


def _random_windows(windows, batch_size, batches, seed):
    sampler = data.RandomSampler(windows, replacement=True, num_samples=batch_size * batches,
                                 generator=backend.Generator("cpu", seed))
    return data.DataLoader(windows, batch_size=batch_size, sampler=sampler)


def sequence_cross_entropy(logits, targets):
    """Mean cross-entropy of next-token logits (B, T, V) against targets (B, T)."""
    return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def validation_loss(model, val, batch_size, batches, seed, device=None):
    """Mean cross-entropy over `batches` random validation batches of the training shape."""
    return evaluate(model, sequence_cross_entropy, _random_windows(val, batch_size, batches, seed + 1),
                    device=device)["loss"]


def train_language_model(settings, out=None, device=None, progress=True, overwrite=False):
    """Train a character language model as `ember train --model char-lstm|gpt` does; settings["text"] is the
    path of the text (None: Python's documentation)."""
    check_out(out, overwrite)
    text = read_text(settings["text"]) if settings.get("text") else data.builtin_text()
    config, model, optimizer, windows = _prepare_language_model(settings, text)
    ranks = _join_ranks(config, device)
    run_dir = _start_run(out, overwrite, config, os.path.basename(config.get("text") or "python-docs"),
                         text if config.get("text") else None)
    return _rank_0_result(run_dir, _fit_language_model(config, model, optimizer, windows, run_dir, ranks, progress))


def _prepare_language_model(settings, text):
    """(config, model, optimizer, (vocab, train, val)) for settings and text, with nothing written."""
    backend.manual_seed(settings["seed"])
    vocab = data.CharVocab(settings["vocab"]) if settings.get("vocab") else None
    vocab, train, val = _text_windows(text, settings, vocab)
    config = dict(settings, task="language", vocab=vocab.chars, processes=distributed.launcher.world_size())
    model = _build_language_model(config)
    return config, model, make_optimizer(config, model), (vocab, train, val)


def _fit_language_model(config, model, optimizer, windows, run_dir, ranks, progress, resume_from=None):
    """Train (or go on training) the run's language model; ranks: this rank's (device, share of the batch).
    The results on rank 0, None on the others."""
    vocab, train, val = windows
    device, batch_size = ranks
    if _rank() == 0:
        print(summary(model, input_size=(batch_size, config["block_size"]), dtypes=[backend.int64], verbose=0))
    trained = _parallel(model, device)
    seed = config["seed"] + 1000 * _rank()  # each rank draws windows of its own
    interval = min(config["eval_interval"], config["iterations"])
    callbacks = [SchedulerStep(schedule(config, optimizer, config["iterations"]), interval="batch"),
                 _checkpoints(run_dir, config)]
    started = time.perf_counter()
    history = fit(trained, sequence_cross_entropy, optimizer, _random_windows(train, batch_size, interval, seed),
                  _random_windows(val, batch_size, min(20, config["eval_batches"]), seed + 2),
                  epochs=max(1, config["iterations"] // interval),
                  callbacks=callbacks + ([ProgressBar(iterations_per_epoch=interval)] if progress else []),
                  max_grad_norm=config.get("clip"), device=device, progress=False, resume_from=resume_from)
    seconds = time.perf_counter() - started
    if _rank() != 0:
        return None
    model.load_state_dict(load(os.path.join(run_dir, BEST)))
    tokens = config["batch_size"] * config["block_size"] * interval * len(history)
    results = {"val_loss": validation_loss(model, val, config["batch_size"], config["eval_batches"], config["seed"],
                                           device),
               "train_seconds": seconds, "tokens_per_second": tokens / seconds,
               "sample": generate_text(model, vocab, None, 300, device=device)}
    _write_history(run_dir, by_iteration(history, interval), results, x="iteration")
    return results


def by_iteration(history, interval):
    """A language model's history counted in iterations: each record's "epoch" (a stretch of `interval`
    iterations between two measurements) becomes the iteration it ended at."""
    return History([{"iteration": record["epoch"] * interval, **{k: v for k, v in record.items() if k != "epoch"}}
                    for record in history.records])


def generate_text(model, vocab, prompt, tokens, temperature=1.0, top_k=None, device=None):
    """Continue prompt (by default a new line, or the vocabulary's first character) by `tokens` characters."""
    model.eval()
    if not prompt:
        prompt = "\n" if "\n" in vocab.ids else vocab.chars[0]
    ids = from_numpy(vocab.encode(prompt)[None])
    if device is not None:
        ids = ids.to(device)
    out = model.generate(ids, tokens, temperature=temperature, top_k=top_k)
    return vocab.decode(out[0].tolist())


def attention_run(run_dir, prompt, path=None, device=None):
    """A heatmap per layer and head of where a Transformer run's model looks over prompt; returns
    the PNG's path (default RUN_DIR/attention.png)."""
    config = _read_config(run_dir)
    if config["task"] != "language" or not hasattr(models.LANGUAGE_MODELS[config["model"]], "attention_weights"):
        raise RunError(f"{run_dir} holds a {config['model']} model: attention maps need a Transformer (gpt) run")
    if not prompt or len(prompt) > config["block_size"]:
        raise RunError(f"give a prompt of 1 to {config['block_size']} characters (the model's context)")
    model = _load_model(run_dir, config, _build_language_model, device)
    try:
        ids = from_numpy(data.CharVocab(config["vocab"]).encode(prompt))
    except ValueError as problem:
        raise RunError(f"prompt: {problem}") from None
    path = path or os.path.join(run_dir, "attention.png")
    with no_grad():
        return save_attention_maps(model, ids if device is None else ids.to(device), path, labels=list(prompt))


def generate_run(run_dir, prompt, tokens, temperature=1.0, top_k=None, seed=None, device=None):
    config = _read_config(run_dir)
    if config["task"] != "language":
        raise RunError(f"{run_dir} holds a classifier: use `ember predict`")
    if seed is not None:
        backend.manual_seed(seed)
    model = _load_model(run_dir, config, _build_language_model, device)
    vocab = data.CharVocab(config["vocab"])
    try:
        return generate_text(model, vocab, prompt, tokens, temperature, top_k, device)
    except ValueError as problem:
        raise RunError(f"prompt: {problem}") from None


# ---------------------------------------------------------------------------------------------
# Export.

def export_run(run_dir, path):
    """Write a run's best model to path as ONNX, with a dynamic batch (and, for a language model, a
    dynamic length): `ember export RUN --onnx model.onnx`. Returns the graph's input name and shape."""
    from ..io.onnx_export import ExportError, export
    config = _read_config(run_dir)
    if config["task"] == "language":
        model = _load_model(run_dir, config, _build_language_model, None)
        example, name, axes = tensor(np.zeros((1, min(config["block_size"], 8)), np.int64)), "ids", {0: "batch",
                                                                                                    1: "length"}
    else:
        model = _load_model(run_dir, config, _build_classifier, None)
        example, name, axes = tensor(np.zeros((1, *config["in_shape"]), np.float32)), "input", {0: "batch"}
    try:
        export(model, (example,), path, input_names=[name], output_names=["logits"],
               dynamic_axes={name: axes, "logits": {0: "batch"}})
    except (ExportError, ImportError) as problem:
        raise RunError(str(problem)) from None
    return name, ["batch" if i == 0 else "length" if i in axes else n for i, n in enumerate(example.shape)]
