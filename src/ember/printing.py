"""How tensors print, as PyTorch prints them: the options of set_printoptions, and the float format.

Tensor.__repr__ hands its array to NumPy's array2string with the arguments made here.
"""

import numpy as np

PRINT_OPTIONS = {}
_PROFILES = {"default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
             "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
             "full": dict(precision=4, threshold=np.inf, edgeitems=3, linewidth=80)}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    """How tensors print: precision (digits after the point), threshold (more elements than this are
    summarized), edgeitems (elements shown at each end of a summarized dimension), linewidth (characters
    a line), profile ("default", "short" or "full": sets the four at once), sci_mode (True: always
    scientific notation, False: never, None: when the magnitudes ask for it)."""
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"set_printoptions: profile must be one of {', '.join(_PROFILES)}, got {profile!r}")
        PRINT_OPTIONS.update(_PROFILES[profile])
    given = dict(precision=precision, threshold=threshold, edgeitems=edgeitems, linewidth=linewidth)
    PRINT_OPTIONS.update({name: value for name, value in given.items() if value is not None}, sci_mode=sci_mode)


set_printoptions(profile="default")


def array2string_options(data):
    """NumPy's array2string arguments for PRINT_OPTIONS. PyTorch's lines hold linewidth characters before
    the trailing comma, which NumPy counts too: hence the + 1."""
    options = dict(precision=PRINT_OPTIONS["precision"], threshold=PRINT_OPTIONS["threshold"],
                   edgeitems=PRINT_OPTIONS["edgeitems"], max_line_width=PRINT_OPTIONS["linewidth"] + 1,
                   floatmode=_float_mode(data))
    if data.dtype.kind == "f" and PRINT_OPTIONS["sci_mode"] is False:
        options["suppress_small"] = True
    elif data.dtype.kind == "f" and PRINT_OPTIONS["sci_mode"]:
        options["formatter"] = {"float_kind": _scientific(data, PRINT_OPTIONS["precision"])}
    elif data.dtype.kind == "b":  # padded to the widest word present, as PyTorch pads: [True, True], [ True, False]
        width = 4 if data.all() else 5
        options["formatter"] = {"bool": lambda value: str(bool(value)).rjust(width)}
    return options


def _scientific(data, digits):
    """A formatter of numbers in scientific notation, right-aligned to the widest of data's."""
    def plain(value):
        return np.format_float_scientific(value, digits, unique=False)
    width = max((len(plain(v)) for v in data.ravel()), default=0)
    return lambda value: plain(value).rjust(width)


def _float_mode(data):
    """How PyTorch prints floats: with 4 decimals ("1.5000", "1.0000e-05"), except that whole
    numbers not needing scientific notation get none ("2.")."""
    if data.dtype.kind != "f":
        return "maxprec"
    magnitudes = np.abs(data[np.isfinite(data) & (data != 0)])
    if magnitudes.size == 0:
        return "maxprec"
    whole = (magnitudes == np.floor(magnitudes)).all()
    largest, smallest = float(magnitudes.max()), float(magnitudes.min())  # Python floats: no float16 overflow
    plain = largest < 1e8 and largest <= 1000 * smallest
    return "maxprec" if whole and plain else "fixed"


def with_extras(text, extras):
    """text ("tensor(" and the numbers) followed by the extras (dtype=..., grad_fn=...), each on the same line while
    that line keeps within linewidth, as PyTorch lays them out (counting two characters more), else on a line of
    its own under the numbers."""
    width = len(text.rsplit("\n", 1)[-1]) + 2
    for extra in extras:
        if width + len(extra) + 2 > PRINT_OPTIONS["linewidth"]:
            text += ",\n" + " " * len("tensor(") + extra
            width = len("tensor(") + len(extra)
        else:
            text += ", " + extra
            width += len(extra) + 2
    return text
