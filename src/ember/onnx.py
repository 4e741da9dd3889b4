"""ember.onnx (torch.onnx): exporting a model to an ONNX file, which onnxruntime and other runtimes run
without Python. The exporter is ember/io/onnx_export.py; the op-by-op translation ember/io/onnx_ops.py."""

from .io.onnx_export import ExportError, export  # noqa: F401
from .io.onnx_export import is_exporting as is_in_onnx_export  # noqa: F401


def __getattr__(name):
    from . import omissions
    raise omissions.missing("torch.onnx", name)
