"""The `ember` command: train a model, then evaluate it, classify with it or generate text with it.

    ember train                          LeNet on scikit-learn's digits, with a summary and a run folder
    ember train --model gpt --text FILE  a character GPT on a text file
    ember train --resume RUN_DIR         continue a run that was stopped, exactly where it stood
    ember evaluate RUN_DIR               the test accuracy of a run's best weights
    ember predict RUN_DIR INPUT          classify the samples in a .npy/.csv file (or an image)
    ember generate RUN_DIR --prompt TEXT text from a language model
    ember attention RUN_DIR --prompt TEXT where each attention head of a GPT looks (a PNG heatmap)
    ember vanishing-gradients            why an LSTM remembers 100 steps and a plain RNN does not
    ember lab [NAME ...] [--quick]       each claim of the lesson as an experiment, in one HTML report
    ember export RUN_DIR --onnx FILE     a run's best model as an ONNX file (onnxruntime and others run it)
    ember run SCRIPT [ARGS...]           run a PyTorch program unchanged, with torch resolved to ember
    ember train --nproc 2                data-parallel training on 2 processes (mpiexec -n 2 ember train)
"""

import argparse
import math
import sys
import time
import traceback

from . import __version__

DEFAULT_MODEL = "lenet"  # beats the MLP on digits: 98.89% test accuracy against 98.52% (seed 0)
DEFAULT_DATASET = "digits"


class _Parser(argparse.ArgumentParser):
    """Bad arguments: one line on stderr and exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser():
    parser = _Parser(prog="ember", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"ember {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    train = commands.add_parser("train", help="train a model and write a run folder",
                                description="Train a model. Options left out come from the model's recipe.")
    train.add_argument("--model",
                       help="classifier (lenet, mlp, vgg, resnet8, resnet20) or language model (char-lstm, gpt); "
                            f"default {DEFAULT_MODEL}")
    train.add_argument("--dataset",
                       help="digits, iris, breast-cancer, mnist or fashion-mnist (classifiers; default digits)")
    train.add_argument("--data-dir", help="folder (or .npz) with the MNIST-style data files")
    train.add_argument("--text", metavar="FILE", help="text to train a language model on (default: Python's docs)")
    train.add_argument("--optimizer", choices=["sgd", "adam", "adamw"])
    train.add_argument("--lr", type=_positive_float, help="learning rate")
    train.add_argument("--epochs", type=_positive_int, help="passes over the training data (classifiers)")
    train.add_argument("--iterations", type=_positive_int, help="training steps (language models)")
    train.add_argument("--batch-size", type=_positive_int)
    train.add_argument("--block-size", type=_positive_int, help="sequence length (language models)")
    train.add_argument("--eval-interval", type=_positive_int, metavar="STEPS",
                       help="training steps between validations and checkpoints (language models)")
    train.add_argument("--eval-batches", type=_positive_int,
                       help="random validation batches for a language model's final loss (default 200)")
    train.add_argument("--dropout", type=_fraction, help="the probability of dropping a unit, in [0, 1)")
    train.add_argument("--weight-decay", type=_non_negative_float)
    train.add_argument("--patience", type=_non_negative_int, help="early stopping: epochs without improvement (0: off)")
    train.add_argument("--device", type=_device, help="cpu or cuda (cuda:N)")
    train.add_argument("--seed", type=int, help="random seed (default 0)")
    train.add_argument("--out", metavar="RUN_DIR", help="run folder (default runs/<model>-<data>-<time>)")
    train.add_argument("--overwrite", action="store_true", help="replace the run that --out holds")
    train.add_argument("--resume", metavar="RUN_DIR",
                       help="continue the run in RUN_DIR from its last checkpoint, with its own settings")
    train.add_argument("--checkpoint-every", type=_positive_int, metavar="STEPS",
                       help="write the training checkpoint every STEPS steps too (default: after each epoch)")
    train.add_argument("--no-progress", action="store_true", help="no progress bar or per-epoch lines")
    train.add_argument("--nproc", type=_positive_int, default=1,
                       help="train on N processes of this machine (mpiexec -n N; --batch-size is the whole batch)")

    evaluate = commands.add_parser("evaluate", help="test accuracy of a run's best weights")
    evaluate.add_argument("run_dir", metavar="RUN_DIR")
    evaluate.add_argument("--data-dir", help="folder (or .npz) with the MNIST-style data files the run trained on")
    evaluate.add_argument("--device", type=_device, help="cpu or cuda (cuda:N)")

    predict = commands.add_parser("predict", help="classify samples with a run's best weights")
    predict.add_argument("run_dir", metavar="RUN_DIR")
    predict.add_argument("input", metavar="INPUT", help=".npy or .csv of raw samples, or an image (.png/.jpg)")
    predict.add_argument("--device", type=_device, help="cpu or cuda (cuda:N)")

    generate = commands.add_parser("generate", help="text from a language model run")
    generate.add_argument("run_dir", metavar="RUN_DIR")
    generate.add_argument("--prompt", help="text to continue (default: a new line)")
    generate.add_argument("--tokens", type=_positive_int, default=500, help="characters to generate")
    generate.add_argument("--temperature", type=_positive_float, default=1.0)
    generate.add_argument("--top-k", type=_positive_int)
    generate.add_argument("--seed", type=int)
    generate.add_argument("--device", type=_device, help="cpu or cuda (cuda:N)")
    attention = commands.add_parser("attention", help="heatmaps of a GPT run's attention over a prompt")
    attention.add_argument("run_dir", metavar="RUN_DIR")
    attention.add_argument("--prompt", required=True, help="the text to read (at most the model's context)")
    attention.add_argument("--out", metavar="PNG", help="where to save it (default RUN_DIR/attention.png)")
    attention.add_argument("--device", type=_device, help="cpu or cuda (cuda:N)")

    vanishing = commands.add_parser(
        "vanishing-gradients", help="RNN against LSTM on remembering a symbol for LAG steps, with a plot",
        description="Train a tanh RNN and LSTMs to remember a symbol for LAG steps, and plot the gradient "
                    "that reaches each step: it vanishes in the RNN, not in the LSTM.")
    vanishing.add_argument("--out", default="runs/vanishing-gradients", metavar="DIR")
    vanishing.add_argument("--lag", type=_positive_int, default=100)
    vanishing.add_argument("--steps", type=_positive_int, default=400, help="training steps per model")
    vanishing.add_argument("--seed", type=int, default=0)
    lab = commands.add_parser(
        "lab", help="each claim of the lesson as an experiment, with a verdict, in one HTML report",
        description="Run the lesson's experiments (all of them, or those named) and write DIR/index.html: for each "
                    "claim, the experiment, its figures and numbers over seeds, and a verdict computed from them. "
                    "Experiments: " + ", ".join(_lab_names()) + ".")
    lab.add_argument("names", nargs="*", metavar="NAME", help="experiments to run (default: all)")
    lab.add_argument("--quick", action="store_true",
                     help="smaller settings and fewer seeds (a minute or two instead of about six)")
    lab.add_argument("--seed", type=int, default=0, help="the first seed (each experiment runs seeds S, S+1, ...)")
    lab.add_argument("--device", type=_device, help="cpu or cuda (cuda:N)")
    lab.add_argument("--out", default="runs/lab", metavar="DIR", help="where the report goes (default runs/lab)")
    export = commands.add_parser("export", help="write a run's best model as an ONNX file")
    export.add_argument("run_dir", metavar="RUN_DIR")
    export.add_argument("--onnx", required=True, metavar="FILE", help="the .onnx file to write")

    commands.add_parser("run", help="run a PyTorch program unchanged, with torch resolved to ember", add_help=False)
    return parser


def _lab_names():
    """The lab's experiments, as `ember lab` names them (importing the lab only when this is asked)."""
    from .apps.lab import BY_NAME
    return list(BY_NAME)


def _option(parse, test, requirement):
    """An argparse type: the text as an int or a float (parse), refused unless test(value) holds."""
    kind = "an integer" if parse is int else "a number"

    def convert(text):
        try:
            value = parse(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {kind}, got {text!r}") from None
        if not test(value):
            raise argparse.ArgumentTypeError(f"must be {requirement}, got {text}")
        return value
    return convert


_positive_int = _option(int, lambda n: n > 0, "a positive integer")
_non_negative_int = _option(int, lambda n: n >= 0, "an integer >= 0")
_positive_float = _option(float, lambda x: math.isfinite(x) and x > 0, "a positive number")
_non_negative_float = _option(float, lambda x: math.isfinite(x) and x >= 0, "a number >= 0")
_fraction = _option(float, lambda x: 0 <= x < 1, "a number in [0, 1)")


def _device(text):
    """The ember.device that --device names, if this machine has it."""
    from . import cuda, device
    try:
        chosen = device(text)
    except ValueError as problem:
        raise argparse.ArgumentTypeError(str(problem)) from None
    if chosen.type == "cuda" and not cuda.is_available():
        raise argparse.ArgumentTypeError(f"{text}: no GPU was found (CUDA needs an NVIDIA GPU and CuPy: "
                                         "pip install 'ember[gpu]')")
    if chosen.type == "cuda" and chosen.index >= cuda.device_count():
        raise argparse.ArgumentTypeError(f"{text}: this machine has {cuda.device_count()} GPUs, "
                                         f"cuda:0 to cuda:{cuda.device_count() - 1}")
    return chosen


# The options of `ember train` that a recipe has a default for (a run's own config.json, with --resume).
TRAINING_OPTIONS = ("model", "dataset", "text", "optimizer", "lr", "epochs", "iterations", "batch_size",
                    "block_size", "eval_interval", "eval_batches", "dropout", "weight_decay", "patience", "seed",
                    "checkpoint_every")


def _train(args, argv):
    from . import distributed, models
    from .apps import recipes, runs
    if args.nproc > 1 and distributed.launcher.mpi_launch() is None:
        return _launch(args.nproc, argv)
    progress = not args.no_progress
    if args.resume is not None:
        given = [f"--{name.replace('_', '-')}" for name in TRAINING_OPTIONS + ("out",)
                 if getattr(args, name) is not None] + (["--overwrite"] if args.overwrite else [])
        if given:
            raise recipes.RunError(f"--resume continues a run with the settings of its config.json: leave out "
                                   f"{', '.join(given)}")
        run_dir, results = runs.resume_run(args.resume, args.device, progress, args.data_dir)
        return _report(run_dir, results)
    model = args.model or DEFAULT_MODEL
    options = {name: getattr(args, name) for name in TRAINING_OPTIONS if name not in ("model", "dataset", "text")}
    settings = recipes.recipe(model, options)
    settings.update(model=model, seed=args.seed or 0)
    if model in models.LANGUAGE_MODELS:
        settings["text"] = args.text
        run_dir, results = runs.train_language_model(settings, args.out, args.device, progress, args.overwrite)
    else:
        settings.update(dataset=args.dataset or DEFAULT_DATASET, data_dir=args.data_dir)
        run_dir, results = runs.train_classifier(settings, args.out, args.device, progress, args.overwrite)
    _report(run_dir, results)


def _report(run_dir, results):
    """What `ember train` prints at the end: the results of a language model or of a classifier (on rank 0;
    the other ranks of a distributed run have none)."""
    if results is None:
        return None
    if "val_loss" in results:
        print(f"\nvalidation loss {results['val_loss']:.4f} nats per character  "
              f"({results['train_seconds']:.0f} s, {results['tokens_per_second']:,.0f} tokens/s)")
        print(f"sample:\n{results['sample']}")
    else:
        print(f"\ntest accuracy {100 * results['test_accuracy']:.2f}%  (test loss {results['test_loss']:.4f}, "
              f"best epoch {results['best_epoch']})")
        print(f"diagnosis: {results['diagnosis']}")
    print(f"run folder: {run_dir}")
    return None


def _launch(nproc, argv):
    """`ember train --nproc N`: the same command on N processes, started by mpiexec; their exit status."""
    import subprocess
    from .distributed import launcher
    rest = [a for i, a in enumerate(argv) if not a.startswith("--nproc") and (i == 0 or argv[i - 1] != "--nproc")]
    try:
        return subprocess.run(launcher.command(nproc, ["-m", "ember.cli", *rest])).returncode
    except RuntimeError as problem:
        raise FileNotFoundError(f"--nproc {nproc}: {problem}") from None


def _evaluate(args):
    from .apps import runs
    results = runs.evaluate_run(args.run_dir, args.device, args.data_dir)
    for name, value in results.items():
        print(f"{name.replace('_', ' ')}: " + (f"{100 * value:.2f}%" if "accuracy" in name else f"{value:.4f}"))


def _predict(args):
    from .apps import runs
    for i, (label, probability) in enumerate(runs.predict_run(args.run_dir, args.input, args.device)):
        print(f"sample {i}: class {label} (probability {probability:.3f})")


def _generate(args):
    from .apps import runs
    print(runs.generate_run(args.run_dir, args.prompt, args.tokens, args.temperature, args.top_k, args.seed,
                            args.device))


def _attention(args):
    from .apps import runs
    print(f"attention maps: {runs.attention_run(args.run_dir, args.prompt, args.out, args.device)}")


def _export(args):
    from .apps import runs
    name, shape = runs.export_run(args.run_dir, args.onnx)
    print(f"wrote {args.onnx}: input '{name}' of shape ({', '.join(map(str, shape))}), output 'logits'")


def _vanishing_gradients(args):
    from .apps.experiments import vanishing_gradients
    results = vanishing_gradients(args.out, steps=args.steps, lag=args.lag, seed=args.seed)
    print(f"remembering a symbol for {results['lag']} steps (chance {100 * results['chance']:.0f}%):")
    for name, result in results.items():
        if isinstance(result, dict):
            reaching = result["gradient_at_init"][0] / max(result["gradient_at_init"][-1], 1e-300)
            print(f"  {name:36s} accuracy {100 * result['accuracy']:5.1f}%   gradient reaching step 0 "
                  f"at the start: {reaching:.1e} of the last step's")
    print(f"plot: {results['plot']}")


def _lab(args):
    from .apps.lab import run_lab
    started = time.perf_counter()
    path = run_lab(args.names, quick=args.quick, seed=args.seed, device=args.device, out=args.out)
    print(f"report: {path}  ({time.perf_counter() - started:.0f} s)")


def _run(argv):
    """`ember run`: its arguments are the program's, so they skip ember's parser (see ember.run)."""
    from . import run
    return run.main(argv, prog="ember run")


def main(argv=None):
    """Run the command in argv; returns the exit status: 0, 2 for a mistake in what was asked (one line on
    stderr, nothing written), 1 when training diverged or the machine failed (a full disk), 130 when
    interrupted. An error of ember itself shows its traceback, with a request to report it."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["run"]:
        return _run(argv[1:])
    args = _parser().parse_args(argv)
    from .apps.recipes import RunError
    from .io import CheckpointError
    from .train import DivergenceError
    from .distributed import end_every_rank
    command = {"train": lambda args: _train(args, argv), "evaluate": _evaluate, "predict": _predict,
               "generate": _generate, "attention": _attention, "export": _export,
               "vanishing-gradients": _vanishing_gradients, "lab": _lab}[args.command]
    try:
        status = command(args)
    except (RunError, CheckpointError, FileNotFoundError) as problem:
        return _fail(args.command, problem, 2)
    except (DivergenceError, OSError, MemoryError) as problem:
        return _fail(args.command, problem, 1)
    except KeyboardInterrupt:
        print("\ninterrupted" + (" (continue with `ember train --resume RUN_DIR`)" if args.command == "train" else ""),
              file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 (ember's own bug: say so, with the traceback to report)
        traceback.print_exc()
        print(f"ember {args.command}: internal error: this is a bug in ember, not in what you asked; please report "
              "it with the command and the traceback above", file=sys.stderr)
        end_every_rank(error)
        return 1
    return status or 0  # the exit status of the processes that --nproc started, or 0


def _fail(command, problem, status):
    """Print problem as one line for `ember command`, and give the exit status."""
    if isinstance(problem, MemoryError):
        text = "out of memory (try a smaller --batch-size or model)"
    elif isinstance(problem, OSError) and problem.strerror:
        text = f"{problem.strerror}: {problem.filename}" if problem.filename else problem.strerror
    else:
        text = str(problem)
    label = "error: " if status == 2 or isinstance(problem, (OSError, MemoryError)) else ""
    print(f"ember {command}: {label}{' '.join(text.split())}", file=sys.stderr)
    from .distributed import end_every_rank
    end_every_rank(problem)
    return status


if __name__ == "__main__":
    sys.exit(main())
