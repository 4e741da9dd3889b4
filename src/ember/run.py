"""`ember run SCRIPT [ARGS...]` (also `python -m ember.run`): run a PyTorch program, unchanged, on ember.

The program runs as `python SCRIPT ARGS...` would run it, except that `import torch` and every torch
module path ember has (ember.torch_hook.MODULES) give ember: `sys.argv` is [SCRIPT, ARGS...],
`__name__` is "__main__", `sys.path[0]` is the script's folder (so its own modules import), and the
exit status is the program's: what it passes to sys.exit, 0 when it ends, 1 (after the traceback) when
an exception escapes it. Under `mpiexec -n N ember run SCRIPT` each process runs it with RANK, WORLD_SIZE
and LOCAL_RANK set, as torchrun sets them, and an exception that escapes one rank ends every rank.
`ember run -m MODULE ARGS...` runs a module as `python -m MODULE` does, so the relative imports of its
package work. A name ember lacks fails with an error that says so.
"""

import os
import re
import runpy
import sys
import traceback

from . import distributed, omissions, torch_hook

USAGE = "usage: {prog} SCRIPT [ARGS...]  or  {prog} -m MODULE [ARGS...]"


def run(target, args=(), module=False):
    """Run the script at path target (or the module named target) with torch resolved to ember; its exit
    status (a SystemExit of the program goes through, as in Python)."""
    torch_hook.as_torch()
    distributed.launcher.export_torch_variables()
    try:
        if module:
            sys.argv = ["-m", *args]
            sys.path[0] = os.getcwd()
            runpy.run_module(target, run_name="__main__", alter_sys=True)
        else:
            sys.argv = [target, *args]
            sys.path[0] = os.path.dirname(os.path.abspath(target))
            runpy.run_path(target, run_name="__main__")
    except SystemExit:
        raise
    except BaseException as error:  # KeyboardInterrupt too: Python prints its traceback as well
        _print_error(error)
        distributed.end_every_rank(error)
        return 130 if isinstance(error, KeyboardInterrupt) else 1
    return 0


def _print_error(error):
    """The traceback as Python prints it for a script (from the script's frame on, without this runner's),
    and a line naming the torch name behind a failed `from torch... import name`."""
    runner_files = (__file__, runpy.__file__, "<frozen runpy>")  # runpy is frozen into Python 3.11 and later
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename in runner_files:
        tb = tb.tb_next
    traceback.print_exception(type(error), error, tb)
    note = _missing_name_note(error)
    if note:
        print(note, file=sys.stderr)


def _missing_name_note(error):
    """`from torch.nn.functional import x` of a name ember lacks fails with Python's own "cannot import
    name 'x' from 'ember.functional'": say which torch name that is, with the ledger's reason."""
    if not isinstance(error, ImportError) or error.name not in torch_hook.MODULES.values():
        return None
    found = re.match(r"cannot import name '(\w+)'", str(error))
    if not found:
        return None
    namespace = next(torch_name for torch_name, ember_name in torch_hook.MODULES.items() if ember_name == error.name)
    return omissions.message(namespace, found.group(1))


def main(argv=None, prog="python -m ember.run"):
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help") or argv == ["-m"]:
        print(USAGE.format(prog=prog), file=sys.stdout if argv[:1] in (["-h"], ["--help"]) else sys.stderr)
        return 0 if argv[:1] in (["-h"], ["--help"]) else 2
    if argv[0] == "-m":
        return run(argv[1], argv[2:], module=True)
    if not os.path.isfile(argv[0]):
        print(f"{prog}: can't open file {os.path.abspath(argv[0])!r}: no such file", file=sys.stderr)
        return 2
    return run(argv[0], argv[1:])


if __name__ == "__main__":
    sys.exit(main())
