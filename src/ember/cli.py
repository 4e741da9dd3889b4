"""The `ember` command: train a model, then evaluate it, classify with it or generate text with it.

    ember train                          LeNet on scikit-learn's digits, with a summary and a run folder
    ember train --model gpt --text FILE  a character GPT on a text file
    ember evaluate RUN_DIR               the test accuracy of a run's best weights
    ember predict RUN_DIR INPUT          classify the samples in a .npy/.csv file (or an image)
    ember generate RUN_DIR --prompt TEXT text from a language model
    ember attention RUN_DIR --prompt TEXT where each attention head of a GPT looks (a PNG heatmap)
    ember vanishing-gradients            why an LSTM remembers 100 steps and a plain RNN does not
    ember export RUN_DIR --onnx FILE     a run's best model as an ONNX file (onnxruntime and others run it)
    ember run SCRIPT [ARGS...]           run a PyTorch program unchanged, with torch resolved to ember
    ember train --nproc 2                data-parallel training on 2 processes (mpiexec -n 2 ember train)
"""

import argparse
import sys

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
    train.add_argument("--model", default=DEFAULT_MODEL,
                       help="classifier (lenet, mlp, vgg, resnet8, resnet20) or language model (char-lstm, gpt); "
                            f"default {DEFAULT_MODEL}")
    train.add_argument("--dataset", default=DEFAULT_DATASET,
                       help="digits, iris, breast-cancer, mnist or fashion-mnist (classifiers; default digits)")
    train.add_argument("--data-dir", help="folder (or .npz) with the MNIST-style data files")
    train.add_argument("--text", metavar="FILE", help="text to train a language model on (default: Python's docs)")
    train.add_argument("--optimizer", choices=["sgd", "adam", "adamw"])
    train.add_argument("--lr", type=float, help="learning rate")
    train.add_argument("--epochs", type=_positive_int, help="passes over the training data (classifiers)")
    train.add_argument("--iterations", type=_positive_int, help="training steps (language models)")
    train.add_argument("--batch-size", type=_positive_int)
    train.add_argument("--block-size", type=_positive_int, help="sequence length (language models)")
    train.add_argument("--eval-batches", type=_positive_int,
                       help="random validation batches for a language model's final loss (default 200)")
    train.add_argument("--dropout", type=float)
    train.add_argument("--weight-decay", type=float)
    train.add_argument("--patience", type=int, help="early stopping: epochs without improvement (0: off)")
    train.add_argument("--device", type=_device, help="cpu or cuda (cuda:N)")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--out", metavar="RUN_DIR", help="run folder (default runs/<model>-<data>-<time>)")
    train.add_argument("--no-progress", action="store_true", help="no progress bar or per-epoch lines")
    train.add_argument("--nproc", type=_positive_int, default=1,
                       help="train on N processes of this machine (mpiexec -n N; --batch-size is the whole batch)")

    evaluate = commands.add_parser("evaluate", help="test accuracy of a run's best weights")
    evaluate.add_argument("run_dir", metavar="RUN_DIR")
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
    export = commands.add_parser("export", help="write a run's best model as an ONNX file")
    export.add_argument("run_dir", metavar="RUN_DIR")
    export.add_argument("--onnx", required=True, metavar="FILE", help="the .onnx file to write")

    commands.add_parser("run", help="run a PyTorch program unchanged, with torch resolved to ember", add_help=False)
    return parser


def _positive_int(text):
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def _positive_float(text):
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


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


def _train(args, argv):
    from . import distributed, models
    from .apps import recipes, runs
    if args.nproc > 1 and distributed.launcher.mpi_launch() is None:
        return _launch(args.nproc, argv)
    options = {"optimizer": args.optimizer, "lr": args.lr, "epochs": args.epochs, "iterations": args.iterations,
               "batch_size": args.batch_size, "block_size": args.block_size, "dropout": args.dropout,
               "weight_decay": args.weight_decay, "patience": args.patience, "eval_batches": args.eval_batches}
    settings = recipes.recipe(args.model, options)
    settings.update(model=args.model, seed=args.seed)
    progress = not args.no_progress
    if args.model in models.LANGUAGE_MODELS:
        settings["text"] = args.text
        run_dir, results = runs.train_language_model(settings, args.out, args.device, progress)
        if run_dir is None:
            return None  # a rank other than 0: rank 0 reports
        print(f"\nvalidation loss {results['val_loss']:.4f} nats per character  "
              f"({results['train_seconds']:.0f} s, {results['tokens_per_second']:,.0f} tokens/s)")
        print(f"sample:\n{results['sample']}")
    else:
        settings.update(dataset=args.dataset, data_dir=args.data_dir)
        run_dir, results = runs.train_classifier(settings, args.out, args.device, progress)
        if run_dir is None:
            return None
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
    results = runs.evaluate_run(args.run_dir, args.device)
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


def _run(argv):
    """`ember run`: its arguments are the program's, so they skip ember's parser (see ember.run)."""
    from . import run
    return run.main(argv, prog="ember run")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["run"]:
        return _run(argv[1:])
    args = _parser().parse_args(argv)
    from . import backend
    from .apps.recipes import RunError
    from .train import DivergenceError
    backend.keep_freed_memory()  # each training step reuses the memory the last one freed (README: Memory)
    from .distributed import end_every_rank
    command = {"train": lambda args: _train(args, argv), "evaluate": _evaluate, "predict": _predict,
               "generate": _generate, "attention": _attention, "export": _export,
               "vanishing-gradients": _vanishing_gradients}[args.command]
    try:
        status = command(args)
    except (RunError, FileNotFoundError) as problem:
        print(f"ember {args.command}: error: {problem}", file=sys.stderr)
        end_every_rank(problem)
        return 2
    except DivergenceError as problem:
        print(f"ember {args.command}: {problem}", file=sys.stderr)
        end_every_rank(problem)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    return status or 0  # the exit status of the processes that --nproc started, or 0


if __name__ == "__main__":
    sys.exit(main())
