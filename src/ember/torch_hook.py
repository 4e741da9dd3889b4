"""The import hook that makes `import torch` give ember: PyTorch's module paths, mapped onto ember's.

MODULES is the one table of the torch modules ember has, and the ember module each one is. With the
hook installed (`ember.as_torch()`, or `ember run SCRIPT`), `import torch.nn as nn` gives ember.nn and
`from torch.utils.data import DataLoader` ember.data's DataLoader: the same module objects, so a class
is the same class under both names. A torch module not in the table fails to import with an error that
says so (`ember has no torch.fft`, with the reason when the ledger in ember.omissions gives one).
"""

import importlib
import importlib.abc
import importlib.util
import sys

# PyTorch splits torch.nn into files (torch.nn.modules.linear, .conv, ...) other than ember's (PyTorch keeps
# MultiheadAttention in activation.py, GroupNorm in normalization.py): each of them is ember.nn, which has
# every layer.
_NN_FILES = ("activation", "adaptive", "batchnorm", "channelshuffle", "container", "conv", "distance", "dropout",
             "flatten", "fold", "instancenorm", "lazy", "linear", "loss", "module", "normalization", "padding",
             "pixelshuffle", "pooling", "rnn", "sparse", "transformer", "upsampling")

MODULES = {
    "torch": "ember",
    "torch.accelerator": "ember.accelerator",
    "torch.amp": "ember.amp",
    "torch.autograd": "ember.autograd",
    "torch.autograd.function": "ember.autograd_function",
    "torch.autograd.functional": "ember.autograd_functional",
    "torch.backends": "ember.backends",
    "torch.backends.cuda": "ember.backends.cuda",
    "torch.backends.cudnn": "ember.backends.cudnn",
    "torch.backends.mps": "ember.backends.mps",
    "torch.compiler": "ember.compiler",
    "torch.cpu": "ember.cpu",
    "torch.cuda": "ember.cuda",
    "torch.cuda.amp": "ember.cuda.amp",
    "torch.distributed": "ember.distributed",
    "torch.distributions": "ember.distributions",
    "torch.distributions.categorical": "ember.distributions",
    "torch.distributions.normal": "ember.distributions",
    "torch.linalg": "ember.linalg",
    "torch.nn": "ember.nn",
    "torch.nn.functional": "ember.functional",
    "torch.nn.init": "ember.nn.init",
    "torch.nn.modules": "ember.nn",
    **{f"torch.nn.modules.{name}": "ember.nn" for name in _NN_FILES},
    "torch.nn.parallel": "ember.nn.parallel",
    "torch.nn.parameter": "ember.nn.parameter",
    "torch.nn.utils": "ember.nn.utils",
    "torch.nn.utils.clip_grad": "ember.nn.utils.clip_grad",
    "torch.nn.utils.convert_parameters": "ember.nn.utils.convert_parameters",
    "torch.nn.utils.fusion": "ember.nn.utils.fusion",
    "torch.nn.utils.parametrizations": "ember.nn.utils.parametrizations",
    "torch.nn.utils.parametrize": "ember.nn.utils.parametrize",
    "torch.nn.utils.rnn": "ember.nn.utils.rnn",
    "torch.nn.utils.spectral_norm": "ember.nn.utils.spectral_norm",
    "torch.nn.utils.stateless": "ember.nn.utils.stateless",
    "torch.nn.utils.weight_norm": "ember.nn.utils.weight_norm",
    "torch.onnx": "ember.onnx",
    "torch.optim": "ember.optim",
    "torch.optim.lr_scheduler": "ember.optim.lr_scheduler",
    "torch.optim.optimizer": "ember.optim.optimizer",
    "torch.optim.swa_utils": "ember.optim.swa_utils",
    "torch.random": "ember.random",
    "torch.serialization": "ember.serialization",
    "torch.utils": "ember.utils",
    "torch.utils.data": "ember.data",
    "torch.utils.data.dataloader": "ember.data.dataloader",
    "torch.utils.data.dataset": "ember.data.dataset",
    "torch.utils.data.distributed": "ember.data.distributed",
    "torch.utils.data.sampler": "ember.data.sampler",
    "torch.utils.tensorboard": "ember.utils.tensorboard",
}


def is_torch_name(name):
    return name == "torch" or name.startswith("torch.")


def missing_module(name):
    """The error for a torch module that ember lacks: `ember has no torch.fft`, with the ledger's reason."""
    from . import omissions
    parent, _, child = name.rpartition(".")
    return ModuleNotFoundError(omissions.message(parent, child), name=name)


class TorchFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds `torch` and `torch.*` modules in MODULES, and loads each as the ember module it names."""

    def find_spec(self, name, path=None, target=None):
        if not is_torch_name(name):
            return None
        if name not in MODULES or importlib.util.find_spec(MODULES[name]) is None:
            raise missing_module(name)
        return importlib.util.spec_from_loader(name, self)

    def create_module(self, spec):
        return None  # a placeholder, which exec_module replaces in sys.modules

    def exec_module(self, module):
        # The import system returns what sys.modules holds after exec_module: the ember module itself.
        sys.modules[module.__name__] = importlib.import_module(MODULES[module.__name__])


FINDER = TorchFinder()


def as_torch(enable=True):
    """Make `import torch` (and each torch module path of MODULES) give ember in this interpreter, as
    `ember run` does for a script; for notebooks. as_torch(False) removes the hook again.

    While it is installed, every `import torch` in this process gets ember, a library's too. If PyTorch
    itself is already imported, as_torch() refuses (RuntimeError) rather than leave two torches side by
    side. as_torch(False) takes the hook and ember's torch entries out of sys.modules, so that a later
    `import torch` loads PyTorch; names already bound to ember (a `torch` variable) stay ember."""
    if not enable:
        if FINDER in sys.meta_path:
            sys.meta_path.remove(FINDER)
        for name in [name for name, module in sys.modules.items() if is_torch_name(name)]:
            if getattr(sys.modules[name], "__name__", "").split(".")[0] == "ember":
                del sys.modules[name]
        return
    torch = sys.modules.get("torch")
    if torch is not None and getattr(torch, "__name__", None) != "ember":
        raise RuntimeError("as_torch(): PyTorch is already imported in this interpreter; call ember.as_torch() "
                           "before anything imports torch (restart the kernel), so that one torch is in use")
    if FINDER not in sys.meta_path:
        sys.meta_path.insert(0, FINDER)
