"""The `ember` command, end to end on scikit-learn's digits."""

import json

import numpy as np
import pytest
from sklearn.datasets import load_digits

import ember
from ember.cli import main


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    return tmp_path_factory.mktemp("run")


def test_ember_train_with_no_options_learns_digits(trained_run, capsys):
    assert main(["train", "--out", str(trained_run), "--no-progress"]) == 0
    out = capsys.readouterr().out
    accuracy = float(out.split("test accuracy ")[1].split("%")[0])
    assert accuracy >= 98.5  # LeNet, seed 0: 98.89%
    assert "diagnosis: " in out and f"run folder: {trained_run}" in out
    assert out.startswith("=") and "├─features (Sequential)" in out and "Total params: " in out  # ember.summary first
    for name in ("config.json", "best.safetensors", "metrics.csv", "metrics.json", "curves.png", "filters.png",
                 "feature_maps.png"):
        assert (trained_run / name).is_file()
    assert (trained_run / "metrics.csv").read_text().startswith("epoch,train_loss,train_accuracy,val_loss")


def test_evaluate_reloads_the_best_weights(trained_run, capsys):
    assert main(["evaluate", str(trained_run), "--device", "cpu"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("test loss: ") and lines[1].startswith("test accuracy: ")
    summary = json.loads((trained_run / "metrics.json").read_text())
    assert float(lines[1].split(": ")[1].rstrip("%")) == pytest.approx(100 * summary["test_accuracy"], abs=0.005)
    assert float(lines[0].split(": ")[1]) == pytest.approx(summary["test_loss"], abs=1e-4)


def test_predict_classifies_raw_digits(trained_run, tmp_path, capsys):
    digits = load_digits()
    np.save(tmp_path / "digits.npy", digits.data[:100])  # raw pixels, 0..16
    np.savetxt(tmp_path / "digits.csv", digits.data[:100], delimiter=",")
    for name in ("digits.npy", "digits.csv"):
        assert main(["predict", str(trained_run), str(tmp_path / name)]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert len(lines) == 100 and lines[0].startswith("sample 0: class ")
        predicted = np.array([int(line.split("class ")[1].split()[0]) for line in lines])
        assert (predicted == digits.target[:100]).mean() >= 0.95


def test_help_lists_the_options(capsys):
    with pytest.raises(SystemExit) as done:
        main(["train", "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    for option in ("--model", "--dataset", "--optimizer", "--lr", "--epochs", "--batch-size", "--dropout",
                   "--weight-decay", "--patience", "--device", "--seed"):
        assert option in text


@pytest.mark.parametrize("argv, message", [
    (["train", "--epochs", "0"], "argument --epochs: must be a positive integer, got 0"),
    (["train", "--optimizer", "rprop"], "argument --optimizer: invalid choice: 'rprop'"),
    (["fly"], "invalid choice: 'fly'"),
])
def test_bad_arguments_give_one_line_and_exit_status_2(argv, message, capsys):
    with pytest.raises(SystemExit) as done:
        main(argv)
    err = capsys.readouterr().err
    assert done.value.code == 2 and message in err and len(err.strip().splitlines()) == 1


COMMANDS_WITH_A_DEVICE = [["train"], ["evaluate", "RUN_DIR"], ["predict", "RUN_DIR", "x.npy"], ["generate", "RUN_DIR"],
                          ["attention", "RUN_DIR", "--prompt", "to be"]]


def refused(argv, tmp_path, monkeypatch, capsys):
    """Run argv in an empty folder; check it stopped at its arguments and wrote nothing. Returns stderr."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as done:
        main(argv)
    err = capsys.readouterr().err
    assert done.value.code == 2 and len(err.strip().splitlines()) == 1 and list(tmp_path.iterdir()) == []
    return err


@pytest.mark.parametrize("command", COMMANDS_WITH_A_DEVICE)
def test_a_device_that_is_not_one_is_refused_before_anything_is_written(command, tmp_path, monkeypatch, capsys):
    err = refused(command + ["--device", "gpu"], tmp_path, monkeypatch, capsys)
    assert f"ember {command[0]}: error: argument --device: a device is 'cpu' or 'cuda[:N]', got 'gpu'" in err


@pytest.mark.parametrize("command", COMMANDS_WITH_A_DEVICE)
def test_a_gpu_this_machine_lacks_is_refused_before_anything_is_written(command, tmp_path, monkeypatch, capsys):
    missing = f"cuda:{ember.cuda.device_count()}"
    err = refused(command + ["--device", missing], tmp_path, monkeypatch, capsys)
    assert f"ember {command[0]}: error: argument --device: {missing}: " in err


@pytest.mark.skipif(ember.cuda.is_available(), reason="this machine has a GPU")
def test_cuda_without_a_gpu_is_refused_before_anything_is_written(tmp_path, monkeypatch, capsys):
    err = refused(["train", "--device", "cuda"], tmp_path, monkeypatch, capsys)
    assert "ember train: error: argument --device: cuda: no GPU was found (CUDA needs an NVIDIA GPU and CuPy" in err


@pytest.mark.parametrize("argv, message", [
    (["train", "--model", "nope"], "ember train: error: unknown model 'nope'; choose from"),
    (["train", "--dataset", "cifar"], "ember train: error: unknown dataset 'cifar'"),
    (["evaluate", "/nonexistent"], "ember evaluate: error: /nonexistent is not a run folder"),
])
def test_bad_requests_give_one_line_and_exit_status_2(argv, message, capsys, tmp_path):
    assert main(argv + (["--out", str(tmp_path / "r")] if argv[0] == "train" else [])) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and len(err.strip().splitlines()) == 1


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning", "ignore:invalid value encountered:RuntimeWarning")
def test_a_diverging_run_stops_and_says_where(tmp_path, capsys):
    assert main(["train", "--lr", "1e6", "--optimizer", "sgd", "--out", str(tmp_path), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("ember train: the loss became ") and "at epoch 1, batch" in err


def test_predict_refuses_unreadable_input(trained_run, tmp_path, capsys):
    (tmp_path / "x.bin").write_bytes(b"1234")
    assert main(["predict", str(trained_run), str(tmp_path / "x.bin")]) == 2
    assert "cannot read" in capsys.readouterr().err
    np.save(tmp_path / "odd.npy", np.zeros(65))
    assert main(["predict", str(trained_run), str(tmp_path / "odd.npy")]) == 2
    assert "odd.npy holds an array of shape (65,), not samples of 64 numbers: give one sample (1, 8, 8) or (64,), " \
           "or N of them, (N, 64) or (N, 1, 8, 8)" in capsys.readouterr().err


def test_vanishing_gradients_command_writes_its_plot(tmp_path, capsys):
    assert main(["vanishing-gradients", "--lag", "12", "--steps", "5", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("remembering a symbol for 12 steps (chance 25%):") and "RNN (tanh)" in out
    assert (tmp_path / "vanishing_gradients.png").read_bytes()[:4] == b"\x89PNG"


def train_language_model(folder, model, text, iterations):
    """A short `ember train` of a language model on a repetitive text; returns its run folder."""
    path = folder / "tiny.txt"
    path.write_text(text * 40)
    run_dir = folder / model
    assert main(["train", "--model", model, "--text", str(path), "--iterations", str(iterations), "--batch-size",
                 "8", "--block-size", "16", "--eval-batches", "4", "--out", str(run_dir), "--no-progress"]) == 0
    return run_dir


def test_a_language_model_trains_generates_and_evaluates(tmp_path, capsys):
    run_dir = train_language_model(tmp_path, "char-lstm", "the cat sat on the mat. ", iterations=30)
    out = capsys.readouterr().out
    assert "validation loss " in out and "nats per character" in out and "sample:" in out
    assert "├─lstm (LSTM)" in out and (run_dir / "metrics.csv").read_text().startswith("iteration,train_loss")
    assert main(["generate", str(run_dir), "--prompt", "the ", "--tokens", "20", "--seed", "1"]) == 0
    generated = capsys.readouterr().out.rstrip("\n")
    assert generated.startswith("the ") and len(generated) == 24 and set(generated) <= set("the cat sat on mat.")
    assert main(["evaluate", str(run_dir)]) == 0
    assert capsys.readouterr().out.startswith("val loss: ")
    assert main(["generate", str(run_dir), "--prompt", "xyz"]) == 2
    assert "characters not in the vocabulary: 'xyz'" in capsys.readouterr().err


def test_the_mlp_recipe_learns_digits(tmp_path, capsys):
    assert main(["train", "--model", "mlp", "--out", str(tmp_path), "--no-progress"]) == 0
    accuracy = float(capsys.readouterr().out.split("test accuracy ")[1].split("%")[0])
    assert accuracy >= 96.0  # seed 0: 98.52%
    assert not (tmp_path / "filters.png").exists()


def test_export_writes_a_classifier_run_as_onnx_that_onnxruntime_runs(trained_run, tmp_path, capsys):
    onnxruntime = pytest.importorskip("onnxruntime")
    path = tmp_path / "lenet.onnx"
    assert main(["export", str(trained_run), "--onnx", str(path)]) == 0
    assert capsys.readouterr().out == f"wrote {path}: input 'input' of shape (batch, 1, 8, 8), output 'logits'\n"
    model = ember.models.LeNet((1, 8, 8), 10)
    model.load_state_dict(ember.load(trained_run / "best.safetensors"))
    x = np.random.default_rng(0).standard_normal((5, 1, 8, 8)).astype(np.float32)
    logits = onnxruntime.InferenceSession(str(path)).run(None, {"input": x})[0]
    np.testing.assert_allclose(logits, model.eval()(ember.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-5)
    assert main(["export", str(tmp_path), "--onnx", str(path)]) == 2
    assert "is not a run folder (no config.json)" in capsys.readouterr().err


def test_a_gpt_run_shows_its_attention_and_exports(tmp_path, capsys):
    run_dir = train_language_model(tmp_path, "gpt", "to be or not to be. ", iterations=10)
    capsys.readouterr()
    pytest.importorskip("onnx")
    assert main(["export", str(run_dir), "--onnx", str(tmp_path / "gpt.onnx")]) == 0
    assert "input 'ids' of shape (batch, length), output 'logits'" in capsys.readouterr().out
    assert main(["attention", str(run_dir), "--prompt", "to be or"]) == 0
    assert capsys.readouterr().out.startswith("attention maps: ")
    assert (run_dir / "attention.png").read_bytes()[:4] == b"\x89PNG"
    assert main(["attention", str(run_dir), "--prompt", "x" * 17]) == 2
    assert "give a prompt of 1 to 16 characters" in capsys.readouterr().err
