"""Run folders: `ember train` writes one; `ember evaluate`, `predict` and `generate` read it back.

    runs/<model>-<data>-<time>/
        config.json        what was trained on what, and how: enough to rebuild the model
        best.safetensors   the weights of the epoch with the lowest validation loss
        metrics.csv        the History, one row per epoch (per evaluation, by iteration, for a language model)
        metrics.json       the History, the test (or final validation) results and the diagnosis
        curves.png         learning curves, train against validation

Under `mpiexec -n N` (or `ember train --nproc N`) the N processes train one model together: each takes
its share of every batch (--batch-size is the whole batch's), the model is a DistributedDataParallel,
and rank 0 alone writes the run folder and prints.
"""

import json
import os
import time

import numpy as np

from .. import backend, data, distributed, models, nn
from ..autograd import no_grad
from ..creation import from_numpy, tensor
from ..io import load
from ..io.files import atomic_write
from ..ops.activation import softmax
from ..train import (EarlyStopping, History, ModelCheckpoint, ProgressBar, SchedulerStep, diagnose, evaluate, features,
                     fit, plot_history, summary)
from ..train.attention_maps import save_attention_maps
from .recipes import RunError, make_optimizer, schedule

# How each dataset's raw samples (the numbers a user hands to `ember predict`) become model inputs.
CLASSIFICATION_DATA = {
    "digits": dict(load=data.digits, sample_shape=(1, 8, 8), raw_scale=16.0),
    "mnist": dict(load=data.mnist, sample_shape=(1, 28, 28), raw_scale=255.0),
    "fashion-mnist": dict(load=data.fashion_mnist, sample_shape=(1, 28, 28), raw_scale=255.0),
    "iris": dict(load=data.iris, sample_shape=(4,), raw_scale=None),
    "breast-cancer": dict(load=data.breast_cancer, sample_shape=(30,), raw_scale=None),
}

def _new_run_dir(out, model_name, data_name):
    """The run folder, made by rank 0 (the only process, outside a distributed run) and named to every rank."""
    folder = [out or os.path.join("runs", f"{model_name}-{data_name}-{time.strftime('%Y%m%d-%H%M%S')}")]
    if _rank() == 0:
        os.makedirs(folder[0], exist_ok=True)
    if distributed.is_initialized():
        distributed.broadcast_object_list(folder, src=0)
    return folder[0]


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


def _write_json(path, obj):
    with atomic_write(path) as f:
        f.write(json.dumps(obj, indent=2).encode())


def _read_config(run_dir):
    path = os.path.join(run_dir, "config.json")
    if not os.path.isfile(path):
        raise RunError(f"{run_dir} is not a run folder (no config.json): give a folder `ember train` wrote")
    with open(path) as f:
        return json.load(f)


def _write_history(run_dir, history, results, x="epoch"):
    history.to_csv(os.path.join(run_dir, "metrics.csv"))
    _write_json(os.path.join(run_dir, "metrics.json"), {**history.to_dict(), **results})
    try:
        plot_history(history, os.path.join(run_dir, "curves.png"), x=x)
    except ImportError as missing:
        print(f"(no curves.png: {missing})")


# ---------------------------------------------------------------------------------------------
# Classifiers.

def _classification_splits(config):
    spec = CLASSIFICATION_DATA[config["dataset"]]
    kwargs = {"seed": config["seed"]}
    if config.get("data_dir"):
        kwargs["root"] = config["data_dir"]
    try:
        splits = spec["load"](**kwargs)
    except TypeError:
        raise RunError(f"--data-dir is not used by the '{config['dataset']}' dataset") from None
    shape = tuple(spec["sample_shape"])
    return [data.TensorDataset(x.reshape((len(x),) + shape), y) for x, y in (s.tensors for s in splits)], splits


def _build_classifier(config):
    return models.CLASSIFIERS[config["model"]](in_shape=tuple(config["in_shape"]), num_classes=config["num_classes"],
                                               dropout=config["dropout"])


def train_classifier(settings, out=None, device=None, progress=True):
    """Train a classifier on a dataset as `ember train` does; returns (run folder, results dict)."""
    if settings["dataset"] not in CLASSIFICATION_DATA:
        raise RunError(f"unknown dataset '{settings['dataset']}'; choose from {', '.join(CLASSIFICATION_DATA)}")
    backend.manual_seed(settings["seed"])
    (train, val, test), raw = _classification_splits(settings)
    labels = np.concatenate([s.tensors[1].numpy() for s in (train, val, test)])
    config = dict(settings, task="classify", in_shape=list(train.tensors[0].shape[1:]),
                  num_classes=int(labels.max()) + 1, standardization=_standardization(raw.train))
    device, batch_size = _join_ranks(config, device)
    model = _build_classifier(config)
    if _rank() == 0:
        print(summary(model, input_size=(batch_size, *config["in_shape"]), verbose=0))
    trained = _parallel(model, device)
    optimizer = make_optimizer(config, trained)
    run_dir = _new_run_dir(out, config["model"], config["dataset"])
    if _rank() == 0:
        _write_json(os.path.join(run_dir, "config.json"), config)
    if distributed.is_initialized():
        train_loader = data.DataLoader(train, batch_size, sampler=data.DistributedSampler(train, seed=config["seed"]))
        val_loader = data.DataLoader(val, batch_size=256, sampler=data.DistributedSampler(val, shuffle=False))
    else:
        generator = backend.Generator("cpu", config["seed"])
        train_loader = data.DataLoader(train, batch_size=batch_size, shuffle=True, generator=generator)
        val_loader = data.DataLoader(val, batch_size=256)
    checkpoint = os.path.join(run_dir, "best.safetensors")
    callbacks = [ModelCheckpoint(checkpoint)]
    if config.get("patience"):
        callbacks.append(EarlyStopping(patience=config["patience"]))
    scheduler = schedule(config, optimizer, config["epochs"] * len(train_loader))
    if scheduler is not None:
        callbacks.append(SchedulerStep(scheduler, interval="batch"))
    loss_fn = nn.CrossEntropyLoss()
    history = fit(trained, loss_fn, optimizer, train_loader, val_loader, epochs=config["epochs"], callbacks=callbacks,
                  device=device, progress=progress)
    if _rank() != 0:
        return None, None
    model.load_state_dict(load(checkpoint))
    test_results = evaluate(model, loss_fn, data.DataLoader(test, batch_size=256), device=device)
    results = {"test_loss": test_results["loss"], "test_accuracy": test_results["accuracy"],
               "best_epoch": history.best_epoch("val_loss"), "diagnosis": str(diagnose(history))}
    _write_history(run_dir, history, results)
    if features.conv_layers(model):
        _write_feature_pictures(run_dir, model, test.tensors[0][:1], device)
    return run_dir, results


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
    model = build(config)
    path = os.path.join(run_dir, "best.safetensors")
    if not os.path.isfile(path):
        raise RunError(f"{run_dir} has no best.safetensors: the run did not finish an epoch")
    model.load_state_dict(load(path))
    if device is not None:
        model.to(device)
    return model.eval()


def evaluate_run(run_dir, device=None):
    """The test loss and accuracy of a run's best weights (a classifier), or its validation loss (a
    language model)."""
    config = _read_config(run_dir)
    if config["task"] == "language":
        model = _load_model(run_dir, config, _build_language_model, device)
        vocab, _, val = _text_windows(config)
        return {"val_loss": validation_loss(model, val, config["batch_size"], config["eval_batches"], config["seed"],
                                            device)}
    model = _load_model(run_dir, config, _build_classifier, device)
    (_, _, test), _ = _classification_splits(config)
    results = evaluate(model, nn.CrossEntropyLoss(), data.DataLoader(test, batch_size=256), device=device)
    return {"test_loss": results["loss"], "test_accuracy": results["accuracy"]}


def read_samples(path, config):
    """Raw samples for `ember predict`: a .npy array or a CSV of rows, in the dataset's raw units
    (digit pixels 0-16, MNIST pixels 0-255, iris measurements in cm), or an image file for image
    datasets. Returns model inputs (N, *in_shape) as float32."""
    shape = tuple(config["in_shape"])
    if not os.path.isfile(path):
        raise RunError(f"no input file {path}")
    extension = os.path.splitext(path)[1].lower()
    if extension == ".npy":
        raw = np.load(path, allow_pickle=False).astype(np.float64)
    elif extension in (".csv", ".txt"):
        raw = np.loadtxt(path, delimiter=",", ndmin=2)
    elif extension in (".png", ".jpg", ".jpeg") and len(shape) == 3:
        raw = _read_image(path, shape, CLASSIFICATION_DATA[config["dataset"]]["raw_scale"])
    else:
        raise RunError(f"cannot read {path}: give a .npy or .csv of samples"
                       + (", or a .png/.jpg image" if len(shape) == 3 else ""))
    size = int(np.prod(shape))
    if raw.size % size:
        raise RunError(f"{path} holds {raw.size} numbers, not a whole number of samples of {size} ({shape})")
    samples = raw.reshape((-1,) + shape)
    scale = CLASSIFICATION_DATA[config["dataset"]]["raw_scale"]
    if scale is not None:
        samples = samples / scale
    if config.get("standardization"):
        mean, std = (np.asarray(s) for s in config["standardization"])
        samples = (samples - mean) / std
    return samples.astype(np.float32)


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
    return pixels * raw_scale


def predict_run(run_dir, path, device=None):
    """Classify the samples in a file with a run's best weights: (class, probability) per sample."""
    config = _read_config(run_dir)
    if config["task"] != "classify":
        raise RunError(f"{run_dir} holds a language model: use `ember generate`")
    model = _load_model(run_dir, config, _build_classifier, device)
    inputs = tensor(read_samples(path, config), device=device)
    with no_grad():
        probabilities = softmax(model(inputs), dim=1).cpu().numpy()
    return [(int(p.argmax()), float(p.max())) for p in probabilities]


# ---------------------------------------------------------------------------------------------
# Language models.

def _text_windows(config):
    if config.get("text"):
        try:
            with open(config["text"], encoding="utf-8") as f:
                text = f.read()
        except OSError as problem:
            raise RunError(f"cannot read --text {config['text']}: {problem.strerror}") from None
    else:
        text = data.builtin_text()
    vocab = data.CharVocab(config["vocab"]) if config.get("vocab") else None
    return data.char_windows(text, config["block_size"], vocab=vocab)


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


def train_language_model(settings, out=None, device=None, progress=True):
    """Train a character language model as `ember train --model char-lstm|gpt` does."""
    backend.manual_seed(settings["seed"])
    vocab, train, val = _text_windows(settings)
    config = dict(settings, task="language", vocab=vocab.chars)
    device, batch_size = _join_ranks(config, device)
    model = _build_language_model(config)
    if _rank() == 0:
        print(summary(model, input_size=(batch_size, config["block_size"]), dtypes=[backend.int64], verbose=0))
    trained = _parallel(model, device)
    optimizer = make_optimizer(config, trained)
    run_dir = _new_run_dir(out, config["model"], os.path.basename(config.get("text") or "python-docs"))
    if _rank() == 0:
        _write_json(os.path.join(run_dir, "config.json"), config)
    seed = config["seed"] + 1000 * _rank()  # each rank draws windows of its own
    interval = min(config["eval_interval"], config["iterations"])
    checkpoint = os.path.join(run_dir, "best.safetensors")
    callbacks = [SchedulerStep(schedule(config, optimizer, config["iterations"]), interval="batch"),
                 ModelCheckpoint(checkpoint)]
    started = time.perf_counter()
    history = fit(trained, sequence_cross_entropy, optimizer, _random_windows(train, batch_size, interval, seed),
                  _random_windows(val, batch_size, min(20, config["eval_batches"]), seed + 2),
                  epochs=max(1, config["iterations"] // interval),
                  callbacks=callbacks + ([ProgressBar(iterations_per_epoch=interval)] if progress else []),
                  max_grad_norm=config.get("clip"), device=device, progress=False)
    seconds = time.perf_counter() - started
    if _rank() != 0:
        return None, None
    model.load_state_dict(load(checkpoint))
    tokens = config["batch_size"] * config["block_size"] * interval * len(history)
    results = {"val_loss": validation_loss(model, val, config["batch_size"], config["eval_batches"], config["seed"],
                                           device),
               "train_seconds": seconds, "tokens_per_second": tokens / seconds,
               "sample": generate_text(model, vocab, None, 300, device=device)}
    _write_history(run_dir, by_iteration(history, interval), results, x="iteration")
    return run_dir, results


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
