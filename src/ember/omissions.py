"""The API ledger's omissions: the PyTorch names ember leaves out, each with its reason (placeholder)."""

import fnmatch

OUT_OF_SCOPE = {}
OMITTED = {}


def reason(namespace, name):
    """Why ember leaves namespace.name out, or None when the ledger does not list it."""
    if name in OMITTED.get(namespace, {}):
        return OMITTED[namespace][name]
    for pattern, why in OUT_OF_SCOPE.get(namespace, {}).items():
        if fnmatch.fnmatchcase(name, pattern):
            return why
    return None


def message(namespace, name):
    """What an error says of a PyTorch name that ember lacks: 'ember has no torch.nn.Foo', with the reason."""
    why = reason(namespace, name)
    return f"ember has no {namespace}.{name}" + (f": {why}" if why else "")


def missing(namespace, name):
    """The AttributeError for namespace.name, a PyTorch name that ember lacks (see message)."""
    return AttributeError(message(namespace, name))
