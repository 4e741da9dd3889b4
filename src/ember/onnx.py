"""ember.onnx (torch.onnx): exporting a model to an ONNX file, which is not in ember yet.

It can be imported, and model code that asks is_in_onnx_export() gets False; export() raises an error
saying so.
"""


def export(model, args=(), f=None, *more, **options):
    """Not in ember yet: raises an error saying so."""
    raise NotImplementedError("torch.onnx.export: exporting to ONNX is not in ember yet; save the weights with "
                              "torch.save(model.state_dict(), path), a safetensors file other tools read")


def is_in_onnx_export():
    """False: ember never runs a model for an ONNX export."""
    return False


def __getattr__(name):
    from . import omissions
    raise omissions.missing("torch.onnx", name)
