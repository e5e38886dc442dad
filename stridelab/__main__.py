"""``python -m stridelab`` and the ``stridelab`` command.

The command line is imported only when it runs: worker processes (spawn) import the main
module again, and they need MediaPipe, not Typer and Rich.
"""

import os
import sys


def _exit_code(code: object) -> int:
    """The status :class:`SystemExit` stands for (as Python's own exit maps it)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def main() -> None:
    """Run the ``stridelab`` command, then end the process at once.

    Every file is written and closed and every worker process has ended by the time the
    command returns; Python's own teardown of pandas, SciPy and Matplotlib would then add about
    0.3 s to each run, so the output is flushed and the process ends without it. Set
    ``STRIDELAB_SLOW_EXIT=1`` for tools that need the normal exit (coverage of subprocesses).
    """
    from stridelab.cli.main import run

    try:
        run()
        code = 0
    except SystemExit as exc:
        code = _exit_code(exc.code)
    if os.environ.get("STRIDELAB_SLOW_EXIT") == "1":
        sys.exit(code)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
