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


def assert_same_first_adam_step(ours, theirs, rtol=1e-4, atol=1e-5):
    """After one Adam step: the same gradients, and the same weights wherever the gradient is not within atol of
    0. The first step moves a weight by lr·g/(|g| + eps), about lr·sign(g): where g is rounding noise (1.2e-7 in
    ember, -4.5e-8 in PyTorch for one weight of DCGAN's generator, beside gradients up to 0.08), so is the
    direction of that weight's step."""
    assert_same_grads(ours, theirs, rtol, atol)
    ours_by_name = dict(ours.named_parameters())
    for name, p in theirs.named_parameters():
        settled = np.abs(to_numpy(p.grad)) > atol
        np.testing.assert_allclose(to_numpy(ours_by_name[name])[settled], to_numpy(p)[settled], rtol=rtol, atol=atol,
                                   err_msg=f"weight {name}")


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
    # The tutorials and examples a new user tries first (each in tests/programs names the one it follows).
    "blitz": (["--train-size", "80", "--test-size", "20", "--epochs", "1", "--workers", "2"],
              ["products agree: True", "elementwise products agree: True", "conv1.bias.grad after backward",
               "Finished Training", "Accuracy for class: truck"]),
    "polynomial_examples": (["--steps", "200"], ["custom function: loss", "optim: loss", "dynamic: loss"]),
    "nn_tutorial": (["--train-size", "300", "--epochs", "1"], ["cross_entropy:", "wrapped, adaptive pool:"]),
    "seq2seq_attention": (["--pairs", "64", "--epochs", "2"], ["final loss", "attention (1, 8, "]),
    "char_rnn_classification": (["--n-iters", "300", "--n-confusion", "50"], ["confusion diagonal", "> Satoshi"]),
    "dcgan": (["--num-images", "128", "--num-epochs", "1"], ["[0/1][0/2]", "mean losses"]),
    "transfer_learning": (["--size", "96", "--epochs", "2"], ["Best val Acc", "frozen weights unchanged: True"]),
    "reinforce": (["--episodes", "10"], ["final running reward"]),
    "reinforce actor-critic": (["--episodes", "10", "--method", "actor-critic"], ["final running reward"]),
    "text_classification": (["--train-size", "600", "--epochs", "2"], ["test accuracy", "This is a"]),
    "amp_checkpoint": (["--num-batches", "3", "--epochs", "2", "--out-dir", "out"],
                       ["resumed at epoch 2", "warm start: missing ['head.weight', 'head.bias']",
                        "saving the whole model: TypeError", "logged 4 rows"]),
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


# -------------------------------------------------------------------------------------------------
# The tutorials' models, given the same weights, give PyTorch's numbers too.

def test_blitz_classifier_takes_pytorchs_sgd_momentum_steps():
    theirs_module, ours_module = both("blitz")
    torch.manual_seed(0)
    theirs = theirs_module.Net()
    ours = same_weights(ours_module.Net(), theirs)
    rng = np.random.default_rng(0)
    batches = [(rng.standard_normal((4, 3, 32, 32)).astype(np.float32), rng.integers(0, 10, 4)) for _ in range(2)]
    for lib, model in ((ember, ours), (torch, theirs)):
        optimizer = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        for images, labels in batches:
            optimizer.zero_grad()
            loss = lib.nn.CrossEntropyLoss()(model(lib.tensor(images)), lib.tensor(labels))
            loss.backward()
            optimizer.step()
        model.last_loss = loss.item()
    assert ours.last_loss == pytest.approx(theirs.last_loss, rel=1e-5)
    assert_same_weights(ours, theirs)


def test_polynomial_custom_function_and_module_give_pytorchs_losses_and_gradients():
    theirs_module, ours_module = both("polynomial_examples")
    x = np.linspace(-math.pi, math.pi, 50)
    results = []
    for lib, module in ((ember, ours_module), (torch, theirs_module)):
        a, b, c, d = (lib.tensor(v, dtype=lib.float64, requires_grad=True) for v in (0.1, -1.0, 0.2, 0.3))
        xs = lib.tensor(x)
        loss = (a + b * module.LegendrePolynomial3.apply(c + d * xs) - lib.sin(xs)).pow(2).sum()
        loss.backward()
        results.append([loss] + [t.grad for t in (a, b, c, d)])
    for what, o, t in zip(("loss", "grad a", "grad b", "grad c", "grad d"), *results):
        assert_close(o, t, what, rtol=1e-10, atol=1e-10)
    torch.manual_seed(0)
    theirs = theirs_module.Polynomial3().double()
    ours = same_weights(ours_module.Polynomial3().double(), theirs)
    for lib, model in ((ember, ours), (torch, theirs)):
        lib.nn.MSELoss(reduction="sum")(model(lib.tensor(x)), lib.sin(lib.tensor(x))).backward()
    assert_same_grads(ours, theirs, rtol=1e-10, atol=1e-10)


def test_nn_tutorial_models_give_pytorchs_cross_entropy_and_gradients():
    theirs_module, ours_module = both("nn_tutorial")
    x, y = theirs_module.make_digits(16, np.random.default_rng(0))
    torch.manual_seed(0)
    for make in ("Mnist_CNN", "Mnist_Logistic"):
        theirs = getattr(theirs_module, make)()
        ours = same_weights(getattr(ours_module, make)(), theirs)
        losses = []
        for lib, model in ((ember, ours), (torch, theirs)):
            loss = lib.nn.functional.cross_entropy(model(lib.tensor(x)), lib.tensor(y))
            loss.backward()
            losses.append(loss)
        assert_close(*losses, f"{make} loss")
        assert_same_grads(ours, theirs)
    xs = [lib.tensor(x[:4]) for lib in (ember, torch)]
    out = [module.log_softmax(xb @ xb.T) for module, xb in zip((ours_module, theirs_module), xs)]
    assert_close(*out, "the hand-written log_softmax")


def test_seq2seq_attention_gives_pytorchs_loss_gradients_and_greedy_decoding():
    theirs_module, ours_module = both("seq2seq_attention")
    torch.manual_seed(0)
    models = {}
    for name, args in (("EncoderRNN", (12, 16)), ("AttnDecoderRNN", (16, 10))):
        theirs = getattr(theirs_module, name)(*args).eval()  # eval: dropout off
        models[name] = (same_weights(getattr(ours_module, name)(*args).eval(), theirs), theirs)
    rng = np.random.default_rng(0)
    source, target = rng.integers(2, 12, (3, 8)), rng.integers(0, 10, (3, 8))
    outputs = []
    for lib, side in ((ember, 0), (torch, 1)):
        encoder, decoder = models["EncoderRNN"][side], models["AttnDecoderRNN"][side]
        encoder_outputs, encoder_hidden = encoder(lib.tensor(source))
        decoder_outputs, _, attentions = decoder(encoder_outputs, encoder_hidden, lib.tensor(target))
        loss = lib.nn.NLLLoss()(decoder_outputs.view(-1, 10), lib.tensor(target).view(-1))
        loss.backward()
        with lib.no_grad():
            greedy, _, _ = decoder(*encoder(lib.tensor(source)))
        outputs.append((loss, attentions, greedy.topk(1)[1]))
    for what, o, t in zip(("loss", "attention", "greedy tokens"), *outputs):
        assert_close(o, t, what)
    for ours, theirs in models.values():
        assert_same_grads(ours, theirs)


def test_char_rnn_by_hand_steps_on_p_data_as_pytorch():
    theirs_module, ours_module = both("char_rnn_classification")
    torch.manual_seed(0)
    theirs = theirs_module.RNN(theirs_module.n_letters, 32, theirs_module.n_categories)
    ours = same_weights(ours_module.RNN(ours_module.n_letters, 32, ours_module.n_categories), theirs)
    results = []
    for module, model in ((ours_module, ours), (theirs_module, theirs)):
        for name, category in (("Nakamura", 4), ("Dubois", 1)):
            line = module.lineToTensor(name)
            output, loss = module.train(model, module.torch.tensor([category]), line, 0.05)
        results.append((output, loss, module.categoryFromOutput(output)))
    assert_close(results[0][0], results[1][0], "output")
    assert results[0][1] == pytest.approx(results[1][1], rel=1e-5) and results[0][2] == results[1][2]
    assert_same_weights(ours, theirs)


def test_dcgan_discriminator_and_generator_steps_are_pytorchs():
    theirs_module, ours_module = both("dcgan")
    torch.manual_seed(0)
    nets = []
    for name in ("Generator", "Discriminator"):
        theirs = getattr(theirs_module, name)(1)
        theirs.apply(theirs_module.weights_init)
        nets.append((same_weights(getattr(ours_module, name)(1), theirs), theirs))
    real = theirs_module.blobs(8, torch.Generator().manual_seed(0)).numpy()
    noise = np.random.default_rng(0).standard_normal((8, 16, 1, 1)).astype(np.float32)
    losses = []
    for lib, side in ((ember, 0), (torch, 1)):
        netG, netD = nets[0][side], nets[1][side]
        optimizerD = lib.optim.Adam(netD.parameters(), lr=0.0002, betas=(0.5, 0.999))
        optimizerG = lib.optim.Adam(netG.parameters(), lr=0.0002, betas=(0.5, 0.999))
        criterion = lib.nn.BCELoss()
        netD.zero_grad()
        label = lib.full((8,), 1.0)
        errD_real = criterion(netD(lib.tensor(real)).view(-1), label)
        errD_real.backward()
        fake = netG(lib.tensor(noise))
        label.fill_(0.0)
        errD_fake = criterion(netD(fake.detach()).view(-1), label)
        errD_fake.backward()
        optimizerD.step()
        netG.zero_grad()
        label.fill_(1.0)
        errG = criterion(netD(fake).view(-1), label)
        errG.backward()
        optimizerG.step()
        losses.append((errD_real + errD_fake, errG))
    for what, o, t in zip(("loss of D", "loss of G"), *losses):
        assert_close(o, t, what)
    (ours_g, theirs_g), (ours_d, theirs_d) = nets
    assert_same_first_adam_step(ours_g, theirs_g)  # G's gradients are those of its step; D's gained errG's since
    assert_same_weights(ours_d, theirs_d)
    for ours, theirs in nets:
        for name, buffer in theirs.named_buffers():  # the batch norms' running statistics
            assert_close(dict(ours.named_buffers())[name], buffer, name)


def test_transfer_learning_fine_tunes_with_pytorchs_parameter_groups_and_steplr():
    theirs_module, ours_module = both("transfer_learning")
    torch.manual_seed(0)
    theirs = theirs_module.TinyResNet()
    theirs.fc = torch.nn.Linear(16, 2)
    ours = ours_module.TinyResNet()
    ours.fc = ember.nn.Linear(16, 2)
    same_weights(ours, theirs)
    data = theirs_module.images(8, 2, torch.Generator().manual_seed(0))
    images, labels = data.tensors[0].numpy(), data.tensors[1].numpy()
    for lib, model in ((ember, ours), (torch, theirs)):
        for param in model.layer1.parameters():
            param.requires_grad = False
        body = [p for name, p in model.named_parameters() if not name.startswith("fc.") and p.requires_grad]
        optimizer = lib.optim.SGD([{"params": body}, {"params": model.fc.parameters(), "lr": 0.01}], lr=0.001,
                                  momentum=0.9)
        scheduler = lib.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.1)
        for _ in range(2):
            optimizer.zero_grad()
            lib.nn.CrossEntropyLoss()(model(lib.tensor(images)), lib.tensor(labels)).backward()
            optimizer.step()
            scheduler.step()
        model.lrs = [group["lr"] for group in optimizer.param_groups]
    assert ours.lrs == pytest.approx(theirs.lrs)
    assert_same_weights(ours, theirs)
    assert all(p.grad is None for p in ours.layer1.parameters())


def test_reinforce_finishes_an_episode_with_pytorchs_policy_gradient_step():
    theirs_module, ours_module = both("reinforce")
    torch.manual_seed(0)
    theirs = theirs_module.Policy().eval()  # eval: the policy's dropout off
    ours = same_weights(ours_module.Policy().eval(), theirs)
    rng = np.random.default_rng(0)
    states, actions = rng.uniform(-0.05, 0.05, (6, 4)), rng.integers(0, 2, 6)
    for lib, module, model in ((ember, ours_module, ours), (torch, theirs_module, theirs)):
        for state, action in zip(states, actions):
            m = lib.distributions.Categorical(model(lib.from_numpy(state).float().unsqueeze(0)))
            model.saved_log_probs.append(m.log_prob(lib.tensor([action])))
            model.rewards.append(1.0)
        module.finish_episode_reinforce(model, lib.optim.Adam(model.parameters(), lr=1e-2), 0.99)
    assert_same_weights(ours, theirs)


def test_text_classifier_on_embedding_bag_offsets_steps_as_pytorch():
    theirs_module, ours_module = both("text_classification")
    torch.manual_seed(0)
    theirs = theirs_module.TextClassificationModel(30, 8, 4)
    ours = same_weights(ours_module.TextClassificationModel(30, 8, 4), theirs)
    rng = np.random.default_rng(0)
    text, offsets, labels = rng.integers(0, 30, 17), np.array([0, 5, 6, 12]), rng.integers(0, 4, 4)
    losses = []
    for lib, model in ((ember, ours), (torch, theirs)):
        optimizer = lib.optim.SGD(model.parameters(), lr=5)
        for _ in range(2):
            optimizer.zero_grad()
            loss = lib.nn.CrossEntropyLoss()(model(lib.tensor(text), lib.tensor(offsets)), lib.tensor(labels))
            loss.backward()
            lib.nn.utils.clip_grad_norm_(model.parameters(), 0.1)
            optimizer.step()
        losses.append(loss)
    assert_close(*losses, "loss")
    assert_same_weights(ours, theirs)
