"""Errors that carry a message meant for the user.

The command line turns every :class:`StridelabError` into a one-line message and a non-zero
exit code; anything else is a bug.
"""

from __future__ import annotations

from pathlib import Path


class StridelabError(Exception):
    """An error caused by the input or the request, with a message for the user."""


class InputFileError(StridelabError):
    """A file that cannot be used: missing, unreadable, wrong format or content.

    Parameters
    ----------
    path
        The offending file; the message names it.
    problem
        What is wrong, in words the user understands.
    """

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")

    def __reduce__(self):
        # raised in pose processes and sent back pickled: rebuild from (path, problem)
        return (self.__class__, (self.path, self.problem))


class TooFewContactsError(InputFileError):
    """Too few foot contacts to measure strides.

    Parameters
    ----------
    path, problem
        As for :class:`InputFileError`.
    rhythm_cadence_spm
        The cadence the feet's rhythm gives (steps/min), when the detector found one: a slow
        motion clip has a rhythm far too slow, and is better named as such.
    """

    def __init__(self, path: str | Path, problem: str,
                 rhythm_cadence_spm: float | None = None) -> None:
        super().__init__(path, problem)
        self.rhythm_cadence_spm = rhythm_cadence_spm

    def __reduce__(self):
        return (self.__class__, (self.path, self.problem, self.rhythm_cadence_spm))


class DecoderError(InputFileError):
    """A file whose native decoder crashed, ran out of time or memory, or failed unexpectedly.

    The decoding ran in a child process (:mod:`stridelab.io.isolate`), so the caller goes on.

    Parameters
    ----------
    path, problem
        As for :class:`InputFileError`.
    """
