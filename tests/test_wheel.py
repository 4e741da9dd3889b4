"""The built package works on its own: the sdist and the wheel build (`python -m build`), the wheel installs into
a fresh virtual environment outside the checkout, and ember runs from there: `ember --version`, `ember train`,
`ember run` on a PyTorch script, and `import ember` with a small training. A file left out of the package, or
an import that works only from the checkout, fails here.

The venv gets ember from the wheel alone. Its other packages (NumPy, scikit-learn) are lent from this test's
environment by a .pth file, which adds that site-packages folder to sys.path without running its .pth files, so
the editable ember installed there stays out of sight.
"""

import os
import pathlib
import subprocess
import sys
import sysconfig
import textwrap
import venv

import pytest

import ember

ROOT = pathlib.Path(__file__).resolve().parents[1]

TORCH_SCRIPT = """\
import torch
import torch.nn as nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
x, y = torch.randn(32, 4), torch.randint(0, 2, (32,))
for step in range(20):
    loss = nn.functional.cross_entropy(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print("trained", type(model).__module__)
"""

SMALL_TRAINING = """\
import pathlib, sys
import ember
assert pathlib.Path(ember.__file__).is_relative_to(sys.prefix), ember.__file__
assert (pathlib.Path(ember.__file__).parent / "py.typed").exists()
ember.manual_seed(0)
x = ember.randn(64, 3)
y = x @ ember.tensor([[1.0], [-2.0], [0.5]])
model = ember.nn.Linear(3, 1)
optimizer = ember.optim.Adam(model.parameters(), lr=0.1)
for step in range(200):
    loss = ember.nn.functional.mse_loss(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(f"loss {loss.item():.6f} version {ember.__version__}")
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The bin folder of a fresh venv with the wheel installed, and a working folder outside the checkout."""
    pytest.importorskip("build", reason="the test extra: pip install -e '.[test]'")
    here = tmp_path_factory.mktemp("wheel")
    dist = here / "dist"
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    assert len(list(dist.glob("ember-*.tar.gz"))) == 1
    wheel, = dist.glob("ember-*.whl")
    env_dir = here / "venv"
    venv.create(env_dir, with_pip=False)
    bin_dir = env_dir / "bin"
    site, = (env_dir / "lib").glob("python*/site-packages")
    (site / "lent.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(bin_dir / "python"), "install", "--no-deps",
                    "--no-index", "-q", str(wheel)], check=True, capture_output=True, timeout=300)
    work = here / "work"
    work.mkdir()
    return bin_dir, work


def run(installed, *command):
    bin_dir, work = installed
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    done = subprocess.run([str(bin_dir / command[0]), *command[1:]], cwd=work, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_the_wheel_has_the_version_and_the_command(installed):
    assert run(installed, "ember", "--version").strip() == f"ember {ember.__version__}"


def test_import_ember_and_train_from_the_wheel(installed):
    out = run(installed, "python", "-c", SMALL_TRAINING)
    loss, version = float(out.split()[1]), out.split()[3]
    assert loss < 1e-3 and version == ember.__version__


def test_ember_train_from_the_wheel(installed):
    out = run(installed, "ember", "train", "--epochs", "1", "--no-progress", "--out", "run")
    assert "test accuracy" in out
    assert (installed[1] / "run" / "best.safetensors").exists()


def test_ember_run_of_a_pytorch_script_from_the_wheel(installed):
    (installed[1] / "train.py").write_text(textwrap.dedent(TORCH_SCRIPT))
    assert run(installed, "ember", "run", "train.py").strip() == "trained ember.nn.containers"
