"""PyTorch programs, unchanged, on ember (issue 11): each program of tests/programs runs to its end
under `ember run`, and where its numbers are determined by its weights, its models give PyTorch 2.13's
outputs, losses, gradients and optimizer steps given the same weights.

The programs are written in the idiom of PyTorch's public tutorials and examples. For the parity
tests a program is imported twice in this process: once as it is, on PyTorch, and once with `torch`
resolved to ember (load_program), so that the same class bodies build both models.
"""

import contextlib
import importlib.util
import math
import pathlib
import subprocess
import sys

import numpy as np
import pytest
import torch

import ember
from ember import torch_hook
from helpers import to_numpy

PROGRAMS = pathlib.Path(__file__).parent / "programs"


@contextlib.contextmanager
def torch_is_ember():
    """Inside: `import torch` gives ember (the hook of `ember run`), with this process's real PyTorch set
    aside; after: PyTorch again. What was imported inside keeps its ember modules."""
    saved = {name: module for name, module in sys.modules.items() if torch_hook.is_torch_name(name)}
    for name in saved:
        del sys.modules[name]
    sys.meta_path.insert(0, torch_hook.FINDER)
    try:
        yield
    finally:
        sys.meta_path.remove(torch_hook.FINDER)
        for name in [name for name in sys.modules if torch_hook.is_torch_name(name)]:
            del sys.modules[name]
        sys.modules.update(saved)


def load_program(name, lib):
    """The module of tests/programs/<name>.py, its `import torch` giving lib (torch or ember)."""
    spec = importlib.util.spec_from_file_location(f"program_{name}_{lib.__name__}", PROGRAMS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    if lib is torch:
        spec.loader.exec_module(module)
    else:
        with torch_is_ember():
            spec.loader.exec_module(module)
    return module


def both(name):
    return load_program(name, torch), load_program(name, ember)


def same_weights(ours, theirs):
    """ours (an ember module) takes theirs' (a PyTorch module's) weights; returns ours."""
    ours.load_state_dict(theirs.state_dict())
    return ours


def assert_close(ours, theirs, what, rtol=1e-4, atol=1e-5):
    np.testing.assert_allclose(to_numpy(ours), to_numpy(theirs), rtol=rtol, atol=atol, err_msg=what)


def assert_same_grads(ours, theirs, rtol=1e-4, atol=1e-5):
    ours_by_name = dict(ours.named_parameters())
    for name, p in theirs.named_parameters():
        if p.grad is None:
            assert ours_by_name[name].grad is None or not to_numpy(ours_by_name[name].grad).any(), name
        else:
            assert_close(ours_by_name[name].grad, p.grad, f"gradient of {name}", rtol, atol)


def assert_same_weights(ours, theirs, rtol=1e-4, atol=1e-5):
    ours_by_name = dict(ours.named_parameters())
    for name, p in theirs.named_parameters():
        assert_close(ours_by_name[name], p, f"weight {name}", rtol, atol)


def pair(array, dtype=None):
    """The same numbers as an ember tensor and a torch tensor."""
    array = np.asarray(array) if dtype is None else np.asarray(array, dtype=dtype)
    return ember.tensor(array), torch.tensor(array)


# -------------------------------------------------------------------------------------------------
# Each program to its end under `ember run`, with small settings.

RUNS = {
    "mnist_cnn": (["--epochs", "2", "--train-size", "128", "--test-size", "64", "--batch-size", "32",
                   "--log-interval", "2", "--save-model"], ["Test set: Average loss", "final lr 0.490000"]),
    "word_language_model LSTM": (["--model", "LSTM", "--epochs", "2"], ["end of epoch   2", "best valid loss"]),
    "word_language_model GRU": (["--model", "GRU", "--epochs", "1", "--tied"], ["best valid loss"]),
    "word_language_model Transformer": (["--model", "Transformer", "--epochs", "1", "--lr", "1"],
                                        ["best valid loss"]),
    "vae": (["--epochs", "1", "--samples", "256"], ["====> Test set loss", "sample (64, 1, 28, 28)"]),
    "time_sequence_prediction": (["--steps", "2", "--length", "60", "--future", "10"], ["prediction (3, 69)"]),
    "char_gpt": (["--out_dir", "out", "--max_iters", "20", "--eval_interval", "10"],
                 ["saving checkpoint to out", "---------------"]),
    "makemore transformer": (["--type", "transformer", "--max-steps", "21", "--num-workers", "2"],
                             ["step 20 train loss", "saving model"]),
    "makemore gru": (["--type", "gru", "--max-steps", "21", "--num-workers", "0"], ["step 20 train loss"]),
    "gradient_descent": ([], ["by hand: loss", "autograd: loss", "nn: loss", "two-layer net: loss"]),
}


def ember_run(script, args, cwd):
    return subprocess.run([sys.executable, "-m", "ember.run", str(PROGRAMS / script), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("case", RUNS)
def test_each_program_runs_unchanged_under_ember_run(case, tmp_path):
    args, expected = RUNS[case]
    result = ember_run(case.split()[0] + ".py", args, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    for text in expected:
        assert text in result.stdout, f"{text!r} not in the output:\n{result.stdout[-2000:]}"


def test_a_checkpoint_saved_under_ember_run_resumes_and_samples(tmp_path):
    first = ember_run("char_gpt.py", ["--out_dir", "out", "--max_iters", "20", "--eval_interval", "10"], tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    resumed = ember_run("char_gpt.py", ["--out_dir", "out", "--init_from", "resume", "--max_iters", "10",
                                        "--eval_interval", "10"], tmp_path)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "step 20:" in resumed.stdout  # it went on from the saved iteration
    after_training = resumed.stdout.split("step 20:")[1]
    assert "\nFirst" in after_training and after_training.rstrip().endswith("---------------")  # the sample


def test_the_lessons_gradient_descent_by_hand_fits_the_polynomial(tmp_path):
    result = ember_run("gradient_descent.py", [], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    losses = {line.split(":")[0]: float(line.split("loss ")[1].split(",")[0])
              for line in result.stdout.splitlines() if "loss" in line}
    # A cubic fits sin on [-π, π] with a summed squared error of about 9 over the 2000 points (PyTorch's run
    # of the same program reaches 12.3, 11.4 and 9.0 from its random starts).
    assert losses["by hand"] < 50 and losses["autograd"] < 50 and losses["nn"] < 20


# -------------------------------------------------------------------------------------------------
# The same weights give PyTorch's numbers.

def test_mnist_cnn_with_adadelta_and_steplr_steps_as_pytorch():
    theirs_module, ours_module = both("mnist_cnn")
    torch.manual_seed(0)
    theirs = theirs_module.Net().double().eval()  # eval: dropout off, so the steps are determined
    ours = same_weights(ours_module.Net().double().eval(), theirs)
    rng = np.random.default_rng(0)
    batches = [(rng.standard_normal((4, 1, 28, 28)), rng.integers(0, 10, 4)) for _ in range(3)]
    optimizers = [lib.optim.Adadelta(model.parameters(), lr=1.0) for lib, model in ((ember, ours), (torch, theirs))]
    schedulers = [lib.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.7)
                  for lib, opt in zip((ember, torch), optimizers)]
    for images, labels in batches:
        losses = []
        for lib, model, optimizer in ((ember, ours, optimizers[0]), (torch, theirs, optimizers[1])):
            optimizer.zero_grad()
            loss = lib.nn.functional.nll_loss(model(lib.tensor(images)), lib.tensor(labels))
            loss.backward()
            optimizer.step()
            losses.append(loss)
        assert_close(*losses, "loss", rtol=1e-7, atol=1e-9)
        for scheduler in schedulers:
            scheduler.step()
    assert_same_weights(ours, theirs, rtol=1e-6, atol=1e-9)
    assert schedulers[0].get_last_lr() == pytest.approx(schedulers[1].get_last_lr())


@pytest.mark.parametrize("rnn_type", ["LSTM", "GRU", "RNN_TANH"])
def test_word_language_model_trains_by_hand_on_p_data_as_pytorch(rnn_type):
    theirs_module, ours_module = both("word_language_model")
    torch.manual_seed(0)
    theirs = theirs_module.RNNModel(rnn_type, 20, 8, 8, 2, dropout=0.0, tie_weights=True)
    ours = same_weights(ours_module.RNNModel(rnn_type, 20, 8, 8, 2, dropout=0.0, tie_weights=True), theirs)
    data = np.random.default_rng(1).integers(0, 20, (6, 3))
    for lib, model, module in ((ember, ours, ours_module), (torch, theirs, theirs_module)):
        hidden = model.init_hidden(3)
        for step in range(2):
            source = lib.tensor(data)
            output, hidden = model(source[:-1], module.repackage_hidden(hidden))
            loss = lib.nn.NLLLoss()(output, source[1:].reshape(-1))
            model.zero_grad()
            loss.backward()
            lib.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
            for p in model.parameters():
                p.data.add_(p.grad, alpha=-20)
            model.last_loss = loss.item()
    assert ours.last_loss == pytest.approx(theirs.last_loss, rel=1e-5)
    assert_same_weights(ours, theirs)


def test_word_language_transformer_gives_pytorchs_log_probabilities():
    theirs_module, ours_module = both("word_language_model")
    torch.manual_seed(0)
    theirs = theirs_module.TransformerModel(20, 8, 2, 16, 2, dropout=0.0).eval()
    ours = same_weights(ours_module.TransformerModel(20, 8, 2, 16, 2, dropout=0.0).eval(), theirs)
    source = np.random.default_rng(2).integers(0, 20, (7, 3))
    outputs = [model(lib.tensor(source)) for lib, model in ((ember, ours), (torch, theirs))]
    assert_close(*outputs, "log-probabilities")
    targets = np.random.default_rng(3).integers(0, 20, 21)
    for (lib, model), output in zip(((ember, ours), (torch, theirs)), outputs):
        # Still in eval mode: the program's encoder layers keep nn.Transformer's dropout of 0.1.
        lib.nn.functional.nll_loss(output.view(-1, 20), lib.tensor(targets)).backward()
    assert_same_grads(ours, theirs)


def test_vae_encodes_decodes_and_scores_as_pytorch():
    theirs_module, ours_module = both("vae")
    torch.manual_seed(0)
    theirs = theirs_module.VAE()
    ours = same_weights(ours_module.VAE(), theirs)
    x_ours, x_theirs = pair(np.random.default_rng(0).uniform(size=(5, 1, 28, 28)) > 0.6, np.float32)
    results = []
    for module, model, x in ((ours_module, ours, x_ours), (theirs_module, theirs, x_theirs)):
        mu, logvar = model.encode(x.view(-1, 784))
        recon = model.decode(mu)  # the mean, without the random draw of reparameterize
        loss = module.loss_function(recon, x, mu, logvar)
        loss.backward()
        results.append((mu, logvar, recon, loss))
    for what, o, t in zip(("mu", "logvar", "reconstruction", "loss"), *results):
        assert_close(o, t, what, rtol=1e-4, atol=1e-4)
    assert_same_grads(ours, theirs, rtol=1e-3, atol=1e-3)


def test_lstmcell_sine_predictor_takes_pytorchs_lbfgs_steps_in_float64():
    theirs_module, ours_module = both("time_sequence_prediction")
    torch.manual_seed(0)
    theirs = theirs_module.Sequence().double()
    ours = same_weights(ours_module.Sequence().double(), theirs)
    data = theirs_module.make_data(n=6, length=30)
    losses = {}
    for lib, model in ((ember, ours), (torch, theirs)):
        source, target = lib.from_numpy(data[2:, :-1]), lib.from_numpy(data[2:, 1:])
        optimizer = lib.optim.LBFGS(model.parameters(), lr=0.8)
        criterion = lib.nn.MSELoss()
        history = []

        def closure():
            optimizer.zero_grad()
            loss = criterion(model(source), target)
            loss.backward()
            history.append(loss.item())
            return loss
        for _ in range(2):
            optimizer.step(closure)
        with lib.no_grad():
            history.append(model(lib.from_numpy(data[:2, :-1]), future=5)[:, -1].tolist())
        losses[lib.__name__] = history
    np.testing.assert_allclose(np.hstack(losses["ember"][:-1]), np.hstack(losses["torch"][:-1]), rtol=1e-7)
    np.testing.assert_allclose(losses["ember"][-1], losses["torch"][-1], rtol=1e-6, atol=1e-9)
    assert_same_weights(ours, theirs, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("manual_attention", [False, True])
def test_char_gpt_loss_parameter_groups_and_adamw_step_as_pytorch(manual_attention):
    theirs_module, ours_module = both("char_gpt")
    config = dict(block_size=8, vocab_size=11, n_layer=2, n_head=2, n_embd=16, dropout=0.0, bias=False,
                  manual_attention=manual_attention)
    torch.manual_seed(0)
    theirs = theirs_module.GPT(theirs_module.GPTConfig(**config))
    ours = same_weights(ours_module.GPT(ours_module.GPTConfig(**config)), theirs)
    rng = np.random.default_rng(4)
    x, y = rng.integers(0, 11, (3, 8)), rng.integers(0, 11, (3, 8))
    losses, groups = [], []
    for lib, model in ((ember, ours), (torch, theirs)):
        optimizer = model.configure_optimizers(0.1, 1e-3, (0.9, 0.99), "cpu")
        groups.append([(len(group["params"]), group["weight_decay"]) for group in optimizer.param_groups])
        logits, loss = model(lib.tensor(x), lib.tensor(y))
        loss.backward()
        lib.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        losses.append(loss)
        with lib.no_grad():
            model.last_logits = model(lib.tensor(x))[0]
    assert groups[0] == groups[1] == [(10, 0.1), (5, 0.0)]  # the tied embedding counts once
    assert_close(*losses, "loss")
    assert_same_weights(ours, theirs)
    assert_close(ours.last_logits, theirs.last_logits, "logits after the step")


@pytest.mark.parametrize("kind", ["transformer", "bigram", "mlp", "rnn", "gru", "bow"])
def test_makemore_models_give_pytorchs_losses_and_gradients(kind):
    theirs_module, ours_module = both("makemore")
    torch.manual_seed(0)
    models = []
    for module in (theirs_module, ours_module):
        config = module.ModelConfig(vocab_size=9, block_size=6)
        make = {"transformer": module.Transformer, "bigram": module.Bigram, "mlp": module.MLP, "bow": module.BoW,
                "rnn": lambda c: module.RNN(c, "rnn"), "gru": lambda c: module.RNN(c, "gru")}[kind]
        models.append(make(config))
    theirs, ours = models
    with torch.no_grad():
        for p in theirs.parameters():
            p.normal_(0, 0.3)  # the programs start some weights at zero: make every one count
    same_weights(ours, theirs)
    rng = np.random.default_rng(5)
    x, y = rng.integers(0, 9, (4, 6)), rng.integers(0, 9, (4, 6))
    y[:, -2:] = -1  # the padding makemore ignores
    losses = []
    for lib, model in ((ember, ours), (torch, theirs)):
        logits, loss = model(lib.tensor(x), lib.tensor(y))
        loss.backward()
        losses.append(loss)
    assert_close(*losses, "loss")
    assert_same_grads(ours, theirs)


def test_makemores_lazy_sampler_draws_ten_billion_samples_without_allocating_them():
    _, ours_module = both("makemore")
    train, _ = ours_module.create_datasets(ours_module.NAMES)
    loader = ours_module.InfiniteDataLoader(train, batch_size=4, num_workers=0)
    x, y = loader.next()
    assert tuple(x.shape) == (4, train.get_output_length()) and len(loader.train_loader.sampler) == int(1e10)
    assert math.isclose(len(loader.train_loader), 1e10 / 4)
