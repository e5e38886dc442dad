"""``python -m stridelab`` and the ``stridelab`` command.

The command line is imported only when it runs: worker processes (spawn) import the main
module again, and they need MediaPipe, not Typer and Rich.
"""

import os
import signal
import sys


def _exit_code(code: object) -> int:
    """The status :class:`SystemExit` stands for (as Python's own exit maps it)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


class Signalled(BaseException):
    """Raised in the main thread on SIGINT or SIGTERM, so that every ``with`` block unwinds.

    Not a :class:`KeyboardInterrupt`: Click turns that into "Aborted!" and status 1, and a
    caller (a shell, a script) should see 128 + the signal's number.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _on_signal(signum: int, frame: object) -> None:
    """First SIGINT/SIGTERM: unwind (pools end their workers); a second one: end now."""
    if getattr(_on_signal, "seen", False):
        _end_now(128 + signum)
    _on_signal.seen = True
    raise Signalled(signum)


def _end_now(code: int) -> None:
    """Flush the output, end every worker process still running, and end this process."""
    from stridelab.parallel import end_all_workers

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more to say
            pass
    end_all_workers()
    os._exit(code)


def main() -> None:
    """Run the ``stridelab`` command, then end the process at once.

    Every file is written and closed and every worker process has ended by the time the
    command returns; Python's own teardown of pandas, SciPy and Matplotlib would then add about
    0.3 s to each run, so the output is flushed and the process ends without it (after ending
    any worker still winding down: one left behind would keep a pipe to the caller open). Set
    ``STRIDELAB_SLOW_EXIT=1`` for tools that need the normal exit (coverage of subprocesses).

    SIGINT (Ctrl-C) and SIGTERM unwind the command like an error: the worker processes are
    ended, temporary files removed, and the status is 130 (SIGINT) or 143 (SIGTERM).
    """
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _on_signal)
    try:
        try:
            from stridelab.cli.main import run

            run()
            code = 0
        except SystemExit as exc:
            code = _exit_code(exc.code)
    except Signalled as sig:
        print("interrupted" if sig.signum == signal.SIGINT else "terminated", file=sys.stderr)
        code = 128 + sig.signum
    if os.environ.get("STRIDELAB_SLOW_EXIT") == "1":
        from stridelab.parallel import end_all_workers

        end_all_workers()
        sys.exit(code)
    _end_now(code)


if __name__ == "__main__":
    main()
