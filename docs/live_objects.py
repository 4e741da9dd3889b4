"""A griffe extension for the API pages (mkdocs.yml loads it), for what griffe reads off live objects:

- a class attribute that holds a plain value (spatial_dims = 2, mode = "reflect", Backend.GLOO = "gloo") has no
  docstring of its own, and griffe would show its value's type's (int's, str's): it gets none, so that it stays
  off the pages;
- a property gets the type its getter returns (Tensor.shape: Size), which griffe leaves out.
"""

import inspect

import griffe


class LiveObjects(griffe.Extension):
    """Drops the docstrings attributes borrow from their values' types; gives properties their types."""

    def on_attribute_instance(self, *, node, attr, agent, **kwargs):
        value = getattr(node, "obj", None)
        if isinstance(value, property) and value.fget is not None:
            returns = inspect.signature(value.fget).return_annotation
            if returns is not inspect.Signature.empty:
                attr.annotation = returns if isinstance(returns, str) else getattr(returns, "__name__", str(returns))
        elif attr.docstring is not None and getattr(value, "__doc__", None) == getattr(type(value), "__doc__", None):
            attr.docstring = None
