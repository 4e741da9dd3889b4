"""einsum: products of tensors written as Einstein's summation convention ("ij,jk->ik" is a matrix product).

Each operand's dimensions get a letter; the result has the output's letters, and every letter that is
not in the output is summed over. "..." stands for dimensions that broadcast, as in NumPy; without "->"
the output is "..." and then the letters that appear once, in alphabetical order.
"""

import string

from ..autograd import Function
from .reduce import accumulating
from .shape import expand

_LETTERS = string.ascii_uppercase + string.ascii_lowercase  # sublist integers 0..51 name these, in order


class Einsum(Function):
    """The sum over the letters not in the output of the product of the operands, each indexed by its letters.

    An operand's gradient is the same kind of sum: the upstream gradient times every other operand, summed
    into the operand's letters. A letter the operand has twice (a diagonal, "ii") is written there as two
    letters tied by an identity matrix; a letter only that operand has (summed over at once) is spread over
    by a vector of ones. The operands come with their letters' sizes (broadcast beforehand).
    """

    def forward(ctx, *operands, letters, output):
        ctx.save_for_backward(*operands)
        ctx.letters, ctx.output = letters, output
        return ctx.xp.einsum(",".join(letters) + "->" + output, *operands, optimize=True)

    def backward(ctx, grad):
        return tuple(_operand_gradient(ctx, i, grad) if needed else None
                     for i, needed in enumerate(ctx.needs_input_grad))


def _operand_gradient(ctx, i, grad):
    xp, operands, letters = ctx.xp, ctx.saved, ctx.letters
    terms = [(ctx.output, grad)] + [(letters[j], operands[j]) for j in range(len(operands)) if j != i]
    seen = set("".join(name for name, _ in terms))
    unused = (c for c in _LETTERS if c not in "".join(letters) + ctx.output)
    target = ""
    for letter, size in zip(letters[i], operands[i].shape):
        if letter in target:
            twin = next(unused)
            terms.append((letter + twin, xp.eye(size, dtype=grad.dtype)))
            letter = twin
        elif letter not in seen:
            terms.append((letter, xp.ones(size, dtype=grad.dtype)))
        target += letter
    equation = ",".join(name for name, _ in terms) + "->" + target
    return xp.einsum(equation, *(array for _, array in terms), optimize=True)


# ---------------------------------------------------------------------------------------------
# Reading the equation.

def _from_sublists(arguments):
    """einsum(op1, [0, 1], op2, [1, 2], [0, 2]) as the equation "AB,BC->AC" and its operands."""
    def spelled(sublist):
        return "".join("..." if s is Ellipsis else _LETTERS[s] for s in sublist)
    has_output = len(arguments) % 2 == 1
    pairs = arguments[:len(arguments) - has_output]
    equation = ",".join(spelled(s) for s in pairs[1::2])
    if has_output:
        equation += "->" + spelled(arguments[-1])
    return equation, list(pairs[0::2])


def _parse(equation, operands):
    """(each operand's letters, the output's letters), with "..." spelled out as letters of its own
    (aligned from the right, as broadcasting aligns dimensions)."""
    equation = equation.replace(" ", "")
    inputs, arrow, output = equation.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(operands):
        raise RuntimeError(f"einsum(): the equation {equation!r} has {len(terms)} operands, got {len(operands)}")
    for c in equation.replace("...", "").replace(",", "").replace("->", ""):
        if c not in _LETTERS:
            raise RuntimeError(f"einsum(): subscripts must be letters a-z and A-Z, got {c!r} in {equation!r}")
    spare = [c for c in _LETTERS if c not in equation]
    ellipsis = max((x.ndim - len(t) + 3 for t, x in zip(terms, operands) if "..." in t), default=0)
    broadcast = "".join(spare[:ellipsis])
    letters = []
    for i, (term, x) in enumerate(zip(terms, operands)):
        named = len(term.replace("...", ""))
        if ("..." not in term and named != x.ndim) or named > x.ndim:
            raise RuntimeError(f"einsum(): operand {i} has {x.ndim} dimensions, but {term!r} names {named} "
                               "(and no '...' stands for more)")
        dims = x.ndim - named
        letters.append(term.replace("...", broadcast[ellipsis - dims:]))
    if not arrow:
        once = sorted(c for c in set(inputs) if c in _LETTERS and inputs.count(c) == 1)
        return letters, broadcast + "".join(once)
    output = output.replace("...", broadcast)
    for c in output:
        if output.count(c) > 1 or c not in "".join(letters):
            raise RuntimeError(f"einsum(): the output letter {c!r} appears more than once or in no operand")
    return letters, output


def _sizes(letters, operands):
    """Each letter's size, from the operands whose dimension it names (sizes of 1 broadcast)."""
    sizes = {}
    for term, x in zip(letters, operands):
        for letter, n in zip(term, x.shape):
            known = sizes.setdefault(letter, n)
            if 1 not in (n, known) and n != known:
                raise RuntimeError(f"einsum(): letter {letter!r} has size {n} in one operand and {known} in another, "
                                   "which do not broadcast")
            if known == 1:
                sizes[letter] = n
    return sizes


def einsum(*args):
    """einsum(equation, *operands), or with the operands in one list, or PyTorch's sublist form
    einsum(op1, [0, 1], op2, [1, 2], [0, 2]): see this module's docstring."""
    if args and not isinstance(args[0], str):
        equation, operands = _from_sublists(args)
    else:
        equation, operands = args[0], list(args[1:])
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = list(operands[0])
    if not operands:
        raise RuntimeError("einsum(): expected at least one operand")
    dtypes = sorted({str(x.dtype) for x in operands})
    if len(dtypes) > 1:
        raise RuntimeError(f"einsum(): expected operands of one dtype, got {' and '.join(dtypes)}")
    if len(operands) > 1 and dtypes == ["bool"]:
        raise RuntimeError("einsum(): expected numbers, got bool operands (PyTorch has no product of bool matrices)")
    letters, output = _parse(equation, operands)
    if len(operands) == 1 and set(letters[0]) - set(output):
        operands = [accumulating(operands[0], None)]  # a sum of one operand is torch.sum's: integers as int64
    sizes = _sizes(letters, operands)
    full = [expand(x, tuple(sizes[c] for c in term)) for term, x in zip(letters, operands)]
    return Einsum.apply(*full, letters=tuple(letters), output=output)
